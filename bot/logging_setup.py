"""Logging that never carries users' words or secrets."""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

# Libraries that log request URLs (with the token) or whole updates (with user text) at
# INFO or DEBUG are held at WARNING whatever LOG_LEVEL says.
CHATTY_LOGGERS = (
    "httpx",
    "httpcore",
    "aiohttp",
    "telegram",
    "apscheduler",
    "aiosqlite",
    "asyncpg",
    "hpack",
)
LIBRARY_PREFIXES = ("telegram", "httpx", "httpcore", "aiohttp")
TOKEN_PATTERN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b")


class PrivacyFilter(logging.Filter):
    """Drops Telegram objects from log arguments and masks bot tokens."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            library = record.name.startswith(LIBRARY_PREFIXES)
            record.args = tuple(_redact(arg) if library else _describe(arg) for arg in args)
        message = record.getMessage()
        masked = TOKEN_PATTERN.sub("<token>", message)
        for secret in self.secrets:
            masked = masked.replace(secret, "<secret>")
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def _redact(arg: object) -> object:
    """Libraries may log raw updates or request data: keep numbers, hide everything else."""
    if arg is None or isinstance(arg, (bool, int, float)):
        return arg
    return f"<{type(arg).__name__} redacted>"


def _describe(arg: object) -> object:
    """Replace a Telegram object by its kind and id, so that no text reaches a log line."""
    module = type(arg).__module__ or ""
    if module.startswith("telegram"):
        ident = getattr(arg, "update_id", None) or getattr(arg, "message_id", None)
        return f"<{type(arg).__name__} {ident}>"
    return arg


def setup_logging(level: int, secrets: tuple[str, ...] = (), stream: TextIO | None = None) -> None:
    """Configure the root logger once, with the privacy filter on its handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
