"""The menu and the "what next" suggestions, shaped by situation and safety."""

from __future__ import annotations

from bot.core.context import TurnContext
from bot.dialogue import callbacks
from bot.dialogue.layout import rows
from bot.messages import Button, Reply

NEXT_SUGGESTIONS = 3


def offered_flows(ctx: TurnContext) -> list[str]:
    """Menu flows in suggested order; couple-repair ones are withheld while someone is unsafe."""
    order = ctx.content.menu_order(ctx.profile.situation)
    if ctx.profile.safety_flag == "harm_from_others":
        order = [f for f in order if not ctx.content.flows[f].repair]
    return order


def menu_reply(ctx: TurnContext) -> Reply:
    buttons = []
    if ctx.active:
        title = title_of(ctx, ctx.active.flow)
        buttons.append(ctx.button("common.buttons.continue", "continue", title=title))
    order = offered_flows(ctx)
    buttons += [flow_button(ctx, flow_id) for flow_id in order]
    suggested = title_of(ctx, order[0]) if order else ""
    text = ctx.say("common.menu.text", suggested=suggested, active=bool(ctx.active))
    return Reply(text, rows(buttons, max_per_row=2))


def next_steps(ctx: TurnContext, finished: str) -> Reply:
    order = [f for f in offered_flows(ctx) if f != finished]
    buttons = [flow_button(ctx, flow_id) for flow_id in order[:NEXT_SUGGESTIONS]]
    if finished == "onboarding" and not ctx.profile.checkins_set:
        buttons.append(ctx.button("settings.buttons.setup", "set", "all"))
    buttons.append(ctx.button("common.buttons.menu", "menu"))
    return Reply(ctx.say("common.after_flow", finished=finished), rows(buttons, max_per_row=1))


def with_menu_button(ctx: TurnContext, key: str, **extra: object) -> Reply:
    return ctx.reply(key, (ctx.button("common.buttons.menu", "menu"),), **extra)


def flow_button(ctx: TurnContext, flow_id: str) -> Button:
    return Button(title_of(ctx, flow_id), callbacks.action("start", flow_id))


def title_of(ctx: TurnContext, flow_id: str) -> str:
    return ctx.say(f"{flow_id}.title")
