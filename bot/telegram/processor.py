"""Process different chats concurrently, each chat's updates in order, and slow down floods."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore would also count updates queued behind their chat's lock, so one
# flooding chat could fill it; ours is taken only once an update's turn has come.
UNBOUNDED = 1_000_000
FloodCallback = Callable[[Update], Awaitable[None]]


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0
    warned: bool = False


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrency across chats, strict order within one; holds nothing for idle chats.

    A chat with more than `flood_backlog` updates waiting is served one update per
    `flood_pace` seconds (told once, through `on_flood`), without slowing other chats.
    """

    def __init__(
        self, max_concurrent_updates: int, flood_backlog: int = 8, flood_pace: float = 0.5
    ) -> None:
        super().__init__(UNBOUNDED)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._chats: dict[int, _Chat] = {}
        self.flood_backlog = flood_backlog
        self.flood_pace = flood_pace
        self.on_flood: FloodCallback | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        chat = self._chats.setdefault(key, _Chat())
        chat.waiting += 1
        try:
            async with chat.lock:
                if chat.waiting > self.flood_backlog:
                    await self._slow_down(chat, update)
                async with self._slots:
                    await coroutine
        finally:
            chat.waiting -= 1
            if chat.waiting == 0:
                del self._chats[key]

    async def _slow_down(self, chat: _Chat, update: object) -> None:
        if not chat.warned and self.on_flood and isinstance(update, Update):
            chat.warned = True
            await self.on_flood(update)
        await asyncio.sleep(self.flood_pace)

    @property
    def chats_in_memory(self) -> int:
        """Chats with updates in flight (the rest cost nothing)."""
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user else None
