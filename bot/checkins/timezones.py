"""Which time zone a user means: a city, region or country name, or a UTC offset."""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

ALIASES_FILE = Path(__file__).resolve().parents[2] / "data" / "timezones.yaml"
CLOSE_MATCH = 0.75
_REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/")
_REGIONS += ("Australia/", "Europe/", "Indian/", "Pacific/")
_CANONICAL = re.compile(r"UTC([+-])(\d{2}):(\d{2})")
_OFFSET = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?")
_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-"})


def zone_of(name: str) -> tzinfo:
    """The tzinfo for an IANA name or a canonical offset such as "UTC+05:30"."""
    if name == "UTC":
        return UTC
    if match := _CANONICAL.fullmatch(name):
        sign = -1 if match.group(1) == "-" else 1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        if delta >= timedelta(hours=24):
            raise ValueError(f"unknown time zone {name!r}")
        return timezone(sign * delta, name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def parse_offset(text: str) -> str | None:
    """A UTC offset ("UTC+2", "GMT-3", "+05:30") in canonical form, or None."""
    cleaned = "".join(text.translate(_MINUS).lower().split())
    if cleaned in ("utc", "gmt", "z"):
        return "UTC"
    match = _OFFSET.fullmatch(cleaned)
    if not match:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    total = (hours * 60 + minutes) * (-1 if sign == "-" else 1)
    if minutes >= 60 or not -12 * 60 <= total <= 14 * 60:
        return None
    if total == 0:
        return "UTC"
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def find_zones(query: str, limit: int = 5) -> list[str]:
    """Zones the user may mean, best first: exact names and aliases, else close spellings."""
    return match_zones(query, limit)[0]


def match_zones(query: str, limit: int = 5) -> tuple[list[str], bool]:
    """The zones found, and whether the name matched exactly (not only a close spelling)."""
    offset = parse_offset(query)
    if offset:
        return [offset], True
    keys = [key for key in dict.fromkeys([_key(query), *map(_key, query.split(","))]) if key]
    for key in keys:  # "Berlin, Germany": the whole text, then each part
        if found := _lookup(key):
            return found[:limit], True
    for key in keys:
        close = difflib.get_close_matches(key, _all_keys(), n=limit, cutoff=CLOSE_MATCH)
        found = list(dict.fromkeys(zone for name in close for zone in _lookup(name)))
        if found:
            return found[:limit], False
    return [], False


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


def _lookup(key: str) -> list[str]:
    """Zones named exactly so: IANA names first, then aliases."""
    return list(dict.fromkeys([*_names().get(key, ()), *_aliases().get(key, ())]))


@cache
def _all_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys([*_names(), *_aliases()]))


@cache
def _names() -> dict[str, tuple[str, ...]]:
    """Current IANA zones by city and full name; a retired name by full name, as its successor."""
    retired = _retired()
    found: dict[str, list[str]] = {}
    for zone in sorted(available_timezones()):
        if not zone.startswith(_REGIONS):
            continue
        keys = [_key(zone)] if zone in retired else [_key(zone.rsplit("/", 1)[-1]), _key(zone)]
        for key in keys:
            found.setdefault(key, []).append(retired.get(zone, zone))
    return {key: tuple(dict.fromkeys(zones)) for key, zones in found.items()}


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8")) or {}
    return {
        _key(str(name)): tuple([zones] if isinstance(zones, str) else zones)
        for name, zones in raw.items()
    }


@cache
def _retired() -> dict[str, str]:
    """Old names ("Asia/Calcutta") and their successors, per the tzdata package; {} without it."""
    try:
        folder = resources.files("tzdata").joinpath("zoneinfo")
        tab = folder.joinpath("zone.tab").read_text(encoding="utf-8")
        compiled = folder.joinpath("tzdata.zi").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        return {}
    current = {row.split("\t")[2] for row in tab.splitlines() if row and row[0] != "#"}
    links = (row.split() for row in compiled.splitlines() if row.startswith("L "))
    return {old: new for _, new, old in links if old not in current and new in current}
