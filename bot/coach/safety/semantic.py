"""The semantic layer: sentence embeddings and a small learned head over them.

The head (data/safety/model/head.json) is rebuilt from the corpus by `mend train-screen`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.coach.safety.rules import Family
from bot.content.yamlfiles import ContentError

HEAD_FILE = "head.json"
# The corpus's labels and the families the screen answers with.
FAMILY_OF_LABEL: dict[str, Family] = {
    "self": "self_harm",
    "others": "harm_from_others",
    "own": "own_violence",
}


class Embeds(Protocol):
    """What the layer needs of an embedding model."""

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Thresholds:
    """Scores at or above `check` ask "are you safe?"; at or above `crisis`, the crisis answer."""

    check: float
    crisis: float


@dataclass(frozen=True)
class Scores:
    """One message's probability per family, and that the danger is happening now."""

    family: dict[Family, float]
    immediate: float

    def top(self) -> tuple[Family, float]:
        family = max(self.family, key=self.family.__getitem__)
        return family, self.family[family]


@dataclass(frozen=True)
class Head:
    """A softmax over the labels (one ReLU hidden layer) and a logistic 'happening now'."""

    labels: tuple[str, ...]
    hidden_weights: np.ndarray
    hidden_bias: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    immediate_weights: np.ndarray
    immediate_bias: float
    thresholds: dict[Family, Thresholds]
    meta: dict[str, Any]

    def scores(self, vectors: np.ndarray) -> list[Scores]:
        hidden = np.maximum(vectors @ self.hidden_weights.T + self.hidden_bias, 0.0)
        logits = hidden @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        now = 1.0 / (1.0 + np.exp(-(vectors @ self.immediate_weights + self.immediate_bias)))
        out = []
        for row, immediate in zip(probabilities, now, strict=True):
            family = {
                FAMILY_OF_LABEL[label]: float(p)
                for label, p in zip(self.labels, row, strict=True)
                if label in FAMILY_OF_LABEL
            }
            out.append(Scores(family, float(immediate)))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "labels": list(self.labels),
            "hidden": {
                "weights": _rounded(self.hidden_weights),
                "bias": _rounded(self.hidden_bias),
            },
            "weights": _rounded(self.weights),
            "bias": _rounded(self.bias),
            "immediate": {
                "weights": _rounded(self.immediate_weights),
                "bias": round(float(self.immediate_bias), 6),
            },
            "thresholds": {
                family: {"check": t.check, "crisis": t.crisis}
                for family, t in self.thresholds.items()
            },
        }


def _rounded(array: np.ndarray) -> Any:
    return np.round(array.astype(np.float64), 6).tolist()


def read_head(path: Path) -> Head:
    """The head as `mend train-screen` wrote it."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Head(
            labels=tuple(raw["labels"]),
            hidden_weights=np.asarray(raw["hidden"]["weights"], dtype=np.float32),
            hidden_bias=np.asarray(raw["hidden"]["bias"], dtype=np.float32),
            weights=np.asarray(raw["weights"], dtype=np.float32),
            bias=np.asarray(raw["bias"], dtype=np.float32),
            immediate_weights=np.asarray(raw["immediate"]["weights"], dtype=np.float32),
            immediate_bias=float(raw["immediate"]["bias"]),
            thresholds={
                family: Thresholds(float(t["check"]), float(t["crisis"]))
                for family, t in raw["thresholds"].items()
            },
            meta=dict(raw.get("meta") or {}),
        )
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ContentError(f"{path}: not a screen head ({exc})") from None


def write_head(head: Head, path: Path) -> None:
    """Written with sorted keys and rounded numbers, so one corpus gives one file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(head.to_json(), sort_keys=True, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


class SemanticLayer:
    """Embeds a message and scores it; never sees or keeps anything else."""

    def __init__(self, embedder: Embeds, head: Head) -> None:
        self.embedder = embedder
        self.head = head

    def score(self, text: str) -> Scores:
        return self.head.scores(self.embedder.embed([text]))[0]
