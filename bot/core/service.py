"""The core's one entry point: an input in, replies out, state committed in between."""

from __future__ import annotations

import logging

from bot.content.bundle import Content
from bot.core.router import Router
from bot.core.turn import Profile, Turn
from bot.messages import Incoming, Reply
from bot.store import repository
from bot.store.database import Database
from bot.store.models import FlowRun, User
from bot.store.types import utcnow

log = logging.getLogger(__name__)


class Coach:
    """Loads a user's state, routes the input, and commits the turn before replying."""

    def __init__(self, content: Content, database: Database) -> None:
        self.content = content
        self.database = database
        self.router = Router(content)

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
            profile = Profile(situation=user.situation, locale=user.locale)
            turn = self.router.route(profile, repository.state_of(run), incoming)
            self._apply_profile(user, turn, incoming)
            started = await self._apply_runs(session, user, run, turn, incoming.seq)
            target = started if turn.effects_run == "started" else run
            for effect in turn.effects:
                session.add(repository.record(user.id, target.id if target else None, effect))
        active = turn.started or turn.current or repository.state_of(run)
        log.debug(
            "user %s: %s input -> %s/%s, %d replies, %d records",
            user.id,
            incoming.kind,
            active.flow if active else "-",
            active.step if active else "-",
            len(turn.replies),
            len(turn.effects),
        )
        return turn.replies

    def _apply_profile(self, user: User, turn: Turn, incoming: Incoming) -> None:
        for key, value in turn.profile_changes.items():
            setattr(user, key, value)
        if incoming.language_code and incoming.language_code != user.language_code:
            user.language_code = incoming.language_code
        if turn.profile_changes:
            user.updated_at = utcnow()

    async def _apply_runs(
        self, session: object, user: User, run: FlowRun | None, turn: Turn, seq: int | None
    ) -> FlowRun | None:
        if run is not None and turn.current is not None:
            repository.write_state(run, turn.current, seq)
        elif run is not None and seq is not None:
            run.last_update_id = seq
        if turn.started is None:
            return None
        started = repository.new_run(user.id, turn.started, seq)
        session.add(started)  # type: ignore[attr-defined]
        await session.flush()  # type: ignore[attr-defined]
        return started


def _already_handled(run: FlowRun | None, incoming: Incoming) -> bool:
    """A channel that redelivers after a crash must not apply the same answer twice."""
    if run is None or incoming.seq is None or run.last_update_id is None:
        return False
    return incoming.seq <= run.last_update_id
