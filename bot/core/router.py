"""Route one input: commands, buttons, text and everything else. Pure: no I/O."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from bot.coach.safety.screen import Verdict
from bot.content.bundle import Content
from bot.core import gate, ledger, mine, path, privacy, reviews, safety, settings
from bot.core.context import TurnContext
from bot.core.flows import ONBOARDING, advance, open_flow, prompt, resume, start_with
from bot.core.menus import flow_button, menu_reply, with_menu_button
from bot.core.turn import Profile, Turn
from bot.dialogue import callbacks
from bot.dialogue.engine import Answer, Engine
from bot.dialogue.state import FlowState
from bot.messages import Incoming, Reply, merged

Handler = Callable[[TurnContext], None]
# Commands the core answers itself, in the order Telegram's menu shows them; flow commands
# (from prompts/flows) follow.
CORE_COMMANDS = (
    "start",
    "menu",
    "path",
    "mine",
    "checkin",
    "commitments",
    "progress",
    "settings",
    "pause",
    "resume",
    "help",
    "sos",
    "cancel",
    "hide",
    "export",
    "delete",
)
LEDGER_ACTIONS = {"ledger", "commit", "cedit", *ledger.STATUS_AFTER}
MINE_ACTIONS = {"mine", "item", "iedit", "idel", "idelyes"}
COMMAND_NEEDS = {
    "sos": "safety_plan",
    "commitments": "commitments",
    "progress": "progress",
    "menu": "done",
    "path": "done",
    "start": "done",
    "mine": "mine",
}
PROFESSIONAL = "professional"
SCHEDULED_CACHE = 256  # rendered check-in variants kept
HIGH_DISTRESS = 4  # on the 1-5 scale
REPEATED = 2  # exercises in a row that ended with high distress


class Router:
    """Decides what an input means, given the user's profile and active run."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.engine = Engine(content.flows, content.texts, content.tools)
        self._scheduled_cache: dict[tuple[Any, ...], tuple[Reply, ...]] = {}
        self.commands: dict[str, Handler] = {
            "start": _start,
            "menu": lambda ctx: ctx.turn.replies.append(menu_reply(ctx)),
            "help": lambda ctx: ctx.turn.replies.append(ctx.reply("common.help")),
            "sos": safety.sos,
            "path": path.show,
            "mine": mine.show,
            "checkin": reviews.choose,
            "commitments": ledger.show,
            "progress": reviews.progress,
            "settings": settings.show,
            "pause": lambda ctx: settings.pause(ctx, ctx.incoming.args.strip()),
            "resume": settings.resume,
            "cancel": _cancel,
            "hide": privacy.hide,
            "export": privacy.export,
            "delete": privacy.ask_to_delete,
        }
        self.actions: dict[tuple[str, str], Handler] = {
            ("menu", ""): lambda ctx: ctx.turn.replies.append(menu_reply(ctx)),
            ("delete", "yes"): privacy.delete,
            ("delete", "no"): privacy.keep,
            ("safe", "yes"): safety.reopen,  # buttons in old messages: never a one-tap reopen
            ("followup", "yes"): safety.schedule_follow_up,
            ("ledger", ""): ledger.show,
            ("mine", ""): mine.show,
            ("cadd", ""): ledger.add,
            ("resume", ""): settings.resume,
        }
        # Actions whose argument is data (an id, a number of days), not a fixed choice.
        self.actions_with_arg: dict[str, Callable[[TurnContext, str], None]] = {
            "set": settings.change,
            "cadence": settings.toggle,
            "pause": settings.pause,
            "checkin": reviews.start,
            "commit": ledger.view,
            "item": mine.view,
            "iedit": mine.edit,
            "idel": mine.ask_to_delete,
            "idelyes": mine.delete,
            "cedit": ledger.edit,
            **{name: partial(ledger.set_status, action=name) for name in ledger.STATUS_AFTER},
        }
        for how in safety.FOLLOW_UP_ANSWERS:
            self.actions[("followup", how)] = partial(safety.follow_up_answer, how=how)
        for how in (*safety.CHECK_ANSWERS, "talk"):
            self.actions[("safecheck", how)] = partial(safety.check_answer, how=how)

    @property
    def command_names(self) -> list[str]:
        """Every command, core ones first, for the channel's command menu."""
        return [*CORE_COMMANDS, *self.content.commands]

    def lookups_for(self, incoming: Incoming, active: FlowState | None) -> set[str]:
        """Stored records this input needs read before routing (the service fetches them)."""
        flow_id = active.flow if active and incoming.kind == "text" else None
        if incoming.kind == "command":
            name = incoming.text.lower()
            if name in COMMAND_NEEDS:
                return {COMMAND_NEEDS[name]}
            flow_id = self.content.commands.get(name)
        elif incoming.kind == "button":
            parsed = callbacks.parse(incoming.text)
            if isinstance(parsed, callbacks.StepAnswer):
                flow_id = parsed.flow
            elif isinstance(parsed, callbacks.Action):
                if parsed.name in LEDGER_ACTIONS:
                    return {"commitments"}
                if parsed.name in MINE_ACTIONS:
                    return {"mine"}
                if parsed.name == "menu":
                    return {"done"}
                flow_id = {"start": parsed.arg, "checkin": f"checkin_{parsed.arg}"}.get(parsed.name)
        flow = self.content.flows.get(flow_id or "")
        return set(flow.needs) if flow else set()

    def route(
        self,
        profile: Profile,
        active: FlowState | None,
        incoming: Incoming,
        now: datetime,
        lookups: dict[str, Any] | None = None,
        verdict: Verdict | None = None,
    ) -> Turn:
        """The turn for one input; free text is screened here unless `verdict` is given."""
        ctx = TurnContext(
            self.content, self.engine, copy.copy(profile), active, incoming, now, lookups or {}
        )
        if active is not None and not self.engine.knows(active):
            # The content changed under a run (a flow or step was removed): close it gently.
            ctx.turn.current = replace(active, status="left")
            ctx.active = None
        privacy.note_message(ctx)
        if incoming.kind == "command":
            self._command(ctx, incoming.text.lower())
        elif incoming.kind == "button":
            self._button(ctx, incoming.text)
        elif incoming.kind == "text":
            self._text(ctx, incoming.text, verdict)
        else:
            _non_text(ctx)
        _notice_distress(ctx)
        _country_from_zone(ctx)
        ctx.turn.replies = merged(ctx.turn.replies)
        return ctx.turn

    def scheduled(
        self,
        profile: Profile,
        active: FlowState | None,
        cadence: str,
        now: datetime,
    ) -> Turn:
        """A due check-in's message; nothing is stored until the user answers it."""
        incoming = Incoming("system", "", "command", "checkin")
        ctx = TurnContext(self.content, self.engine, copy.copy(profile), active, incoming, now)
        # Thousands of users get the same words: render each variant once (replies are frozen).
        key = (
            cadence,
            ctx.today,
            profile.locale,
            tuple(sorted(profile.as_context().items())),
            (active.flow, active.paused) if active else None,
        )
        replies = self._scheduled_cache.get(key)
        if replies is None:
            reviews.scheduled(ctx, cadence)
            replies = self._scheduled_cache[key] = tuple(ctx.turn.replies)
            if len(self._scheduled_cache) > SCHEDULED_CACHE:
                self._scheduled_cache.pop(next(iter(self._scheduled_cache)))
        return Turn(replies=list(replies))

    def celebrate(self, profile: Profile, keys: list[str], now: datetime) -> list[Reply]:
        """Replies for milestones just reached."""
        incoming = Incoming("system", "", "command", "milestones")
        ctx = TurnContext(self.content, self.engine, copy.copy(profile), None, incoming, now)
        reviews.celebrate(ctx, keys)
        return ctx.turn.replies

    def follow_up(self, profile: Profile, active: FlowState | None, now: datetime) -> Turn:
        """The next-day check, started by the scheduler rather than by an input."""
        incoming = Incoming("system", "", "command", "follow_up")
        ctx = TurnContext(self.content, self.engine, copy.copy(profile), active, incoming, now)
        safety.follow_up_prompt(ctx)
        return ctx.turn

    def _command(self, ctx: TurnContext, name: str) -> None:
        handler = self.commands.get(name)
        if handler:
            handler(ctx)
        elif name in self.content.commands:
            self._open(ctx, self.content.commands[name])
        else:
            ctx.turn.replies.append(ctx.reply("common.unknown_command", command=name))

    def screen(self, text: str, locale: str) -> Verdict:
        """The safety screen's verdict on free text (CPU-bound: the service runs it off-loop)."""
        return self.content.safety.screen(text, locale)

    def _text(self, ctx: TurnContext, text: str, verdict: Verdict | None) -> None:
        verdict = verdict or self.screen(text, ctx.profile.locale)
        if safety.answer(ctx, verdict, text):
            return
        if ctx.active and ctx.active.paused:
            safety.paused_hint(ctx)
        elif ctx.active and gate.withheld(ctx, ctx.active.flow):
            safety.repair_withheld(ctx)
        elif ctx.active:
            advance(ctx, Answer(text=text))
        elif self.content.analyst.analyse("help_request", text, ctx.profile.locale)["flagged"]:
            button = flow_button(ctx, PROFESSIONAL)
            ctx.turn.replies.append(ctx.reply("common.asks_for_help", (button,)))
        else:
            ctx.turn.replies.append(with_menu_button(ctx, "common.outside_text"))

    def _button(self, ctx: TurnContext, data: str) -> None:
        parsed = callbacks.parse(data)
        active = ctx.active
        if isinstance(parsed, callbacks.StepAnswer):
            if gate.withheld(ctx, parsed.flow):
                safety.repair_withheld(ctx)
                return
            fits = active and parsed.flow == active.flow and parsed.seq == active.seq
            if fits and active and not active.paused:
                advance(ctx, Answer(value=parsed.value))
                return
            flow = self.content.flows.get(parsed.flow)
            unprompted = flow is not None and flow.scheduled and parsed.seq == 0
            if unprompted and start_with(ctx, parsed.flow, Answer(value=parsed.value)):
                return
        elif isinstance(parsed, callbacks.Action):
            if parsed.name == "start" and parsed.arg in self.content.flows:
                self._open(ctx, parsed.arg)
                return
            if parsed.name == "continue" and active:
                if gate.withheld(ctx, active.flow):
                    safety.repair_withheld(ctx)
                else:
                    resume(ctx)
                return
            handler = self.actions.get((parsed.name, parsed.arg))
            if handler:
                handler(ctx)
                return
            with_arg = self.actions_with_arg.get(parsed.name)
            if with_arg and parsed.arg:
                with_arg(ctx, parsed.arg)
                return
        ctx.turn.replies.append(ctx.reply("common.stale_button"))
        ctx.turn.replies += prompt(ctx) if active and not active.paused else [menu_reply(ctx)]

    def _open(self, ctx: TurnContext, flow_id: str) -> None:
        if gate.withheld(ctx, flow_id):
            safety.repair_withheld(ctx)
        else:
            open_flow(ctx, flow_id)


def _start(ctx: TurnContext) -> None:
    if ctx.profile.situation is None:
        open_flow(ctx, ONBOARDING)
    else:
        ctx.turn.replies += [ctx.reply("common.welcome_back"), menu_reply(ctx)]


def _cancel(ctx: TurnContext) -> None:
    if ctx.active is None:
        ctx.turn.replies.append(with_menu_button(ctx, "common.nothing_to_cancel"))
        return
    ctx.turn.current = replace(ctx.active, status="left")
    title = ctx.say(f"{ctx.active.flow}.title")
    ctx.turn.replies.append(with_menu_button(ctx, "common.cancelled", title=title))


def _notice_distress(ctx: TurnContext) -> None:
    """Distress still high at the end of exercise after exercise: point to professional help."""
    ratings = [
        e.data["value"]
        for e in ctx.turn.effects
        if e.data.get("record") == "rating"
        and e.data.get("scale") == "distress"
        and e.data.get("phase") != "before"
    ]
    if not ratings:
        return
    streak = ctx.profile.high_distress
    for value in ratings:
        streak = streak + 1 if value >= HIGH_DISTRESS else 0
    ctx.change_profile(high_distress=streak)
    if streak >= REPEATED:
        button = flow_button(ctx, PROFESSIONAL)
        ctx.turn.replies.append(ctx.reply("common.professional_nudge", (button,)))


def _non_text(ctx: TurnContext) -> None:
    in_flow = ctx.active is not None and not ctx.active.paused
    key = "common.non_text_in_flow" if in_flow else "common.non_text_outside"
    ctx.turn.replies.append(Reply(ctx.say(key, kind=ctx.incoming.detail)))
    ctx.turn.replies += prompt(ctx) if in_flow else []


def _country_from_zone(ctx: TurnContext) -> None:
    """A city typed in /settings also gives the help lines' country, if none was chosen."""
    zone = ctx.turn.profile_changes.get("checkin_zone")
    if not zone or ctx.profile.country is not None:
        return
    code = ctx.content.resources.country_for_zone(zone)
    if code in ctx.content.resources.countries:
        ctx.change_profile(country=code)
