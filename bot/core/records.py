"""The user's stored records as buttons see them: found by the id in button data, labelled."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def owned(items: Iterable[dict[str, Any]], arg: str) -> dict[str, Any] | None:
    """The record with the id a button carries, among the user's own; forged ids find nothing."""
    if not arg.isdigit():
        return None
    return next((item for item in items if item["id"] == int(arg)), None)


def label(text: str, length: int) -> str:
    """One line of at most `length` characters, for a button."""
    words = " ".join(text.split())
    return words if len(words) <= length else words[: length - 1] + "…"
