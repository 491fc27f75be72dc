"""The next-day safety follow-up: claim the users who are due, exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from bot.store.database import Database
from bot.store.models import User


@dataclass(frozen=True)
class Due:
    """A user to check on, and where to reach them."""

    user_id: int
    channel: str
    external_id: str


async def claim_due(database: Database, now: datetime, channel: str, limit: int = 100) -> list[Due]:
    """Clear and return due follow-ups in one statement, so no two workers send the same one.

    On PostgreSQL the rows are locked with SKIP LOCKED; SQLite runs one writer at a time
    (BEGIN IMMEDIATE), which makes the same UPDATE ... RETURNING atomic there.
    """
    due = (
        select(User.id)
        .where(col(User.follow_up_at) <= now, User.channel == channel)
        .order_by(col(User.follow_up_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claim = (
        update(User)
        .where(col(User.id).in_(due.scalar_subquery()))
        .values(follow_up_at=None)
        .returning(User.id, User.channel, User.external_id)
    )
    rows = await database.run(lambda session: session.exec(claim).all())
    return [Due(*row) for row in rows]
