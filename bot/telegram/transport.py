"""PTB's Bot API requests sent with aiohttp: about a sixth of httpx's CPU per call (bench/)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUTS = {"read": 5.0, "write": 5.0, "connect": 5.0, "pool": 1.0}
MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one `aiohttp.ClientSession`, opened in `initialize()`."""

    __slots__ = ("_pool_size", "_session", "_timeouts")

    def __init__(self, pool_size: int = 64, **timeouts: float) -> None:
        self._pool_size = pool_size
        self._timeouts = {**DEFAULT_TIMEOUTS, **timeouts}
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        """The read timeout used when a call names none (PTB adds getUpdates' poll time)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            # trust_env=False: like PTB's httpx default, no proxy or .netrc taken from the env.
            self._session = aiohttp.ClientSession(
                connector=connector, trust_env=False, skip_auto_headers=("User-Agent",)
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = bool(request_data and request_data.contains_files)
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, files)
        body, headers = _body(request_data)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except (TimeoutError, asyncio.TimeoutError) as exc:  # noqa: UP041 (aiohttp raises both)
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _timeout(
        self, read: Any, write: Any, connect: Any, pool: Any, has_files: bool
    ) -> aiohttp.ClientTimeout:
        """PTB's four timeouts in aiohttp's terms; no total, so long polls are bounded by read."""
        read = self._pick(read, "read")
        if has_files and write is BaseRequest.DEFAULT_NONE:
            write = MEDIA_WRITE_TIMEOUT  # an upload takes longer than a text, as PTB allows
        write = self._pick(write, "write")
        connect = self._pick(connect, "connect")
        pool = self._pick(pool, "pool")
        # aiohttp has no write timeout of its own: an upload's answer may take read + write.
        sock_read = read if read is None or not has_files else read + (write or 0.0)
        waiting = None if connect is None or pool is None else connect + pool
        return aiohttp.ClientTimeout(
            total=None, connect=waiting, sock_connect=connect, sock_read=sock_read
        )

    def _pick(self, value: Any, name: str) -> float | None:
        return self._timeouts[name] if value is BaseRequest.DEFAULT_NONE else value


def _body(
    request_data: RequestData | None,
) -> tuple[aiohttp.FormData | bytes | None, dict[str, str]]:
    """A JSON body (the Bot API takes one for any call without files), else multipart."""
    headers = {"User-Agent": BaseRequest.USER_AGENT}
    if request_data is None:
        return None, headers
    if not request_data.contains_files:
        return request_data.json_payload, {**headers, "Content-Type": "application/json"}
    form = aiohttp.FormData(request_data.json_parameters)
    for name, part in request_data.multipart_data.items():
        filename, content, *mime = part
        form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
    return form, headers
