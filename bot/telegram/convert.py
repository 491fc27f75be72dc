"""Translate between Telegram objects and the core's inputs and replies."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.messages import Button, Incoming, InputKind

CHANNEL = "telegram"
# What a non-text message holds, most specific first; names match keys in common.kinds.
CONTENT_KINDS = (
    "sticker",
    "animation",
    "photo",
    "video_note",
    "video",
    "voice",
    "audio",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)


def incoming(update: Update, kind: InputKind, text: str = "", args: str = "") -> Incoming:
    """The core's input for an update from a private chat."""
    user = update.effective_user
    assert user is not None
    return Incoming(
        channel=CHANNEL,
        user_key=str(user.id),
        kind=kind,
        text=text,
        args=args,
        seq=update.update_id,
        language_code=user.language_code,
        detail=content_kind(update.effective_message) if kind == "other" else "",
        message_ref=update.effective_message.message_id if update.effective_message else None,
    )


def split_command(text: str) -> tuple[str, str]:
    """'/start@MendBot deep-link' -> ('start', 'deep-link')."""
    head, _, args = text.strip().partition(" ")
    return head.lstrip("/").split("@", 1)[0].lower(), args.strip()


def content_kind(message: Message | None) -> str:
    """The kind of a non-text message, such as 'sticker' or 'voice'; '' if unknown."""
    if message is None:
        return ""
    for kind in CONTENT_KINDS:
        if getattr(message, kind, None):
            return kind
    return ""


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline keyboard markup for the core's button rows."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )
