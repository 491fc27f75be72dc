"""The lexicon (the floor) on its labelled corpus: every positive caught, hard negatives left."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.coach.safety.lexicon import LexiconScreen
from bot.config import PROJECT_ROOT

CORPUS = Path(__file__).parent / "data" / "safety_corpus.yaml"
MIN_PRECISION = 0.95
ITEMS: list[dict] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["items"]
POSITIVES = [item for item in ITEMS if item["label"] != "none"]
NEGATIVES = [item for item in ITEMS if item["label"] == "none"]


@pytest.fixture(scope="module")
def screen() -> LexiconScreen:
    return LexiconScreen(PROJECT_ROOT / "data")


def test_corpus_is_big_enough_and_covers_both_families() -> None:
    families = {item["label"] for item in POSITIVES}
    assert len(ITEMS) >= 150
    assert families == {"self_harm", "harm_from_others"}
    assert len(NEGATIVES) >= 60, "hard negatives for both families"
    assert len({item["text"].casefold() for item in ITEMS}) == len(ITEMS), "no duplicates"


def test_recall_is_total_with_the_right_family_and_urgency(screen: LexiconScreen) -> None:
    missed = []
    for item in POSITIVES:
        signal = screen.screen(item["text"])
        if not signal or (signal.family, signal.immediate) != (item["label"], item["immediate"]):
            missed.append((item["text"], item["label"], item["immediate"], signal))
    assert not missed, f"{len(missed)} of {len(POSITIVES)} positives missed: {missed}"


def test_precision_on_hard_negatives(screen: LexiconScreen, capsys: pytest.CaptureFixture) -> None:
    flagged = [item["text"] for item in NEGATIVES if screen.screen(item["text"])]
    true_positives = sum(1 for item in POSITIVES if screen.screen(item["text"]))
    precision = true_positives / (true_positives + len(flagged))
    specificity = 1 - len(flagged) / len(NEGATIVES)
    with capsys.disabled():
        print(
            f"\nsafety corpus: precision {precision:.1%}, "
            f"{len(NEGATIVES) - len(flagged)}/{len(NEGATIVES)} hard negatives left alone "
            f"({specificity:.1%})"
        )
    assert precision >= MIN_PRECISION, f"false alarms: {flagged}"
    assert specificity >= MIN_PRECISION, f"false alarms: {flagged}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I could kill him for forgetting the groceries", None),
        ("he said he'd kill me if I leave", "harm_from_others"),
        ("HE SAID HE’D KILL ME IF I LEAVE", "harm_from_others"),
        ("he said he\u200bd kill me if i leave", "harm_from_others"),
        ("i want to k i l l myself", "self_harm"),
    ],
)
def test_issue_examples_and_normalisation(
    screen: LexiconScreen, text: str, expected: str | None
) -> None:
    signal = screen.screen(text)
    assert (signal.family if signal else None) == expected
