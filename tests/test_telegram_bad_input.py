"""Bad input over HTTP: each gets a clear, kind answer, and nothing is lost or corrupted."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from sqlmodel import select

from bot.config import PROJECT_ROOT
from bot.store.models import FlowRun, User
from bot.telegram.delivery import _call
from tests.fake_telegram import Fault
from tests.telegram_harness import Person, TelegramHarness


async def in_istatement(person: Person) -> None:
    await person.send("/start")
    await person.press("I was hurt")
    await person.press("Not now")  # the country: later
    await person.send("/istatement")


async def active_run(harness: TelegramHarness, user_id: int) -> tuple[str, int, dict[str, Any]]:
    async with harness.coach.database.transaction() as session:
        query = (
            select(FlowRun)
            .join(User)
            .where(User.external_id == str(user_id), FlowRun.status == "active")
        )
        run = (await session.exec(query)).one()
        return run.step, run.seq, run.state


async def finish_istatement(person: Person) -> None:
    """The exercise still completes after whatever came before."""
    await person.send("I miss you")
    if "The observation" not in person.text:
        await person.send("this happens")
    else:
        await person.send("this happens")
    await person.press("hurt")
    await person.send("honesty")
    await person.press("Skip")
    await person.press("Save it")
    assert "Saved" in person.text


PHOTO = [{"file_id": "p", "file_unique_id": "pu", "width": 10, "height": 10}]
NON_TEXT = {
    "photo": {"photo": PHOTO},
    "photo_with_empty_caption": {"photo": PHOTO, "caption": ""},
    "voice": {"voice": {"file_id": "v", "file_unique_id": "vu", "duration": 3}},
    "video": {
        "video": {"file_id": "vi", "file_unique_id": "viu", "width": 1, "height": 1, "duration": 1}
    },
    "document": {"document": {"file_id": "d", "file_unique_id": "du", "file_name": "diary.txt"}},
    "location": {"location": {"latitude": 51.5, "longitude": -0.1}},
    "contact": {"contact": {"phone_number": "+100", "first_name": "Ex"}},
    "poll": {
        "poll": {
            "id": "1",
            "question": "Trust?",
            "options": [{"text": "yes", "voter_count": 0, "persistent_id": "o1"}],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    },
}


@pytest.mark.parametrize("kind", sorted(NON_TEXT))
async def test_non_text_inside_an_exercise(telegram: TelegramHarness, kind: str) -> None:
    sam = telegram.person(2001)
    await in_istatement(sam)
    before = await active_run(telegram, 2001)
    await sam.send_content(**NON_TEXT[kind])
    assert "I can only read typed words" in sam.text
    assert "Write what you want to tell your partner" in sam.text, "the question is asked again"
    assert await active_run(telegram, 2001) == before
    await finish_istatement(sam)
    other = telegram.person(2002)
    await other.send("/start")
    assert "I'm Mend" in other.text


async def test_sticker_is_named_kindly(telegram: TelegramHarness) -> None:
    sam = telegram.person(2003)
    await sam.send("/start")
    await sam.send_sticker()
    assert "Thank you for the sticker, but I can only read typed words" in sam.text


async def test_forwarded_text_counts_as_text(telegram: TelegramHarness) -> None:
    sam = telegram.person(2004)
    await in_istatement(sam)
    origin = {
        "type": "user",
        "date": 1700000000,
        "sender_user": {"id": 9, "is_bot": False, "first_name": "Ex"},
    }
    await sam.send_content(text="You never tell me anything", forward_origin=origin)
    assert "<b>you never</b>" in sam.text


async def test_very_long_text_is_answered_not_crashed_on(telegram: TelegramHarness) -> None:
    sam = telegram.person(2005)
    await in_istatement(sam)
    before = await active_run(telegram, 2005)
    await sam.send("I feel so much. " * 256)
    assert "shorter message" in sam.text
    assert await active_run(telegram, 2005) == before
    await sam.send("x" * 4096)
    assert "shorter message" in sam.text
    await finish_istatement(sam)


@pytest.mark.parametrize(
    "text",
    [
        "مرحبا، أنا أشعر بالوحدة",  # right-to-left
        "a\u200bb\u200dc\u2060 zero-width",
        "👩‍❤️‍👨 family 👨‍👩‍👧‍👦 and flags 🇺🇦",
        "\u202eoverride\u202c text",
        "Ｆｕｌｌｗｉｄｔｈ",
    ],
)
async def test_odd_unicode_is_accepted(telegram: TelegramHarness, text: str) -> None:
    sam = telegram.person(2006)
    await in_istatement(sam)
    await sam.send(text)
    assert "The observation" in sam.text
    step, _, state = await active_run(telegram, 2006)
    assert step == "observation" and state["answers"]["draft"] == text


async def test_markup_from_the_user_is_shown_literally(telegram: TelegramHarness) -> None:
    sam = telegram.person(2007)
    await in_istatement(sam)
    await sam.send("You always {{ 7*7 }} <b>shout</b> </code>")
    assert "49" not in sam.text
    await sam.send("{% for x in range(3) %}loop{% endfor %} <i>")
    await sam.press("hurt")
    await sam.send("{{ config }} & </code>")
    await sam.press("Skip")
    expected = (
        "When {% for x in range(3) %}loop{% endfor %} &lt;i&gt;, I feel hurt, "
        "and I need {{ config }} &amp; &lt;/code&gt;."
    )
    assert expected in sam.text
    assert all(c.params.get("parse_mode") == "HTML" for c in sam.last)


@pytest.mark.parametrize(
    "data",
    [
        "s|istatement|99|hurt",  # right flow, wrong point in it
        "s|compassion|1|5",  # another flow
        "s|istatement|1|not-an-option",
        "garbage",
        "",
        "a|start|no_such_flow",
        "a|" + "x" * 70,
        "s|istatement|1|" + "é" * 30,
        "s|istatement|-1|hurt",
    ],
)
async def test_forged_button_data_is_refused_and_state_unchanged(
    telegram: TelegramHarness, data: str
) -> None:
    sam = telegram.person(2008)
    await in_istatement(sam)
    before = await active_run(telegram, 2008)
    await sam.press_data(data)
    assert "earlier message" in sam.text or "choose one of the buttons" in sam.text
    assert await active_run(telegram, 2008) == before
    await finish_istatement(sam)


async def test_stale_button_from_an_old_message(telegram: TelegramHarness) -> None:
    sam = telegram.person(2009)
    await in_istatement(sam)
    await sam.send("I miss you")
    await sam.send("this happens")
    old_message, old_data = sam.find_button("hurt")
    await sam.press("hurt")
    assert "The need" in sam.text
    before = await active_run(telegram, 2009)
    await sam.press_data(old_data, old_message)
    assert "earlier message" in sam.text
    assert "The need" in sam.text, "the current question is shown again"
    assert await active_run(telegram, 2009) == before


async def test_unknown_command_points_to_help(telegram: TelegramHarness) -> None:
    sam = telegram.person(2010)
    await sam.send("/teleport now")
    assert "I don't know /teleport" in sam.text and "/help" in sam.text


async def test_group_and_channel_get_one_line_and_nothing_is_stored(
    telegram: TelegramHarness,
) -> None:
    fake = telegram.fake
    user = {"id": 2011, "is_bot": False, "first_name": "G"}
    group = {"id": -100200, "type": "supergroup", "title": "Friends"}
    fake.push(fake.message_update(user, group, text="/start"))
    fake.push(fake.message_update(user, group, text="hello bot"))
    channel = {"id": -100300, "type": "channel", "title": "News"}
    fake.push(
        {"channel_post": {"message_id": 5, "date": 1700000000, "chat": channel, "text": "post"}}
    )
    await telegram.settle()
    assert [c.params["text"] for c in fake.sent(-100200)] == [
        "Mend works in private chats only. Please message me directly."
    ] * 2
    assert len(fake.sent(-100300)) == 1
    async with telegram.coach.database.transaction() as session:
        assert (await session.exec(select(User))).all() == []


async def test_edited_message_is_explained(telegram: TelegramHarness) -> None:
    sam = telegram.person(2012)
    await in_istatement(sam)
    before = await active_run(telegram, 2012)
    edited = telegram.fake.message_update(sam.user, sam.chat, text="changed", edit_date=1700000001)
    await sam.send_update({"edited_message": edited["message"]})
    assert "can't change an answer" in sam.text
    assert await active_run(telegram, 2012) == before


async def test_handler_error_apologises_and_keeps_state(
    telegram: TelegramHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sam = telegram.person(2013)
    await in_istatement(sam)
    before = await active_run(telegram, 2013)
    router = telegram.coach.router
    original = router.route
    calls = {"n": 0}

    def failing_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return original(*args, **kwargs)

    monkeypatch.setattr(router, "route", failing_once)
    await sam.send("You never call")
    assert "Sorry, something went wrong" in sam.text
    assert await active_run(telegram, 2013) == before
    await finish_istatement(sam)


async def test_blocked_user_does_not_stop_the_bot(telegram: TelegramHarness) -> None:
    fake = telegram.fake
    fake.faults.append(
        Fault("sendMessage", 403, "Forbidden: bot was blocked by the user", times=5, chat_id=2014)
    )
    blocked, other = telegram.person(2014), telegram.person(2015)
    await blocked.send("/start")
    assert blocked.last == [] or all(c.method == "sendMessage" for c in blocked.last)
    await other.send("/start")
    assert "I'm Mend" in other.text


async def test_flood_wait_is_obeyed_and_the_message_arrives(telegram: TelegramHarness) -> None:
    telegram.fake.faults.append(
        Fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=2016)
    )
    sam = telegram.person(2016)
    await sam.send("/help")
    assert "How Mend works" in sam.text
    attempts = [
        c for c in telegram.fake.calls if c.method == "sendMessage" and c.params["chat_id"] == 2016
    ]
    assert len(attempts) == 2 and attempts[1].at - attempts[0].at >= 0.9


async def test_server_error_is_retried(telegram: TelegramHarness) -> None:
    telegram.fake.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=2017))
    sam = telegram.person(2017)
    await sam.send("/help")
    assert "How Mend works" in sam.text


async def test_an_edit_that_changes_nothing_is_not_an_error(telegram: TelegramHarness) -> None:
    bot = telegram.app.bot
    sent = await bot.send_message(2019, "Hello")
    same = await _call(
        lambda: bot.edit_message_text("Hello", chat_id=2019, message_id=sent.message_id)
    )
    assert same is None, "400 message is not modified is taken as done"
    edits = [c for c in telegram.fake.calls if c.method == "editMessageText"]
    assert len(edits) == 1, "and not retried"


async def test_texts_go_out_as_html_without_link_previews(telegram: TelegramHarness) -> None:
    sam = telegram.person(2020)
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    assert sam.last and all(c.method == "sendMessage" for c in sam.last)
    for call in sam.last:
        assert call.params["parse_mode"] == "HTML"
        assert call.params["link_preview_options"] == {"is_disabled": True}
    assert "inline_keyboard" in sam.last[-1].params["reply_markup"]


async def test_html_the_api_rejects_is_resent_as_plain_text(telegram: TelegramHarness) -> None:
    rejected = "Bad Request: can't parse entities: unsupported start tag"
    telegram.fake.faults.append(Fault("sendMessage", 400, rejected, chat_id=2021))
    sam = telegram.person(2021)
    await sam.send("/help")
    first, again = [c for c in telegram.fake.calls if c.params.get("chat_id") == 2021][-2:]
    assert first.params["parse_mode"] == "HTML" and "<b>How Mend works</b>" in first.params["text"]
    assert "parse_mode" not in again.params
    assert again.params["text"].startswith("How Mend works") and "<b>" not in again.params["text"]


def test_sending_texts_raw_is_not_warned_about_in_a_real_run() -> None:
    code = (
        "import warnings, bot.telegram.delivery\n"
        "from telegram._utils.warnings import warn\n"
        "from telegram.warnings import PTBUserWarning\n"
        "warn(PTBUserWarning(\"Please use 'Bot.send_message' instead of "
        '\'Bot.do_api_request(\\"send_message\\", ...)\'"), stacklevel=1)\n'
        "warn(PTBUserWarning('Please use Bot.other_method'), stacklevel=1)\n"
    )
    run = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Bot.send_message" not in run.stderr, "post_text's own warning is silenced"
    assert "other_method" in run.stderr and run.returncode != 0, "and nothing else is"
