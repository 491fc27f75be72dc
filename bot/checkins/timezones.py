"""Which time zone a user means: a city, region or country name, or a UTC offset."""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

ALIASES_FILE = Path(__file__).resolve().parents[2] / "data" / "timezones.yaml"
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")
_REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe")
_REGIONS += ("Indian", "Pacific")
CLOSE_MATCH = 0.75


def zone_of(name: str) -> tzinfo:
    """The tzinfo for an IANA name or a canonical offset such as "UTC+05:30"."""
    if name == "UTC":
        return UTC
    if name.startswith("UTC") and len(name) == 9:
        sign = -1 if name[3] == "-" else 1
        delta = timedelta(hours=int(name[4:6]), minutes=int(name[7:9]))
        return timezone(sign * delta, name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def parse_offset(text: str) -> str | None:
    """A UTC offset ("UTC+2", "GMT-3", "+05:30") in canonical form, or None."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned in ("utc", "gmt", "z"):
        return "UTC"
    match = _OFFSET.match(cleaned)
    if not match or not (cleaned[0] in "+-" or cleaned.startswith(("utc", "gmt"))):
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    total = (hours * 60 + minutes) * (-1 if sign == "-" else 1)
    if minutes >= 60 or not -12 * 60 <= total <= 14 * 60:
        return None
    if total == 0:
        return "UTC"
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def find_zones(query: str, limit: int = 5) -> list[str]:
    """Zones the user may mean, best first: exact names, then aliases, then close spellings."""
    return match_zones(query, limit)[0]


def match_zones(query: str, limit: int = 5) -> tuple[list[str], bool]:
    """The zones found, and whether the name matched exactly (not only a close spelling)."""
    offset = parse_offset(query)
    if offset:
        return [offset], True
    key = _key(query)
    if not key:
        return [], False
    names = _names()
    aliases = _aliases()
    found: list[str] = list(names.get(key, ())) + list(aliases.get(key, ()))
    exact = bool(found)
    if not found:
        candidates = [*names, *aliases]
        for close in difflib.get_close_matches(key, candidates, n=limit, cutoff=CLOSE_MATCH):
            found += list(names.get(close, ())) + list(aliases.get(close, ()))
    return list(dict.fromkeys(found))[:limit], exact


def describe(zone: str, now: datetime) -> str:
    """A zone as shown to the user, with its current offset."""
    if zone.startswith("UTC"):
        return zone
    offset = now.astimezone(zone_of(zone)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{zone} (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


def _key(text: str) -> str:
    """Lower case, no accents, words joined by single spaces; "St." means "saint"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[\s_\-/,.]+", " ", plain.lower().replace("'", "")).split()
    return " ".join("saint" if w in ("st", "ste") else w for w in words)


@cache
def _names() -> dict[str, tuple[str, ...]]:
    """Every current IANA zone by its city part and by its full name."""
    found: dict[str, list[str]] = {}
    for zone in sorted(available_timezones()):
        if not zone.startswith(_REGIONS):
            continue
        for key in {_key(zone.rsplit("/", 1)[-1]), _key(zone)}:
            found.setdefault(key, []).append(zone)
    return {key: tuple(zones) for key, zones in found.items()}


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")) or {}
    return {
        _key(str(name)): tuple([zones] if isinstance(zones, str) else zones)
        for name, zones in raw.items()
    }
