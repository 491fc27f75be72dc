"""Logs from a whole session hold none of the user's words, no button data and no token."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import PrivacyFilter, setup_logging
from tests.fake_telegram import Fault
from tests.telegram_harness import TelegramHarness

SECRET_WORDS = ["Quokkasecret", "Marmalade-affair", "zebra7749"]


@pytest.fixture
def captured_logs(telegram: TelegramHarness) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    setup_logging(logging.DEBUG, secrets=(telegram.fake.token,), stream=stream)
    yield stream
    root.handlers[:], root.level = saved


async def test_a_full_session_logs_no_user_text(
    telegram: TelegramHarness, captured_logs: io.StringIO
) -> None:
    sam = telegram.person(4001)
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    await sam.send("/istatement")
    await sam.send(f"You always hide the {SECRET_WORDS[0]}")
    telegram.fake.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=4001))
    await sam.send(f"when the {SECRET_WORDS[1]} started")
    await sam.press_data(f"s|istatement|2|{SECRET_WORDS[2]}")
    await sam.send("/nonsense " + SECRET_WORDS[0])
    logs = captured_logs.getvalue()
    assert logs, "the session did log something"
    for secret in [*SECRET_WORDS, telegram.fake.token, "I was hurt", "You always hide"]:
        assert secret not in logs


def test_privacy_filter_masks_tokens_and_telegram_objects() -> None:
    from telegram import Chat, Message

    message = Message(1, None, Chat(5, "private"), text="my private words")  # type: ignore[arg-type]
    record = logging.LogRecord(
        "bot.x",
        logging.INFO,
        __file__,
        1,
        "got %s with 123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef_123",
        (message,),
        None,
    )
    PrivacyFilter().filter(record)
    text = record.getMessage()
    assert "my private words" not in text and "<Message 1>" in text
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ" not in text and "<token>" in text


def test_library_log_arguments_are_redacted() -> None:
    record = logging.LogRecord(
        "telegram.ext.ExtBot",
        logging.CRITICAL,
        __file__,
        1,
        "Received data was %s (%d)",
        ([{"text": "secret"}], 3),
        None,
    )
    PrivacyFilter().filter(record)
    assert record.getMessage() == "Received data was <list redacted> (3)"
