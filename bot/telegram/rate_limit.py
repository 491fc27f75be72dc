"""One rate limiter for every Bot API call: PTB's AIORateLimiter plus what it lacks.

AIORateLimiter paces chat-bound calls overall and per group, and retries on 429. Added here:
- a pace per private chat for calls that add a message (it only knows negative ids as groups);
- an even overall pace, so no one-second window holds more than the rate (its leaky bucket lets
  a full burst through on top of the steady rate), with 2% headroom for network jitter;
- a 429 hold that really stops every chat-bound call until `retry_after` has passed (its event
  is released by whichever call finishes next, and calls already past the pace burst out).
Calls without a chat (getMe, setMyCommands, answerCallbackQuery) are neither paced nor held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)
Callback = Callable[..., Coroutine[Any, Any, Any]]
HOLD_MARGIN = 0.1  # seconds added to retry_after, as AIORateLimiter does
HEADROOM = 1.02  # gaps 2% wider than 1/rate: network jitter must not push a window over the rate
SWEEP_SIZE = 256  # chats tracked before a sweep is due, whatever the time since the last


@dataclass(slots=True)
class ChatTurn:
    """One private chat's pace: a FIFO lock, and when its last message went."""

    clock: Callable[[], float]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float = float("-inf")
    users: int = 0

    def mark(self) -> None:
        """Record that a message is going to this chat now."""
        self.last = self.clock()


class ChatPace:
    """Messages to one chat go one at a time, at least 1/rate apart; idle chats are forgotten."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = HEADROOM / rate
        self.clock = clock
        self._chats: dict[int, ChatTurn] = {}
        self._swept_at = float("-inf")
        self._sweep_size = SWEEP_SIZE

    def __len__(self) -> int:
        return len(self._chats)

    def __contains__(self, chat_id: int) -> bool:
        return chat_id in self._chats

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[ChatTurn]:
        """Wait for the chat's earlier messages and its pace; `mark()` when the message goes."""
        now = self.clock()
        if len(self._chats) >= self._sweep_size or now - self._swept_at >= self.interval:
            self.sweep(now)
        chat = self._chats.get(chat_id) or self._chats.setdefault(chat_id, ChatTurn(self.clock))
        chat.users += 1
        try:
            async with chat.lock:
                if (wait := chat.last + self.interval - self.clock()) > 0:
                    await asyncio.sleep(wait)
                yield chat
        finally:
            chat.users -= 1

    def sweep(self, now: float) -> None:
        """Forget chats nobody is sending to whose pace has run out: they start afresh anyway."""
        self._chats = {
            chat_id: chat
            for chat_id, chat in self._chats.items()
            if chat.users or chat.last + self.interval > now
        }
        self._swept_at = now
        self._sweep_size = max(SWEEP_SIZE, 2 * len(self._chats))


class PacedRateLimiter(AIORateLimiter):
    """AIORateLimiter's overall and group limiters, plus a per-private-chat pace and 429 hold."""

    __slots__ = ("_chats", "_hold_until")

    def __init__(self, overall_rate: float = 30, chat_rate: float = 1.0, max_retries: int = 3):
        # A bucket of one: evenly spaced calls, never a burst on top of the steady rate.
        super().__init__(
            overall_max_rate=1,
            overall_time_period=HEADROOM / overall_rate,
            max_retries=max_retries,
        )
        self._chats = ChatPace(chat_rate) if chat_rate > 0 else None
        self._hold_until = float("-inf")

    @property
    def chats_tracked(self) -> int:
        """Private chats whose pace is remembered right now."""
        return len(self._chats) if self._chats else 0

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Take the chat's turn if it is private, then pace, send, and retry after a 429."""
        chat_id = private_chat(data)
        if self._chats is None or chat_id is None or not adds_message(endpoint):
            return await self._with_retries(callback, args, kwargs, data, rate_limit_args, None)
        async with self._chats.turn(chat_id) as turn:
            return await self._with_retries(callback, args, kwargs, data, rate_limit_args, turn)

    async def _with_retries(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
        rate_limit_args: int | None,
        turn: ChatTurn | None,
    ) -> Any:
        retries, attempt = rate_limit_args or self._max_retries, 0
        while True:
            try:
                return await self._attempt(callback, args, kwargs, data, turn)
            except RetryAfter as exc:
                seconds = exc._retry_after.total_seconds()  # the property warns on int vs timedelta
                self._hold_until = max(self._hold_until, time.monotonic() + seconds + HOLD_MARGIN)
                if attempt >= retries:
                    log.warning("flood control: giving up after %d retries", retries)
                    raise
                attempt += 1
                log.info("flood control: holding all sends for %.1f s", seconds + HOLD_MARGIN)
                if data.get("chat_id") is None:  # chat-bound calls wait out the hold in _attempt
                    await asyncio.sleep(seconds + HOLD_MARGIN)

    async def _attempt(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
        turn: ChatTurn | None,
    ) -> Any:
        """One call: without a chat it goes straight; else after the hold and the paces."""
        if data.get("chat_id") is None:
            return await callback(*args, **kwargs)
        group = group_chat(data)
        if data.get("allow_paid_broadcast"):
            limiter, grouped = self._apb_limiter, False
        else:
            limiter, grouped = self._base_limiter, group is not None and self._group_max_rate
        group_limiter = self._get_group_limiter(group) if grouped else None  # type: ignore[arg-type]
        async with group_limiter or contextlib.nullcontext():
            await self._take_turn(limiter)
            if turn is not None:
                turn.mark()
            return await callback(*args, **kwargs)

    async def _take_turn(self, limiter: AsyncLimiter | None) -> None:
        """Wait out any 429 hold, then for an overall slot; again if a hold began meanwhile."""
        while True:
            if (wait := self._hold_until - time.monotonic()) > 0:
                await asyncio.sleep(wait)
                continue
            if limiter is not None:
                await limiter.acquire()
            if self._hold_until <= time.monotonic():
                return


def _chat_id(data: dict[str, Any]) -> int | str | None:
    value = data.get("chat_id")
    with contextlib.suppress(TypeError, ValueError):
        return int(value)  # type: ignore[arg-type]
    return value if isinstance(value, str) else None


def private_chat(data: dict[str, Any]) -> int | None:
    """The chat id if it names a private chat (a positive integer), else None."""
    chat_id = _chat_id(data)
    return chat_id if isinstance(chat_id, int) and chat_id > 0 else None


def group_chat(data: dict[str, Any]) -> int | str | None:
    """The chat id if it names a group or channel (negative, or an @username), as PTB decides."""
    chat_id = _chat_id(data)
    return chat_id if isinstance(chat_id, str) or (chat_id is not None and chat_id < 0) else None


def adds_message(endpoint: str) -> bool:
    """Calls that put a new message in the chat; edits, deletions and chat actions don't."""
    return endpoint.startswith(("send", "copyMessage", "forwardMessage")) and (
        endpoint != "sendChatAction"
    )
