"""Crisis, abuse and own violence: answer by tier, stay a while, never push repair."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.coach.safety.screen import TIERS, Tier, Verdict
from bot.core import gate
from bot.core.context import TurnContext
from bot.core.flows import open_flow
from bot.core.menus import continue_button
from bot.dialogue import callbacks
from bot.messages import Button, Reply

HARM = gate.HARM
SELF_HARM = "self_harm"
FOLLOW_UP_AFTER = timedelta(hours=24)
REOPEN_FLOW = "safety_reopen"
SAFETY_FLOWS = frozenset({"safety_plan", "country", REOPEN_FLOW})
FOLLOW_UP_ANSWERS = ("better", "same", "worse")
CHECK_ANSWERS = ("yes", "no", "unsure")
SAFE_ANSWERS = "safe_answer"  # data/<locale>/lexicons/safe_answer.yaml
# The safety conversation: after a disclosure, the next messages belong to it for a while.
SAFETY_WINDOW = timedelta(minutes=30)
SAFETY_TURNS = 4
# Risk adds up over a short window: what a message adds halves every RISK_HALF_LIFE.
RISK_HALF_LIFE = timedelta(minutes=15)
RISK_COUNTS = 0.5  # a message adding less than this does not feed the window
ESCALATE_AT = 0.9  # the window's sum (this message included) that raises the tier by one
RISK_CAP = 3.0
MODE_VARIANTS = 3  # texts safety.mode.reply_0.. for messages in the safety conversation
AGAIN_VARIANTS = 2  # texts safety.again_0.. for a disclosure repeated in the conversation


def answer(ctx: TurnContext, verdict: Verdict, text: str) -> bool:
    """Answer free text the safety way when it needs it; False leaves it to the coaching."""
    held = in_conversation(ctx)
    if held and ctx.profile.safety_asked and verdict.tier != "crisis":
        typed = typed_check_answer(ctx, text)  # "no" typed to "are you safe?" is an answer
        if typed:
            check_answer(ctx, typed)
            return True
    tier = _tier_with_memory(ctx, verdict)
    if tier == "check" and confirmed_safe(ctx):
        tier = "none"  # they said they are safe a moment ago: only the crisis answer now
    if tier == "crisis":
        crisis(ctx, verdict)
        return True
    if tier == "check":
        check(ctx, verdict)
        return True
    if held:
        stay(ctx, _language(ctx, verdict))
        return True
    return False


def typed_check_answer(ctx: TurnContext, text: str) -> str | None:
    """ "no", "not sure" or "yes, I'm safe" typed instead of tapped; None when it is neither."""
    found = ctx.content.analyst.analyse(SAFE_ANSWERS, text, ctx.profile.locale)["categories"]
    for how in ("no", "unsure", "yes"):  # the less safe reading wins
        if how in found:
            return how
    return None


def in_conversation(ctx: TurnContext) -> bool:
    """Whether the last disclosure or check still holds the conversation (a safety plan or the
    country, once started, take their answers themselves)."""
    until = ctx.profile.safety_until
    if until is None or ctx.now >= until or ctx.profile.safety_turns >= SAFETY_TURNS:
        return False
    return not in_safety_flow(ctx)


def confirmed_safe(ctx: TurnContext) -> bool:
    """The user answered "yes, I'm safe" within the last SAFETY_WINDOW."""
    until = ctx.profile.safe_until
    return until is not None and ctx.now < until


def in_safety_flow(ctx: TurnContext) -> bool:
    """A safety plan, the country or the reopening check is under way."""
    return bool(ctx.active and not ctx.active.paused and ctx.active.flow in SAFETY_FLOWS)


def window_risk(ctx: TurnContext) -> float:
    """What earlier messages still add to the short-term risk, decayed to now."""
    at = ctx.profile.risk_at
    if at is None or ctx.profile.risk <= 0:
        return 0.0
    halves = max((ctx.now - at) / RISK_HALF_LIFE, 0.0)
    return ctx.profile.risk * 0.5**halves


def _tier_with_memory(ctx: TurnContext, verdict: Verdict) -> Tier:
    """The verdict's tier, raised one step when risk has been adding up in the window."""
    earlier = window_risk(ctx)
    tier = verdict.tier
    if verdict.risk >= RISK_COUNTS:
        total = min(earlier + verdict.risk, RISK_CAP)
        ctx.change_profile(risk=round(total, 4), risk_at=ctx.now)
        held = in_conversation(ctx)
        if (total >= ESCALATE_AT or held) and not in_safety_flow(ctx):
            tier = TIERS[min(TIERS.index(tier) + 1, len(TIERS) - 1)]
    return tier


def _family(ctx: TurnContext, verdict: Verdict) -> str:
    return verdict.family or ctx.profile.safety_family or SELF_HARM


def crisis(ctx: TurnContext, verdict: Verdict) -> None:
    """The coaching stops at once; the run is paused, not lost; nothing of the text is kept."""
    family = _family(ctx, verdict)
    _pause(ctx)
    repeated = (
        in_conversation(ctx)
        and ctx.profile.safety_family == family
        and not ctx.profile.safety_asked  # after "are you safe?", the full answer
    )
    changes: dict[str, object] = {
        "safety_family": family,
        "safety_until": ctx.now + SAFETY_WINDOW,
        "safety_turns": 0,
        "safety_asked": False,
        "risk": max(ctx.profile.risk, 1.0),
        "risk_at": ctx.now,
    }
    if family in gate.UNSAFE:
        changes["safety_flag"] = family
    if family == HARM:
        changes["abuse_disclosed"] = True
    ctx.change_profile(**changes)
    language = _language(ctx, verdict)
    if repeated:
        variant = ctx.profile.safety_turns % AGAIN_VARIANTS
        text = ctx.say_in(language, f"safety.again_{variant}", family=family)
    else:
        text = ctx.say_in(language, f"safety.crisis.{family}", immediate=verdict.immediate)
    ctx.turn.replies.append(Reply(text, crisis_buttons(ctx, family)))


def crisis_buttons(ctx: TurnContext, family: str) -> tuple[tuple[Button, ...], ...]:
    """Every crisis answer ends with next steps: a plan, a check tomorrow, the country."""
    plan = ctx.button("common.safety.buttons.plan", "start", "safety_plan")
    rows: list[tuple[Button, ...]] = [(plan,)]
    if ctx.profile.follow_up_at is None:
        rows.append((ctx.button("common.safety.buttons.follow_up", "followup", "yes"),))
    if ctx.profile.country is None:
        rows.append((ctx.button("common.safety.buttons.country", "start", "country"),))
    rows.append((ctx.button("safety.buttons.talk", "safecheck", "talk"),))
    return tuple(rows)


def check(ctx: TurnContext, verdict: Verdict) -> None:
    """Not sure it is danger: ask plainly, with three one-tap answers."""
    _pause(ctx)
    ctx.change_profile(
        safety_family=_family(ctx, verdict),
        safety_until=ctx.now + SAFETY_WINDOW,
        safety_turns=0,
        safety_asked=True,
    )
    language = _language(ctx, verdict)
    buttons = tuple(
        Button(
            ctx.say_in(language, f"safety.check.buttons.{how}"),
            callbacks.action("safecheck", how),
        )
        for how in CHECK_ANSWERS
    )
    ctx.turn.replies.append(Reply(ctx.say_in(language, "safety.check.ask"), (buttons,)))


def check_answer(ctx: TurnContext, how: str) -> None:
    """The answer to "are you safe right now?": no or not sure is the crisis answer."""
    family = ctx.profile.safety_family or SELF_HARM
    if how in ("no", "unsure"):
        crisis(ctx, Verdict("crisis", family, immediate=how == "no"))  # type: ignore[arg-type]
        return
    if how == "talk":
        stay(ctx)
        return
    ctx.change_profile(
        safety_until=None,
        safety_turns=0,
        safety_asked=False,
        risk=0.0,
        risk_at=None,
        safe_until=ctx.now + SAFETY_WINDOW,
    )
    resume = continue_button(ctx)
    rows = [(resume,)] if resume else []
    rows.append((ctx.button("common.buttons.menu", "menu"),))
    ctx.turn.replies.append(ctx.reply("safety.check.safe", *rows))


def stay(ctx: TurnContext, language: str | None = None) -> None:
    """A message inside the safety conversation: a varied, human answer, never the exercise."""
    turns = ctx.profile.safety_turns
    ctx.change_profile(safety_turns=turns + 1)
    family = ctx.profile.safety_family or SELF_HARM
    rows = [
        (ctx.button("safety.buttons.ok_now", "safecheck", "yes"),),
        (ctx.button("common.safety.buttons.plan", "start", "safety_plan"),),
    ]
    key = f"safety.mode.reply_{turns % MODE_VARIANTS}"
    text = ctx.say_in(language or ctx.profile.locale, key, family=family)
    ctx.turn.replies.append(Reply(text, tuple(rows)))


def _pause(ctx: TurnContext) -> None:
    if ctx.active and not ctx.active.paused:
        ctx.turn.current = replace(ctx.active, paused=True)


def _language(ctx: TurnContext, verdict: Verdict) -> str:
    """The language the message was written in, when Mend has safety texts in it."""
    texts = ctx.content.texts
    if verdict.language != ctx.profile.locale and texts.has("safety.check.ask", verdict.language):
        return verdict.language
    return ctx.profile.locale


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
    """An exercise asked for, by any path, that is closed while the user may be unsafe."""
    rows = [
        (ctx.button("common.safety.buttons.plan", "start", "safety_plan"),),
        (ctx.button("common.buttons.menu", "menu"),),
    ]
    if gate.unsafe(ctx):
        rows.insert(0, (ctx.button("common.safety.buttons.safe_now", "start", REOPEN_FLOW),))
    ctx.turn.replies.append(ctx.reply("common.safety.repair_withheld", *rows))


def reopen(ctx: TurnContext) -> None:
    """An old "I'm safe right now" button: the short reopening check, never a one-tap reopen."""
    if gate.unsafe(ctx):
        open_flow(ctx, REOPEN_FLOW)
    else:
        menu = ctx.button("common.buttons.menu", "menu")
        ctx.turn.replies.append(ctx.reply("common.safety.glad_safe", (menu,)))


def schedule_follow_up(ctx: TurnContext) -> None:
    """With the user's consent, a gentle check the next day."""
    ctx.change_profile(follow_up_at=ctx.now + FOLLOW_UP_AFTER)
    ctx.turn.replies.append(ctx.reply("common.safety.follow_up_set"))


def paused_hint(ctx: TurnContext) -> None:
    """Text while an exercise is paused for safety: nothing is answered until they choose."""
    assert ctx.active is not None
    rows = [(ctx.button("common.buttons.menu", "menu"),)]
    resume = continue_button(ctx)
    if resume:
        rows.insert(0, (resume,))
    ctx.turn.replies.append(ctx.reply("common.safety.paused", *rows))


def follow_up_prompt(ctx: TurnContext) -> None:
    """The check the user asked for: how are you today?"""
    buttons = tuple(
        ctx.button(f"followup.buttons.{how}", "followup", how) for how in FOLLOW_UP_ANSWERS
    )
    ctx.turn.replies.append(ctx.reply("followup.ask", buttons))


def follow_up_answer(ctx: TurnContext, how: str) -> None:
    """Better, the same or worse: worse opens the safety conversation again, with next steps."""
    rows: list[tuple[Button, ...]] = []
    if how == "worse":
        ctx.change_profile(safety_until=ctx.now + SAFETY_WINDOW, safety_turns=0)
        family = ctx.profile.safety_family or SELF_HARM
        rows = list(crisis_buttons(ctx, family))
    else:
        rows.append((ctx.button("common.buttons.menu", "menu"),))
    ctx.turn.replies.append(ctx.reply("followup.answer", *rows, how=how))
