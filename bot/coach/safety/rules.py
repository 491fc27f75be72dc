"""What the lexicon knows of one language: families of patterns, their categories, exceptions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.coach.safety.gate import Gate
from bot.coach.safety.spelling import Spelling

Family = Literal["self_harm", "harm_from_others", "own_violence"]
FAMILIES: tuple[Family, ...] = ("self_harm", "harm_from_others", "own_violence")  # tie order
Span = tuple[int, int]


@dataclass(frozen=True)
class Category:
    """One named kind of danger, and whether it means danger right now."""

    name: str
    immediate: bool


@dataclass(frozen=True)
class FamilyRules:
    """One family's patterns (each tagged with its category) and the exceptions that cancel."""

    family: Family
    categories: tuple[Category, ...]
    patterns: tuple[tuple[int, re.Pattern[str]], ...]
    gate: Gate
    exceptions: tuple[re.Pattern[str], ...]
    exception_gate: Gate

    def find(self, form: str, words: frozenset[str]) -> list[Category]:
        """Categories with at least one match that no exception overlaps, in file order."""
        hits = [
            (self.patterns[i][0], span)
            for i in self.gate.candidates(form, words)
            for span in whole_word_spans(self.patterns[i][1], form)
        ]
        if not hits:
            return []
        spared = [
            span
            for i in self.exception_gate.candidates(form, words)
            for span in whole_word_spans(self.exceptions[i], form)
        ]
        kept = {c for c, span in hits if not any(_overlaps(span, s) for s in spared)}
        return [self.categories[i] for i in sorted(kept)]


@dataclass(frozen=True)
class LocaleRules:
    """Everything the screen knows of one language."""

    spelling: Spelling
    families: tuple[FamilyRules, ...]
    resolved: tuple[re.Pattern[str], ...] = ()

    def says_resolved(self, form: str) -> bool:
        """Whether the prepared text says the danger is plainly over."""
        return any(whole_word_spans(p, form) for p in self.resolved)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def whole_word_spans(pattern: re.Pattern[str], form: str) -> list[Span]:
    """Spans of the matches that start a word (patterns are compiled without the lookbehind,
    so that the regex engine can skip ahead to the letters a match can begin with)."""
    spans: list[Span] = []
    position = 0
    while (match := pattern.search(form, position)) is not None:
        start = match.start()
        if start and (form[start - 1].isalnum() or form[start - 1] in "'_"):
            position = start + 1
            continue
        spans.append(match.span())
        position = max(match.end(), start + 1)
    return spans
