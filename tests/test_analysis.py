"""The coach's language analysis: table-driven, with sentences that must not be flagged."""

from __future__ import annotations

import pytest

from bot.coach.normalize import normalise
from bot.content.bundle import Content

BLAME_FLAGGED = [
    ("You always make me feel insecure", {"generalising": "you always", "blaming": "make me feel"}),
    ("you NEVER listen to me", {"generalising": "you never"}),
    ("Every time you go out you lie", {"generalising": "every time you"}),
    ("You’re constantly on your phone", {"generalising": "you're constantly"}),
    ("It's all your fault", {"blaming": "it's all your fault"}),
    ("You made me so angry", {"blaming": "made me so"}),
    ("Because of you I can't sleep", {"blaming": "because of you"}),
    ("You're such a liar", {"contempt": "you're such a liar"}),
    ("you are pathetic", {"contempt": "you are pathetic"}),
    ("What is wrong with you", {"contempt": "what is wrong with you"}),
    ("Grow up.", {"contempt": "grow up"}),
    ("you idiot", {"contempt": "idiot"}),
    ("I feel like you don't care about me", {"pseudo_feeling": "i feel like you"}),
    ("I feel that you lied", {"pseudo_feeling": "i feel that you"}),
    ("I feel you are hiding something", {"pseudo_feeling": "i feel you are"}),
    ("I felt ignored by you", {"pseudo_feeling": "i felt ignored by you"}),
    ("You never make me laugh anymore", {"generalising": "you never"}),
    ("you\u200b always forget", {"generalising": "you always"}),
]

BLAME_CLEAN = [
    "When you came home at 2am without texting, I felt scared.",
    "I feel insecure, and I need to understand why.",
    "I feel like crying",
    "I felt stupid for not seeing it",
    "I always want us to be honest",
    "I never want to lose you",
    "You were late on Tuesday and I was worried",
    "Thank you, you always make me smile",
    "Would you be willing to text me if you'll be late?",
    "I need reassurance",
    "We made a plan together",
    "He makes me coffee every morning",
    "I'm afraid of making the same mistake",
    "usually we talk on Sundays",
]

DEFENSIVE_FLAGGED = [
    ("What I hear you saying is that you felt alone, but I was working", "arguing"),
    ("That's not what happened", "arguing"),
    ("Actually I called you twice", "arguing"),
    ("I didn't say that", "arguing"),
    ("You're overreacting", "arguing"),
    ("You always do this", "counter_blame"),
    ("What about when you lied to me?", "counter_blame"),
    ("It's not a big deal", "minimising"),
    ("You should just get over it", "minimising"),
]

DEFENSIVE_CLEAN = [
    "What I hear you saying is that you felt alone when I worked late",
    "What I hear you saying is you feel like I never listen",
    "You said that I always put work first",
    "What I hear is that you were scared when I didn't call",
    "You felt hurt and you want me to tell you where I am",
    "What I hear you saying is that you need honesty from me",
]


@pytest.mark.parametrize(("sentence", "expected"), BLAME_FLAGGED)
def test_blame_finds_the_words(content: Content, sentence: str, expected: dict[str, str]) -> None:
    result = content.analyst.analyse("blame", sentence)
    assert result["flagged"] is True
    found = {m["category"]: m["text"] for m in result["matches"]}
    assert found == expected


@pytest.mark.parametrize("sentence", BLAME_CLEAN)
def test_blame_leaves_clean_sentences_alone(content: Content, sentence: str) -> None:
    result = content.analyst.analyse("blame", sentence)
    assert result == {"flagged": False, "matches": [], "categories": []}


@pytest.mark.parametrize(("sentence", "category"), DEFENSIVE_FLAGGED)
def test_defensive_mirror_is_flagged(content: Content, sentence: str, category: str) -> None:
    result = content.analyst.analyse("defensive", sentence)
    assert category in result["categories"]


@pytest.mark.parametrize("sentence", DEFENSIVE_CLEAN)
def test_faithful_mirror_is_not_flagged(content: Content, sentence: str) -> None:
    assert content.analyst.analyse("defensive", sentence)["flagged"] is False


def test_matches_are_in_reading_order(content: Content) -> None:
    result = content.analyst.analyse("blame", "You idiot, you never call and it's your fault")
    assert [m["category"] for m in result["matches"]] == ["contempt", "generalising", "blaming"]


def test_feelings_offer_the_users_own_word_first(content: Content) -> None:
    words = content.analyst.feelings(["You always make me feel insecure and alone"])
    assert words[0] == "insecure"
    assert len(words) <= 9
    assert len(set(words)) == len(words)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("You’RE", "you're"),
        ("ｙｏｕ　always", "you always"),
        ("a\u200db\u2060c", "abc"),
        ("\u202eevil", "evil"),
        ("  many   spaces\n\nhere ", "many spaces here"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
