"""Times of day as people type them: "8", "20:30", "8pm", "noon", "22-7"."""

from __future__ import annotations

import re
from datetime import time

_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2})|h)?\s*(?:([ap])\.?\s?m\.?)?", re.ASCII)
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_RANGE = re.compile(
    r"(?:(?:from|between)\s+)?(.+?)\s*(?:-|–|—|~|\bto\b|\buntil\b|\btill?\b|\band\b)\s*(.+?)"
)


def parse_time(text: str) -> time | None:
    """A local time of day, or None when the text isn't one ("2030" is ambiguous: None)."""
    cleaned = " ".join(text.lower().split())
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _TIME.fullmatch(cleaned)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_time_range(text: str) -> tuple[time, time] | None:
    """A span such as quiet hours ("22-7", "10pm to 7am"), or None."""
    match = _RANGE.fullmatch(" ".join(text.lower().split()))
    if not match:
        return None
    start, end = parse_time(match.group(1)), parse_time(match.group(2))
    return (start, end) if start is not None and end is not None else None


def format_time(value: time) -> str:
    """A time as shown and stored: "08:30"."""
    return f"{value.hour:02d}:{value.minute:02d}"
