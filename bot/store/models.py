"""The tables. Every row that is about a user cascades from `users`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from bot.store.types import EncryptedJSON, EncryptedText, utcnow


def _timestamp(**kwargs: Any) -> Any:
    """An aware UTC timestamp (SQLModel maps `datetime` to its UTCDateTime type)."""
    return Field(default_factory=utcnow, **kwargs)


class User(SQLModel, table=True):
    """One person on one channel, with their coaching profile."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_users_channel_external"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    locale: str = Field(default="en", max_length=16)
    language_code: str | None = Field(default=None, max_length=16)
    situation: str | None = Field(default=None, max_length=32)
    country: str | None = Field(default=None, max_length=8)
    safety_flag: str | None = Field(default=None, max_length=32)
    safety_flag_at: datetime | None = None
    follow_up_at: datetime | None = None  # a follow-up asked for; checkin_schedules sends it
    # Safety memory: numbers and flags only, never what was written.
    abuse_disclosed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    safety_family: str | None = Field(default=None, max_length=32)
    safety_until: datetime | None = None  # the safety conversation is open until then
    safety_turns: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The last safety message asked "are you safe right now?": a typed yes/no answers it.
    safety_asked: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    safe_until: datetime | None = None  # after "yes, I'm safe": no check, only the crisis answer
    risk: float = Field(default=0.0, sa_column_kwargs={"server_default": "0"})
    risk_at: datetime | None = None
    high_distress: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    message_marks: list[list[int]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # Check-in settings; nothing is scheduled until the user has chosen a time zone and time.
    checkin_zone: str | None = Field(default=None, max_length=64)
    checkin_time: str | None = Field(default=None, max_length=5)  # "HH:MM", local
    quiet_hours: str | None = Field(default=None, max_length=11)  # "HH:MM-HH:MM", local
    daily_on: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    weekly_on: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    weekly_day: int = Field(default=6, sa_column_kwargs={"server_default": "6"})  # 0 = Monday
    monthly_on: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    paused_until: datetime | None = None
    reachable: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class FlowRun(SQLModel, table=True):
    """One pass through a flow: where the user is and what they answered so far."""

    __tablename__ = "flow_runs"
    __table_args__ = (Index("ix_flow_runs_user_status", "user_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    flow: str = Field(max_length=32)
    step: str = Field(max_length=64)
    seq: int = 0
    status: str = Field(default="active", max_length=16)
    state: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(EncryptedJSON, nullable=False)
    )
    last_update_id: int | None = None
    started_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Statement(SQLModel, table=True):
    """A text the user composed in an exercise: an I-statement, a listening summary."""

    __tablename__ = "statements"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    run_id: int | None = Field(default=None, foreign_key="flow_runs.id", ondelete="SET NULL")
    kind: str = Field(max_length=32)
    text: str = Field(sa_type=EncryptedText)
    created_at: datetime = _timestamp()


class Rating(SQLModel, table=True):
    """A number on a scale the user gave, such as distress before and after an exercise."""

    __tablename__ = "ratings"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    run_id: int | None = Field(default=None, foreign_key="flow_runs.id", ondelete="SET NULL")
    scale: str = Field(max_length=32)
    phase: str | None = Field(default=None, max_length=16)
    value: int
    created_at: datetime = _timestamp()


class CheckinSchedule(SQLModel, table=True):
    """When a user's next check-in of one cadence is due: the dispatcher's source of truth."""

    __tablename__ = "checkin_schedules"
    __table_args__ = (UniqueConstraint("user_id", "cadence", name="uq_schedules_user_cadence"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    cadence: str = Field(max_length=8)
    due_at: datetime = Field(index=True)


class CheckinDelivery(SQLModel, table=True):
    """One scheduled check-in on its way: queued, then sending, then sent (or skipped)."""

    __tablename__ = "checkin_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "cadence", "due_at", name="uq_deliveries_once"),
        # Each channel's sender reads its own queue, oldest first.
        Index("ix_deliveries_queue", "status", "channel", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    channel: str = Field(max_length=16)  # the user's channel, which sends it
    cadence: str = Field(max_length=8)
    due_at: datetime
    status: str = Field(default="queued", max_length=12)
    created_at: datetime = _timestamp()
    sent_at: datetime | None = None


class CheckinEntry(SQLModel, table=True):
    """An answered check-in: mood and triggers for the charts, the user's words encrypted."""

    __tablename__ = "checkin_entries"
    __table_args__ = (Index("ix_checkin_entries_user_day", "user_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    run_id: int | None = Field(default=None, foreign_key="flow_runs.id", ondelete="SET NULL")
    cadence: str = Field(max_length=8)
    day: date  # the user's local date
    mood: int | None = None
    triggered: bool | None = None
    note: str | None = Field(default=None, sa_type=EncryptedText)
    win: str | None = Field(default=None, sa_type=EncryptedText)
    challenge: str | None = Field(default=None, sa_type=EncryptedText)
    focus: str | None = Field(default=None, sa_type=EncryptedText)
    created_at: datetime = _timestamp()


class Commitment(SQLModel, table=True):
    """A promise in the ledger: what, how often, to whom; paused or finished, never erased."""

    __tablename__ = "commitments"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    what: str = Field(sa_type=EncryptedText)
    how_often: str | None = Field(default=None, sa_type=EncryptedText)
    to_whom: str | None = Field(default=None, sa_type=EncryptedText)
    status: str = Field(default="active", max_length=12)
    source: str | None = Field(default=None, max_length=32)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class CommitmentReview(SQLModel, table=True):
    """One week's verdict on one commitment, with the promise as it stood then."""

    __tablename__ = "commitment_reviews"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    commitment_id: int | None = Field(
        default=None, foreign_key="commitments.id", ondelete="SET NULL"
    )
    run_id: int | None = Field(default=None, foreign_key="flow_runs.id", ondelete="SET NULL")
    week_start: date
    promised: str = Field(sa_type=EncryptedText)
    outcome: str = Field(max_length=8)  # kept, partly, missed
    hard: str | None = Field(default=None, sa_type=EncryptedText)
    created_at: datetime = _timestamp()


class Milestone(SQLModel, table=True):
    """A small win celebrated once."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_milestones_user_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    key: str = Field(max_length=48)
    achieved_at: datetime = _timestamp()


class Meta(SQLModel, table=True):
    """Facts about the database itself, such as the encrypted value that checks the data key."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_type=EncryptedText)


RECORD_TABLES: dict[str, type[SQLModel]] = {
    "statement": Statement,
    "rating": Rating,
    "checkin": CheckinEntry,
    "commitment": Commitment,
    "commitment_review": CommitmentReview,
}
