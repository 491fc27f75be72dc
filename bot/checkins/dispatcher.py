"""Claim due check-ins exactly once, through an outbox in the database.

1. `claim_due` moves due schedule rows into `checkin_deliveries` (status `queued`) and advances
   each schedule to its next due time, in one transaction. On PostgreSQL the schedule rows are
   locked with SKIP LOCKED, so two dispatchers never claim the same one; SQLite has one writer
   at a time (BEGIN IMMEDIATE), which makes the same statements atomic there. A unique key on
   (user, cadence, due time) backs this up.
2. `take` marks a slice of queued deliveries `sending` and returns them with their users.
   Deliveries older than the grace window are `skipped` instead: a check-in missed while the bot
   was down goes out once if still timely, else waits for its next due time.
3. `finish` records what happened: `sent`, `unreachable` (the user blocked the bot; their
   check-ins stop until they write again) or `failed`.
The next-day safety follow-up a user asks for is one more schedule row (cadence `followup`),
sent once, and never skipped as late.
A crash between 2 and 3 leaves that slice `sending`: it is never sent again (no duplicates),
so at most one slice in flight can be lost. A crash anywhere else loses and repeats nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.checkins.schedules import FOLLOW_UP, following, stop_for
from bot.store.database import Database
from bot.store.models import CheckinDelivery, CheckinSchedule, FlowRun, User

CLAIM_BATCH = 500
REVIEWS = {"weekly", "monthly"}


@dataclass(frozen=True)
class Outgoing:
    """A check-in being sent: the delivery row, its user and the user's active run."""

    delivery_id: int
    cadence: str
    due_at: datetime
    user: User
    run: FlowRun | None


class Dispatcher:
    """The database half of sending check-ins; sending itself belongs to a channel."""

    def __init__(
        self, database: Database, channel: str, grace: timedelta, user_key: str | None = None
    ) -> None:
        self.database = database
        self.channel = channel
        self.grace = grace
        # Whose check-ins this dispatcher sends: the channel's users, or just one of them (a
        # terminal sends only to the person at it).
        self._whom = [User.channel == channel]
        self._mine = [col(CheckinDelivery.channel) == channel]
        if user_key is not None:
            self._whom.append(User.external_id == user_key)
            one = select(User.id).where(*self._whom)  # at most one row, by a unique key
            self._mine.append(col(CheckinDelivery.user_id) == one.scalar_subquery())

    async def claim_due(self, now: datetime, limit: int = CLAIM_BATCH) -> int:
        """Queue up to `limit` due check-ins and advance their schedules; returns how many."""
        query = (
            select(CheckinSchedule, User)
            .join(User, col(User.id) == CheckinSchedule.user_id)
            .where(col(CheckinSchedule.due_at) <= now, *self._whom)
            .order_by(col(CheckinSchedule.due_at))
            .limit(limit)
            .with_for_update(skip_locked=True, of=CheckinSchedule)  # type: ignore[arg-type]
        )

        def work(session: Session) -> int:
            rows = session.exec(query).all()
            # On the day a weekly or monthly review is due, it stands in for the daily check-in.
            reviewing = {user.id for schedule, user in rows if schedule.cadence in REVIEWS}
            queued = []
            for schedule, user in rows:
                stand_in = schedule.cadence == "daily" and user.id in reviewing
                # A follow-up missed while the bot was down still goes: it checks on safety.
                timely = schedule.due_at >= now - self.grace or schedule.cadence == FOLLOW_UP
                if schedule.cadence == FOLLOW_UP:
                    user.follow_up_at = None
                if timely and not stand_in:
                    queued.append(
                        {
                            "user_id": user.id,
                            "channel": user.channel,
                            "cadence": schedule.cadence,
                            "due_at": schedule.due_at,
                            "status": "queued",
                            "created_at": now,
                        }
                    )
                upcoming = following(user, schedule.cadence, now)
                if upcoming is None:
                    session.delete(schedule)
                else:
                    schedule.due_at = upcoming
            if queued:
                dialect = session.bind.dialect.name if session.bind else "sqlite"
                insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
                session.exec(insert(CheckinDelivery).values(queued).on_conflict_do_nothing())
            return len(rows)

        return await self.database.run(work)

    async def take(self, now: datetime, limit: int) -> list[Outgoing]:
        """Mark up to `limit` queued check-ins as sending, and return them with their users."""
        stale = (
            update(CheckinDelivery)
            .where(
                col(CheckinDelivery.status) == "queued",
                col(CheckinDelivery.due_at) < now - self.grace,
                col(CheckinDelivery.cadence) != FOLLOW_UP,
                *self._mine,
            )
            .values(status="skipped")
        )
        picked = (
            select(CheckinDelivery.id)
            .where(col(CheckinDelivery.status) == "queued", *self._mine)
            .order_by(col(CheckinDelivery.due_at))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        mark = (
            update(CheckinDelivery)
            .where(col(CheckinDelivery.id).in_(picked.scalar_subquery()))
            .values(status="sending")
            .returning(
                CheckinDelivery.id,
                CheckinDelivery.user_id,
                CheckinDelivery.cadence,
                CheckinDelivery.due_at,
            )
        )

        def work(session: Session) -> list[Outgoing]:
            session.exec(stale)
            taken = session.exec(mark).all()
            if not taken:
                return []
            people = (
                select(User, FlowRun)
                .outerjoin(FlowRun, and_(FlowRun.user_id == User.id, FlowRun.status == "active"))
                .where(col(User.id).in_({row[1] for row in taken}))
                .order_by(col(FlowRun.id))
            )
            # A user has rows with runs or one row without; the newest active run wins.
            found = {user.id: (user, run) for user, run in session.exec(people).all()}
            return [
                Outgoing(delivery_id, cadence, due_at, *found[user_id])
                for delivery_id, user_id, cadence, due_at in taken
                if user_id in found
            ]

        return await self.database.run(work)

    async def finish(
        self,
        now: datetime,
        sent: list[int],
        unreachable: list[Outgoing],
        failed: list[int],
    ) -> None:
        """Record the outcome of a slice; blocked users stop receiving check-ins."""

        def work(session: Session) -> None:
            for status, ids in (
                ("sent", sent),
                ("unreachable", [o.delivery_id for o in unreachable]),
                ("failed", failed),
            ):
                if ids:
                    values = {"status": status, "sent_at": now} if status == "sent" else {}
                    values.setdefault("status", status)
                    session.exec(
                        update(CheckinDelivery)
                        .where(col(CheckinDelivery.id).in_(ids))
                        .values(**values)
                    )
            if unreachable:
                user_ids = sorted({o.user.id for o in unreachable})  # type: ignore[misc]
                session.exec(update(User).where(col(User.id).in_(user_ids)).values(reachable=False))
                stop_for(session, user_ids)

        await self.database.run(work)
