"""Excuse patterns in an apology's responsibility step: table-driven, with hard negatives."""

from __future__ import annotations

import pytest

from bot.content.bundle import Content

FLAGGED = [
    ("I'm sorry you feel hurt", "conditional", "i'm sorry you feel"),
    ("I am sorry if I upset you", "conditional", "i am sorry if"),
    ("Sorry if that came across badly", "conditional", "sorry if"),
    ("I cheated, but you were never home", "deflecting", "but"),
    ("If you hadn't pushed me away this wouldn't have happened", "deflecting", "if you hadn't"),
    ("You made me do it", "deflecting", "you made me"),
    ("It happened because of you", "deflecting", "because of you"),
    ("It was partly your fault", "deflecting", "it was partly your fault"),
    ("It just happened", "minimising", "it just happened"),
    ("She meant nothing to me", "minimising", "she meant nothing"),
    ("It was only texting", "minimising", "it was only texting"),
    ("Anyone would have done the same", "minimising", "anyone would have"),
    ("It's not a big deal", "minimising", "it's not a big deal"),
    ("I was drunk", "circumstances", "i was drunk"),
    ("I was so stressed at work", "circumstances", None),
    ("I couldn't help it", "circumstances", "i couldn't help it"),
    ("She came on to me", "circumstances", "she came on to"),
    ("I’M SORRY YOU FEEL THAT WAY", "conditional", "i'm sorry you feel"),
]

CLEAN = [
    "I lied to you. That was my choice, and it was wrong.",
    "I'm sorry I hurt you.",
    "I am sorry that I lied to you for months.",
    "I did it, but I know that's no excuse.",
    "No excuses, but I want you to know I'm ashamed.",
    "It wasn't because of you; it was my decision.",
    "Nothing you did caused this.",
    "I take full responsibility for the affair.",
    "I broke your trust and I am responsible for the pain it caused.",
    "I chose to hide it from you.",
]


@pytest.mark.parametrize(("text", "category", "words"), FLAGGED)
def test_excuses_are_flagged(content: Content, text: str, category: str, words: str | None) -> None:
    result = content.analyst.analyse("excuse", text)
    assert result["flagged"], text
    assert category in result["categories"]
    if words:
        assert words in [m["text"] for m in result["matches"]]


@pytest.mark.parametrize("text", CLEAN)
def test_taking_responsibility_is_not_flagged(content: Content, text: str) -> None:
    result = content.analyst.analyse("excuse", text)
    assert not result["flagged"], result["matches"]
