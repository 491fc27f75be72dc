"""/commitments: the ledger of promises, to add, view, edit, pause, resume and finish."""

from __future__ import annotations

from typing import Any

from bot.core.context import TurnContext
from bot.core.flows import open_flow
from bot.core.records import label, owned
from bot.dialogue import callbacks
from bot.dialogue.layout import rows
from bot.dialogue.state import Effect
from bot.messages import Button, Reply

ADD_FLOW = "commitment_add"
EDIT_FLOW = "commitment_edit"
LABEL_LENGTH = 28
STATUS_AFTER = {"cpause": "paused", "cresume": "active", "cfinish": "finished"}


def show(ctx: TurnContext) -> None:
    """The active and paused commitments, each a button, and a button to add one."""
    items = _commitments(ctx)
    buttons = [
        Button(_label(item), callbacks.action("commit", str(item["id"])))
        for item in items
        if item["status"] != "finished"
    ]
    buttons.append(ctx.button("ledger.buttons.add", "cadd"))
    text = ctx.say("ledger.list", items=[i for i in items if i["status"] != "finished"])
    ctx.turn.replies.append(Reply(text, rows(buttons, max_per_row=1)))


def view(ctx: TurnContext, arg: str) -> None:
    """One commitment with what can be done to it."""
    if (item := _found(ctx, arg)) is None:
        return
    key = item["id"]
    buttons = [ctx.button("ledger.buttons.edit", "cedit", str(key))]
    if item["status"] == "active":
        buttons.append(ctx.button("ledger.buttons.pause", "cpause", str(key)))
    else:
        buttons.append(ctx.button("ledger.buttons.resume", "cresume", str(key)))
    buttons += [
        ctx.button("ledger.buttons.finish", "cfinish", str(key)),
        ctx.button("ledger.buttons.back", "ledger"),
    ]
    ctx.turn.replies.append(Reply(ctx.say("ledger.item", item=item), rows(buttons)))


def link(ctx: TurnContext) -> Reply:
    """After adding or editing: the way back to the ledger."""
    buttons = (
        ctx.button("ledger.buttons.open", "ledger"),
        ctx.button("common.buttons.menu", "menu"),
    )
    return Reply(ctx.say("ledger.saved"), (buttons,))


def add(ctx: TurnContext) -> None:
    open_flow(ctx, ADD_FLOW)


def edit(ctx: TurnContext, arg: str) -> None:
    """Rewrite a commitment; its past reviews keep the promise as it stood."""
    if (item := _found(ctx, arg)) is None:
        return
    answers = {
        "commitment_id": item["id"],
        "what": item["what"],
        "how_often": item["how_often"],
        "to_whom": item["to_whom"],
    }
    open_flow(ctx, EDIT_FLOW, answers)


def set_status(ctx: TurnContext, arg: str, action: str) -> None:
    """Pause, resume or finish a commitment (finished ones stay in the history)."""
    if (item := _found(ctx, arg)) is None:
        return
    status = STATUS_AFTER[action]
    data = {"record": "commitment", "id": item["id"], "status": status}
    ctx.turn.effects.append(Effect("save", data))
    item["status"] = status
    ctx.turn.replies.append(ctx.reply(f"ledger.{status}", item=item))
    show(ctx)


def _commitments(ctx: TurnContext) -> list[dict[str, Any]]:
    return list(ctx.lookups.get("commitments") or [])


def _found(ctx: TurnContext, arg: str) -> dict[str, Any] | None:
    """The user's own record; if it is gone (or the id forged), say so and show the list."""
    item = owned(_commitments(ctx), arg)
    if item is None:
        ctx.turn.replies.append(ctx.reply("ledger.gone"))
        show(ctx)
    return item


def _label(item: dict[str, Any]) -> str:
    mark = "⏸ " if item["status"] == "paused" else ""
    return mark + label(str(item["what"]), LABEL_LENGTH)
