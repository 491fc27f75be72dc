"""Build the python-telegram-bot Application in one place, and run it."""

from __future__ import annotations

import gc
from contextlib import AsyncExitStack
from functools import partial

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.core.service import Coach
from bot.runtime import open_coach
from bot.telegram import handlers
from bot.telegram.jobs import schedule_jobs
from bot.telegram.processor import PerChatUpdateProcessor
from bot.telegram.rate_limit import PacedRateLimiter
from bot.telegram.transport import AiohttpRequest

YOUNG_GC_THRESHOLD = 10_000


def build_application(settings: Settings, coach: Coach | None = None) -> Application:
    """The Application, pointed at TELEGRAM_API_URL; the coach is opened at start unless given."""
    api = str(settings.telegram_api_url).rstrip("/")
    processor = PerChatUpdateProcessor(
        settings.mend_max_concurrent_updates, settings.mend_flood_backlog, settings.mend_flood_pace
    )
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .request(AiohttpRequest(pool_size=max(16, 2 * settings.mend_max_concurrent_updates)))
        .get_updates_request(AiohttpRequest(pool_size=1))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(processor)
        .rate_limiter(PacedRateLimiter(settings.mend_send_rate, settings.mend_chat_rate))
        .post_init(prepare)
        .post_shutdown(release)
        .build()
    )
    application.bot_data["settings"] = settings
    if coach is not None:
        application.bot_data["coach"] = coach
    processor.on_flood = partial(handlers.on_flood, application)
    add_handlers(application)
    schedule_jobs(application)
    return application


def add_handlers(application: Application) -> None:
    """Private chats reach the core; groups and channels get one line."""
    private = filters.ChatType.PRIVATE
    messages = filters.UpdateType.MESSAGE
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(
        MessageHandler(~private & ~filters.UpdateType.EDITED, handlers.on_group)
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, handlers.on_edited)
    )
    application.add_handler(
        MessageHandler(private & messages & filters.COMMAND, handlers.on_command)
    )
    application.add_handler(MessageHandler(private & messages & filters.TEXT, handlers.on_text))
    application.add_handler(MessageHandler(private & messages, handlers.on_other))
    application.add_error_handler(handlers.on_error)


async def prepare(application: Application) -> None:
    """Open the coach (upgrading the database) if none was given, and publish the commands."""
    if "coach" not in application.bot_data:
        stack = AsyncExitStack()
        application.bot_data["coach"] = await stack.enter_async_context(
            open_coach(application.bot_data["settings"])
        )
        application.bot_data["exit_stack"] = stack
    await publish_commands(application)


async def release(application: Application) -> None:
    """Close what `prepare` opened."""
    stack = application.bot_data.pop("exit_stack", None)
    if stack is not None:
        await stack.aclose()


async def publish_commands(application: Application) -> None:
    """Register the command menu, in every locale we have texts for."""
    coach: Coach = application.bot_data["coach"]
    texts = coach.content.texts
    names = coach.router.command_names
    for locale in texts.locales:
        commands = [
            BotCommand(name, texts.render_plain(f"common.commands.{name}", locale))
            for name in names
        ]
        language = None if locale == texts.pick_locale(None) else locale
        await application.bot.set_my_commands(commands, language_code=language)


async def prepare_to_serve(application: Application) -> None:
    """`prepare`, then tune the collector for a process that serves from here on."""
    await prepare(application)
    tune_garbage_collection()


def tune_garbage_collection() -> None:
    """For a long-running bot: fewer, cheaper collections.

    What startup built (content, templates, lexicons, the ORM's mappers) lives as long as the
    process, so it is left out of every collection from here on. Each update makes a few
    thousand short-lived objects: collecting the young ones every 10,000 allocations instead of
    every 700 takes GC from ~0.12 to ~0.01 ms per update (bench/updates.py), for ~1 MB.
    """
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def run_polling(settings: Settings) -> None:
    """`mend run`: long polling until interrupted."""
    application = build_application(settings)
    application.post_init = prepare_to_serve
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
