"""The `mend` command: run the bot, chat in a terminal, check content, upgrade the database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.content.yamlfiles import ContentError
from bot.logging_setup import setup_logging
from bot.store.crypto import DataKeyError

log = logging.getLogger("mend")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mend", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the Telegram bot (long polling)")
    chat = commands.add_parser("chat", help="talk to Mend in this terminal; no token needed")
    chat.add_argument("--user", help="terminal user name (default: your login name)")
    check = commands.add_parser("check-content", help="validate every flow and text")
    check.add_argument("--mermaid", type=Path, metavar="DIR", help="also write flow diagrams")
    commands.add_parser(
        "train-screen", help="rebuild the safety screen's head from data/safety/corpus"
    )
    screen = commands.add_parser(
        "screen", help="screen lines from stdin: one JSON verdict per line (for reviewers)"
    )
    screen.add_argument(
        "--labels", type=Path, metavar="FILE.tsv", help="label<TAB>text file: recall per label"
    )
    screen.add_argument("--locale", default="en", help="the user's locale (default: en)")
    database = commands.add_parser("db", help="database schema")
    database.add_argument("action", choices=["upgrade", "current"])
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of `python -m bot`."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        # In the terminal chat, only warnings interrupt the conversation.
        level = settings.log_level_number
        chatting = args.command == "chat"
        setup_logging(max(level, logging.WARNING) if chatting else level, settings.secrets())
        return _dispatch(args, settings)
    except (ConfigError, ContentError, DataKeyError) as exc:
        print(f"mend: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.telegram.application import run_polling

        run_polling(settings)
        return 0
    if args.command == "chat":
        return asyncio.run(_chat(settings, args.user))
    if args.command == "check-content":
        from bot.content.check import report

        return report(settings.mend_content_dir, args.mermaid)
    if args.command in ("train-screen", "screen"):
        return _screen_command(args, settings.mend_content_dir / "data")
    return asyncio.run(_db(settings, args.action))


def _screen_command(args: argparse.Namespace, data_dir: Path) -> int:
    from bot.coach.safety import commands

    if args.command == "train-screen":
        return commands.train_screen(data_dir, sys.stdout)
    if args.labels:
        return commands.screen_labels(data_dir, args.labels, sys.stdout, args.locale)
    return commands.screen_lines(data_dir, sys.stdin, sys.stdout, args.locale)


async def _chat(settings: Settings, user: str | None) -> int:
    from datetime import timedelta

    from bot.checkins.dispatcher import Dispatcher
    from bot.runtime import open_coach
    from bot.terminal import CHANNEL, TerminalChat, terminal_language, terminal_user

    name = user or terminal_user()
    async with open_coach(settings) as coach:
        grace = timedelta(hours=settings.mend_checkin_grace)
        dispatcher = Dispatcher(coach.database, CHANNEL, grace, user_key=name)
        chat = TerminalChat(coach, name, dispatcher=dispatcher, language_code=terminal_language())
        await chat.run(checkin_every=settings.mend_checkin_tick)
    return 0


async def _db(settings: Settings, action: str) -> int:
    from bot.runtime import configure_data_key, ready_database
    from bot.store.database import Database
    from bot.store.migrate import current_revision, head_revision

    if action == "upgrade":
        database = await ready_database(settings)
    else:
        configure_data_key(settings)
        database = Database(settings.async_database_url)
    try:
        print(f"database at revision {await current_revision(database)} (newest {head_revision()})")
    finally:
        await database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
