"""Starting, advancing and resuming flows within a turn."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.context import TurnContext
from bot.core.menus import next_steps
from bot.dialogue.engine import Answer, Outcome
from bot.messages import Reply

ONBOARDING = "onboarding"


def open_flow(ctx: TurnContext, flow_id: str, answers: dict[str, Any] | None = None) -> None:
    """Start a flow, or carry on with it if it is the one already under way."""
    active = ctx.active
    if active and active.flow == flow_id and not answers:
        ctx.turn.replies.append(ctx.reply("common.carrying_on"))
        resume(ctx)
        return
    if active:
        ctx.turn.current = replace(active, status="left")
    outcome = ctx.engine.begin(flow_id, ctx.speaker(), answers)
    ctx.turn.started = outcome.state
    ctx.turn.effects_run = "started"
    absorb(ctx, outcome)


def start_with(ctx: TurnContext, flow_id: str, answer: Answer) -> bool:
    """Start a flow whose first question was sent unprompted, answering it at once."""
    speaker = ctx.speaker()
    begun = ctx.engine.begin(flow_id, speaker)
    outcome = ctx.engine.advance(begun.state, answer, speaker)
    if not outcome.accepted:
        return False
    if ctx.active:
        ctx.turn.current = replace(ctx.active, status="left")
    ctx.turn.started = outcome.state
    ctx.turn.effects_run = "started"
    outcome.effects[:0] = begun.effects
    absorb(ctx, outcome)
    return True


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
        _after(ctx, outcome.state.flow)


def _after(ctx: TurnContext, finished: str) -> None:
    """What a finished flow leads to: suggestions, the settings, the ledger, or nothing."""
    from bot.core import ledger, settings  # they open flows themselves

    after = ctx.content.flows[finished].after
    if after == "suggest":
        ctx.turn.replies.append(next_steps(ctx, finished))
    elif after == "settings":
        ctx.turn.replies.append(settings.settings_reply(ctx))
    elif after == "ledger":
        ctx.turn.replies.append(ledger.link(ctx))
