"""Times of day as people type them: "8", "20:30", "8pm", "noon", "22-7"."""

from __future__ import annotations

import re
from datetime import time

_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_RANGE = re.compile(r"^\s*(?:from\s+)?(.+?)\s*(?:-|–|—|to|until|till)\s*(.+?)\s*$")


def parse_time(text: str) -> time | None:
    """A local time of day, or None when the text isn't one."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _TIME.match(cleaned)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_time_range(text: str) -> tuple[time, time] | None:
    """A span such as quiet hours ("22-7", "10pm to 7am"), or None."""
    match = _RANGE.match(text.strip().lower())
    if not match:
        return None
    start, end = parse_time(match.group(1)), parse_time(match.group(2))
    return (start, end) if start is not None and end is not None else None


def format_time(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"
