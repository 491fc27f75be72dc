"""Value types that cross the boundary between the core and its channels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

InputKind = Literal["text", "button", "command", "other"]


@dataclass(frozen=True)
class Button:
    """A button: what it shows, and the opaque data that comes back when pressed."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A file to send: a photo (PNG) or a document."""

    filename: str
    content: bytes
    kind: Literal["photo", "document"] = "document"


@dataclass(frozen=True)
class Reply:
    """One message out: HTML text, optional rows of buttons, optional attachment."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    purge: tuple[int, int] | None = None  # delete this chat's messages in this id range first


@dataclass(frozen=True)
class Incoming:
    """One input in, from any channel. `seq` orders inputs (Telegram's update_id)."""

    channel: str
    user_key: str
    kind: InputKind
    text: str = ""
    args: str = ""
    seq: int | None = None
    language_code: str | None = None
    detail: str = ""
    message_ref: int | None = None  # the channel's id of this message, for /hide
