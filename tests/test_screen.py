"""The screen's corpus, its learned head, the layers together, and `mend screen`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest

from bot.coach.embedding import Embedder
from bot.coach.safety.build import build_screen
from bot.coach.safety.commands import corpus_report, read_labels, screen_labels
from bot.coach.safety.corpus import LABELS, Example, load_corpus, of_split, split_of
from bot.coach.safety.lexicon import LexiconMatch, LexiconScreen
from bot.coach.safety.screen import SafetyScreen, decide
from bot.coach.safety.semantic import Scores, SemanticLayer, read_head, write_head
from bot.coach.safety.train import corpus_digest, train
from bot.config import PROJECT_ROOT
from bot.content.yamlfiles import ContentError

DATA = PROJECT_ROOT / "data"
CORPUS = DATA / "safety" / "corpus"
HEAD = DATA / "safety" / "model" / "head.json"
# Floors measured on the test split when the head was last trained (see the README's Safety
# section): a change that lowers them is a regression. The issue's targets are higher.
RECALL_FLOOR = {"self": 0.78, "others": 0.84, "own": 0.72}
HARD_NEGATIVE_CRISIS_CEILING = 0.06
ORDINARY_ANSWERED_CEILING = 0.08


@pytest.fixture(scope="module")
def corpus() -> list[Example]:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def screen() -> SafetyScreen:
    return build_screen(DATA)


def test_corpus_size_mix_and_splits(corpus: list[Example]) -> None:
    assert len(corpus) >= 4000
    labels = Counter(e.label for e in corpus)
    assert set(labels) == set(LABELS)
    assert labels["none"] / len(corpus) >= 0.40, "at least 40% hard negatives"
    splits = Counter(e.split for e in corpus)
    assert splits["train"] > splits["dev"] > 0 and splits["test"] > 0
    for split in ("train", "dev", "test"):
        assert {e.label for e in of_split(corpus, split)} == set(LABELS)
    languages = {e.language for e in corpus if e.label != "none"}
    assert {"es", "pt", "ru", "de", "fr"} <= languages


def test_a_group_never_straddles_two_splits(corpus: list[Example]) -> None:
    by_group: dict[str, set[str]] = {}
    for example in corpus:
        by_group.setdefault(example.group, set()).add(example.split)
    assert all(len(splits) == 1 for splits in by_group.values())
    assert split_of("self_en_001") == split_of("self_en_001"), "the split is a stable hash"


def test_the_shipped_head_was_trained_on_this_corpus() -> None:
    head = read_head(HEAD)
    assert head.meta["corpus_sha256"] == corpus_digest(CORPUS), "run `mend train-screen`"
    assert head.meta["embedder"] == Embedder.name
    assert set(head.thresholds) == {"self_harm", "harm_from_others", "own_violence"}


def test_training_is_deterministic_and_never_sees_the_test_split(tmp_path: Path) -> None:
    embedder = Embedder(threads=1)
    lexicon = LexiconScreen(DATA)
    kept: Counter[str] = Counter()

    def small(example: Example) -> bool:
        keep = zlib.crc32(example.group.encode()) % 10 == 0
        kept[example.split] += keep
        return keep

    first = train(CORPUS, embedder, lexicon, {"embedder": "x"}, keep=small, folds=2)
    write_head(first.head, tmp_path / "a.json")
    second = train(CORPUS, embedder, lexicon, {"embedder": "x"}, keep=small, folds=2)
    write_head(second.head, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert kept["test"] > 0, "the subset has test examples..."
    assert (first.train_size, first.dev_size) == (kept["train"] // 2, kept["dev"] // 2), (
        "...and training used only train and dev"
    )


def test_held_out_split_floors(corpus: list[Example], screen: SafetyScreen) -> None:
    report = corpus_report(of_split(corpus, "test"), screen)
    for label, floor in RECALL_FLOOR.items():
        tally = report.by_label[label]
        assert tally.rate(tally.answered) >= floor, label
    hard = report.by_label["none"]
    assert hard.rate(hard.crises) <= HARD_NEGATIVE_CRISIS_CEILING
    ordinary = report.by_label["ordinary"]
    assert ordinary.rate(ordinary.answered) <= ORDINARY_ANSWERED_CEILING


@pytest.mark.parametrize(
    ("text", "family", "language"),
    [
        ("ya no quiero vivir, esta noche me tomo todas las pastillas", "self_harm", "es"),
        ("não aguento mais, quero morrer", "self_harm", "pt"),
        ("я больше не хочу жить", "self_harm", "ru"),
        ("er hat gedroht mich umzubringen wenn ich gehe", "harm_from_others", "de"),
        ("il m'a frappée encore hier soir et j'ai peur", "harm_from_others", "fr"),
    ],
)
def test_other_languages_are_screened(
    screen: SafetyScreen, text: str, family: str, language: str
) -> None:
    verdict = screen.screen(text, "en")
    assert verdict.flagged and verdict.family == family
    assert verdict.language == language
    assert "semantic" in verdict.layers


@pytest.mark.parametrize(
    "text",
    [
        "this is my last message to him, then im blocking him",
        "im going to do it tonight, im finally going to confront her",
        "ok",
        "When you come home late, I feel scared, and I need a text",
    ],
)
def test_false_alarms_named_in_the_issue_get_no_crisis(screen: SafetyScreen, text: str) -> None:
    assert screen.screen(text).tier != "crisis"


def test_the_semantic_layer_only_adds(screen: SafetyScreen) -> None:
    lexicon_only = SafetyScreen(screen.lexicon)
    for text in ("i want to kill myself", "he said he'd kill me if i leave", "i hit her"):
        assert lexicon_only.screen(text).flagged
        assert screen.screen(text).flagged


def test_how_the_layers_combine() -> None:
    semantic = SemanticLayer(Embedder(threads=1), read_head(HEAD))
    calm = Scores({"self_harm": 0.01, "harm_from_others": 0.01, "own_violence": 0.01}, 0.0)
    worried = Scores({"self_harm": 0.999, "harm_from_others": 0.0, "own_violence": 0.0}, 0.9)
    word = LexiconMatch("self_harm", False, ("suicidal_thoughts",))
    now = LexiconMatch("self_harm", True, ("imminent",))
    assert decide(word, None, False, "en", None).tier == "crisis", "lexicon alone: crisis"
    doubted = decide(word, calm, False, "en", semantic)
    assert doubted.tier == "check" and doubted.layers == ("lexicon", "doubt"), "never dropped"
    assert decide(now, calm, False, "en", semantic).tier == "crisis", "danger now stays crisis"
    assert decide(word, worried, False, "en", semantic).tier == "crisis"
    assert decide(now, worried, True, "en", semantic).tier == "crisis", "danger now beats a past"
    assert decide(word, worried, True, "en", semantic).tier == "check", "the past caps at a check"
    past = Scores({"self_harm": 0.999, "harm_from_others": 0.0, "own_violence": 0.0}, 0.0)
    resolved = decide(word, past, True, "en", semantic)
    assert resolved.tier == "check" and "resolved" in resolved.layers
    added = decide(None, worried, False, "en", semantic)
    assert added.tier == "crisis" and added.layers == ("semantic",)
    assert decide(None, calm, False, "en", semantic).tier == "none"


def test_mend_screen_prints_one_verdict_per_line_and_never_the_text() -> None:
    lines = "i want to kill myself tonight\nmy husband cheated on me\nhe choked me\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "screen"],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3
    assert set(out[0]) == {"tier", "family", "immediate", "language", "layers"}
    assert out[0]["tier"] == "crisis" and out[0]["family"] == "self_harm" and out[0]["immediate"]
    assert out[1]["tier"] == "none" and out[1]["family"] is None
    assert out[2]["family"] == "harm_from_others"
    assert "kill" not in result.stdout + result.stderr and "choked" not in result.stderr


def test_mend_screen_labels_reports_recall_and_false_alarms(tmp_path: Path) -> None:
    labelled = tmp_path / "review.tsv"
    labelled.write_text(
        "label\ttext\nself\ti want to die\nothers\the hits me\nnone\tthis job is killing me lol\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert screen_labels(DATA, labelled, out) == 0
    table = out.getvalue()
    assert "self" in table and "others" in table and "none" in table
    rows = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    assert "answered 100.0%" in rows["self"] and "answered 100.0%" in rows["others"]
    assert "crisis   0.0%" in rows["none"]
    assert "want to die" not in table


def test_a_labels_file_needs_its_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("self\ti want to die\n", encoding="utf-8")
    with pytest.raises(ContentError):
        list(read_labels(bad))
