"""When the next check-in is due: in the user's time zone, DST-correct, outside quiet hours."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from bot.checkins.timezones import zone_of

Cadence = Literal["daily", "weekly", "monthly"]
CADENCES: tuple[Cadence, ...] = ("daily", "weekly", "monthly")


@dataclass(frozen=True)
class CheckinPrefs:
    """Where and when a user's check-ins come."""

    zone: str
    at: time
    quiet_start: time | None = None
    quiet_end: time | None = None
    weekday: int = 6  # 0 = Monday
    month_day: int = 1  # clamped to the month's length


def in_quiet_hours(local: time, prefs: CheckinPrefs) -> bool:
    """Whether a local time falls in the quiet hours (which may cross midnight)."""
    start, end = prefs.quiet_start, prefs.quiet_end
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_due(cadence: Cadence, prefs: CheckinPrefs, after: datetime) -> datetime:
    """The first due moment strictly after `after`, as an aware UTC datetime."""
    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    zone = zone_of(prefs.zone)
    day = after.astimezone(zone).date() - timedelta(days=1)  # a quiet shift may cross midnight
    for _ in range(800):
        if _is_schedule_day(cadence, prefs, day):
            due = _due_on(day, prefs, zone)
            if due > after:
                return due
        day += timedelta(days=1)
    raise ValueError("no due time found")  # unreachable for valid preferences


def first_due(
    cadence: Cadence, prefs: CheckinPrefs, now: datetime, paused_until: datetime | None = None
) -> datetime:
    """The next due time after now, or after the pause ends if one is running."""
    start = paused_until if paused_until and paused_until > now else now
    return next_due(cadence, prefs, start)


def _is_schedule_day(cadence: Cadence, prefs: CheckinPrefs, day: date) -> bool:
    if cadence == "daily":
        return True
    if cadence == "weekly":
        return day.weekday() == prefs.weekday
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day == min(prefs.month_day, last)


def _due_on(day: date, prefs: CheckinPrefs, zone: object) -> datetime:
    """The moment of a schedule day's check-in, moved past quiet hours, in UTC."""
    at = prefs.at
    if in_quiet_hours(at, prefs) and prefs.quiet_end is not None:
        if prefs.quiet_end <= at:  # quiet hours run past midnight: the next morning
            day += timedelta(days=1)
        at = prefs.quiet_end
    return _local_to_utc(datetime.combine(day, at), zone)


def _local_to_utc(naive: datetime, zone: object) -> datetime:
    """A wall-clock time in a zone; a time skipped by DST moves forward by the gap."""
    local = naive.replace(tzinfo=zone, fold=0)  # type: ignore[arg-type]
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:  # type: ignore[arg-type]
        later = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)  # type: ignore[arg-type]
        return max(as_utc, later)
    return as_utc
