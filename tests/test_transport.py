"""Mend's aiohttp transport under PTB's Bot: bodies, files, timeouts and errors, over HTTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest

from bot.telegram.transport import AiohttpRequest
from tests.fake_telegram import FakeTelegram


async def bot_on(url: str, token: str, **timeouts: float) -> Bot:
    bot = Bot(token, base_url=f"{url}/bot", request=AiohttpRequest(**timeouts))
    await bot.initialize()
    return bot


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = await bot_on(fake.url, fake.token)
    yield bot
    await bot.shutdown()


async def test_a_message_with_buttons_arrives_as_sent(bot: Bot, fake: FakeTelegram) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Hurt ♥", callback_data="s|x|0|hurt")]])
    text = "When <b>this</b> happens — I feel 💔 «hurt»"
    message = await bot.send_message(4242, text, reply_markup=markup, parse_mode="HTML")
    [call] = fake.sent(4242, "sendMessage")
    assert call.params["chat_id"] == 4242
    assert call.params["text"] == text
    assert call.params["parse_mode"] == "HTML"
    button = call.params["reply_markup"]["inline_keyboard"][0][0]
    assert button == {"text": "Hurt ♥", "callback_data": "s|x|0|hurt"}
    assert message.chat.id == 4242 and message.text == text


async def test_a_photo_is_uploaded_as_multipart(bot: Bot, fake: FakeTelegram) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    await bot.send_photo(4243, png, caption="Your month", filename="chart.png")
    [call] = fake.sent(4243, "sendPhoto")
    assert call.files["photo"] == png
    assert call.params["caption"] == "Your month"


async def test_a_long_poll_outlasts_the_read_timeout(fake: FakeTelegram) -> None:
    fake.max_poll_wait = 1.0
    bot = await bot_on(fake.url, fake.token, read=0.3)
    try:
        # PTB adds the poll's own timeout to the read timeout, so a 1 s poll is not cut at 0.3 s.
        assert await bot.get_updates(timeout=1) == ()
    finally:
        await bot.shutdown()


@pytest.fixture
async def slow_server() -> AsyncIterator[str]:
    """A server that answers every request after two seconds."""

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_slow_answer_raises_timed_out(slow_server: str) -> None:
    bot = Bot("1:x", base_url=f"{slow_server}/bot", request=AiohttpRequest(read=0.2))
    await bot._request[1].initialize()  # no getMe: initialize() would call the slow server
    try:
        with pytest.raises(TimedOut):
            await bot.send_message(1, "hello")
    finally:
        await bot._request[1].shutdown()


async def test_nobody_listening_raises_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect=1.0)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, TimedOut)


async def test_the_transport_can_be_shut_down_and_opened_again(fake: FakeTelegram) -> None:
    request = AiohttpRequest()
    for _ in range(2):
        await request.initialize()
        result = await request.post(f"{fake.url}/bot{fake.token}/getMe")
        assert result["username"] == "MendTestBot"  # type: ignore[index]
        await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{fake.url}/bot{fake.token}/getMe")


@pytest.mark.parametrize(
    ("read", "write", "files", "sock_read"),
    [
        (BaseRequest.DEFAULT_NONE, BaseRequest.DEFAULT_NONE, False, 5.0),  # a text: read alone
        (12.0, BaseRequest.DEFAULT_NONE, False, 12.0),  # getUpdates: PTB adds its poll time
        (BaseRequest.DEFAULT_NONE, BaseRequest.DEFAULT_NONE, True, 25.0),  # upload: media write
        (BaseRequest.DEFAULT_NONE, 60.0, True, 65.0),  # an upload's own write timeout wins
        (None, BaseRequest.DEFAULT_NONE, False, None),  # None: wait as long as it takes
    ],
)
def test_ptb_timeouts_map_to_aiohttp(
    read: object, write: object, files: bool, sock_read: float | None
) -> None:
    timeout = AiohttpRequest()._timeout(
        read, write, BaseRequest.DEFAULT_NONE, BaseRequest.DEFAULT_NONE, files
    )
    assert timeout.sock_read == sock_read
    assert timeout.total is None and timeout.sock_connect == 5.0 and timeout.connect == 6.0
