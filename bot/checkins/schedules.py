"""Keep each user's due times in step with their settings: one row per cadence that is on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.checkins.schedule import CADENCES, CheckinPrefs, first_due, next_due
from bot.checkins.times import parse_time, parse_time_range
from bot.store.models import CheckinSchedule, User

ON_FIELDS = {"daily": "daily_on", "weekly": "weekly_on", "monthly": "monthly_on"}
# The next-day safety check a user asked for: one more row for the dispatcher, sent once.
FOLLOW_UP = "followup"


def prefs_of(user: User) -> CheckinPrefs | None:
    """The user's check-in preferences, or None until they have chosen a zone and a time."""
    at = parse_time(user.checkin_time or "")
    if not user.checkin_zone or at is None:
        return None
    quiet = parse_time_range(user.quiet_hours or "")
    return CheckinPrefs(
        zone=user.checkin_zone,
        at=at,
        quiet_start=quiet[0] if quiet else None,
        quiet_end=quiet[1] if quiet else None,
        weekday=user.weekly_day,
    )


def due_times(user: User, now: datetime) -> dict[str, datetime]:
    """When each cadence that is on is next due, and any follow-up; nothing if unreachable.

    A follow-up needs no check-in settings and ignores a pause: the user asked for it.
    """
    if not user.reachable:
        return {}
    prefs = prefs_of(user)
    due = {
        cadence: first_due(cadence, prefs, now, user.paused_until)
        for cadence in CADENCES
        if prefs is not None and getattr(user, ON_FIELDS[cadence])
    }
    if user.follow_up_at is not None:
        due[FOLLOW_UP] = user.follow_up_at
    return due


def following(user: User, cadence: str, after: datetime) -> datetime | None:
    """The due time after one just claimed, skipping any pause; a follow-up comes once."""
    prefs = prefs_of(user)
    if prefs is None or cadence == FOLLOW_UP:
        return None
    if user.paused_until and user.paused_until > after:
        return first_due(cadence, prefs, after, user.paused_until)  # type: ignore[arg-type]
    return next_due(cadence, prefs, after)  # type: ignore[arg-type]


def reschedule(session: Session, user: User, now: datetime) -> None:
    """Rewrite the user's schedule rows from their settings (in the caller's transaction)."""
    wanted = due_times(user, now)
    rows = session.exec(select(CheckinSchedule).where(CheckinSchedule.user_id == user.id)).all()
    for row in rows:
        if row.cadence in wanted:
            row.due_at = wanted.pop(row.cadence)
        else:
            session.delete(row)
    for cadence, due in wanted.items():
        session.add(CheckinSchedule(user_id=user.id, cadence=cadence, due_at=due))


def stop_for(session: Session, user_ids: list[int]) -> None:
    """Users who blocked the bot: no more check-ins until they write again."""
    session.exec(delete(CheckinSchedule).where(CheckinSchedule.user_id.in_(user_ids)))  # type: ignore[attr-defined]
