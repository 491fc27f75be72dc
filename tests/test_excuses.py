"""Excuse patterns in an apology's responsibility step: table-driven, with hard negatives."""

from __future__ import annotations

import pytest

from bot.content.bundle import Content
from bot.content.yamlfiles import read_yaml

# (what someone wrote, the category expected, the words the coach quotes back or None)
FLAGGED = [
    # apologising for their feelings, not for the act
    ("I'm sorry you feel hurt", "conditional", "i'm sorry you feel"),
    ("I’M SORRY YOU FEEL THAT WAY", "conditional", "i'm sorry you feel"),
    ("I'm sorry that you feel this way", "conditional", "i'm sorry that you feel"),
    ("I am sorry if I upset you", "conditional", "i am sorry if"),
    ("Sorry if that came across badly", "conditional", "sorry if"),
    ("I'm sorry for how you feel", "conditional", "i'm sorry for how you feel"),
    ("I'm sorry you were hurt", "conditional", "i'm sorry you were hurt"),
    ("I'm sorry you had to find out that way", "conditional", None),
    # a "but" that takes it back
    ("I'm sorry, but I was under a lot of pressure", "but", "but"),
    ("I lied, but I want us to move past it", "but", "but"),
    # putting it on them
    ("I cheated, but you were never home", "but", "but"),
    ("If you hadn't pushed me away this wouldn't have happened", "deflecting", "if you hadn't"),
    ("You made me do it", "deflecting", "you made me"),
    ("You drove me to it", "deflecting", "you drove me"),
    ("It happened because of you", "deflecting", "because of you"),
    ("I strayed because you were always at work", "deflecting", "because you were"),
    ("It was partly your fault", "deflecting", "it was partly your fault"),
    ("You weren't there for me", "deflecting", "you weren't there"),
    ("We both made mistakes", "deflecting", "we both made mistakes"),
    ("It takes two", "deflecting", "it takes two"),
    ("You're overreacting", "deflecting", "you're overreacting"),
    # making it smaller
    ("It just happened", "minimising", "it just happened"),
    ("She meant nothing to me", "minimising", "she meant nothing"),
    ("It didn't mean anything", "minimising", "it didn't mean anything"),
    ("It was only texting", "minimising", "it was only texting"),
    ("Anyone would have done the same", "minimising", "anyone would have"),
    ("It's not a big deal", "minimising", "it's not a big deal"),
    ("It's not like I slept with her", "minimising", "it's not like i"),
    ("At least I told you", "minimising", "at least i told"),
    ("Mistakes were made", "minimising", "mistakes were made"),
    ("Can we just move on", "minimising", "can we just move on"),
    # blaming circumstances
    ("I was drunk", "circumstances", "i was drunk"),
    ("I was so stressed at work", "circumstances", None),
    ("I couldn't help it", "circumstances", "i couldn't help it"),
    ("She came on to me", "circumstances", "she came on to"),
    ("The alcohol made me do it", "circumstances", None),
    ("I only did it because I felt neglected", "circumstances", None),
]

CLEAN = [
    "I lied to you. That was my choice, and it was wrong.",
    "I'm sorry I hurt you.",
    "I am sorry that I lied to you for months.",
    "I did it, but I know that's no excuse.",
    "I was drunk, but that's no excuse.",
    "I was lonely, but I chose to lie instead of telling you.",
    "No excuses, but I want you to know I'm ashamed.",
    "It wasn't because of you; it was my decision.",
    "It's not your fault.",
    "Nothing you did caused this.",
    "I take full responsibility for the affair.",
    "I broke your trust and I am responsible for the pain it caused.",
    "I chose to hide it from you.",
    "I have nothing but regret for what I did.",
    "I'm not only sorry but also ashamed.",
    "It happened in March, and I hid it from you.",
    "Because you asked, I will tell you everything.",
    "Since you found out, I have kept nothing from you.",
]


@pytest.mark.parametrize(("text", "category", "words"), FLAGGED)
def test_excuses_are_flagged(content: Content, text: str, category: str, words: str | None) -> None:
    result = content.analyst.analyse("excuse", text)
    assert result["flagged"], text
    assert category in result["categories"], result["matches"]
    if words:
        assert words in [m["text"] for m in result["matches"]]


@pytest.mark.parametrize("text", CLEAN)
def test_taking_responsibility_is_not_flagged(content: Content, text: str) -> None:
    result = content.analyst.analyse("excuse", text)
    assert not result["flagged"], result["matches"]


def test_owning_the_act_does_not_spare_an_excuse_beside_it(content: Content) -> None:
    result = content.analyst.analyse("excuse", "You made me do it, but I know that's no excuse")
    assert [m["text"] for m in result["matches"]] == ["you made me"]


def test_every_excuse_category_has_an_explanation_in_the_apology(content: Content) -> None:
    lexicon = read_yaml(content.root / "data" / "en" / "lexicons" / "excuse.yaml")
    for category in lexicon["categories"]:
        assert content.texts.has(f"apology.category.{category}", "en"), category
        assert content.texts.render(f"apology.category.{category}").strip()
