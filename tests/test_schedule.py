"""Next check-in due times: zones, DST both ways, quiet hours, pauses, weeks and month ends."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins.schedule import CADENCES, CheckinPrefs, first_due, in_quiet_hours, next_due
from bot.checkins.timezones import zone_of


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: str, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)


@pytest.mark.parametrize(
    ("zone", "at", "after", "expected"),
    [
        ("Europe/Berlin", time(20), utc(2026, 11, 23, 10), utc(2026, 11, 23, 19)),  # CET
        ("Europe/Berlin", time(20), utc(2026, 7, 1, 10), utc(2026, 7, 1, 18)),  # CEST
        ("Europe/Berlin", time(20), utc(2026, 11, 23, 19), utc(2026, 11, 24, 19)),  # strictly after
        ("Europe/Berlin", time(0, 30), utc(2026, 11, 23, 22), utc(2026, 11, 23, 23, 30)),
        ("America/New_York", time(8), utc(2026, 7, 1, 13), utc(2026, 7, 2, 12)),  # EDT
        ("America/New_York", time(8), utc(2026, 1, 1, 12), utc(2026, 1, 1, 13)),  # EST
        ("America/New_York", time(22), utc(2026, 1, 1, 12), utc(2026, 1, 2, 3)),  # next UTC day
        ("Asia/Kolkata", time(21, 30), utc(2026, 1, 1), utc(2026, 1, 1, 16)),
        ("Asia/Kolkata", time(3), utc(2026, 1, 1, 12), utc(2026, 1, 1, 21, 30)),
        ("Australia/Lord_Howe", time(9), utc(2026, 1, 1), utc(2026, 1, 1, 22)),  # +11 summer
        ("Australia/Lord_Howe", time(9), utc(2026, 7, 1), utc(2026, 7, 1, 22, 30)),  # +10:30
        ("UTC+05:30", time(21, 30), utc(2026, 1, 1), utc(2026, 1, 1, 16)),
        ("UTC-03:00", time(9), utc(2026, 1, 1, 12, 0, 1), utc(2026, 1, 2, 12)),
        ("UTC", time(9), utc(2026, 1, 1, 8, 59, 59), utc(2026, 1, 1, 9)),
        ("Pacific/Kiritimati", time(6), utc(2026, 1, 1), utc(2026, 1, 1, 16)),  # UTC+14
    ],
)
def test_daily_due_in_the_users_zone(
    zone: str, at: time, after: datetime, expected: datetime
) -> None:
    due = next_due("daily", CheckinPrefs(zone, at), after)
    assert due == expected
    assert due.tzinfo is UTC


def test_after_may_be_in_any_zone() -> None:
    prefs = CheckinPrefs("Europe/Berlin", time(20))
    assert next_due("daily", prefs, local("Asia/Tokyo", 2026, 11, 24, 3)) == utc(2026, 11, 23, 19)


@pytest.mark.parametrize(
    ("zone", "at", "after", "expected", "note"),
    [
        ("Europe/Berlin", time(2, 30), utc(2026, 3, 28, 12), utc(2026, 3, 29, 1, 30), "gap"),
        ("America/New_York", time(2, 30), utc(2026, 3, 7, 12), utc(2026, 3, 8, 7, 30), "gap"),
        ("Australia/Lord_Howe", time(2, 15), utc(2026, 10, 3), utc(2026, 10, 3, 15, 45), "gap"),
        ("Europe/Berlin", time(2, 30), utc(2026, 10, 24, 12), utc(2026, 10, 25, 0, 30), "twice"),
        ("America/New_York", time(1, 30), utc(2026, 10, 31, 12), utc(2026, 11, 1, 5, 30), "twice"),
        ("Australia/Lord_Howe", time(1, 45), utc(2026, 4, 4), utc(2026, 4, 4, 14, 45), "twice"),
    ],
)
def test_a_skipped_time_moves_forward_and_a_repeated_one_comes_first(
    zone: str, at: time, after: datetime, expected: datetime, note: str
) -> None:
    assert next_due("daily", CheckinPrefs(zone, at), after) == expected, note


def test_the_gap_shift_is_the_zones_own_gap() -> None:
    berlin = next_due("daily", CheckinPrefs("Europe/Berlin", time(2, 30)), utc(2026, 3, 28, 12))
    assert berlin.astimezone(ZoneInfo("Europe/Berlin")).time() == time(3, 30)
    howe = next_due("daily", CheckinPrefs("Australia/Lord_Howe", time(2, 15)), utc(2026, 10, 3))
    assert howe.astimezone(ZoneInfo("Australia/Lord_Howe")).time() == time(2, 45)


@pytest.mark.parametrize(
    ("zone", "at", "days"),
    [
        ("Europe/Berlin", time(8), [date(2026, 3, d) for d in (28, 29, 30)]),
        ("Europe/Berlin", time(8), [date(2026, 10, d) for d in (24, 25, 26)]),
        ("Europe/Berlin", time(2, 45), [date(2026, 10, d) for d in (24, 25, 26)]),
        ("America/New_York", time(20), [date(2026, 3, d) for d in (7, 8, 9)]),
        ("America/New_York", time(20), [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)]),
        ("Australia/Lord_Howe", time(9), [date(2026, 4, d) for d in (4, 5, 6)]),
        ("Australia/Lord_Howe", time(9), [date(2026, 10, d) for d in (3, 4, 5)]),
    ],
)
def test_daily_keeps_the_local_wall_time_across_dst(zone: str, at: time, days: list[date]) -> None:
    prefs = CheckinPrefs(zone, at)
    moment = datetime.combine(days[0], time(0), ZoneInfo(zone))
    for day in days:
        moment = next_due("daily", prefs, moment)
        assert moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == datetime.combine(day, at)
    offsets = {datetime.combine(day, at, ZoneInfo(zone)).utcoffset() for day in days}
    assert len(offsets) == 2, "the UTC time shifts with the change"


@pytest.mark.parametrize(
    ("zone", "quiet", "at", "after", "expected"),
    [
        ("UTC", (22, 7), time(23), utc(2026, 5, 1, 12), utc(2026, 5, 2, 7)),  # crosses midnight
        ("UTC", (22, 7), time(23), utc(2026, 5, 1, 23, 30), utc(2026, 5, 2, 7)),
        ("UTC", (22, 7), time(23), utc(2026, 5, 2, 7), utc(2026, 5, 3, 7)),  # strictly after
        ("UTC", (22, 7), time(22), utc(2026, 5, 1, 12), utc(2026, 5, 2, 7)),  # start is quiet
        ("UTC", (22, 7), time(6), utc(2026, 5, 1, 12), utc(2026, 5, 2, 7)),  # morning part
        ("UTC", (22, 7), time(6), utc(2026, 5, 1, 3), utc(2026, 5, 1, 7)),
        ("UTC", (22, 7), time(7), utc(2026, 5, 1, 12), utc(2026, 5, 2, 7)),  # end is not quiet
        ("UTC", (22, 7), time(8), utc(2026, 5, 1, 12), utc(2026, 5, 2, 8)),  # outside
        ("UTC", (12, 14), time(13), utc(2026, 5, 1), utc(2026, 5, 1, 14)),  # same day
        ("UTC", (12, 14), time(11), utc(2026, 5, 1), utc(2026, 5, 1, 11)),
        ("UTC", (12, 14), time(14), utc(2026, 5, 1), utc(2026, 5, 1, 14)),
        ("UTC", (9, 9), time(9), utc(2026, 5, 1), utc(2026, 5, 1, 9)),  # start == end: none
        ("Europe/Berlin", (22, 7), time(23), utc(2026, 5, 1, 12), utc(2026, 5, 2, 5)),
        ("Asia/Kolkata", (21, 6), time(21, 30), utc(2026, 5, 1), utc(2026, 5, 1, 0, 30)),
        ("UTC+05:30", (0, 8), time(1), utc(2026, 5, 1), utc(2026, 5, 1, 2, 30)),
    ],
)
def test_quiet_hours_move_the_check_in_to_their_end(
    zone: str, quiet: tuple[int, int], at: time, after: datetime, expected: datetime
) -> None:
    prefs = CheckinPrefs(zone, at, time(quiet[0]), time(quiet[1]))
    assert next_due("daily", prefs, after) == expected


@pytest.mark.parametrize(
    ("quiet", "moment", "quiet_now"),
    [
        ((time(22), time(7)), time(22), True),
        ((time(22), time(7)), time(23, 59), True),
        ((time(22), time(7)), time(0), True),
        ((time(22), time(7)), time(6, 59), True),
        ((time(22), time(7)), time(7), False),
        ((time(22), time(7)), time(12), False),
        ((time(22), time(7)), time(21, 59), False),
        ((time(12), time(14)), time(13), True),
        ((time(12), time(14)), time(14), False),
        ((time(12), time(14)), time(11, 59), False),
        ((time(9), time(9)), time(9), False),
        ((None, None), time(3), False),
        ((time(22), None), time(23), False),
    ],
)
def test_in_quiet_hours(
    quiet: tuple[time | None, time | None], moment: time, quiet_now: bool
) -> None:
    assert in_quiet_hours(moment, CheckinPrefs("UTC", time(9), *quiet)) is quiet_now


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Australia/Lord_Howe"])
def test_quiet_hours_across_midnight_give_one_check_in_a_day(zone: str) -> None:
    prefs = CheckinPrefs(zone, time(23, 30), time(22), time(7))
    moment, days = utc(2026, 1, 1), []
    for _ in range(366):
        moment = next_due("daily", prefs, moment)
        at_home = moment.astimezone(ZoneInfo(zone))
        assert at_home.time() == time(7)
        days.append(at_home.date())
    assert days == [days[0] + timedelta(days=n) for n in range(366)]


def test_weekly_in_quiet_hours_moves_into_the_next_morning() -> None:
    prefs = CheckinPrefs("UTC", time(23), time(22), time(7), weekday=6)
    assert next_due("weekly", prefs, utc(2026, 11, 22, 12)) == utc(2026, 11, 23, 7)  # Sun -> Mon
    assert next_due("weekly", prefs, utc(2026, 11, 23, 6)) == utc(2026, 11, 23, 7)  # not skipped
    assert next_due("weekly", prefs, utc(2026, 11, 23, 7)) == utc(2026, 11, 30, 7)


@pytest.mark.parametrize(
    ("paused_until", "expected"),
    [
        (None, utc(2026, 5, 2, 9)),
        (utc(2026, 5, 4, 12), utc(2026, 5, 5, 9)),  # resumes the day after the pause
        (utc(2026, 5, 4, 8), utc(2026, 5, 4, 9)),  # resumes the same morning
        (utc(2026, 5, 4, 9), utc(2026, 5, 5, 9)),  # strictly after the pause
        (utc(2026, 4, 1), utc(2026, 5, 2, 9)),  # pause already over
        (utc(2026, 5, 1, 12), utc(2026, 5, 2, 9)),  # ends now
    ],
)
def test_pause_and_resume(paused_until: datetime | None, expected: datetime) -> None:
    prefs = CheckinPrefs("UTC", time(9))
    assert first_due("daily", prefs, utc(2026, 5, 1, 12), paused_until) == expected


def test_pause_for_weekly_and_monthly() -> None:
    prefs = CheckinPrefs("Europe/Berlin", time(18), weekday=0, month_day=15)
    now, until = utc(2026, 6, 1, 12), utc(2026, 7, 20)
    assert first_due("weekly", prefs, now) == utc(2026, 6, 1, 16)
    assert first_due("weekly", prefs, now, until) == utc(2026, 7, 20, 16)
    assert first_due("monthly", prefs, now, until) == utc(2026, 8, 15, 16)


@pytest.mark.parametrize(
    ("weekday", "expected"),
    [(day, utc(2026, 11, 23 + day, 17)) for day in range(7)],  # Mon 23 ... Sun 29 Nov
)
def test_weekly_on_each_weekday(weekday: int, expected: datetime) -> None:
    prefs = CheckinPrefs("Europe/Paris", time(18), weekday=weekday)
    after = utc(2026, 11, 22, 20)  # Sunday, 21:00 in Paris: that Sunday's 18:00 has passed
    due = next_due("weekly", prefs, after)
    assert due == expected
    assert due.astimezone(ZoneInfo("Europe/Paris")).weekday() == weekday
    assert next_due("weekly", prefs, due) == due + timedelta(days=7), "strictly after"
    assert next_due("weekly", prefs, due - timedelta(microseconds=1)) == due


def test_weekly_across_a_dst_change_keeps_the_local_time() -> None:
    prefs = CheckinPrefs("America/New_York", time(9), weekday=6)
    first = next_due("weekly", prefs, utc(2026, 3, 1, 15))
    second = next_due("weekly", prefs, first)
    assert (first, second) == (utc(2026, 3, 8, 13), utc(2026, 3, 15, 13))
    assert second - first == timedelta(days=7)


@pytest.mark.parametrize(
    ("month_day", "after", "expected"),
    [
        (31, utc(2027, 2, 1), utc(2027, 2, 28, 9)),  # non-leap February
        (31, utc(2028, 2, 1), utc(2028, 2, 29, 9)),  # leap year 2028
        (31, utc(2026, 4, 1), utc(2026, 4, 30, 9)),
        (31, utc(2026, 4, 30, 9), utc(2026, 5, 31, 9)),  # strictly after
        (31, utc(2026, 1, 31, 10), utc(2026, 2, 28, 9)),
        (30, utc(2027, 2, 1), utc(2027, 2, 28, 9)),
        (29, utc(2027, 2, 1), utc(2027, 2, 28, 9)),
        (29, utc(2028, 2, 1), utc(2028, 2, 29, 9)),
        (29, utc(2028, 2, 29, 9), utc(2028, 3, 29, 9)),
        (31, utc(2026, 12, 31, 10), utc(2027, 1, 31, 9)),  # December -> January
        (1, utc(2026, 12, 1, 9), utc(2027, 1, 1, 9)),
        (15, utc(2026, 12, 20), utc(2027, 1, 15, 9)),
        (1, utc(2026, 5, 1, 8), utc(2026, 5, 1, 9)),
    ],
)
def test_monthly(month_day: int, after: datetime, expected: datetime) -> None:
    prefs = CheckinPrefs("UTC", time(9), month_day=month_day)
    assert next_due("monthly", prefs, after) == expected


def test_monthly_on_the_31st_through_a_leap_year() -> None:
    prefs = CheckinPrefs("UTC", time(9), month_day=31)
    moment, days = utc(2027, 12, 31, 12), []
    for _ in range(13):
        moment = next_due("monthly", prefs, moment)
        days.append(moment.date())
    ends = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    expected = [date(2028, month, day) for month, day in enumerate(ends, start=1)]
    assert days == [*expected, date(2029, 1, 31)]


def test_monthly_year_rollover_in_the_users_zone() -> None:
    prefs = CheckinPrefs("Asia/Kolkata", time(0, 30), month_day=1)
    assert next_due("monthly", prefs, utc(2026, 12, 15)) == utc(2026, 12, 31, 19)
    assert next_due("monthly", prefs, utc(2026, 12, 31, 19)) == utc(2027, 1, 31, 19)


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_due("daily", CheckinPrefs("UTC", time(9)), datetime(2026, 1, 1)),
        lambda: first_due("daily", CheckinPrefs("UTC", time(9)), datetime(2026, 1, 1)),
        lambda: first_due(
            "daily", CheckinPrefs("UTC", time(9)), utc(2026, 1, 1), datetime(2026, 2, 1)
        ),
        lambda: next_due("daily", CheckinPrefs("Mars/Olympus_Mons", time(9)), utc(2026, 1, 1)),
        lambda: next_due("yearly", CheckinPrefs("UTC", time(9)), utc(2026, 1, 1)),  # type: ignore[arg-type]
        lambda: CheckinPrefs("UTC", time(9), weekday=7),
        lambda: CheckinPrefs("UTC", time(9), month_day=0),
        lambda: CheckinPrefs("UTC", time(9), month_day=32),
    ],
)
def test_bad_input_is_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC+05:30"]
times_of_day = st.times().map(lambda t: t.replace(microsecond=0))
moments = st.datetimes(
    datetime(2025, 1, 1), datetime(2030, 1, 1), timezones=st.sampled_from([UTC, ZoneInfo(ZONES[0])])
)


def _wall_time(prefs: CheckinPrefs) -> time:
    """Where a check-in should land on the local clock, before any DST gap."""
    if prefs.quiet_end is not None and in_quiet_hours(prefs.at, prefs):
        return prefs.quiet_end
    return prefs.at


@settings(max_examples=80, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    at=times_of_day,
    quiet=st.none() | st.tuples(times_of_day, times_of_day),
    after=moments,
)
def test_daily_is_always_ahead_and_once_a_local_day(
    zone: str, at: time, quiet: tuple[time, time] | None, after: datetime
) -> None:
    prefs = CheckinPrefs(zone, at, *(quiet or (None, None)))
    due = next_due("daily", prefs, after)
    assert due > after and due.tzinfo is UTC
    assert due - after <= timedelta(hours=25)
    home, wall = zone_of(zone), _wall_time(prefs)
    moment, days = after, []
    for _ in range(400):
        following = next_due("daily", prefs, moment)
        assert following > moment
        at_home = following.astimezone(home)
        shift = datetime.combine(at_home.date(), at_home.time()) - datetime.combine(
            at_home.date(), wall
        )
        assert timedelta(0) <= shift <= timedelta(hours=1), "the wall time, or just past a gap"
        days.append(at_home.date())
        moment = following
    assert days == [days[0] + timedelta(days=n) for n in range(400)], "one a local day"


@settings(max_examples=60, deadline=None)
@given(
    cadence=st.sampled_from(CADENCES),
    zone=st.sampled_from(ZONES),
    at=times_of_day,
    weekday=st.integers(0, 6),
    month_day=st.integers(1, 31),
    after=moments,
)
def test_every_cadence_is_ahead_and_on_its_day(
    cadence: str, zone: str, at: time, weekday: int, month_day: int, after: datetime
) -> None:
    prefs = CheckinPrefs(zone, at, weekday=weekday, month_day=month_day)
    due = next_due(cadence, prefs, after)  # type: ignore[arg-type]
    assert due > after and due.tzinfo is UTC
    limit = {"daily": 1, "weekly": 7, "monthly": 31}[cadence]
    assert due - after <= timedelta(days=limit, hours=1)
    day = due.astimezone(zone_of(zone)).date()
    if cadence == "weekly":
        assert day.weekday() == weekday
    if cadence == "monthly":
        assert day.day == min(month_day, calendar.monthrange(day.year, day.month)[1])
