"""Recall and false alarms of the screen, per label and per category."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.coach.safety.screen import Verdict


@dataclass
class Tally:
    """Counts for one label or category: how many, and how many got a check or the crisis."""

    total: int = 0
    checks: int = 0
    crises: int = 0
    right_family: int = 0

    @property
    def answered(self) -> int:
        return self.checks + self.crises

    def add(self, verdict: Verdict, family: str | None) -> None:
        self.total += 1
        self.checks += verdict.tier == "check"
        self.crises += verdict.tier == "crisis"
        self.right_family += verdict.flagged and verdict.family == family

    def rate(self, count: int) -> float:
        return count / self.total if self.total else 0.0


@dataclass
class Report:
    """Tallies by label ('self', 'others', 'own', 'none') and by any other grouping."""

    by_label: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_group: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def lines(self) -> list[str]:
        """A readable table: recall for danger labels, false alarms for 'none'."""
        out = [_line(label, tally) for label, tally in sorted(self.by_label.items())]
        if self.by_group:
            out.append("")
            out += [_line(group, tally) for group, tally in sorted(self.by_group.items())]
        return out


FAMILY_OF = {"self": "self_harm", "others": "harm_from_others", "own": "own_violence"}


def evaluate(
    items: Iterable[tuple[str, tuple[str, ...], str]], screen: Callable[[str], Verdict]
) -> Report:
    """Screen each (label, groups, text); the text goes nowhere but the screen."""
    report = Report()
    for label, groups, text in items:
        verdict = screen(text)
        family = FAMILY_OF.get(label)
        report.by_label[label].add(verdict, family)
        for group in groups:
            report.by_group[group].add(verdict, family)
    return report


def _line(name: str, tally: Tally) -> str:
    answered = f"{tally.rate(tally.answered):6.1%}"
    crises = f"{tally.rate(tally.crises):6.1%}"
    checks = f"{tally.rate(tally.checks):6.1%}"
    return f"{name:32} n={tally.total:5}  answered {answered}  crisis {crises}  check {checks}"
