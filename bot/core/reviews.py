"""Check-ins outside their flows: on demand, from the scheduler, /progress, and small wins."""

from __future__ import annotations

from bot.core.context import TurnContext
from bot.core.flows import open_flow
from bot.dialogue.layout import rows
from bot.messages import Reply

CADENCES = ("daily", "weekly", "monthly")


def flow_of(cadence: str) -> str:
    return f"checkin_{cadence}"


def choose(ctx: TurnContext) -> None:
    """/checkin: which check-in to do now."""
    buttons = [ctx.button(f"checkins.buttons.{c}", "checkin", c) for c in CADENCES]
    ctx.turn.replies.append(Reply(ctx.say("checkins.choose"), rows(buttons, max_per_row=1)))


def start(ctx: TurnContext, cadence: str) -> None:
    if cadence in CADENCES:
        open_flow(ctx, flow_of(cadence))
    else:
        ctx.turn.replies.append(ctx.reply("common.stale_button"))


def scheduled(ctx: TurnContext, cadence: str) -> None:
    """The message a due check-in sends: its first question, or a nudge mid-exercise.

    Nothing is stored: pressing one of its buttons starts the check-in (see the router).
    """
    active = ctx.active
    if active and not active.paused and not active.flow.startswith("checkin_"):
        button = ctx.button(f"checkins.buttons.{cadence}", "checkin", cadence)
        title = ctx.say(f"{active.flow}.title")
        ctx.turn.replies.append(ctx.reply(f"checkins.nudge_{cadence}", (button,), title=title))
        return
    ctx.turn.replies += ctx.engine.begin(flow_of(cadence), ctx.speaker()).replies


def progress(ctx: TurnContext) -> None:
    """/progress: the month's chart and a short reading of it."""
    render = ctx.content.tools.renderers["progress_chart"]
    context = {"data": ctx.lookups}
    photo = render(context, ctx.profile.locale)
    data = ctx.lookups["progress"]
    caption = ctx.say("progress.caption")
    reading = ctx.say("progress.reading", progress=data)
    ctx.turn.replies += [Reply(caption, attachment=photo), Reply(reading)]


def celebrate(ctx: TurnContext, keys: list[str]) -> None:
    """One warm line per new milestone; keys like 'fewer_triggers:2026-10' use their kind."""
    for key in keys:
        kind, _, period = key.partition(":")
        ctx.turn.replies.append(ctx.reply(f"milestones.{kind}", period=period))
