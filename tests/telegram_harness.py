"""Run the real Application against the fake Bot API, and act as Telegram users."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.runtime import open_coach
from bot.telegram.application import build_application, prepare
from tests.fake_telegram import Call, FakeTelegram

_sticker_ids = itertools.count(1)


@dataclass
class TelegramHarness:
    """The fake server and the running Application; `settle` waits until all input is handled."""

    fake: FakeTelegram
    app: Application
    settings: Settings

    async def settle(self) -> None:
        await self.fake.delivered()
        await self.app.update_queue.join()

    def person(
        self, user_id: int, language_code: str | None = "en", first_name: str = "Sam"
    ) -> Person:
        return Person(self, user_id, language_code, first_name)

    @property
    def coach(self) -> Any:
        return self.app.bot_data["coach"]


@dataclass
class Person:
    """A Telegram user in a private chat with the bot."""

    harness: TelegramHarness
    user_id: int
    language_code: str | None
    first_name: str
    seen: int = 0
    last: list[Call] = field(default_factory=list)

    @property
    def user(self) -> dict[str, Any]:
        user = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    @property
    def chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": self.first_name}

    async def send(self, text: str) -> list[Call]:
        """Type a message (or a /command) and return what the bot sent back."""
        return await self.send_update(
            self.harness.fake.message_update(self.user, self.chat, text=text)
        )

    async def send_content(self, **content: Any) -> list[Call]:
        """Send a non-text message: sticker=..., photo=..., voice=..."""
        return await self.send_update(
            self.harness.fake.message_update(self.user, self.chat, **content)
        )

    async def send_sticker(self) -> list[Call]:
        n = next(_sticker_ids)
        sticker = {
            "file_id": f"st{n}",
            "file_unique_id": f"stu{n}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self.send_content(sticker=sticker)

    async def press(self, label: str) -> list[Call]:
        """Press the button with this label (or starting with it) on the latest keyboard."""
        message, data = self.find_button(label)
        return await self.press_data(data, message)

    async def press_data(self, data: str, message: dict[str, Any] | None = None) -> list[Call]:
        """Send a callback query with arbitrary data, as a forged or stale press would."""
        if message is None:
            message = self.latest_keyboard_message()
        return await self.send_update(self.harness.fake.callback_update(self.user, data, message))

    async def send_update(self, update: dict[str, Any]) -> list[Call]:
        self.harness.fake.push(update)
        await self.harness.settle()
        sent = self.harness.fake.sent(self.user_id)
        self.last = sent[self.seen :]
        self.seen = len(sent)
        return self.last

    def latest_keyboard_message(self) -> dict[str, Any] | None:
        messages = [
            m
            for (chat, _), m in self.harness.fake.messages.items()
            if chat == self.user_id and m.get("reply_markup")
        ]
        return max(messages, key=lambda m: m["message_id"]) if messages else None

    def buttons(self) -> list[str]:
        """Labels on the latest keyboard still shown."""
        message = self.latest_keyboard_message()
        if not message:
            return []
        return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]

    def find_button(self, label: str) -> tuple[dict[str, Any], str]:
        message = self.latest_keyboard_message()
        assert message, "no keyboard is shown"
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        for button in buttons:
            if button["text"] == label:
                return message, button["callback_data"]
        for button in buttons:
            if button["text"].startswith(label):
                return message, button["callback_data"]
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons]}")

    @property
    def texts(self) -> list[str]:
        """Texts (or captions) of what the bot sent in reply to the last input."""
        return [c.params.get("text") or c.params.get("caption") or "" for c in self.last]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@asynccontextmanager
async def start_bot(fake: FakeTelegram, settings: Settings) -> AsyncIterator[TelegramHarness]:
    """Open the coach, build and start the Application polling the fake; stop it on exit."""
    fake.max_poll_wait = 0.2
    async with open_coach(settings) as coach:
        app = build_application(settings, coach)
        await app.initialize()
        await prepare(app)
        await app.start()
        await app.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield TelegramHarness(fake, app, settings)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
