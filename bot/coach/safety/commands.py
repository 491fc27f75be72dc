"""`mend train-screen` and `mend screen`: rebuild the head, and screen lines for reviewers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from bot.coach.safety.build import MODEL_DIR, build_screen
from bot.coach.safety.corpus import Example, load_corpus, of_split
from bot.coach.safety.evaluate import Report, evaluate
from bot.coach.safety.lexicon import LexiconScreen
from bot.coach.safety.screen import SafetyScreen
from bot.coach.safety.semantic import HEAD_FILE, SemanticLayer, write_head
from bot.coach.safety.train import FOLDS, train
from bot.content.yamlfiles import ContentError

CORPUS_DIR = Path("safety") / "corpus"
REVIEW_LABELS = ("self", "others", "own", "none")
# Everyday coaching chat ("ok", an I-statement): reported apart from the hard negatives.
ORDINARY_FILE = "neg_ordinary"
ORDINARY = "ordinary"


def train_screen(data_dir: Path, out: TextIO) -> int:
    """Fit the head on train, tune on dev, write it, and report on the untouched test split."""
    from bot.coach.embedding import NAME, Embedder

    embedder = Embedder(threads=2)
    lexicon = LexiconScreen(data_dir)
    corpus_dir = data_dir / CORPUS_DIR
    training = train(corpus_dir, embedder, lexicon, {"embedder": NAME})
    write_head(training.head, data_dir / MODEL_DIR / HEAD_FILE)
    fitted = training.train_size + training.dev_size
    print(f"fitted on train and dev ({fitted}); thresholds from {FOLDS}-fold scores", file=out)
    for family, t in sorted(training.head.thresholds.items()):
        print(f"  {family:18} check >= {t.check:.2f}  crisis >= {t.crisis:.2f}", file=out)
    screen = SafetyScreen(lexicon, SemanticLayer(embedder, training.head))
    corpus = load_corpus(corpus_dir)
    test = of_split(corpus, "test")
    print(f"\ntest split ({len(test)} messages, never trained or tuned on):", file=out)
    for line in corpus_report(test, screen).lines():
        print(line, file=out)
    return 0


def corpus_report(examples: Iterable[Example], screen: SafetyScreen) -> Report:
    """Per label, per category and per language of the non-English messages."""
    items = (
        (
            ORDINARY if e.category == ORDINARY_FILE else e.label,
            (
                e.category,
                *((f"lang:{e.language}",) if e.language != "en" and e.label != "none" else ()),
            ),
            e.text,
        )
        for e in examples
    )
    return evaluate(items, lambda text: screen.screen(text))


def screen_lines(data_dir: Path, lines: TextIO, out: TextIO, locale: str = "en") -> int:
    """One JSON verdict per input line; the text itself is printed nowhere."""
    screen = build_screen(data_dir)
    for line in lines:
        verdict = screen.screen(line.rstrip("\n"), locale)
        print(json.dumps(verdict.as_json(), ensure_ascii=False), file=out, flush=True)
    return 0


def screen_labels(data_dir: Path, path: Path, out: TextIO, locale: str = "en") -> int:
    """Recall (danger labels) and false alarms ('none') for a reviewer's labelled file."""
    screen = build_screen(data_dir)
    report = evaluate(((label, (), text) for label, text in read_labels(path)), screen.screen)
    for line in report.lines():
        print(line, file=out)
    return 0


def read_labels(path: Path) -> Iterator[tuple[str, str]]:
    """Rows of a `label<TAB>text` file with that header; labels self, others, own, none."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if [cell.strip().lower() for cell in next(reader, [])] != ["label", "text"]:
            raise ContentError(f"{path}: the first line must be 'label<TAB>text'")
        for number, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            label = row[0].strip().lower()
            if len(row) < 2 or label not in REVIEW_LABELS:
                raise ContentError(f"{path}:{number}: want a label {REVIEW_LABELS} and a text")
            yield label, "\t".join(row[1:])
