"""The core's one entry point: an input in, replies out, state committed in between."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from bot.checkins.progress import new_milestones
from bot.checkins.schedules import FOLLOW_UP, reschedule
from bot.coach.safety.screen import Verdict
from bot.content.bundle import Content
from bot.content.toolbox import progress_record
from bot.core.context import local_date
from bot.core.router import Router
from bot.core.turn import SCHEDULE_FIELDS, Profile, Turn
from bot.messages import Attachment, Incoming, Reply
from bot.store import lookups, repository
from bot.store.database import Database
from bot.store.export import export_user
from bot.store.models import FlowRun, Milestone, User
from bot.store.repository import ActiveRun
from bot.store.types import utcnow

PROGRESS_RECORDS = {"checkin", "commitment_review"}  # saving one may reach a milestone
# A user as a turn reads it: the row it was loaded as, or the ORM object once it changed.
UserView = User | Row[Any]

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
        verdict = await self._screen(incoming)
        replies = await self.database.run(partial(self._turn, incoming, verdict))
        return await drawn(replies)

    async def _screen(self, incoming: Incoming) -> Verdict | None:
        """Free text is screened off the loop and before the unit of work, which stays short."""
        if incoming.kind != "text":
            return None
        locale = self.content.texts.pick_locale(incoming.language_code)
        return await asyncio.to_thread(self.router.screen, incoming.text, locale)

    def _turn(self, incoming: Incoming, verdict: Verdict | None, session: Session) -> list[Reply]:
        """One input's unit of work: load, route, apply; the caller commits."""
        user, run = repository.load_user_and_run(session, incoming.channel, incoming.user_key)
        if user is None:
            locale = self.content.texts.pick_locale(incoming.language_code)
            user = repository.create_user(
                session, incoming.channel, incoming.user_key, incoming.language_code, locale
            )
        if _already_handled(run, incoming):
            log.info("skipped a redelivered input (seq %s)", incoming.seq)
            return []
        now = self.clock()
        state = repository.state_of(run)
        names = self.router.lookups_for(incoming, state)
        found = self._lookups(session, user, names, now)
        turn = self.router.route(profile_of(user), state, incoming, now, found, verdict)
        if "delete" in turn.requests:
            repository.delete_user(session, user.id)
            log.info("deleted user %s and all their rows", user.id)
            return turn.replies
        user = self._apply_profile(session, user, turn, incoming, now)
        started = self._apply_runs(session, user, run, turn, incoming.seq)
        target = started if turn.effects_run == "started" else (run.id if run else None)
        for effect in turn.effects:
            if effect.kind == "delete":
                repository.remove(session, user.id, effect)
            else:
                repository.save(session, user.id, target, effect)
        if any(e.data.get("record") in PROGRESS_RECORDS for e in turn.effects):
            turn.replies += self._milestones(session, user, now)
        if "export" in turn.requests:
            session.flush()
            turn.replies.append(self._export(session, user, now))
        self._log(user, incoming, turn)
        return turn.replies

    def scheduled(
        self, user: User, run: FlowRun | None, cadence: str, now: datetime
    ) -> list[Reply]:
        """A due check-in's message (or the follow-up they asked for) for a user the dispatcher
        claimed; nothing is stored until they answer."""
        state = repository.state_of(run)
        if cadence == FOLLOW_UP:
            return self.router.follow_up(profile_of(user), state, now).replies
        return self.router.scheduled(profile_of(user), state, cadence, now).replies

    def _lookups(
        self, session: Session, user: UserView, names: set[str], now: datetime
    ) -> dict[str, Any]:
        if not names:
            return {}
        today = local_date(now, user.checkin_zone)
        found = lookups.lookups(session, user.id, names, today)
        if "progress" in found:
            found["progress"] = progress_record(found["progress"])
        return found

    def _milestones(self, session: Session, user: UserView, now: datetime) -> list[Reply]:
        """Celebrate, once each, the small wins the stored check-ins now show."""
        session.flush()
        history = lookups.history(session, user.id, local_date(now, user.checkin_zone))
        reached = new_milestones(history, lookups.milestones(session, user.id))
        for key in reached:
            session.add(Milestone(user_id=user.id, key=key, achieved_at=now))
        return self.router.celebrate(profile_of(user), reached, now) if reached else []

    def _apply_profile(
        self, session: Session, user: UserView, turn: Turn, incoming: Incoming, now: datetime
    ) -> UserView:
        """Store the turn's profile changes; the user as it now stands."""
        changes = dict(turn.profile_changes)
        if "safety_flag" in changes:
            changes["safety_flag_at"] = now if changes["safety_flag"] else None
        if incoming.language_code and incoming.language_code != user.language_code:
            changes["language_code"] = incoming.language_code
        if turn.profile_changes:
            changes["updated_at"] = now
        if not user.reachable:  # they blocked the bot once; writing again brings them back
            changes["reachable"] = True
        if not changes:
            return user  # most turns: the row as read, no ORM object at all
        stored = repository.user_for_update(session, user.id)
        for key, value in changes.items():
            setattr(stored, key, value)
        if "reachable" in changes or SCHEDULE_FIELDS & changes.keys():
            reschedule(session, stored, now)
        return stored

    def _apply_runs(
        self, session: Session, user: UserView, run: ActiveRun | None, turn: Turn, seq: int | None
    ) -> int | None:
        """Write the current run's state and insert a run begun now; the new run's id."""
        if run is not None and turn.current is not None:
            repository.write_state(session, run.id, repository.state_values(turn.current, seq))
        elif run is not None and seq is not None:
            repository.write_state(session, run.id, {"last_update_id": seq})
        if turn.started is None:
            return None
        return repository.start_run(session, user.id, turn.started, seq)

    def _export(self, session: Session, user: UserView, now: datetime) -> Reply:
        content = export_user(session, user.id, now)
        filename = f"mend-export-{now:%Y-%m-%d}.json"
        caption = self.content.texts.render("common.privacy.export_caption", user.locale)
        return Reply(caption, attachment=Attachment(filename, content, "document"))

    def _log(self, user: UserView, incoming: Incoming, turn: Turn) -> None:
        where = turn.started or turn.current
        log.debug(
            "user %s: %s input -> %s/%s, %d replies, %d records",
            user.id,
            incoming.kind,
            where.flow if where else "-",
            where.step if where else "-",
            len(turn.replies),
            len(turn.effects),
        )


async def drawn(replies: list[Reply]) -> list[Reply]:
    """The replies with pending attachments drawn in a thread, after the commit."""
    if not any(r.attachment and r.attachment.draw for r in replies):
        return replies
    out = []
    for reply in replies:
        if reply.attachment and reply.attachment.draw:
            reply = replace(reply, attachment=await asyncio.to_thread(reply.attachment.drawn))
        out.append(reply)
    return out


def profile_of(user: UserView) -> Profile:
    """The core's view of a stored user: every Profile field, read from its column."""
    values = {field.name: getattr(user, field.name) for field in fields(Profile)}
    values["message_marks"] = [list(mark) for mark in user.message_marks or []]
    return Profile(**values)


def _already_handled(run: ActiveRun | None, incoming: Incoming) -> bool:
    """A channel that redelivers after a crash must not apply the same answer twice."""
    if run is None or incoming.seq is None or run.last_update_id is None:
        return False
    return incoming.seq <= run.last_update_id
