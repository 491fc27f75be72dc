"""Check-in time arithmetic: zones, DST both ways, quiet hours, pauses, weeks and months."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins.schedule import CheckinPrefs, first_due, in_quiet_hours, next_due
from bot.checkins.times import format_time, parse_time, parse_time_range
from bot.checkins.timezones import describe, find_zones, match_zones, parse_offset, zone_of


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "at", "after", "expected"),
    [
        ("Europe/Berlin", time(20), utc(2026, 11, 23, 10), utc(2026, 11, 23, 19)),
        ("Europe/Berlin", time(20), utc(2026, 11, 23, 19), utc(2026, 11, 24, 19)),  # strictly after
        ("America/New_York", time(8), utc(2026, 7, 1, 13), utc(2026, 7, 2, 12)),  # EDT
        ("Asia/Kolkata", time(21, 30), utc(2026, 1, 1), utc(2026, 1, 1, 16)),
        ("UTC+05:30", time(21, 30), utc(2026, 1, 1), utc(2026, 1, 1, 16)),
        ("UTC-03:00", time(9), utc(2026, 1, 1, 12, 0, 1), utc(2026, 1, 2, 12)),
        ("Australia/Lord_Howe", time(9), utc(2026, 1, 1), utc(2026, 1, 1, 22)),  # UTC+11 in summer
        ("Pacific/Kiritimati", time(6), utc(2026, 1, 1), utc(2026, 1, 1, 16)),  # UTC+14
    ],
)
def test_daily_due_in_the_users_zone(
    zone: str, at: time, after: datetime, expected: datetime
) -> None:
    assert next_due("daily", CheckinPrefs(zone, at), after) == expected


def test_daily_keeps_the_local_time_across_dst_both_ways() -> None:
    prefs = CheckinPrefs("Europe/Berlin", time(20))
    spring = next_due("daily", prefs, local("Europe/Berlin", 2026, 3, 28, 21))
    assert spring == local("Europe/Berlin", 2026, 3, 29, 20) == utc(2026, 3, 29, 18)
    autumn = next_due("daily", prefs, local("Europe/Berlin", 2026, 10, 24, 21))
    assert autumn == local("Europe/Berlin", 2026, 10, 25, 20) == utc(2026, 10, 25, 19)


def test_a_time_skipped_by_dst_moves_forward_and_an_ambiguous_one_comes_first() -> None:
    prefs = CheckinPrefs("Europe/Berlin", time(2, 30))
    gap = next_due("daily", prefs, utc(2026, 3, 28, 12))
    assert gap == utc(2026, 3, 29, 1, 30), "02:30 does not exist; 03:30 CEST instead"
    twice = next_due("daily", prefs, utc(2026, 10, 24, 12))
    assert twice == utc(2026, 10, 25, 0, 30), "02:30 happens twice; the first one"
    lord_howe = next_due(
        "daily", CheckinPrefs("Australia/Lord_Howe", time(2, 15)), utc(2026, 10, 3)
    )
    assert lord_howe.astimezone(ZoneInfo("Australia/Lord_Howe")).time() == time(2, 45)


@pytest.mark.parametrize(
    ("start", "end", "at", "after", "expected"),
    [
        (time(22), time(7), time(23), utc(2026, 5, 1, 12), utc(2026, 5, 2, 7)),  # crosses midnight
        (time(22), time(7), time(6), utc(2026, 5, 1, 12), utc(2026, 5, 2, 7)),
        (time(22), time(7), time(8), utc(2026, 5, 1, 12), utc(2026, 5, 2, 8)),  # outside
        (time(12), time(14), time(13), utc(2026, 5, 1, 0), utc(2026, 5, 1, 14)),  # same day
        (time(9), time(9), time(9), utc(2026, 5, 1, 0), utc(2026, 5, 1, 9)),  # start == end: none
    ],
)
def test_quiet_hours(start: time, end: time, at: time, after: datetime, expected: datetime) -> None:
    prefs = CheckinPrefs("UTC", at, start, end)
    assert next_due("daily", prefs, after) == expected


def test_quiet_hours_crossing_midnight_give_one_check_in_a_day() -> None:
    prefs = CheckinPrefs("Europe/London", time(23, 30), time(22), time(7))
    moment = utc(2026, 1, 1)
    days = []
    for _ in range(10):
        moment = next_due("daily", prefs, moment)
        days.append(moment.date())
    assert days == sorted(set(days)) and len(days) == 10
    assert all(m.time() == time(7) for m in [next_due("daily", prefs, utc(2026, 1, 1))])
    assert in_quiet_hours(time(23, 30), prefs) and not in_quiet_hours(time(7), prefs)


def test_pause_and_resume() -> None:
    prefs = CheckinPrefs("UTC", time(9))
    now = utc(2026, 5, 1, 12)
    assert first_due("daily", prefs, now) == utc(2026, 5, 2, 9)
    assert first_due("daily", prefs, now, utc(2026, 5, 4, 12)) == utc(2026, 5, 5, 9)
    assert first_due("daily", prefs, now, utc(2026, 4, 1)) == utc(2026, 5, 2, 9), "pause over"


@pytest.mark.parametrize("weekday", range(7))
def test_weekly_on_each_weekday(weekday: int) -> None:
    prefs = CheckinPrefs("Europe/Paris", time(18), weekday=weekday)
    due = next_due("weekly", prefs, utc(2026, 11, 22, 20))  # a Sunday evening
    assert due.astimezone(ZoneInfo("Europe/Paris")).weekday() == weekday
    assert timedelta(0) < due - utc(2026, 11, 22, 20) <= timedelta(days=7)
    assert next_due("weekly", prefs, due) == due + timedelta(days=7)


@pytest.mark.parametrize(
    ("month_day", "after", "expected"),
    [
        (31, utc(2027, 2, 1), utc(2027, 2, 28, 9)),  # clamped to February
        (31, utc(2028, 2, 1), utc(2028, 2, 29, 9)),  # leap year
        (29, utc(2027, 2, 1), utc(2027, 2, 28, 9)),
        (29, utc(2028, 2, 1), utc(2028, 2, 29, 9)),
        (31, utc(2026, 4, 1), utc(2026, 4, 30, 9)),
        (31, utc(2026, 12, 31, 10), utc(2027, 1, 31, 9)),  # year rollover
        (1, utc(2026, 12, 1, 9), utc(2027, 1, 1, 9)),
    ],
)
def test_monthly(month_day: int, after: datetime, expected: datetime) -> None:
    prefs = CheckinPrefs("UTC", time(9), month_day=month_day)
    assert next_due("monthly", prefs, after) == expected


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError):
        next_due("daily", CheckinPrefs("UTC", time(9)), datetime(2026, 1, 1))


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC+05:30"]


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    at=st.times(),
    quiet=st.none() | st.tuples(st.times(), st.times()),
    after=st.datetimes(datetime(2025, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_daily_is_always_ahead_and_once_a_local_day(
    zone: str, at: time, quiet: tuple[time, time] | None, after: datetime
) -> None:
    start, end = quiet or (None, None)
    prefs = CheckinPrefs(zone, at.replace(microsecond=0), start, end)
    due = next_due("daily", prefs, after)
    assert due > after and due.tzinfo == UTC
    assert due - after <= timedelta(hours=50)
    moment, days = after, []
    for _ in range(40):
        moment = next_due("daily", prefs, moment)
        days.append(moment.astimezone(zone_of(zone)).date())
    assert len(days) == len(set(days)), "never two on one local day"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8", time(8)),
        ("08:30", time(8, 30)),
        ("8.30", time(8, 30)),
        ("20:30", time(20, 30)),
        ("8pm", time(20)),
        ("8 PM", time(20)),
        ("8:30am", time(8, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("noon", time(12)),
        ("midnight", time(0)),
        ("25:00", None),
        ("8:61", None),
        ("13pm", None),
        ("hello", None),
        ("", None),
    ],
)
def test_typed_times(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


def test_typed_ranges_and_formatting() -> None:
    assert parse_time_range("22-7") == (time(22), time(7))
    assert parse_time_range("22:00 – 07:30") == (time(22), time(7, 30))
    assert parse_time_range("10pm to 7am") == (time(22), time(7))
    assert parse_time_range("from 23 until 6") == (time(23), time(6))
    assert parse_time_range("late") is None
    assert format_time(time(7, 5)) == "07:05"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UTC+2", "UTC+02:00"),
        ("utc +2", "UTC+02:00"),
        ("GMT-3", "UTC-03:00"),
        ("+05:30", "UTC+05:30"),
        ("-0330", "UTC-03:30"),
        ("UTC", "UTC"),
        ("UTC+15", None),
        ("+2 hours", None),
        ("Berlin", None),
    ],
)
def test_offsets(text: str, expected: str | None) -> None:
    assert parse_offset(text) == expected


@pytest.mark.parametrize(
    ("query", "first", "exact"),
    [
        ("Berlin", "Europe/Berlin", True),
        ("new york", "America/New_York", True),
        ("São Paulo", "America/Sao_Paulo", True),
        ("St. John's", "America/St_Johns", True),
        ("mumbai", "Asia/Kolkata", True),
        ("uk", "Europe/London", True),
        ("berln", "Europe/Berlin", False),
        ("los angelos", "America/Los_Angeles", False),
        ("UTC+5:30", "UTC+05:30", True),
    ],
)
def test_zone_names(query: str, first: str, exact: bool) -> None:
    found, was_exact = match_zones(query)
    assert (found[0], was_exact) == (first, exact)


def test_zone_lookups_that_find_several_or_none() -> None:
    assert {"America/Chicago", "America/Los_Angeles"} <= set(find_zones("USA"))
    assert find_zones("Qwertyville") == []
    assert find_zones("   ") == []
    assert describe("Europe/Berlin", utc(2026, 7, 1)) == "Europe/Berlin (UTC+02:00)"
    with pytest.raises(ValueError):
        zone_of("Mars/Olympus_Mons")
