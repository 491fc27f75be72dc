"""Small async handlers: convert the update, ask the core, deliver the replies."""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.core.service import Coach
from bot.messages import Incoming, Reply
from bot.telegram import convert
from bot.telegram.delivery import deliver

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE


def coach_of(context: Context) -> Coach:
    """The core, placed in bot_data when the application starts."""
    return context.application.bot_data["coach"]


async def _answer(update: Update, context: Context, incoming: Incoming) -> None:
    replies = await coach_of(context).handle(incoming)
    if update.effective_chat:
        await deliver(context.bot, update.effective_chat.id, replies)


async def on_command(update: Update, context: Context) -> None:
    """/start, /menu, exercise commands and unknown ones alike: the core decides."""
    name, args = convert.split_command(update.effective_message.text or "")
    await _answer(update, context, convert.incoming(update, "command", name, args))


async def on_text(update: Update, context: Context) -> None:
    """Typed text: an answer inside an exercise, or a pointer to the menu outside one."""
    await _answer(update, context, convert.incoming(update, "text", update.effective_message.text))


async def on_button(update: Update, context: Context) -> None:
    """A pressed inline button: stop the spinner and apply it.

    Old keyboards are left in place (editing each costs an API call per press); pressing one
    later is refused politely by the core, with the current question shown again.
    """
    query = update.callback_query
    with contextlib.suppress(TelegramError):
        await query.answer()
    replies = await coach_of(context).handle(convert.incoming(update, "button", query.data or ""))
    chat = update.effective_chat or (query.message.chat if query.message else None)
    chat_id = chat.id if chat else query.from_user.id
    await deliver(context.bot, chat_id, replies)


async def on_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice and the rest: a kind word, and the current question again."""
    await _answer(update, context, convert.incoming(update, "other"))


async def on_edited(update: Update, context: Context) -> None:
    """Edits can't change an answer already given; say so once, kindly."""
    coach = coach_of(context)
    locale = coach.content.texts.pick_locale(update.effective_user.language_code)
    text = coach.content.texts.render("common.edited", locale)
    await deliver(context.bot, update.effective_chat.id, [Reply(text)])


async def on_group(update: Update, context: Context) -> None:
    """Groups and channels: one line, nothing stored."""
    coach = coach_of(context)
    user = update.effective_user
    locale = coach.content.texts.pick_locale(user.language_code if user else None)
    text = coach.content.texts.render("common.group_only", locale)
    if update.effective_chat:
        await deliver(context.bot, update.effective_chat.id, [Reply(text)])


async def on_flood(application: Application, update: Update) -> None:
    """Told once when a chat sends faster than Mend reads: nothing is lost, only slowed."""
    coach: Coach = application.bot_data["coach"]
    user = update.effective_user
    locale = coach.content.texts.pick_locale(user.language_code if user else None)
    if update.effective_chat:
        text = coach.content.texts.render("common.flood", locale)
        await deliver(application.bot, update.effective_chat.id, [Reply(text)])


async def on_error(update: object, context: Context) -> None:
    """Log the failure without any user text, and apologise to the user."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("handler failed on update %s: %s\n%s", update_id, type(error).__name__, frames)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    coach = context.application.bot_data.get("coach")
    if coach is None:
        return
    user = update.effective_user
    locale = coach.content.texts.pick_locale(user.language_code if user else None)
    with contextlib.suppress(Exception):
        await deliver(
            context.bot,
            update.effective_chat.id,
            [Reply(coach.content.texts.render("common.error", locale))],
        )
