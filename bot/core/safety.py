"""Crisis and abuse: stop coaching, give resources, never push repair on someone unsafe."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.coach.safety import SafetySignal
from bot.core.context import TurnContext
from bot.messages import Button, Reply

HARM = "harm_from_others"
FOLLOW_UP_AFTER = timedelta(hours=24)
FOLLOW_UP_ANSWERS = ("better", "same", "worse")


def crisis(ctx: TurnContext, signal: SafetySignal) -> None:
    """The coaching stops at once; the run is paused, not lost; nothing of the text is kept."""
    if ctx.active and not ctx.active.paused:
        ctx.turn.current = replace(ctx.active, paused=True)
    if signal.family == HARM:
        ctx.change_profile(safety_flag=HARM)
    buttons: list[tuple[Button, ...]] = []
    if signal.family == HARM:
        buttons.append((ctx.button("common.safety.buttons.safe_now", "safe", "yes"),))
    buttons.append((ctx.button("common.safety.buttons.plan", "start", "safety_plan"),))
    if ctx.profile.follow_up_at is None:
        buttons.append((ctx.button("common.safety.buttons.follow_up", "followup", "yes"),))
    text = ctx.say(f"common.safety.{signal.family}", immediate=signal.immediate)
    ctx.turn.replies.append(Reply(text, tuple(buttons)))


def sos(ctx: TurnContext) -> None:
    """Resources at any time, the user's own safety plan if they made one, and a way to make one."""
    plan = ctx.lookups.get("safety_plan")
    plan_label = "common.safety.buttons.update_plan" if plan else "common.safety.buttons.plan"
    rows = [
        (ctx.button(plan_label, "start", "safety_plan"),),
        (ctx.button("common.safety.buttons.country", "start", "country"),),
    ]
    ctx.turn.replies.append(ctx.reply("common.safety.sos", *rows, plan=plan))


def repair_withheld(ctx: TurnContext) -> None:
    """A couple-repair exercise asked for while the user may be unsafe."""
    rows = [
        (ctx.button("common.safety.buttons.safe_now", "safe", "yes"),),
        (ctx.button("common.safety.buttons.plan", "start", "safety_plan"),),
        (ctx.button("common.buttons.menu", "menu"),),
    ]
    ctx.turn.replies.append(ctx.reply("common.safety.repair_withheld", *rows))


def mark_safe(ctx: TurnContext) -> None:
    """The user says they are safe now: repair exercises open again."""
    was_flagged = ctx.profile.safety_flag == HARM
    ctx.change_profile(safety_flag=None)
    key = "common.safety.marked_safe" if was_flagged else "common.safety.glad_safe"
    ctx.turn.replies.append(ctx.reply(key, (ctx.button("common.buttons.menu", "menu"),)))


def schedule_follow_up(ctx: TurnContext) -> None:
    """With the user's consent, a gentle check the next day."""
    ctx.change_profile(follow_up_at=ctx.now + FOLLOW_UP_AFTER)
    ctx.turn.replies.append(ctx.reply("common.safety.follow_up_set"))


def paused_hint(ctx: TurnContext) -> None:
    """Text while an exercise is paused for safety: nothing is answered until they choose."""
    assert ctx.active is not None
    title = ctx.say(f"{ctx.active.flow}.title")
    rows = [
        (ctx.button("common.buttons.continue", "continue", title=title),),
        (ctx.button("common.buttons.menu", "menu"),),
    ]
    ctx.turn.replies.append(ctx.reply("common.safety.paused", *rows))


def follow_up_prompt(ctx: TurnContext) -> None:
    """The check the user asked for: how are you today?"""
    buttons = tuple(
        ctx.button(f"followup.buttons.{how}", "followup", how) for how in FOLLOW_UP_ANSWERS
    )
    ctx.turn.replies.append(ctx.reply("followup.ask", buttons))


def follow_up_answer(ctx: TurnContext, how: str) -> None:
    ctx.turn.replies.append(ctx.reply("followup.answer", how=how))
