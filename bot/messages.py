"""Value types that cross the boundary between the core and its channels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

InputKind = Literal["text", "button", "command", "other"]


@dataclass(frozen=True)
class Button:
    """A button: what it shows, and the opaque data that comes back when pressed."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A file to send: a photo (PNG) or a document; `draw` makes `content` when it's pending."""

    filename: str
    content: bytes = b""
    kind: Literal["photo", "document"] = "document"
    draw: Callable[[], bytes] | None = None

    def drawn(self) -> Attachment:
        """This attachment with its content made (a chart takes ~150 ms of CPU)."""
        if self.draw is None:
            return self
        return replace(self, content=self.draw(), draw=None)


@dataclass(frozen=True)
class Reply:
    """One message out: HTML text, optional rows of buttons, optional attachment."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    purge: tuple[int, int] | None = None  # delete this chat's messages in this id range first
    apart: bool = False  # a message of its own (say, a text to copy), never merged


def merged(replies: list[Reply]) -> list[Reply]:
    """Join consecutive plain texts into one message: fewer messages, and fewer API calls."""
    out: list[Reply] = []
    for reply in replies:
        last = out[-1] if out else None
        plain = not (reply.attachment or reply.purge or reply.apart)
        if last and plain and not (last.buttons or last.attachment or last.purge or last.apart):
            out[-1] = Reply(f"{last.text}\n\n{reply.text}", reply.buttons)
        else:
            out.append(reply)
    return out


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
