"""The store on SQLite and PostgreSQL: migrations, persistence, redelivery, cascades."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Session, SQLModel, col, select

from bot.config import async_database_url
from bot.content.bundle import Content
from bot.core.service import Coach
from bot.messages import Incoming
from bot.store.database import Database
from bot.store.migrate import current_revision, head_revision, upgrade
from bot.store.models import (
    CheckinDelivery,
    CheckinSchedule,
    FlowRun,
    Meta,
    Rating,
    Statement,
    User,
)
from tests.conftest import drop_everything


def said(user: str, kind: str, value: str, seq: int | None = None) -> Incoming:
    return Incoming("telegram", user, kind, value, seq=seq)  # type: ignore[arg-type]


async def test_upgrade_creates_every_table_and_is_idempotent(database: Database) -> None:
    await upgrade(database)
    assert await current_revision(database) == head_revision()
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables


async def test_migrations_match_the_models(database: Database) -> None:
    def differences(connection: object) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return compare_metadata(context, SQLModel.metadata)

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_two_instances_upgrade_a_fresh_database_together(database_url: str) -> None:
    doomed = Database(async_database_url(database_url))
    await drop_everything(doomed)
    await doomed.dispose()
    first, second = (
        Database(async_database_url(database_url)),
        Database(async_database_url(database_url)),
    )
    await asyncio.gather(upgrade(first), upgrade(second))
    assert await current_revision(first) == head_revision()
    await first.dispose()
    await second.dispose()


async def test_a_turn_is_committed_and_a_new_process_resumes_it(
    database: Database, content: Content
) -> None:
    coach = Coach(content, database)
    await coach.handle(said("1", "command", "start"))
    await coach.handle(said("1", "button", "s|onboarding|0|healing"))
    await coach.handle(said("1", "command", "istatement"))
    await coach.handle(said("1", "text", "You never listen"))
    restarted = Coach(
        content, Database(str(database.engine.url.render_as_string(hide_password=False)))
    )
    replies = await restarted.handle(said("1", "text", "this happens"))
    assert "The feeling" in replies[0].text
    await restarted.database.dispose()
    async with database.transaction() as session:
        user = (await session.exec(select(User))).one()
        run = (await session.exec(select(FlowRun).where(FlowRun.flow == "istatement"))).one()
    assert user.situation == "healing"
    assert (run.step, run.seq) == ("feeling", 2)
    assert run.state["answers"] == {"draft": "You never listen", "observation": "this happens"}


async def test_a_redelivered_update_is_not_applied_twice(
    database: Database, content: Content
) -> None:
    coach = Coach(content, database)
    await coach.handle(said("2", "command", "istatement", seq=10))
    first = await coach.handle(said("2", "text", "You never listen", seq=11))
    again = await coach.handle(said("2", "text", "You never listen", seq=11))
    assert first and again == []
    async with database.transaction() as session:
        run = (await session.exec(select(FlowRun))).one()
    assert (run.step, run.seq, run.last_update_id) == ("observation", 1, 11)


async def test_deleting_a_user_removes_all_their_rows(database: Database, content: Content) -> None:
    coach = Coach(content, database)
    for incoming in [
        said("3", "command", "compassion"),
        said("3", "button", "s|compassion|0|4"),
        said("3", "text", "It hurts"),
    ]:
        await coach.handle(incoming)
    await coach.handle(said("4", "command", "start"))
    async with database.transaction() as session:
        user = (await session.exec(select(User).where(User.external_id == "3"))).one()
        await session.delete(user)
    async with database.transaction() as session:
        remaining = {
            model.__name__: {row.user_id for row in (await session.exec(select(model))).all()}
            for model in (FlowRun, Rating, Statement)
        }
        users = (await session.exec(select(User))).all()
    assert [u.external_id for u in users] == ["4"]
    assert remaining == {"FlowRun": {users[0].id}, "Rating": set(), "Statement": set()}


async def test_concurrent_first_messages_create_one_user(
    database: Database, content: Content
) -> None:
    coaches = [Coach(content, database) for _ in range(2)]
    await asyncio.gather(*(c.handle(said("5", "command", "help")) for c in coaches))
    async with database.transaction() as session:
        assert len((await session.exec(select(User).where(User.external_id == "5"))).all()) == 1


async def test_datetimes_are_timezone_aware(database: Database, content: Content) -> None:
    await Coach(content, database).handle(said("6", "command", "help"))
    async with database.transaction() as session:
        user = (await session.exec(select(User))).one()
    assert user.created_at.tzinfo is not None


async def test_a_run_whose_step_was_removed_is_closed_gently(
    database: Database, content: Content
) -> None:
    coach = Coach(content, database)
    await coach.handle(said("7", "command", "istatement"))
    async with database.transaction() as session:
        run = (await session.exec(select(FlowRun))).one()
        run.step = "a_step_since_removed"
        session.add(run)
    replies = await coach.handle(said("7", "text", "hello"))
    assert "not a chat partner" in replies[0].text
    async with database.transaction() as session:
        assert (await session.exec(select(FlowRun))).one().status == "left"


async def test_a_unit_of_work_is_committed_and_its_value_returned(database: Database) -> None:
    def work(session: Session) -> str:
        session.add(Meta(key="unit", value="of work"))
        return "done"

    assert await database.run(work) == "done"
    async with database.transaction() as session:
        assert (await session.get(Meta, "unit")).value == "of work"  # type: ignore[union-attr]


async def test_a_failed_unit_of_work_leaves_nothing_behind(database: Database) -> None:
    def work(session: Session) -> None:
        session.add(Meta(key="doomed", value="x"))
        session.flush()
        raise LookupError("something went wrong halfway")

    with pytest.raises(LookupError):
        await database.run(work)
    assert await database.run(lambda session: session.get(Meta, "doomed")) is None


async def test_sqlite_work_waits_for_another_writer_without_blocking(sqlite_url: str) -> None:
    """Another connection holds SQLite's write lock: `run` steps aside on the loop, then goes."""
    holder, waiter = (Database(async_database_url(sqlite_url)) for _ in range(2))
    await upgrade(holder)
    try:
        async with holder.transaction() as session:
            session.add(Meta(key="first", value="written while the lock was held"))
            await session.flush()  # BEGIN IMMEDIATE: the write lock is ours until commit
            later = asyncio.create_task(waiter.run(lambda s: s.get(Meta, "first")))
            await asyncio.sleep(0.3)  # the loop runs: the waiter is not blocking it
            assert not later.done()
        found = await asyncio.wait_for(later, 5)
        assert found is not None and found.value == "written while the lock was held"
    finally:
        await holder.dispose()
        await waiter.dispose()


async def database_at_revision(revision: str, database_url: str, tmp_path: Path) -> Database:
    """A database as an older Mend left it: empty, at `revision`."""
    fresh = (
        f"sqlite:///{tmp_path / 'old.db'}" if database_url.startswith("sqlite") else database_url
    )
    database = Database(async_database_url(fresh))
    await drop_everything(database)
    await upgrade(database, revision)
    return database


async def insert_user_row(connection: AsyncConnection, **columns: Any) -> None:
    """A users row written with plain SQL, as an older schema takes it; `columns` override."""
    row = {
        "channel": "telegram",
        "locale": "en",
        "reachable": True,
        "high_distress": 0,
        "message_marks": "[]",
        "daily_on": False,
        "weekly_on": False,
        "weekly_day": 6,
        "monthly_on": False,
        **columns,
    }
    row.setdefault("updated_at", row["created_at"])
    names = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    await connection.execute(text(f"INSERT INTO users ({names}) VALUES ({values})"), row)


async def test_follow_ups_asked_for_before_0005_become_schedule_rows(
    database_url: str, tmp_path: Path
) -> None:
    database = await database_at_revision("0004", database_url, tmp_path)
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    async with database.engine.begin() as connection:
        for external_id, follow_up_at, reachable in [
            ("a", due, True),
            ("b", None, True),
            ("c", due, False),
        ]:
            await insert_user_row(
                connection,
                external_id=external_id,
                follow_up_at=follow_up_at,
                reachable=reachable,
                created_at=due,
            )
    await upgrade(database)
    async with database.transaction() as session:
        found = (
            await session.exec(
                select(User.external_id, CheckinSchedule.cadence, CheckinSchedule.due_at).join(
                    CheckinSchedule, col(CheckinSchedule.user_id) == User.id
                )
            )
        ).all()
    assert [
        (external_id, cadence, when.astimezone(UTC)) for external_id, cadence, when in found
    ] == [("a", "followup", due)], "only the reachable user who asked gets a row"
    await database.dispose()


async def test_deliveries_queued_before_0006_learn_their_users_channel(
    database_url: str, tmp_path: Path
) -> None:
    database = await database_at_revision("0005", database_url, tmp_path)
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    async with database.engine.begin() as connection:
        for external_id, channel in [("1", "telegram"), ("ana", "terminal")]:
            await insert_user_row(
                connection, channel=channel, external_id=external_id, daily_on=True, created_at=due
            )
        await connection.execute(
            text(
                "INSERT INTO checkin_deliveries (user_id, cadence, due_at, status, created_at) "
                "SELECT id, 'daily', :due, 'queued', :due FROM users"
            ),
            {"due": due},
        )
    await upgrade(database)
    async with database.transaction() as session:
        found = (
            await session.exec(
                select(User.external_id, CheckinDelivery.channel).join(
                    CheckinDelivery, col(CheckinDelivery.user_id) == User.id
                )
            )
        ).all()
    assert sorted(found) == [("1", "telegram"), ("ana", "terminal")]
    await database.dispose()


async def test_0007_keeps_every_row_and_marks_abuse_already_disclosed(
    database_url: str, tmp_path: Path
) -> None:
    database = await database_at_revision("0006", database_url, tmp_path)
    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    async with database.engine.begin() as connection:
        await insert_user_row(
            connection, external_id="1", safety_flag="harm_from_others", created_at=at
        )
        await insert_user_row(connection, external_id="2", created_at=at)
        await connection.execute(
            text(
                "INSERT INTO flow_runs (user_id, flow, step, seq, status, state, started_at, "
                "updated_at) SELECT id, 'istatement', 'draft', 0, 'active', 'x', :at, :at "
                "FROM users"
            ),
            {"at": at},
        )
    await upgrade(database)
    async with database.transaction() as session:
        users = (await session.exec(select(User).order_by(col(User.external_id)))).all()
        runs = (await session.exec(text("SELECT count(*) FROM flow_runs"))).one()[0]
    assert [(u.external_id, u.abuse_disclosed, u.safety_turns, u.risk) for u in users] == [
        ("1", True, 0, 0.0),
        ("2", False, 0, 0.0),
    ]
    assert runs == 2, "adding columns never rebuilds users (a rebuild would cascade)"
    await database.dispose()
