"""A restart loses nothing: graceful, and SIGKILL of a real `mend run` process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlmodel import select

from bot.config import PROJECT_ROOT
from bot.store.models import Statement
from tests.conftest import bot_settings
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import Person, start_bot


async def test_graceful_restart_resumes_at_the_same_step(
    fake: FakeTelegram, clean_database_url: str, tmp_path: Path
) -> None:
    settings = bot_settings(fake, clean_database_url, tmp_path)
    async with start_bot(fake, settings) as first:
        sam = first.person(3001)
        await sam.send("/start")
        await sam.press("I was hurt")
        await sam.press("Not now")  # the country: later
        await sam.send("/istatement")
        await sam.send("You always make me feel insecure")
        assert "The observation" in sam.text
    async with start_bot(fake, settings) as second:
        sam = Person(second, 3001, "en", "Sam", seen=sam.seen)
        await sam.send("this happens")
        assert "The feeling" in sam.text
        await sam.press("insecure")
        await sam.send("to understand why")
        await sam.press("Skip")
        await sam.press("Save it")
        async with second.coach.database.transaction() as session:
            texts = [s.text for s in (await session.exec(select(Statement))).all()]
        assert texts == ["When this happens, I feel insecure, and I need to understand why."]


def _spawn(fake: FakeTelegram, database: Path, data_dir: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": f"sqlite:///{database}",
        "MEND_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
    }
    return asyncio.create_subprocess_exec(  # type: ignore[return-value]
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def _say(fake: FakeTelegram, person: dict, chat: dict, text: str, expect: int) -> str:
    before = len(fake.sent(person["id"]))
    fake.push(fake.message_update(person, chat, text=text))
    sent = await fake.wait_for_sent(person["id"], before + expect)
    return "\n".join(c.params.get("text", "") for c in sent[before:])


async def _press(fake: FakeTelegram, person: dict, label: str, expect: int) -> str:
    chat_id = person["id"]
    keyboards = [m for (c, _), m in fake.messages.items() if c == chat_id and m.get("reply_markup")]
    message = max(keyboards, key=lambda m: m["message_id"])
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    data = next(b["callback_data"] for b in buttons if b["text"].startswith(label))
    before = len(fake.sent(chat_id))
    fake.push(fake.callback_update(person, data, message))
    sent = await fake.wait_for_sent(chat_id, before + expect)
    return "\n".join(c.params.get("text", "") for c in sent[before:])


async def test_sigkill_mid_exercise_then_carry_on(fake: FakeTelegram, tmp_path: Path) -> None:
    database = tmp_path / "mend.db"
    person = {"id": 3002, "is_bot": False, "first_name": "Kim", "language_code": "en"}
    chat = {"id": 3002, "type": "private", "first_name": "Kim"}
    process = await _spawn(fake, database, tmp_path)
    try:
        assert "I'm Mend" in await _say(fake, person, chat, "/start", expect=1)
        await _press(fake, person, "I was hurt", expect=1)
        await _say(fake, person, chat, "/istatement", expect=1)
        reply = await _say(fake, person, chat, "You always make me feel insecure", expect=1)
        assert "The observation" in reply
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    process = await _spawn(fake, database, tmp_path)
    try:
        assert "The feeling" in await _say(fake, person, chat, "this happens", expect=1)
        await _press(fake, person, "insecure", expect=1)
        await _say(fake, person, chat, "to understand why", expect=1)
        reply = await _press(fake, person, "Skip", expect=1)
        assert "When this happens, I feel insecure, and I need to understand why." in reply
    finally:
        process.terminate()
        _, stderr = await process.communicate()
    assert b"Traceback" not in stderr, stderr.decode()
