"""When the next check-in is due: in the user's time zone, DST-correct, outside quiet hours."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from bot.checkins.timezones import zone_of

Cadence = Literal["daily", "weekly", "monthly"]
CADENCES: tuple[Cadence, ...] = ("daily", "weekly", "monthly")
_SEARCH_DAYS = 400  # far more than the longest gap (31 days) between two schedule days


@dataclass(frozen=True)
class CheckinPrefs:
    """Where and when a user's check-ins come; quiet hours may cross midnight."""

    zone: str  # IANA name or canonical offset ("UTC+05:30"), see timezones.zone_of
    at: time
    quiet_start: time | None = None
    quiet_end: time | None = None
    weekday: int = 6  # weekly: 0 = Monday ... 6 = Sunday
    month_day: int = 1  # monthly: 1..31, clamped to the month's last day

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, not {self.weekday}")
        if not 1 <= self.month_day <= 31:
            raise ValueError(f"month_day must be 1..31, not {self.month_day}")


def in_quiet_hours(local: time, prefs: CheckinPrefs) -> bool:
    """Whether a local time falls in the quiet hours (start included, end not)."""
    start, end = prefs.quiet_start, prefs.quiet_end
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_due(cadence: Cadence, prefs: CheckinPrefs, after: datetime) -> datetime:
    """The first due moment strictly after `after` (aware), as an aware UTC datetime."""
    _require_aware(after, "after")
    zone = zone_of(prefs.zone)
    day = after.astimezone(zone).date() - timedelta(days=1)  # a quiet shift may cross midnight
    for _ in range(_SEARCH_DAYS):
        if _is_schedule_day(cadence, prefs, day):
            due = _due_on(day, prefs, zone)
            if due > after:
                return due
        day += timedelta(days=1)
    raise ValueError(f"no {cadence} check-in found")  # unreachable for valid preferences


def first_due(
    cadence: Cadence, prefs: CheckinPrefs, now: datetime, paused_until: datetime | None = None
) -> datetime:
    """Next due after now, or after the pause ends if paused."""
    _require_aware(now, "now")
    if paused_until is not None:
        _require_aware(paused_until, "paused_until")
    start = paused_until if paused_until is not None and paused_until > now else now
    return next_due(cadence, prefs, start)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"`{name}` must be timezone-aware")


def _is_schedule_day(cadence: Cadence, prefs: CheckinPrefs, day: date) -> bool:
    if cadence == "daily":
        return True
    if cadence == "weekly":
        return day.weekday() == prefs.weekday
    if cadence == "monthly":
        return day.day == min(prefs.month_day, calendar.monthrange(day.year, day.month)[1])
    raise ValueError(f"unknown cadence {cadence!r}")


def _due_on(day: date, prefs: CheckinPrefs, zone: tzinfo) -> datetime:
    """The moment of a schedule day's check-in, moved to the end of quiet hours, in UTC."""
    at = prefs.at
    if prefs.quiet_end is not None and in_quiet_hours(at, prefs):
        if prefs.quiet_end <= at:  # quiet hours run past midnight: the next morning
            day += timedelta(days=1)
        at = prefs.quiet_end
    return _local_to_utc(datetime.combine(day, at), zone)


def _local_to_utc(naive: datetime, zone: tzinfo) -> datetime:
    """A wall-clock time in a zone: a skipped one moves forward by the gap, a repeated one is
    taken the first time."""
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # In a gap fold=0 reads the time with the offset before the change, i.e. after the gap.
    return max(first, naive.replace(tzinfo=zone, fold=1).astimezone(UTC))
