"""Pattern lexicons from data/: categories of regular expressions, compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.content.yamlfiles import ContentError, read_yaml


@dataclass(frozen=True)
class Match:
    """One finding: the category and the words, as normalised."""

    category: str
    text: str
    start: int


@dataclass(frozen=True)
class Lexicon:
    """Named categories, each one compiled alternation, plus exceptions that cancel a match."""

    categories: dict[str, re.Pattern[str]]
    exceptions: re.Pattern[str] | None

    def find(self, normalised: str) -> list[Match]:
        """Every non-overlapping match, in reading order, skipping exception spans."""
        spared = [m.span() for m in self.exceptions.finditer(normalised)] if self.exceptions else []
        found: list[Match] = []
        taken: list[tuple[int, int]] = []
        for category, pattern in self.categories.items():
            for m in pattern.finditer(normalised):
                span = m.span()
                if any(_overlaps(span, other) for other in spared + taken):
                    continue
                taken.append(span)
                found.append(Match(category, m.group(0).strip(), span[0]))
        return sorted(found, key=lambda match: match.start)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _compile(patterns: list[str], where: str) -> re.Pattern[str]:
    try:
        return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?!\w)")
    except re.error as exc:
        raise ContentError(f"{where}: bad pattern: {exc}") from None


def load_lexicon(path: Path) -> Lexicon:
    """Read `categories: {name: {patterns: [...]}}` and optional `exceptions: [...]`."""
    data = read_yaml(path) or {}
    raw = data.get("categories")
    if not isinstance(raw, dict) or not raw:
        raise ContentError(f"{path}: needs a non-empty `categories` mapping")
    categories = {}
    for name, spec in raw.items():
        patterns = (spec or {}).get("patterns") or []
        if not patterns or not all(isinstance(p, str) for p in patterns):
            raise ContentError(f"{path}: category '{name}' needs a list of quoted patterns")
        categories[name] = _compile(patterns, f"{path}:{name}")
    exceptions = data.get("exceptions") or []
    return Lexicon(categories, _compile(exceptions, f"{path}:exceptions") if exceptions else None)
