"""Data rights and phone safety: export, delete, and hiding recent messages."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import TurnContext
from bot.messages import Reply

HIDE_WINDOW = timedelta(hours=48) - timedelta(minutes=10)  # Telegram's limit, with a margin
MARK_EVERY = timedelta(hours=1)


def note_message(ctx: TurnContext) -> None:
    """Remember, at most hourly, a message id and its time: enough to find the last 48 hours."""
    ref = ctx.incoming.message_ref
    if ref is None:
        return
    now = int(ctx.now.timestamp())
    marks = ctx.profile.message_marks
    if marks and now - marks[-1][1] < MARK_EVERY.total_seconds():
        return
    cutoff = now - int(HIDE_WINDOW.total_seconds())
    ctx.change_profile(message_marks=[m for m in marks if m[1] >= cutoff] + [[ref, now]])


def hide(ctx: TurnContext) -> None:
    """Ask the channel to delete this chat's messages of the last 48 hours."""
    ref = ctx.incoming.message_ref
    if ref is None:
        ctx.turn.replies.append(ctx.reply("common.privacy.hide_unavailable"))
        return
    cutoff = int((ctx.now - HIDE_WINDOW).timestamp())
    recent = [m[0] for m in ctx.profile.message_marks if m[1] >= cutoff]
    first = min([*recent, ref])
    ctx.change_profile(message_marks=[])
    ctx.turn.replies.append(Reply(ctx.say("common.privacy.hidden"), purge=(first, ref)))


def export(ctx: TurnContext) -> None:
    ctx.turn.requests.append("export")
    ctx.turn.replies.append(ctx.reply("common.privacy.export"))


def ask_to_delete(ctx: TurnContext) -> None:
    rows = [
        (ctx.button("common.privacy.buttons.delete", "delete", "yes"),),
        (ctx.button("common.privacy.buttons.keep", "delete", "no"),),
    ]
    ctx.turn.replies.append(ctx.reply("common.privacy.delete_question", *rows))


def delete(ctx: TurnContext) -> None:
    ctx.turn.requests.append("delete")
    ctx.turn.replies.append(ctx.reply("common.privacy.deleted"))


def keep(ctx: TurnContext) -> None:
    ctx.turn.replies.append(ctx.reply("common.privacy.kept"))
