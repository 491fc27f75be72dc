"""The lexicon screen: the fast, explainable floor of the safety screen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.coach.safety.loading import load_locale
from bot.coach.safety.rules import FAMILIES, Category, Family, LocaleRules
from bot.coach.safety.spelling import forms
from bot.content.yamlfiles import ContentError

DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class LexiconMatch:
    """What the lexicon found: whose harm, whether it is happening now, and which categories."""

    family: Family
    immediate: bool
    categories: tuple[str, ...]


class LexiconScreen:
    """Matches free text against each locale's safety lexicon; knows nothing of chats."""

    def __init__(self, data_dir: Path) -> None:
        self.locales = {
            folder.name: load_locale(folder / "safety")
            for folder in sorted(data_dir.iterdir())
            if (folder / "safety").is_dir()
        }
        if DEFAULT_LOCALE not in self.locales:
            raise ContentError(f"{data_dir}: safety data for '{DEFAULT_LOCALE}' is missing")

    def rules(self, locale: str) -> LocaleRules:
        """The locale's rules, or the default locale's when it has none."""
        return self.locales.get(locale) or self.locales[DEFAULT_LOCALE]

    def screen(self, text: str, locale: str = DEFAULT_LOCALE) -> LexiconMatch | None:
        """A match if the text speaks of danger, else None."""
        return self.read(text, locale)[0]

    def read(self, text: str, locale: str = DEFAULT_LOCALE) -> tuple[LexiconMatch | None, bool]:
        """A match or None, and whether the text says a danger is plainly over."""
        rules = self.rules(locale)
        found: dict[Family, list[Category]] = {}
        resolved = False
        for form, words in forms(text, rules.spelling):
            for family in rules.families:
                for category in family.find(form, words):
                    matched = found.setdefault(family.family, [])
                    if category not in matched:
                        matched.append(category)
            resolved = resolved or rules.says_resolved(form)
        return (_signal(found) if found else None), resolved


def _signal(found: dict[Family, list[Category]]) -> LexiconMatch:
    """The family to act on (an immediate one first, then the tie order) and every category."""
    immediate = {f: any(c.immediate for c in cats) for f, cats in found.items()}
    ordered = [f for f in FAMILIES if f in found]
    family = next((f for f in ordered if immediate[f]), ordered[0])
    names = tuple(c.name for f in ordered for c in found[f])
    return LexiconMatch(family, immediate[family], names)
