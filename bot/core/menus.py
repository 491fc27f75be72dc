"""The menu and the "what next" suggestions, shaped by situation and safety."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import gate
from bot.core.context import TurnContext
from bot.dialogue import callbacks
from bot.dialogue.layout import rows
from bot.messages import Button, Reply

NEXT_SUGGESTIONS = 3


def offered_flows(ctx: TurnContext) -> list[str]:
    """Menu flows in suggested order, minus any the safety gate withholds."""
    order = ctx.content.menu_order(ctx.profile.situation)
    return [f for f in order if not gate.withheld(ctx, f)]


@dataclass(frozen=True)
class Path:
    """Steps done, the one suggested next, and the ones after it."""

    done: tuple[str, ...]
    next: str | None
    later: tuple[str, ...]


def plan(ctx: TurnContext) -> Path:
    """The user's path: their situation's steps in order, minus any withheld while unsafe."""
    offered = offered_flows(ctx)
    steps = [f for f in ctx.content.paths.get(ctx.profile.situation or "", ()) if f in offered]
    finished = ctx.lookups.get("done") or frozenset()
    done = tuple(f for f in steps if f in finished)
    ahead = [f for f in steps if f not in finished]
    if not ahead:  # the whole path walked: suggest what they haven't tried yet
        ahead = [f for f in offered if f not in finished and f not in steps]
    return Path(done, ahead[0] if ahead else None, tuple(ahead[1:]))


def continue_button(ctx: TurnContext) -> Button | None:
    """ "↩ Continue" for the run under way, unless the safety gate withholds its flow."""
    if ctx.active is None or gate.withheld(ctx, ctx.active.flow):
        return None
    return ctx.button("common.buttons.continue", "continue", title=title_of(ctx, ctx.active.flow))


def menu_reply(ctx: TurnContext) -> Reply:
    """The next step on the user's path first, on its own row, then every other exercise."""
    resume = continue_button(ctx)
    top: list[Button] = [resume] if resume else []
    following = plan(ctx).next
    if following:
        top.append(
            ctx.button("common.buttons.next", "start", following, title=title_of(ctx, following))
        )
    rest = [flow_button(ctx, f) for f in offered_flows(ctx) if f != following]
    suggested = title_of(ctx, following) if following else ""
    text = ctx.say("common.menu.text", suggested=suggested, active=bool(ctx.active))
    return Reply(text, tuple((b,) for b in top) + rows(rest, max_per_row=2))


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
