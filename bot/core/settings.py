"""/settings, /pause and /resume: where and when check-ins come, and a break from them."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.context import TurnContext, local_date
from bot.core.flows import open_flow
from bot.dialogue.layout import rows
from bot.messages import Reply

SETTINGS_FLOW = "checkin_settings"
CADENCE_FIELDS = {"daily": "daily_on", "weekly": "weekly_on", "monthly": "monthly_on"}
PARTS = ("all", "zone", "time", "quiet", "weekday")
PAUSE_CHOICES = (1, 3, 7, 14)
MAX_PAUSE_DAYS = 90


def show(ctx: TurnContext) -> None:
    """The current settings, each with a button to change it."""
    if not ctx.profile.checkins_set:
        setup = ctx.button("settings.buttons.setup", "set", "all")
        ctx.turn.replies.append(ctx.reply("settings.not_set", (setup,)))
        return
    ctx.turn.replies.append(settings_reply(ctx))


def settings_reply(ctx: TurnContext) -> Reply:
    profile = ctx.profile
    buttons = [
        ctx.button("settings.buttons.zone", "set", "zone"),
        ctx.button("settings.buttons.time", "set", "time"),
        ctx.button("settings.buttons.quiet", "set", "quiet"),
        ctx.button("settings.buttons.weekday", "set", "weekday"),
    ]
    buttons += [
        ctx.button(f"settings.buttons.{name}", "cadence", name, on=getattr(profile, field))
        for name, field in CADENCE_FIELDS.items()
    ]
    paused = _paused(ctx)
    buttons.append(
        ctx.button("settings.buttons.resume", "resume")
        if paused
        else ctx.button("settings.buttons.pause", "pause")
    )
    text = ctx.say("settings.summary", settings=_summary(ctx), paused=paused)
    return Reply(text, rows(buttons, max_per_row=2))


def change(ctx: TurnContext, part: str) -> None:
    """Open the settings flow at one part (zone, time, quiet, weekday) or from the start."""
    if part not in PARTS:
        ctx.turn.replies.append(ctx.reply("common.stale_button"))
        return
    open_flow(ctx, SETTINGS_FLOW, {"part": part})


def toggle(ctx: TurnContext, cadence: str) -> None:
    """Turn one cadence on or off; before any setup, run the setup instead."""
    if cadence not in CADENCE_FIELDS:
        ctx.turn.replies.append(ctx.reply("common.stale_button"))
        return
    if not ctx.profile.checkins_set:
        change(ctx, "all")
        return
    field = CADENCE_FIELDS[cadence]
    ctx.change_profile(**{field: not getattr(ctx.profile, field)})
    ctx.turn.replies.append(settings_reply(ctx))


def pause(ctx: TurnContext, days: str = "") -> None:
    """Pause every check-in for some days, asking how many when not told."""
    count = int(days) if days.isdigit() else 0
    if not 1 <= count <= MAX_PAUSE_DAYS:
        buttons = [
            ctx.button("settings.buttons.pause_days", "pause", str(n), days=n)
            for n in PAUSE_CHOICES
        ]
        ctx.turn.replies.append(Reply(ctx.say("settings.pause_how_long"), rows(buttons)))
        return
    until = ctx.now + timedelta(days=count)
    ctx.change_profile(paused_until=until)
    ctx.turn.replies.append(ctx.reply("settings.paused", days=count, until=_local(ctx, until)))


def resume(ctx: TurnContext) -> None:
    """Lift a pause; check-ins carry on from their next due time."""
    if not _paused(ctx):
        ctx.turn.replies.append(ctx.reply("settings.not_paused"))
        return
    ctx.change_profile(paused_until=None)
    ctx.turn.replies.append(ctx.reply("settings.resumed"))


def _paused(ctx: TurnContext) -> bool:
    until = ctx.profile.paused_until
    return until is not None and until > ctx.now


def _summary(ctx: TurnContext) -> dict[str, object]:
    profile = ctx.profile
    paused_until = profile.paused_until if _paused(ctx) else None
    return {
        "zone": profile.checkin_zone,
        "time": profile.checkin_time,
        "quiet": profile.quiet_hours,
        "daily": profile.daily_on,
        "weekly": profile.weekly_on,
        "weekday": profile.weekly_day,
        "monthly": profile.monthly_on,
        "paused_until": _local(ctx, paused_until) if paused_until else None,
    }


def _local(ctx: TurnContext, moment: datetime) -> str:
    return local_date(moment, ctx.profile.checkin_zone).isoformat()
