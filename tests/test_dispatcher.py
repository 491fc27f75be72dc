"""The check-in dispatcher on SQLite and PostgreSQL: once each, across crashes and processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from telegram import Bot

from bot.checkins.dispatcher import Dispatcher
from bot.config import async_database_url
from bot.content.bundle import Content
from bot.core.service import Coach
from bot.messages import Incoming
from bot.store.database import Database
from bot.store.models import CheckinDelivery, CheckinSchedule, User
from bot.telegram.dispatch import dispatch
from tests.fake_telegram import FakeTelegram, Fault

NOW = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
GRACE = timedelta(hours=2)
CHANNEL = "telegram"


async def add_users(
    database: Database, count: int, due: datetime, first_id: int = 5000, channel: str = CHANNEL
) -> list[int]:
    """Users with a daily check-in at 09:00 UTC, the next one due at `due`."""
    ids = []
    async with database.transaction() as session:
        for n in range(count):
            user = User(
                channel=channel,
                external_id=str(first_id + n),
                checkin_zone="UTC",
                checkin_time="09:00",
                daily_on=True,
            )
            session.add(user)
            await session.flush()
            session.add(CheckinSchedule(user_id=user.id, cadence="daily", due_at=due))
            ids.append(user.id)
    return ids


async def deliveries(database: Database) -> list[CheckinDelivery]:
    async with database.transaction() as session:
        return list((await session.exec(select(CheckinDelivery))).all())


async def schedules(database: Database) -> dict[int, datetime]:
    async with database.transaction() as session:
        rows = (await session.exec(select(CheckinSchedule))).all()
    return {row.user_id: row.due_at for row in rows}


async def test_due_users_get_exactly_one_checkin(database: Database) -> None:
    due = await add_users(database, 20, NOW - timedelta(seconds=30))
    later = await add_users(database, 5, NOW + timedelta(hours=3), first_id=9000)
    dispatcher = Dispatcher(database, CHANNEL, GRACE)
    assert await dispatcher.claim_due(NOW) == 20
    assert await dispatcher.claim_due(NOW) == 0
    taken = await dispatcher.take(NOW, 100)
    assert sorted(o.user.id for o in taken) == sorted(due)
    await dispatcher.finish(NOW, [o.delivery_id for o in taken], [], [])
    assert await dispatcher.take(NOW, 100) == []
    rows = await deliveries(database)
    assert len(rows) == 20 and {r.status for r in rows} == {"sent"}
    upcoming = await schedules(database)
    assert {upcoming[u] for u in due} == {datetime(2026, 11, 24, 9, 0, tzinfo=UTC)}
    assert {upcoming[u] for u in later} == {NOW + timedelta(hours=3)}


async def test_a_crash_mid_tick_repeats_nothing(database: Database) -> None:
    users = await add_users(database, 12, NOW - timedelta(minutes=1))
    first = Dispatcher(database, CHANNEL, GRACE)
    await first.claim_due(NOW)
    in_flight = await first.take(NOW, 5)  # the process dies here, before `finish`
    second = Dispatcher(database, CHANNEL, GRACE)  # the restarted process
    assert await second.claim_due(NOW) == 0, "claimed check-ins are not claimed again"
    rest = await second.take(NOW, 100)
    assert len(in_flight) == 5 and len(rest) == 7
    assert {o.user.id for o in in_flight}.isdisjoint({o.user.id for o in rest})
    assert {o.user.id for o in [*in_flight, *rest]} == set(users)
    await second.finish(NOW, [o.delivery_id for o in rest], [], [])
    statuses = sorted(r.status for r in await deliveries(database))
    assert statuses == ["sending"] * 5 + ["sent"] * 7


async def test_missed_while_down_goes_once_within_grace_else_waits(database: Database) -> None:
    timely = await add_users(database, 1, NOW - timedelta(hours=1))
    stale = await add_users(database, 1, NOW - timedelta(hours=3), first_id=7000)
    dispatcher = Dispatcher(database, CHANNEL, GRACE)
    await dispatcher.claim_due(NOW)
    taken = await dispatcher.take(NOW, 10)
    assert [o.user.id for o in taken] == timely
    upcoming = await schedules(database)
    assert upcoming[stale[0]] == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def test_each_dispatcher_claims_takes_and_skips_only_its_own_audience(
    database: Database,
) -> None:
    on_telegram = await add_users(database, 3, NOW - timedelta(minutes=1))
    ana, ben = await add_users(database, 2, NOW - timedelta(minutes=1), 100, "terminal")
    telegram = Dispatcher(database, CHANNEL, GRACE)
    at_anas_terminal = Dispatcher(database, "terminal", GRACE, user_key="100")
    assert await at_anas_terminal.claim_due(NOW) == 1
    assert await telegram.claim_due(NOW) == 3
    # Much later, Telegram's take skips its own stale check-ins but leaves Ana's queued one.
    assert await telegram.take(NOW + timedelta(hours=3), 10) == []
    assert {r.user_id: r.status for r in await deliveries(database)} == {
        **dict.fromkeys(on_telegram, "skipped"),
        ana: "queued",
    }
    assert [o.user.id for o in await at_anas_terminal.take(NOW, 10)] == [ana]
    upcoming = await schedules(database)
    assert upcoming[ben] == NOW - timedelta(minutes=1), "Ben's terminal is not open"
    assert upcoming[ana] == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def test_queued_check_ins_too_old_after_a_restart_are_skipped(database: Database) -> None:
    await add_users(database, 3, NOW - timedelta(minutes=5))
    await Dispatcher(database, CHANNEL, GRACE).claim_due(NOW)
    much_later = NOW + timedelta(hours=3)
    assert await Dispatcher(database, CHANNEL, GRACE).take(much_later, 10) == []
    assert {r.status for r in await deliveries(database)} == {"skipped"}


@pytest.fixture
async def second_database(database: Database, database_url: str) -> AsyncIterator[Database]:
    other = Database(async_database_url(database_url))
    yield other
    await other.dispose()


async def test_two_dispatchers_on_one_database_send_each_once(
    database: Database, second_database: Database
) -> None:
    users = await add_users(database, 300, NOW - timedelta(seconds=10))
    taken: list[int] = []

    async def run(db: Database) -> None:
        dispatcher = Dispatcher(db, CHANNEL, GRACE)
        claimed = -1
        while claimed:
            claimed = await dispatcher.claim_due(NOW, limit=20)
            await asyncio.sleep(0)  # let the other dispatchers in between batches
        while batch := await dispatcher.take(NOW, 15):
            taken.extend(o.user.id for o in batch)
            await dispatcher.finish(NOW, [o.delivery_id for o in batch], [], [])
            await asyncio.sleep(0)

    await asyncio.gather(run(database), run(second_database), run(database))
    assert sorted(taken) == sorted(users), "every user once, none twice"
    assert len(await deliveries(database)) == 300


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=f"{fake.url}/bot") as client:
        yield client


async def test_sending_marks_blocked_users_and_a_new_message_brings_them_back(
    database: Database, content: Content, fake: FakeTelegram, bot: Bot
) -> None:
    users = await add_users(database, 3, NOW - timedelta(seconds=5))
    blocked_by = Fault("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=5001)
    fake.faults.append(blocked_by)
    coach = Coach(content, database, clock=lambda: NOW)
    report = await dispatch(bot, coach, Dispatcher(database, CHANNEL, GRACE))
    assert (report.sent, report.unreachable) == (2, 1)
    assert sorted(chat for chat, _ in fake.messages) == [5000, 5002]
    async with database.transaction() as session:
        blocked = (await session.exec(select(User).where(User.external_id == "5001"))).one()
    assert blocked.reachable is False
    assert blocked.id not in await schedules(database)
    await coach.handle(Incoming(CHANNEL, "5001", "command", "help"))
    async with database.transaction() as session:
        back = await session.get(User, blocked.id)
    assert back is not None and back.reachable is True
    assert (await schedules(database))[blocked.id] == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert set(users) == set(await schedules(database))


async def test_a_429_is_obeyed_and_the_check_in_arrives_once(
    database: Database, content: Content, fake: FakeTelegram, bot: Bot
) -> None:
    await add_users(database, 1, NOW - timedelta(seconds=5))
    fake.faults.append(Fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1))
    coach = Coach(content, database, clock=lambda: NOW)
    report = await dispatch(bot, coach, Dispatcher(database, CHANNEL, GRACE))
    attempts = [c for c in fake.calls if c.method == "sendMessage"]
    assert report.sent == 1 and len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 1.0
    assert [chat for chat, _ in fake.messages] == [5000], "delivered once"


async def test_the_daily_check_in_asks_the_mood_with_buttons(
    database: Database, content: Content, fake: FakeTelegram, bot: Bot
) -> None:
    await add_users(database, 1, NOW - timedelta(seconds=5))
    coach = Coach(content, database, clock=lambda: NOW)
    await dispatch(bot, coach, Dispatcher(database, CHANNEL, GRACE))
    (call,) = fake.sent(5000, "sendMessage")
    assert "Daily check-in" in call.params["text"]
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    labels = [button["text"] for row in keyboard for button in row]
    assert labels == ["1", "2", "3", "4", "5"]
    async with database.transaction() as session:
        sent = select(CheckinDelivery).where(col(CheckinDelivery.status) == "sent")
        rows = (await session.exec(sent)).all()
    assert len(rows) == 1
