"""The labelled safety corpus in data/safety/corpus/*.tsv, and its train/dev/test split."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.content.yamlfiles import ContentError

Split = Literal["train", "dev", "test"]
Label = Literal["self", "others", "own", "none"]
LABELS: tuple[Label, ...] = ("none", "self", "others", "own")
LANGUAGES = frozenset({"en", "es", "pt", "ru", "de", "fr", "it", "uk", "tr", "id", "ar", "pl"})
COLUMNS = ("group", "label", "immediate", "lang", "text")
# Per hundred groups: 70 train, 15 dev, 15 test; decided by the group's hash, never by hand.
_SPLIT_EDGES = ((70, "train"), (85, "dev"), (100, "test"))


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    category: str
    group: str
    label: Label
    immediate: bool
    language: str
    text: str

    @property
    def split(self) -> Split:
        return split_of(self.group)


def split_of(group: str) -> Split:
    """A group's split, from a stable hash: the same on every machine and every run."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return next(name for edge, name in _SPLIT_EDGES if bucket < edge)  # type: ignore[return-value]


def load_corpus(folder: Path) -> list[Example]:
    """Every example, in file then row order."""
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise ContentError(f"{folder}: no corpus files")
    return [example for path in files for example in _read(path)]


def _read(path: Path) -> Iterable[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if tuple(header or ()) != COLUMNS:
            raise ContentError(f"{path}: the header must be {' '.join(COLUMNS)}")
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(COLUMNS):
                raise ContentError(f"{path}:{number}: expected {len(COLUMNS)} columns")
            group, label, immediate, language, text = row
            if label not in LABELS or immediate not in ("0", "1") or language not in LANGUAGES:
                raise ContentError(f"{path}:{number}: bad label, immediate or language")
            yield Example(path.stem, group, label, immediate == "1", language, text)  # type: ignore[arg-type]


def of_split(examples: Iterable[Example], split: Split) -> list[Example]:
    return [e for e in examples if e.split == split]
