"""Spelling rewrites before the lexicon matches: misspellings, slang, leetspeak, spacing."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from bot.coach.normalize import normalise

_ASCII_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation.replace("'", "")})
_NOT_TEXT = re.compile(r"[^\w\s']|_")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_STRETCHED = re.compile(r"(.)\1\1")
_SEPARATORS = re.compile(r"[ .\-_*·,]+")
_LONGEST_WORD = 24
_SINGLE_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)


@dataclass(frozen=True)
class Spelling:
    """Rewrites applied before matching: misspellings and slang, leetspeak, spaced letters."""

    canonical: dict[str, str]
    variant_words: frozenset[str]
    phrase_seconds: dict[str, frozenset[str]]
    longest_phrase: int
    leet: dict[int, str]
    leet_chars: frozenset[str]
    leet_token: re.Pattern[str]
    spaced: re.Pattern[str]
    vocabulary: frozenset[str]

    def correct(self, words: list[str]) -> list[str]:
        """Replace known misspellings and slang (words or phrases) with their canonical form."""
        touched = self.variant_words.intersection(words)
        if not touched:
            return words
        out: list[str] = []
        index = 0
        while index < len(words):
            word = words[index]
            size, replacement = self._phrase(words, index) if word in touched else (1, word)
            out.append(replacement)
            index += size
        return " ".join(out).split(" ")

    def _phrase(self, words: list[str], index: int) -> tuple[int, str]:
        """The longest known phrase or word starting at `index`, and how many words it takes."""
        following = words[index + 1] if index + 1 < len(words) else ""
        if following in self.phrase_seconds.get(words[index], ()):
            for size in range(min(self.longest_phrase, len(words) - index), 1, -1):
                phrase = " ".join(words[index : index + size])
                if phrase in self.canonical:
                    return size, self.canonical[phrase]
        return 1, self.canonical.get(words[index], words[index])

    def deleet(self, text: str) -> str:
        """Turn digits and symbols inside words back into letters: 'k1ll' -> 'kill'."""
        if self.leet_chars.isdisjoint(text):
            return text
        return self.leet_token.sub(self._deleet_token, text)

    def _deleet_token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip("!?")
        if not any(c.isalpha() for c in core) or core.lstrip(string.digits).isalpha():
            return token  # no letters, or a number and a unit: "3am", "2nd", "10pm"
        return core.translate(self.leet) + token[len(core) :]

    def despace(self, text: str) -> str:
        """Join letters spread out with spaces or dots ('k i l l', 's.u.i.c.i.d.e')."""
        return self.spaced.sub(self._join, text)

    def _join(self, match: re.Match[str]) -> str:
        joined = _REPEATS.sub(r"\1", self.deleet(_SEPARATORS.sub("", match.group(0))))
        return " ".join(segment(joined, self.vocabulary) or [joined])

    def variant(self, normalised: str, flat: str, words: list[str]) -> list[str] | None:
        """The words with leetspeak undone and spaced-out letters joined, if anything may hide."""
        deleeted = self.deleet(normalised)
        spaced = len(_SINGLE_CHARACTERS.intersection(words)) >= 3
        if deleeted == normalised and not spaced and not _STRETCHED.search(flat):
            return None
        return self.correct(squeeze(plain(self.despace(deleeted))).split(" "))


def squeeze(text: str) -> str:
    """Letters stretched three times or more become one: 'diiiie' -> 'die'."""
    return _REPEATS.sub(r"\1", text)


def segment(joined: str, vocabulary: frozenset[str]) -> list[str] | None:
    """Split run-together letters into the fewest known words, or None if they do not split."""
    best: list[list[str] | None] = [[]] + [None] * len(joined)
    for end in range(1, len(joined) + 1):
        for start in range(max(0, end - _LONGEST_WORD), end):
            head, current = best[start], best[end]
            if head is None or joined[start:end] not in vocabulary:
                continue
            if current is None or len(head) + 1 < len(current):
                best[end] = [*head, joined[start:end]]
    return best[-1]


def plain(text: str) -> str:
    """Punctuation (other than apostrophes) becomes space; spaces are single."""
    text = text.translate(_ASCII_PUNCTUATION)
    if not text.isascii():
        text = _NOT_TEXT.sub(" ", text)
    return " ".join(text.split())


def prepare(text: str, spelling: Spelling) -> list[str]:
    """The forms one message is matched in: plain, and de-spaced/de-leeted if that differs."""
    return [form for form, _ in forms(text, spelling)]


def forms(text: str, spelling: Spelling) -> list[tuple[str, frozenset[str]]]:
    """Each form to match, with its set of words."""
    normalised = normalise(text)
    flat = plain(normalised)
    words = flat.split(" ")
    corrected = spelling.correct(words)
    found = [(" ".join(corrected) if corrected is not words else flat, frozenset(corrected))]
    variant = spelling.variant(normalised, flat, words)
    if variant is not None and variant != corrected:
        found.append((" ".join(variant), frozenset(variant)))
    return found
