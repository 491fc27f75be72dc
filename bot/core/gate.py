"""The safety gate: which exercises someone who may be unsafe is not offered, by any path."""

from __future__ import annotations

from bot.core.context import TurnContext

HARM = "harm_from_others"
OWN_VIOLENCE = "own_violence"
UNSAFE = frozenset({HARM, OWN_VIOLENCE})


def unsafe(ctx: TurnContext) -> bool:
    """Couple repair is closed: harm from a partner, or the user's own violence, was disclosed."""
    return ctx.profile.safety_flag in UNSAFE


def withheld(ctx: TurnContext, flow_id: str) -> bool:
    """Whether this flow may not be opened, continued or answered now."""
    flow = ctx.content.flows.get(flow_id)
    if flow is None:
        return False
    if flow.repair and unsafe(ctx):
        return True
    return not flow.after_abuse and ctx.profile.abuse_disclosed


def statement_withheld(ctx: TurnContext, kind: str) -> bool:
    """Whether a saved statement (an I-statement, an agreement) belongs to a withheld flow."""
    flow_id = ctx.content.statement_flows.get(kind)
    return flow_id is not None and withheld(ctx, flow_id)
