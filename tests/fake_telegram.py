"""A fake Telegram Bot API on 127.0.0.1: feeds updates, records calls, injects faults.

The bot under test is the real python-telegram-bot Application, pointed here through
TELEGRAM_API_URL, so every request goes through PTB's own HTTP stack.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 777000
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Mend",
    "username": "MendTestBot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "entities",
    "allowed_updates",
    "message_ids",
    "link_preview_options",
    "caption_entities",
    "reply_parameters",
    "scope",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id"}


@dataclass
class Call:
    """One request the bot made, received at monotonic time `at`; `status` is the HTTP answer."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200


@dataclass
class Fault:
    """Answer the next `times` calls of `method` (for `chat_id`, if given) with an error."""

    method: str
    code: int
    description: str
    times: int = 1
    retry_after: int | None = None
    chat_id: int | None = None


class FakeTelegram:
    """The server, plus helpers to act as Telegram users."""

    def __init__(self, token: str = "123456:TEST-token-for-the-fake-bot-api-0000") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.pushed_update_id = 0
        self.acked_offset = 0
        self.max_poll_wait = 1.0
        self.rate_limit: float | None = None  # send* calls a second over a sliding window
        self.rate_window = 1.0  # seconds that window spans
        self.rate_retry_after = 1  # the retry_after of a 429 for exceeding rate_limit
        self.too_many = 0  # send* calls refused with 429 for exceeding rate_limit
        self._recent_sends: deque[float] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._polled = asyncio.Event()
        self._stored = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----- server -----

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; returns the API root URL."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read_params(request)
        call = Call(method, params, files=files)
        fault = self._take_fault(method, params)
        if fault:
            call.status = fault.code
            self.calls.append(call)
            extra = {"parameters": {"retry_after": fault.retry_after}} if fault.retry_after else {}
            return _error(fault.code, fault.description, **extra)
        if method.startswith("send") and self._over_rate(call.at):
            call.status = 429
            self.calls.append(call)
            self.too_many += 1
            retry_after = self.rate_retry_after
            return _error(
                429,
                f"Too Many Requests: retry after {retry_after}",
                parameters={"retry_after": retry_after},
            )
        if method != "getUpdates":
            self.calls.append(call)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except ApiError as exc:
            return _error(exc.code, exc.description)
        return web.json_response({"ok": True, "result": result})

    def _over_rate(self, now: float) -> bool:
        """Whether a send now would exceed `rate_limit` in the last window; if not, count it."""
        if self.rate_limit is None:
            return False
        recent = self._recent_sends
        while recent and recent[0] <= now - self.rate_window:
            recent.popleft()
        if len(recent) >= self.rate_limit:
            return True
        recent.append(now)
        return False

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if (
                fault.method == method
                and fault.times > 0
                and fault.chat_id in (None, params.get("chat_id"))
            ):
                fault.times -= 1
                return fault
        return None

    # ----- Bot API methods -----

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self.acked_offset = max(self.acked_offset, offset)
        self._polled.set()
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), self.max_poll_wait)
        while not self.updates and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        return self._store_message(params, {"text": params.get("text", "")})

    async def _api_sendPhoto(self, params: dict[str, Any]) -> Any:
        photo = [{"file_id": "photo1", "file_unique_id": "p1", "width": 800, "height": 600}]
        return self._store_message(params, {"photo": photo, "caption": params.get("caption")})

    async def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        document = {"file_id": "doc1", "file_unique_id": "d1", "file_name": "file"}
        return self._store_message(params, {"document": document, "caption": params.get("caption")})

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._message(params)
        markup = params.get("reply_markup")
        if (message.get("reply_markup") or None) == (markup or None):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same",
            )
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._message(params)
        if message.get("text") == params.get("text") and message.get("reply_markup") == params.get(
            "reply_markup"
        ):
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = params.get("text")
        return message

    async def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        if self.messages.pop((int(params["chat_id"]), int(params["message_id"])), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    async def _api_deleteMessages(self, params: dict[str, Any]) -> Any:
        for message_id in params.get("message_ids") or []:
            self.messages.pop((int(params["chat_id"]), int(message_id)), None)
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    def _store_message(self, params: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": BOT_USER,
            **{k: v for k, v in body.items() if v is not None},
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        self._stored.set()
        return message

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    # ----- acting as Telegram -----

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for the bot's next getUpdates; returns its update_id."""
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, **update})
        self.pushed_update_id = update_id
        self._new_update.set()
        return update_id

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[Call]:
        """Calls that delivered something to a chat (messages, photos, documents)."""
        methods = {method} if method else {"sendMessage", "sendPhoto", "sendDocument"}
        return [
            c
            for c in self.calls
            if c.method in methods and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    async def delivered(self, within: float = 10.0) -> None:
        """Wait until the bot has fetched every pushed update (acknowledged by its next poll)."""
        async with asyncio.timeout(within):
            while self.acked_offset <= self.pushed_update_id:
                self._polled.clear()
                await self._polled.wait()

    async def wait_for_sent(self, chat_id: int, count: int, within: float = 20.0) -> list[Call]:
        """Wait until a chat has received `count` messages in all (for a bot in another process)."""
        async with asyncio.timeout(within):
            while len(self.sent(chat_id)) < count:
                self._stored.clear()
                await self._stored.wait()
        return self.sent(chat_id)

    def message_update(
        self, user: dict[str, Any], chat: dict[str, Any], **content: Any
    ) -> dict[str, Any]:
        """A `message` update with the given content (text, sticker, photo, ...)."""
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **content,
        }
        text = content.get("text")
        if isinstance(text, str) and text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self.messages[(chat["id"], message["message_id"])] = message
        return {"message": message}

    def callback_update(
        self, user: dict[str, Any], data: str, message: dict[str, Any] | None
    ) -> dict[str, Any]:
        """A `callback_query` update, as when the user presses an inline button."""
        query: dict[str, Any] = {
            "id": str(next(self._update_ids) * 7919),
            "from": user,
            "chat_instance": "ci-1",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return {"callback_query": query}


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(code: int, description: str, **extra: Any) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description, **extra}
    return web.json_response(body, status=code)


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": "A group"}
    return {"id": chat_id, "type": "private", "first_name": "Tester"}


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """PTB sends form fields (JSON-encoded where nested) or multipart with files."""
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        params = await request.json()
    elif request.method == "POST":
        form = await request.post()
        for key, value in form.items():
            if hasattr(value, "file"):
                files[key] = value.file.read()
                params[key] = f"<file {value.filename}>"
            else:
                params[key] = value
    else:
        params = dict(request.query)
    for key in list(params):
        value = params[key]
        if key in JSON_FIELDS and isinstance(value, str):
            params[key] = json.loads(value)
        elif key in INT_FIELDS and isinstance(value, str) and value.lstrip("-").isdigit():
            params[key] = int(value)
    return params, files
