"""Time zones users type: IANA cities, countries and nicknames, offsets, typos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
import yaml

from bot.checkins.timezones import (
    ALIASES_FILE,
    describe,
    find_zones,
    match_zones,
    parse_offset,
    zone_of,
)

RETIRED_PREFIXES = ("US/", "Etc/", "SystemV/", "Canada/", "Brazil/", "Mexico/", "Chile/")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("UTC", timedelta(0)),
        ("UTC+05:30", timedelta(hours=5, minutes=30)),
        ("UTC-03:00", timedelta(hours=-3)),
        ("UTC+14:00", timedelta(hours=14)),
        ("UTC-12:00", timedelta(hours=-12)),
        ("Asia/Kolkata", timedelta(hours=5, minutes=30)),
        ("Europe/Berlin", timedelta(hours=1)),
    ],
)
def test_zone_of(name: str, offset: timedelta) -> None:
    assert zone_of(name).utcoffset(datetime(2026, 1, 15)) == offset


def test_zone_of_gives_zoneinfo_for_iana_names() -> None:
    assert zone_of("America/New_York") == ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    "name",
    [
        "Mars/Olympus_Mons",
        "",
        "UTC+5",
        "UTC+5:30",
        "UTC+25:00",
        "utc+05:30",
        "../etc/passwd",
        "Berlin",
    ],
)
def test_zone_of_refuses_unknown_names(name: str) -> None:
    with pytest.raises(ValueError):
        zone_of(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UTC+2", "UTC+02:00"),
        ("utc +2", "UTC+02:00"),
        ("GMT-3", "UTC-03:00"),
        ("+05:30", "UTC+05:30"),
        ("-0330", "UTC-03:30"),
        ("+530", "UTC+05:30"),
        ("GMT+5:45", "UTC+05:45"),
        ("UTC+14", "UTC+14:00"),
        ("UTC-12:00", "UTC-12:00"),
        ("UTC − 3", "UTC-03:00"),  # a typographic minus
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        (" utc ", "UTC"),
        ("UTC+0", "UTC"),
        ("GMT-00:00", "UTC"),
        ("UTC+15", None),
        ("UTC-13", None),
        ("UTC+14:30", None),
        ("+05:61", None),
        ("+2 hours", None),
        ("2", None),
        ("UTC2", None),
        ("Berlin", None),
        ("", None),
        ("+", None),
    ],
)
def test_offsets(text: str, expected: str | None) -> None:
    assert parse_offset(text) == expected


@pytest.mark.parametrize(
    ("query", "first", "exact"),
    [
        ("Berlin", "Europe/Berlin", True),
        ("berlin", "Europe/Berlin", True),
        ("Europe/Berlin", "Europe/Berlin", True),
        ("new york", "America/New_York", True),
        ("New_York", "America/New_York", True),
        ("new-york", "America/New_York", True),
        ("nyc", "America/New_York", True),
        ("São Paulo", "America/Sao_Paulo", True),
        ("sao paulo", "America/Sao_Paulo", True),
        ("St. John's", "America/St_Johns", True),
        ("Saint Johns", "America/St_Johns", True),
        ("Port-au-Prince", "America/Port-au-Prince", True),
        ("london", "Europe/London", True),
        ("uk", "Europe/London", True),
        ("England", "Europe/London", True),
        ("germany", "Europe/Berlin", True),
        ("india", "Asia/Kolkata", True),
        ("delhi", "Asia/Kolkata", True),
        ("mumbai", "Asia/Kolkata", True),
        ("la", "America/Los_Angeles", True),
        ("San Francisco", "America/Los_Angeles", True),
        ("beijing", "Asia/Shanghai", True),
        ("sydney", "Australia/Sydney", True),
        ("melbourne", "Australia/Melbourne", True),
        ("japan", "Asia/Tokyo", True),
        ("france", "Europe/Paris", True),
        ("spain", "Europe/Madrid", True),
        ("italy", "Europe/Rome", True),
        ("Lord Howe", "Australia/Lord_Howe", True),
        ("Buenos Aires", "America/Argentina/Buenos_Aires", True),
        ("Kiev", "Europe/Kyiv", True),  # a retired name gives its successor
        ("Calcutta", "Asia/Kolkata", True),
        ("Asia/Saigon", "Asia/Ho_Chi_Minh", True),
        ("Berlin, Germany", "Europe/Berlin", True),
        ("berln", "Europe/Berlin", False),
        ("los angelos", "America/Los_Angeles", False),
        ("Sydnee", "Australia/Sydney", False),
        ("Katmandu", "Asia/Kathmandu", True),
        ("UTC+5:30", "UTC+05:30", True),
        ("gmt-3", "UTC-03:00", True),
    ],
)
def test_zone_names(query: str, first: str, exact: bool) -> None:
    found, was_exact = match_zones(query)
    assert (found[0], was_exact) == (first, exact)
    assert find_zones(query)[0] == first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("USA", {"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}),
        ("united states", {"America/New_York", "America/Los_Angeles"}),
        ("us", {"America/Chicago"}),
        ("canada", {"America/Toronto", "America/Vancouver"}),
        ("australia", {"Australia/Sydney", "Australia/Perth"}),
        ("brazil", {"America/Sao_Paulo"}),
    ],
)
def test_countries_with_several_zones(query: str, expected: set[str]) -> None:
    found = find_zones(query)
    assert expected <= set(found)
    assert len(found) == len(set(found)) > 1


def test_limit_and_one_name_per_zone() -> None:
    assert len(find_zones("usa", limit=2)) == 2
    assert find_zones("kiev") == ["Europe/Kyiv"]
    assert find_zones("buenos aires") == ["America/Argentina/Buenos_Aires"]


@pytest.mark.parametrize(
    "query", ["Qwertyville", "", "   ", ",", "zzzz", "my home", "12345", "UTC+15", "🙂"]
)
def test_nothing_found(query: str) -> None:
    assert find_zones(query) == []
    assert match_zones(query) == ([], False)


@pytest.mark.parametrize(
    "query", ["US/Pacific", "Etc/UTC", "SystemV/AST4", "EST5EDT", "Canada/Eastern", "Asia/Calcutta"]
)
def test_retired_names_are_never_offered(query: str) -> None:
    current = {zone for zone in available_timezones() if not zone.startswith(RETIRED_PREFIXES)}
    for zone in find_zones(query):
        assert (zone in current and "/" in zone) or zone.startswith("UTC"), zone
    assert "Asia/Calcutta" not in find_zones("calcutta")


def test_aliases_file_is_sound() -> None:
    raw = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))
    assert 80 <= len(raw) <= 200
    for name, zones in raw.items():
        assert isinstance(name, str) and name == name.lower().strip(), name
        for zone in [zones] if isinstance(zones, str) else zones:
            assert zone in available_timezones(), (name, zone)
            assert not zone.startswith(RETIRED_PREFIXES)


@pytest.mark.parametrize(
    ("zone", "now", "shown"),
    [
        ("Europe/Berlin", utc(2026, 1, 15), "Europe/Berlin (UTC+01:00)"),
        ("Europe/Berlin", utc(2026, 7, 1), "Europe/Berlin (UTC+02:00)"),
        ("America/New_York", utc(2026, 1, 15), "America/New_York (UTC-05:00)"),
        ("Asia/Kolkata", utc(2026, 1, 15), "Asia/Kolkata (UTC+05:30)"),
        ("Australia/Lord_Howe", utc(2026, 7, 1), "Australia/Lord_Howe (UTC+10:30)"),
        ("America/St_Johns", utc(2026, 1, 15), "America/St_Johns (UTC-03:30)"),
        ("UTC+05:30", utc(2026, 1, 15), "UTC+05:30"),
        ("UTC", utc(2026, 1, 15), "UTC"),
    ],
)
def test_describe(zone: str, now: datetime, shown: str) -> None:
    assert describe(zone, now) == shown


def test_describe_refuses_unknown_zones() -> None:
    with pytest.raises(ValueError):
        describe("Mars/Olympus_Mons", utc(2026, 1, 1))
