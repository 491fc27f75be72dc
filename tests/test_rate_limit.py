"""The rate limiter, over real HTTP: PTB's own ExtBot with PacedRateLimiter against the fake."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from telegram.ext import ExtBot

from bot.config import Settings
from bot.telegram.application import build_application
from bot.telegram.rate_limit import ChatPace, PacedRateLimiter
from tests.fake_telegram import Call, FakeTelegram, Fault

JITTER = 0.05  # seconds a gap between arrivals may lose to the network


@asynccontextmanager
async def paced_bot(
    fake: FakeTelegram, overall_rate: float = 30, chat_rate: float = 1.0
) -> AsyncIterator[ExtBot]:
    """An initialised ExtBot (getMe done, so a connection is warm) with the limiter."""
    limiter = PacedRateLimiter(overall_rate, chat_rate)
    async with ExtBot(fake.token, base_url=f"{fake.url}/bot", rate_limiter=limiter) as bot:
        yield bot


def limiter_of(bot: ExtBot) -> PacedRateLimiter:
    assert isinstance(bot.rate_limiter, PacedRateLimiter)
    return bot.rate_limiter


def delivered(fake: FakeTelegram, chat_id: int | None = None) -> list[Call]:
    return [c for c in fake.sent(chat_id) if c.status == 200]


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


async def test_one_private_chat_gets_one_message_a_second(fake: FakeTelegram) -> None:
    async with paced_bot(fake) as bot:
        await asyncio.gather(*(bot.send_message(501, f"part {n}") for n in range(3)))
    calls = delivered(fake, 501)
    assert [c.params["text"] for c in calls] == ["part 0", "part 1", "part 2"]
    gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
    assert all(gap >= 1.0 - JITTER for gap in gaps), gaps


async def test_many_chats_stay_within_the_overall_rate(fake: FakeTelegram) -> None:
    fake.rate_limit = 10
    # Arrivals, not departures, are counted: one request held up on the busy loop may land
    # JITTER closer to the next one than the limiter sent them.
    fake.rate_window = 1.0 - JITTER
    async with paced_bot(fake, overall_rate=10) as bot:
        await asyncio.gather(*(bot.send_message(1000 + n, "hello") for n in range(40)))
    assert fake.too_many == 0
    calls = delivered(fake)
    assert sorted(c.params["chat_id"] for c in calls) == list(range(1000, 1040))
    assert calls[-1].at - calls[0].at >= 3.9 - JITTER


async def test_a_429_holds_every_chat_for_retry_after(fake: FakeTelegram) -> None:
    fake.faults.append(
        Fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=601)
    )
    async with paced_bot(fake) as bot:
        first = asyncio.create_task(bot.send_message(601, "check-in"))
        await until(lambda: any(c.status == 429 for c in fake.calls))
        others = [bot.send_message(chat_id, "check-in") for chat_id in (602, 603)]
        await asyncio.gather(first, *others)
    [refused] = [c for c in fake.calls if c.status == 429]
    [retried] = delivered(fake, 601)
    assert retried.at - refused.at >= 1.0
    for chat_id in (602, 603):
        [call] = delivered(fake, chat_id)
        assert call.at - refused.at >= 1.0, "another chat was sent to during the hold"


async def test_a_server_stricter_than_the_limiter_still_gets_each_message_once(
    fake: FakeTelegram,
) -> None:
    fake.rate_limit = 5
    async with paced_bot(fake, overall_rate=50) as bot:
        await asyncio.gather(*(bot.send_message(700 + n, "hello") for n in range(10)))
    assert fake.too_many >= 1
    calls = delivered(fake)
    assert sorted(c.params["chat_id"] for c in calls) == list(range(700, 710))
    [first_refusal, *_] = [c for c in fake.calls if c.status == 429]
    assert all(c.at - first_refusal.at >= 1.0 for c in calls[5:])


async def test_calls_without_a_chat_are_not_paced(fake: FakeTelegram) -> None:
    async with paced_bot(fake, overall_rate=0.5) as bot:
        await bot.send_message(801, "first")
        paced = asyncio.create_task(bot.send_message(802, "second"))  # its slot is 2 s away
        await asyncio.gather(
            *(bot.get_me() for _ in range(3)),
            bot.set_my_commands([("help", "How Mend works")]),
            bot.answer_callback_query("42"),
        )
        unpaced = [c for c in fake.calls if c.method in {"getMe", "setMyCommands"}]
        unpaced += [c for c in fake.calls if c.method == "answerCallbackQuery"]
        assert len(unpaced) == 6  # the initialising getMe, then the five above
        assert not delivered(fake, 802), "the paced call went first"
        await paced
        assert limiter_of(bot).chats_tracked <= 2
    [second] = delivered(fake, 802)
    assert all(c.at < second.at for c in unpaced)


async def test_per_chat_state_is_forgotten_after_a_second(fake: FakeTelegram) -> None:
    async with paced_bot(fake, overall_rate=1000) as bot:
        await asyncio.gather(*(bot.send_message(10_000 + n, "hi") for n in range(300)))
        assert limiter_of(bot).chats_tracked <= 300
        await asyncio.sleep(1.1)
        await bot.send_message(99, "one more")
        assert limiter_of(bot).chats_tracked == 1
    assert len(delivered(fake)) == 301


async def test_100000_chats_keep_memory_bounded() -> None:
    now = [0.0]
    pace = ChatPace(1.0, clock=lambda: now[0])
    peak = 0
    for n in range(100_000):  # a thousand new chats a second, for a hundred seconds
        now[0] = n / 1000
        async with pace.turn(n) as turn:
            turn.mark()
        peak = max(peak, len(pace))
    assert peak <= 2500, "only chats sent to in the last second or two may be held"
    now[0] = 200.0
    async with pace.turn(1):
        pass
    assert len(pace) == 1


async def test_a_chat_waiting_its_turn_is_kept_and_served_in_order() -> None:
    now = [0.0]
    pace = ChatPace(1.0, clock=lambda: now[0])
    order: list[str] = []

    async def send(text: str) -> None:
        async with pace.turn(5) as turn:
            turn.mark()
            order.append(text)
            await asyncio.sleep(0.01)

    first = asyncio.create_task(send("first"))
    await until(lambda: bool(order))
    second = asyncio.create_task(send("second"))
    now[0] = 100.0
    for n in range(1000):
        async with pace.turn(100 + n):
            pass
    assert 5 in pace, "a chat with a message waiting was forgotten"
    await asyncio.gather(first, second)
    assert order == ["first", "second"]


async def test_a_429_without_a_chat_is_retried_after_retry_after(fake: FakeTelegram) -> None:
    fake.faults.append(Fault("answerCallbackQuery", 429, "Too Many Requests", retry_after=1))
    async with paced_bot(fake) as bot:
        assert await bot.answer_callback_query("42")
    refused, answered = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert refused.status == 429 and answered.status == 200
    assert answered.at - refused.at >= 1.0


def test_the_application_sends_through_the_limiter(fake: FakeTelegram, tmp_path: Path) -> None:
    settings = Settings(
        telegram_bot_token=fake.token,
        telegram_api_url=fake.url,
        mend_data_dir=tmp_path,
        mend_send_rate=20,
        mend_chat_rate=0.5,
        _env_file=None,  # type: ignore[call-arg]
    )
    limiter = limiter_of(build_application(settings).bot)
    assert limiter._chats is not None and limiter._chats.interval > 2.0
