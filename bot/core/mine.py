"""/mine: everything the user has made, to view, edit and delete."""

from __future__ import annotations

from typing import Any

from bot.core import gate
from bot.core.context import TurnContext
from bot.core.flows import open_flow
from bot.core.records import label, owned
from bot.core.safety import repair_withheld
from bot.dialogue import callbacks
from bot.dialogue.layout import rows
from bot.dialogue.state import Effect
from bot.messages import Button, Reply

EDIT_FLOW = "edit_statement"
LABEL_LENGTH = 30
SHOWN = 20  # the newest; older ones stay in /export


def show(ctx: TurnContext) -> None:
    """Statements, agreements and plans, newest first, then commitments; each a button."""
    mine = _mine(ctx)
    items = mine["statements"][:SHOWN]
    commitments = [c for c in mine["commitments"] if c["status"] != "finished"]
    buttons = [
        Button(_label(ctx, item), callbacks.action("item", str(item["id"]))) for item in items
    ]
    if commitments:
        buttons.append(ctx.button("mine.buttons.commitments", "ledger", count=len(commitments)))
    things = [{**item, "title": _kind(ctx, item)} for item in items]
    more = len(mine["statements"]) > SHOWN
    text = ctx.say("mine.list", things=things, commitments=commitments, more=more)
    ctx.turn.replies.append(Reply(text, rows(buttons, max_per_row=1)))


def view(ctx: TurnContext, arg: str) -> None:
    if (item := _found(ctx, arg)) is None:
        return
    key = str(item["id"])
    buttons = (
        ctx.button("mine.buttons.edit", "iedit", key),
        ctx.button("mine.buttons.delete", "idel", key),
        ctx.button("mine.buttons.back", "mine"),
    )
    ctx.turn.replies.append(
        Reply(ctx.say("mine.item", item=item, kind=_kind(ctx, item)), (buttons,))
    )


def edit(ctx: TurnContext, arg: str) -> None:
    """Rewrite a saved text in a short flow; the rest of the record stays."""
    if (item := _found(ctx, arg)) is None:
        return
    if gate.statement_withheld(ctx, item["kind"]):
        repair_withheld(ctx)
        return
    open_flow(
        ctx, EDIT_FLOW, {"statement_id": item["id"], "text": item["text"], "kind": _kind(ctx, item)}
    )


def ask_to_delete(ctx: TurnContext, arg: str) -> None:
    if (item := _found(ctx, arg)) is None:
        return
    key = str(item["id"])
    buttons = (
        ctx.button("mine.buttons.confirm_delete", "idelyes", key),
        ctx.button("mine.buttons.keep", "mine"),
    )
    ctx.turn.replies.append(
        Reply(ctx.say("mine.delete_question", kind=_kind(ctx, item)), (buttons,))
    )


def delete(ctx: TurnContext, arg: str) -> None:
    if (item := _found(ctx, arg)) is None:
        return
    ctx.turn.effects.append(Effect("delete", {"record": "statement", "id": item["id"]}))
    _mine(ctx)["statements"].remove(item)
    ctx.turn.replies.append(ctx.reply("mine.deleted", kind=_kind(ctx, item)))
    show(ctx)


def _mine(ctx: TurnContext) -> dict[str, Any]:
    return ctx.lookups.get("mine") or {"statements": [], "commitments": []}


def _found(ctx: TurnContext, arg: str) -> dict[str, Any] | None:
    """The user's own record; if it is gone (or the id forged), say so and show the list."""
    item = owned(_mine(ctx)["statements"], arg)
    if item is None:
        ctx.turn.replies.append(ctx.reply("mine.gone"))
        show(ctx)
    return item


def _kind(ctx: TurnContext, item: dict[str, Any]) -> str:
    key = f"mine.kinds.{item['kind']}"
    return ctx.say(key) if ctx.content.texts.has(key, ctx.profile.locale) else item["kind"]


def _label(ctx: TurnContext, item: dict[str, Any]) -> str:
    return label(f"{_kind(ctx, item)}: {item['text']}", LABEL_LENGTH)
