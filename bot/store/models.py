"""The tables. Every row that is about a user cascades from `users`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
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
    follow_up_at: datetime | None = Field(default=None, index=True)
    high_distress: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    message_marks: list[list[int]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
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


class Meta(SQLModel, table=True):
    """Facts about the database itself, such as the encrypted value that checks the data key."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_type=EncryptedText)


RECORD_TABLES: dict[str, type[SQLModel]] = {"statement": Statement, "rating": Rating}
