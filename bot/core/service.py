"""The core's one entry point: an input in, replies out, state committed in between."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.content.bundle import Content
from bot.core.router import Router
from bot.core.turn import Profile, Turn
from bot.messages import Attachment, Incoming, Reply
from bot.store import repository
from bot.store.database import Database
from bot.store.export import export_user
from bot.store.models import FlowRun, User
from bot.store.types import utcnow

log = logging.getLogger(__name__)


class Coach:
    """Loads a user's state, routes the input, and commits the turn before replying."""

    def __init__(
        self, content: Content, database: Database, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.content = content
        self.database = database
        self.router = Router(content)
        self.clock = clock

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Process one input; the state is committed when this returns."""
        async with self.database.transaction() as session:
            user, run = await repository.load_user_and_run(
                session, incoming.channel, incoming.user_key
            )
            if user is None:
                locale = self.content.texts.pick_locale(incoming.language_code)
                user = await repository.create_user(
                    session, incoming.channel, incoming.user_key, incoming.language_code, locale
                )
            if _already_handled(run, incoming):
                log.info("skipped a redelivered input (seq %s)", incoming.seq)
                return []
            lookups = await repository.lookups(session, user.id, self.router.lookups_for(incoming))
            now = self.clock()
            turn = self.router.route(
                profile_of(user), repository.state_of(run), incoming, now, lookups
            )
            if "delete" in turn.requests:
                await repository.delete_user(session, user.id)
                log.info("deleted user %s and all their rows", user.id)
                return turn.replies
            self._apply_profile(user, turn, incoming, now)
            started = await self._apply_runs(session, user, run, turn, incoming.seq)
            target = started if turn.effects_run == "started" else run
            for effect in turn.effects:
                session.add(repository.record(user.id, target.id if target else None, effect))
            if "export" in turn.requests:
                await session.flush()
                turn.replies.append(await self._export(session, user, now))
        self._log(user, incoming, turn, started or run)
        return turn.replies

    async def follow_up(self, user_id: int) -> list[Reply]:
        """The next-day check for a user the scheduler claimed."""
        async with self.database.transaction() as session:
            user = await session.get(User, user_id)
            if user is None:
                return []
            run = await repository.active_run(session, user_id)
            turn = self.router.follow_up(profile_of(user), repository.state_of(run), self.clock())
        return turn.replies

    def _apply_profile(self, user: User, turn: Turn, incoming: Incoming, now: datetime) -> None:
        changes = turn.profile_changes
        for key, value in changes.items():
            setattr(user, key, value)
        if "safety_flag" in changes:
            user.safety_flag_at = now if changes["safety_flag"] else None
        if incoming.language_code and incoming.language_code != user.language_code:
            user.language_code = incoming.language_code
        if changes:
            user.updated_at = now

    async def _apply_runs(
        self, session: AsyncSession, user: User, run: FlowRun | None, turn: Turn, seq: int | None
    ) -> FlowRun | None:
        if run is not None and turn.current is not None:
            repository.write_state(run, turn.current, seq)
        elif run is not None and seq is not None:
            run.last_update_id = seq
        if turn.started is None:
            return None
        started = repository.new_run(user.id, turn.started, seq)
        session.add(started)
        await session.flush()
        return started

    async def _export(self, session: AsyncSession, user: User, now: datetime) -> Reply:
        content = await export_user(session, user.id, now)
        filename = f"mend-export-{now:%Y-%m-%d}.json"
        caption = self.content.texts.render("common.privacy.export_caption", user.locale)
        return Reply(caption, attachment=Attachment(filename, content, "document"))

    def _log(self, user: User, incoming: Incoming, turn: Turn, run: FlowRun | None) -> None:
        log.debug(
            "user %s: %s input -> %s/%s, %d replies, %d records",
            user.id,
            incoming.kind,
            run.flow if run else "-",
            run.step if run else "-",
            len(turn.replies),
            len(turn.effects),
        )


def profile_of(user: User) -> Profile:
    """The core's view of a stored user."""
    return Profile(
        situation=user.situation,
        locale=user.locale,
        country=user.country,
        language_code=user.language_code,
        safety_flag=user.safety_flag,
        follow_up_at=user.follow_up_at,
        high_distress=user.high_distress,
        message_marks=[list(m) for m in user.message_marks or []],
    )


def _already_handled(run: FlowRun | None, incoming: Incoming) -> bool:
    """A channel that redelivers after a crash must not apply the same answer twice."""
    if run is None or incoming.seq is None or run.last_update_id is None:
        return False
    return incoming.seq <= run.last_update_id
