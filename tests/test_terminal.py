"""`mend chat` in-process: numbered buttons, check-ins and follow-ups due while it is open."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.checkins.dispatcher import Dispatcher
from bot.content.bundle import Content
from bot.core.service import Coach
from bot.store.database import Database
from bot.store.models import CheckinDelivery, CheckinEntry, CheckinSchedule, User
from bot.terminal import CHANNEL, TerminalChat, terminal_language

MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
EVENING_DUE = datetime(2026, 11, 23, 19, 0, 20, tzinfo=UTC)  # 20:00 in Berlin, just past
GRACE = timedelta(hours=2)
SELF_HARM = "i just want to kill myself"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Terminal:
    """A TerminalChat with its output captured, and helpers that type as a person would."""

    def __init__(self, coach: Coach, user: str) -> None:
        self.out = io.StringIO()
        dispatcher = Dispatcher(coach.database, CHANNEL, GRACE, user_key=user)
        self.chat = TerminalChat(coach, user, out=self.out, dispatcher=dispatcher)
        self.seen = 0

    def new_output(self) -> str:
        text = self.out.getvalue()[self.seen :]
        self.seen = len(self.out.getvalue())
        return text

    async def type(self, line: str) -> str:
        await self.chat.say(line)
        return self.new_output()

    async def press(self, label: str) -> str:
        labels = [button.label for button in self.chat.buttons]
        assert label in labels, f"no button {label!r} among {labels}"
        return await self.type(str(labels.index(label) + 1))


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_MORNING)


@pytest.fixture
def coach(content: Content, database: Database, clock: Clock) -> Coach:
    return Coach(content, database, clock=clock)


async def set_up_daily(terminal: Terminal) -> None:
    await terminal.type("/start")
    await terminal.press("I was hurt")
    await terminal.press("Not now")  # the country: later
    await terminal.press("⏰ Set up check-ins")
    assert "local time" in await terminal.type("Berlin")
    await terminal.type("8pm")
    await terminal.press("Daily only")


async def user_rows(database: Database, model: type, user: str) -> list:
    async with database.transaction() as session:
        person = (await session.exec(select(User).where(User.external_id == user))).one()
        return list((await session.exec(select(model).where(model.user_id == person.id))).all())


async def test_a_daily_check_in_appears_in_the_terminal_and_is_answered_by_number(
    coach: Coach, clock: Clock
) -> None:
    ana = Terminal(coach, "ana")
    await set_up_daily(ana)
    assert [s.cadence for s in await user_rows(coach.database, CheckinSchedule, "ana")] == ["daily"]
    clock.now = EVENING_DUE - timedelta(minutes=2)
    assert await ana.chat.deliver_due() == 0, "not due yet"
    clock.now = EVENING_DUE
    assert await ana.chat.deliver_due() == 1
    shown = ana.new_output()
    assert "Daily check-in" in shown and "1) 1" in shown and "<b>" not in shown
    assert await ana.chat.deliver_due() == 0, "shown once"

    await ana.press("4")
    await ana.press("No")
    assert "Thank you for checking in" in await ana.press("Skip")
    (entry,) = await user_rows(coach.database, CheckinEntry, "ana")
    assert (entry.day, entry.mood, entry.triggered) == (date(2026, 11, 23), 4, False)
    (delivery,) = await user_rows(coach.database, CheckinDelivery, "ana")
    assert delivery.status == "sent"


async def test_a_terminal_shows_only_its_own_persons_check_ins(coach: Coach, clock: Clock) -> None:
    ana, ben = Terminal(coach, "ana"), Terminal(coach, "ben")
    await set_up_daily(ana)
    await set_up_daily(ben)
    clock.now = EVENING_DUE
    assert await ana.chat.deliver_due() == 1
    assert "Daily check-in" not in ben.new_output()
    (ben_schedule,) = await user_rows(coach.database, CheckinSchedule, "ben")
    assert ben_schedule.due_at == datetime(2026, 11, 23, 19, 0, tzinfo=UTC), "left for ben"
    assert await user_rows(coach.database, CheckinDelivery, "ben") == []
    assert await ben.chat.deliver_due() == 1


async def test_a_follow_up_asked_for_in_the_terminal_comes_the_next_day(
    coach: Coach, clock: Clock
) -> None:
    ana = Terminal(coach, "ana")
    await ana.type("/start")
    await ana.press("I was hurt")
    await ana.press("Not now")  # the country: later
    await ana.type(SELF_HARM)
    assert "check on you tomorrow" in await ana.press("Check on me tomorrow")
    clock.now = MONDAY_MORNING + timedelta(hours=25)
    assert await ana.chat.deliver_due() == 1
    assert "How are you doing?" in ana.new_output()
    assert await ana.chat.deliver_due() == 0


async def test_the_loop_shows_a_check_in_that_comes_due_while_waiting_for_input(
    coach: Coach, clock: Clock
) -> None:
    ana = Terminal(coach, "ana")
    await set_up_daily(ana)
    clock.now = EVENING_DUE
    typed = threading.Event()

    class WaitingInput:
        """Standard input that stays quiet until the test has seen the check-in."""

        def __init__(self) -> None:
            self.lines = ["/quit\n"]

        def readline(self) -> str:
            typed.wait(timeout=10)
            return self.lines.pop() if self.lines else ""

    running = asyncio.create_task(ana.chat.run(WaitingInput(), checkin_every=0.05))  # type: ignore[arg-type]
    for _ in range(200):
        if "Daily check-in" in ana.out.getvalue():
            break
        await asyncio.sleep(0.02)
    typed.set()
    await asyncio.wait_for(running, timeout=10)
    output = ana.out.getvalue()
    assert "Daily check-in" in output
    assert output.index("Daily check-in") < output.index("Your progress is saved")
    assert output.rstrip().endswith("Take care. Your progress is saved.")


async def test_a_failed_turn_is_an_apology_and_the_chat_goes_on(
    coach: Coach, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ana = Terminal(coach, "ana")
    await ana.type("/start")
    real = coach.handle

    async def broken(incoming: object) -> list:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(coach, "handle", broken)
    assert "something went wrong on my side" in await ana.type("my private words")
    assert "my private words" not in caplog.text and "RuntimeError" in caplog.text
    monkeypatch.setattr(coach, "handle", real)
    assert "I was hurt" in await ana.type("/start")


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "en_GB.UTF-8"}, "en-GB"),
        ({"LC_ALL": "de_DE@euro", "LANG": "en_US.UTF-8"}, "de-DE"),
        ({"LC_MESSAGES": "fr_FR.UTF-8"}, "fr-FR"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({}, None),
    ],
)
def test_terminal_language_comes_from_the_locale(
    environ: dict[str, str], language: str | None
) -> None:
    assert terminal_language(environ) == language
