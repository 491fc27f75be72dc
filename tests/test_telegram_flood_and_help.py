"""A flooding user is slowed down, not dropped, and nobody else waits; professional help."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import bot_settings
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import TelegramHarness, start_bot


async def test_flood_is_slowed_down_without_blocking_others(
    fake: FakeTelegram, sqlite_url: str, tmp_path: Path
) -> None:
    settings = bot_settings(fake, sqlite_url, tmp_path).model_copy(
        update={"mend_flood_backlog": 3, "mend_flood_pace": 0.05, "mend_max_concurrent_updates": 4}
    )
    async with start_bot(fake, settings) as harness:
        flooder, calm = harness.person(7001), harness.person(7002)
        for n in range(30):
            fake.push(fake.message_update(flooder.user, flooder.chat, text=f"message {n}"))
        fake.push(fake.message_update(calm.user, calm.chat, text="/help"))
        await harness.settle()
        flood_calls = fake.sent(7001)
        texts = [c.params["text"] for c in flood_calls]
        assert sum("faster than I can read" in t for t in texts) == 1
        assert sum("I work through short exercises" in t for t in texts) == 30, "nothing lost"
        [help_call] = fake.sent(7002)
        assert help_call.at < flood_calls[-1].at, "the calm user did not wait for the flood"
        assert harness.app.update_processor.chats_in_memory == 0


async def test_repeated_high_distress_points_to_professional_help(
    telegram: TelegramHarness,
) -> None:
    sam = telegram.person(7003)
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    for round_ in range(2):
        await sam.send("/compassion")
        await sam.press("5")
        await sam.send("It all hurts")
        await sam.press("hurt")
        await sam.press("I'm with you")
        await sam.send("May I be patient")
        await sam.press("5")
        nudged = "Your distress has stayed high" in sam.text
        assert nudged == (round_ == 1)
    await sam.press("Find professional help")
    await sam.press("For me")
    assert "Individual therapy" in sam.text and "Worth asking at a first session" in sam.text


async def test_asking_for_a_therapist_outside_an_exercise(telegram: TelegramHarness) -> None:
    sam = telegram.person(7004, "en-GB")
    await sam.send("/start")
    await sam.press("We're working on it together")
    await sam.press("Not now")  # the country: later
    await sam.send("do you think we need a couples therapist?")
    assert "professional support" in sam.text
    await sam.press("Find professional help")
    await sam.press("For us as a couple")
    assert "Relate" in sam.text
