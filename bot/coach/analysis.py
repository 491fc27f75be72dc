"""Named analyses a flow step can call, and option lists built from what the user wrote."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.coach.lexicon import Lexicon, load_lexicon
from bot.coach.normalize import normalise
from bot.content.yamlfiles import ContentError, read_yaml

DEFAULT_LOCALE = "en"
MAX_FEELING_BUTTONS = 9


@dataclass(frozen=True)
class Language:
    """What the coach knows of one language: lexicons, feeling words, sentence starters."""

    lexicons: dict[str, Lexicon]
    feelings_offered: tuple[str, ...]
    feeling_words: re.Pattern[str]
    starters: frozenset[str]


def _load_language(folder: Path) -> Language:
    lexicons = {p.stem: load_lexicon(p) for p in sorted((folder / "lexicons").glob("*.yaml"))}
    feelings = read_yaml(folder / "feelings.yaml") or {}
    offered = tuple(str(w) for w in feelings.get("offered") or [])
    words = [str(w) for w in (feelings.get("words") or [])] + list(offered)
    if not offered:
        raise ContentError(f"{folder / 'feelings.yaml'}: `offered` must list feeling words")
    alternation = "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))
    grammar = read_yaml(folder / "grammar.yaml") or {}
    return Language(
        lexicons=lexicons,
        feelings_offered=offered,
        feeling_words=re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"),
        starters=frozenset(str(w).casefold() for w in grammar.get("sentence_starters") or []),
    )


class Analyst:
    """Runs lexicon analyses and builds option lists; knows nothing of chats or storage."""

    def __init__(self, data_dir: Path) -> None:
        self.languages = {
            folder.name: _load_language(folder)
            for folder in sorted(data_dir.iterdir())
            if folder.is_dir() and (folder / "feelings.yaml").exists()
        }
        if DEFAULT_LOCALE not in self.languages:
            raise ContentError(
                f"{data_dir}: data for the default locale '{DEFAULT_LOCALE}' is missing"
            )

    def language(self, locale: str) -> Language:
        return self.languages.get(locale) or self.languages[DEFAULT_LOCALE]

    @property
    def analyses(self) -> set[str]:
        """Names a flow may use in `analyse:`."""
        return set(self.languages[DEFAULT_LOCALE].lexicons)

    @property
    def option_sources(self) -> set[str]:
        """Names a flow may use in `options_from:`."""
        return {"feelings"}

    def starters(self) -> dict[str, frozenset[str]]:
        return {locale: lang.starters for locale, lang in self.languages.items()}

    def analyse(self, name: str, text: str, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
        """Findings of one lexicon on a text, shaped for templates and conditions."""
        lexicon = self.language(locale).lexicons[name]
        matches = lexicon.find(normalise(text))
        categories = list(dict.fromkeys(m.category for m in matches))
        return {
            "flagged": bool(matches),
            "matches": [{"category": m.category, "text": m.text} for m in matches],
            "categories": categories,
        }

    def options(
        self, source: str, answers: dict[str, Any], locale: str = DEFAULT_LOCALE
    ) -> list[tuple[str, str]]:
        """Buttons as (value, label) pairs; only 'feelings' exists so far."""
        if source != "feelings":
            raise KeyError(source)
        return [(word, word) for word in self.feelings(answers.values(), locale)]

    def feelings(self, texts: Iterable[Any], locale: str = DEFAULT_LOCALE) -> list[str]:
        """Feeling words the user already used, then the usual ones: a phone screen's worth."""
        lang = self.language(locale)
        used: list[str] = []
        for text in texts:
            if isinstance(text, str):
                used += lang.feeling_words.findall(normalise(text))
        words = list(dict.fromkeys([*used, *lang.feelings_offered]))
        return words[:MAX_FEELING_BUTTONS]
