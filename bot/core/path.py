"""A personal path through the exercises: from the situation chosen and what the user has done."""

from __future__ import annotations

from bot.core.context import TurnContext
from bot.core.menus import flow_button, plan, title_of
from bot.dialogue.layout import rows
from bot.messages import Reply


def show(ctx: TurnContext) -> None:
    """/path: done, next and later, with a button for the next step."""
    path = plan(ctx)
    text = ctx.say(
        "path.overview",
        done=[title_of(ctx, f) for f in path.done],
        next=title_of(ctx, path.next) if path.next else None,
        later=[title_of(ctx, f) for f in path.later],
    )
    buttons = [flow_button(ctx, path.next)] if path.next else []
    buttons.append(ctx.button("common.buttons.menu", "menu"))
    ctx.turn.replies.append(Reply(text, rows(buttons, max_per_row=1)))
