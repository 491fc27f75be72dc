"""Starting, advancing and resuming flows within a turn."""

from __future__ import annotations

from dataclasses import replace

from bot.core.context import TurnContext
from bot.core.menus import next_steps
from bot.dialogue.engine import Answer, Outcome
from bot.messages import Reply

ONBOARDING = "onboarding"


def open_flow(ctx: TurnContext, flow_id: str) -> None:
    """Start a flow, or carry on with it if it is the one already under way."""
    active = ctx.active
    if active and active.flow == flow_id:
        ctx.turn.replies.append(ctx.reply("common.carrying_on"))
        resume(ctx)
        return
    if active:
        ctx.turn.current = replace(active, status="left")
    outcome = ctx.engine.begin(flow_id, ctx.speaker())
    ctx.turn.started = outcome.state
    ctx.turn.effects_run = "started"
    absorb(ctx, outcome)


def advance(ctx: TurnContext, answer: Answer) -> None:
    """Give the active flow an answer."""
    assert ctx.active is not None
    outcome = ctx.engine.advance(ctx.active, answer, ctx.speaker())
    if outcome.accepted:
        ctx.turn.current = outcome.state
    absorb(ctx, outcome)


def resume(ctx: TurnContext) -> None:
    """Show the active flow's question again, lifting a safety pause if there was one."""
    assert ctx.active is not None
    if ctx.active.paused:
        ctx.turn.current = replace(ctx.active, paused=False)
    ctx.turn.replies += prompt(ctx)


def prompt(ctx: TurnContext) -> list[Reply]:
    assert ctx.active is not None
    return ctx.engine.prompt(ctx.active, ctx.speaker())


def absorb(ctx: TurnContext, outcome: Outcome) -> None:
    """Take an engine outcome into the turn; a finished flow is followed by what next."""
    ctx.turn.replies += outcome.replies
    for effect in outcome.effects:
        if effect.kind == "profile":
            ctx.change_profile(**effect.data)
        else:
            ctx.turn.effects.append(effect)
    if outcome.state.status == "completed":
        ctx.turn.replies.append(next_steps(ctx, outcome.state.flow))
