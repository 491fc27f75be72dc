"""Send the core's replies, handling the Bot API's errors where they arise."""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta

from telegram import Bot, InputFile
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.messages import Reply
from bot.plaintext import html_to_text
from bot.telegram.convert import keyboard

log = logging.getLogger(__name__)
# `post_text` means to use do_api_request for a method PTB knows; PTB warns of that each time.
warnings.filterwarnings(
    "ignore", message=r"Please use 'Bot\.send_message'", category=PTBUserWarning
)
ATTEMPTS = 3
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH
DELETE_BATCH = 100  # Bot API deleteMessages takes at most 100 ids


class ChatUnreachable(Exception):
    """The user blocked the bot or the chat no longer exists."""


async def deliver(bot: Bot, chat_id: int, replies: list[Reply]) -> bool:
    """Send replies in order; a blocked chat stops the rest and returns False."""
    for reply in replies:
        try:
            await _send_one(bot, chat_id, reply)
        except ChatUnreachable:
            log.info("chat %s is unreachable; dropping %d replies", chat_id, len(replies))
            return False
    return True


async def _send_one(bot: Bot, chat_id: int, reply: Reply) -> None:
    if reply.purge:
        await purge(bot, chat_id, *reply.purge)
    markup = keyboard(reply.buttons)
    if reply.attachment:
        upload = InputFile(reply.attachment.content, filename=reply.attachment.filename)
        send = bot.send_photo if reply.attachment.kind == "photo" else bot.send_document
        caption = reply.text if len(reply.text) <= CAPTION_LIMIT else None
        await _call(lambda: send(chat_id, upload, caption=caption, reply_markup=markup))
        if caption is None and reply.text:
            await _send_text(bot, chat_id, reply.text, None)
        return
    await _send_text(bot, chat_id, reply.text, markup)


async def _send_text(bot: Bot, chat_id: int, text: str, markup: object) -> None:
    chunks = split_text(text)
    for index, chunk in enumerate(chunks):
        keys = markup if index == len(chunks) - 1 else None
        try:
            await _call(lambda c=chunk, k=keys: post_text(bot, chat_id, c, k))
        except BadRequest as exc:
            if "can't parse entities" not in str(exc).lower():
                raise
            log.warning("a reply's HTML was rejected; sending it as plain text")
            plain = html_to_text(chunk)
            await _call(lambda p=plain, k=keys: post_text(bot, chat_id, p, k, html=False))


async def post_text(
    bot: Bot, chat_id: int, text: str, markup: object = None, *, html: bool = True
) -> object:
    """sendMessage with the bot's defaults, its answer left as JSON.

    Mend never reads the Message the Bot API echoes back, and PTB's `send_message` parses it
    (~0.2 ms, a tenth of a whole turn), so texts go through `Bot.do_api_request`: the same
    request path (rate limiter, retries, errors), with the raw result.
    """
    defaults = bot.defaults if isinstance(bot, ExtBot) else None
    params: dict[str, object] = {"chat_id": chat_id, "text": text}
    if html:
        params["parse_mode"] = (defaults.parse_mode if defaults else None) or ParseMode.HTML
    if defaults and defaults.link_preview_options:
        params["link_preview_options"] = defaults.link_preview_options
    if markup is not None:
        params["reply_markup"] = markup
    return await bot.do_api_request("send_message", api_kwargs=params)


async def _call(make_request: object) -> object:
    """One Bot API call with retries for flood waits and network trouble."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await make_request()  # type: ignore[operator]
        except RetryAfter as exc:
            delay = _seconds(exc.retry_after)
            log.warning("flood control: waiting %.1f s", delay)
            await asyncio.sleep(delay)
        except Forbidden as exc:
            raise ChatUnreachable from exc
        except BadRequest as exc:
            reason = str(exc).lower()
            if "chat not found" in reason:
                raise ChatUnreachable from exc
            if "message is not modified" in reason:  # an edit that changes nothing: done
                return None
            raise
        except (TimedOut, NetworkError) as exc:
            if attempt == ATTEMPTS:
                raise
            log.warning("Bot API call failed (%s), retry %d", type(exc).__name__, attempt)
            await asyncio.sleep(0.5 * 2**attempt)
    raise TimedOut("gave up after repeated flood waits")


async def purge(bot: Bot, chat_id: int, first: int, last: int) -> None:
    """Delete this chat's messages with ids first..last (both sides), a hundred at a time."""
    ids = list(range(first, last + 1))
    for start in range(0, len(ids), DELETE_BATCH):
        try:
            await _call(
                lambda chunk=ids[start : start + DELETE_BATCH]: bot.delete_messages(chat_id, chunk)
            )
        except BadRequest as exc:
            log.info("could not delete some messages in chat %s: %s", chat_id, type(exc).__name__)


def _seconds(value: timedelta | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split at paragraph, then line, then space boundaries so each part fits one message."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " "))
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest] if rest else parts
