"""Stored records the core reads before a turn: plans, commitments, progress, milestones."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from bot.checkins.progress import DayEntry, History, WeekReview
from bot.store.models import (
    CheckinEntry,
    Commitment,
    CommitmentReview,
    FlowRun,
    Milestone,
    Statement,
)

HISTORY_DAYS = 93  # two calendar months compared for milestones, and some slack
PLAN_KINDS = {"safety_plan": "safety_plan", "trigger_plan": "trigger_plan"}


def lookups(session: Session, user_id: int, names: set[str], today: date) -> dict[str, Any]:
    """Each record named, read in the caller's transaction."""
    found: dict[str, Any] = {}
    for name in sorted(names):
        if name in PLAN_KINDS:
            found[name] = latest_statement(session, user_id, PLAN_KINDS[name])
        elif name == "commitments":
            found[name] = commitments(session, user_id)
        elif name == "done":
            found[name] = finished_flows(session, user_id)
        elif name == "mine":
            found[name] = {
                "statements": statements(session, user_id),
                "commitments": commitments(session, user_id),
            }
        elif name == "progress":
            found[name] = history(session, user_id, today)  # the core reads it
    return found


def latest_statement(session: Session, user_id: int, kind: str) -> str | None:
    query = (
        select(Statement.text)
        .where(Statement.user_id == user_id, Statement.kind == kind)
        .order_by(col(Statement.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def commitments(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The user's commitments, oldest first, as plain data for templates."""
    query = select(Commitment).where(Commitment.user_id == user_id).order_by(col(Commitment.id))
    return [
        {
            "id": c.id,
            "what": c.what,
            "how_often": c.how_often,
            "to_whom": c.to_whom,
            "status": c.status,
        }
        for c in session.exec(query).all()
    ]


def history(session: Session, user_id: int, today: date) -> History:
    """Daily check-ins and weekly reviews of the last weeks, for progress and milestones."""
    since = today - timedelta(days=HISTORY_DAYS)
    entries = session.exec(
        select(CheckinEntry.day, CheckinEntry.mood, CheckinEntry.triggered).where(
            CheckinEntry.user_id == user_id,
            CheckinEntry.cadence == "daily",
            col(CheckinEntry.day) >= since,
        )
    )
    reviews = session.exec(
        select(CommitmentReview.week_start, CommitmentReview.outcome).where(
            CommitmentReview.user_id == user_id, col(CommitmentReview.week_start) >= since
        )
    )
    weeks: dict[date, dict[str, int]] = {}
    for week_start, outcome in reviews.all():
        counts = weeks.setdefault(week_start, {"kept": 0, "partly": 0, "missed": 0})
        if outcome in counts:
            counts[outcome] += 1
    return History(
        today=today,
        entries=tuple(DayEntry(day, mood, triggered) for day, mood, triggered in entries.all()),
        reviews=tuple(WeekReview(week, **counts) for week, counts in sorted(weeks.items())),
    )


def milestones(session: Session, user_id: int) -> frozenset[str]:
    query = select(Milestone.key).where(Milestone.user_id == user_id)
    return frozenset(session.exec(query).all())


# Read at the end of most exercises (for the menu's next step): built once, run with a parameter.
_FINISHED_FLOWS = (
    select(FlowRun.flow)
    .where(FlowRun.user_id == bindparam("user_key"), FlowRun.status == "completed")
    .distinct()
)


def finished_flows(session: Session, user_id: int) -> frozenset[str]:
    """Flows the user has completed at least once."""
    return frozenset(session.exec(_FINISHED_FLOWS, params={"user_key": user_id}).all())


def statements(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Everything the user composed, newest first, as plain data for templates."""
    query = select(Statement).where(Statement.user_id == user_id).order_by(col(Statement.id).desc())
    return [
        {"id": s.id, "kind": s.kind, "text": s.text, "day": s.created_at.date().isoformat()}
        for s in session.exec(query).all()
    ]
