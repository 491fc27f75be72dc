"""Assemble the whole screen from data/: the lexicons, and the semantic head if it is there."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from bot.coach.safety.lexicon import LexiconScreen
from bot.coach.safety.screen import SafetyScreen
from bot.coach.safety.semantic import HEAD_FILE, Embeds, SemanticLayer, read_head

MODEL_DIR = Path("safety") / "model"
log = logging.getLogger(__name__)


class LazyEmbedder:
    """Loads the embedding model on first use (or `warm()`), once per process."""

    def embed(self, texts: list[str]) -> np.ndarray:
        return _embedder().embed(texts)

    def warm(self) -> None:
        _embedder().embed(["warm up"])


_LOADING = threading.Lock()
_LOADED: list[Embeds] = []


def _embedder() -> Embeds:
    """The one model of this process; screens run in worker threads, so it loads under a lock."""
    with _LOADING:
        if not _LOADED:
            from bot.coach.embedding import Embedder

            _LOADED.append(Embedder())
        return _LOADED[0]


def semantic_available() -> bool:
    try:
        from bot.coach.embedding import available
    except ImportError:
        return False
    return available()


def build_screen(data_dir: Path) -> SafetyScreen:
    """The lexicon always; the semantic layer when its head and model are both installed."""
    head_path = data_dir / MODEL_DIR / HEAD_FILE
    semantic = None
    if head_path.exists() and semantic_available():
        semantic = SemanticLayer(LazyEmbedder(), read_head(head_path))
    elif head_path.exists():
        log.warning("the semantic safety layer's model is not installed: lexicon only")
    return SafetyScreen(LexiconScreen(data_dir), semantic)
