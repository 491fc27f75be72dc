"""Arrange buttons in rows that fit a phone screen."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Button


def rows(
    buttons: Sequence[Button], *, max_per_row: int | None = None
) -> tuple[tuple[Button, ...], ...]:
    """Short labels share a row, long ones get their own."""
    if not buttons:
        return ()
    longest = max(len(b.label) for b in buttons)
    per_row = 5 if longest <= 3 else 3 if longest <= 12 else 2 if longest <= 20 else 1
    if max_per_row:
        per_row = min(per_row, max_per_row)
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
