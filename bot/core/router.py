"""Route one input: commands, buttons, text and everything else. Pure: no I/O."""

from __future__ import annotations

import copy
from dataclasses import replace

from bot.content.bundle import Content
from bot.core.turn import Profile, Turn
from bot.dialogue import callbacks
from bot.dialogue.engine import Answer, Engine, Outcome, Speaker
from bot.dialogue.layout import rows
from bot.dialogue.state import FlowState
from bot.messages import Button, Incoming, Reply

ONBOARDING = "onboarding"
PROFILE_FIELDS = frozenset({"situation", "locale"})
NEXT_SUGGESTIONS = 3


class Router:
    """Decides what an input means, given the user's profile and active run."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.engine = Engine(content.flows, content.texts, content.analyst)
        self.commands = {
            "start": self._start,
            "menu": self._menu,
            "help": self._help,
            "cancel": self._cancel,
        }

    def route(self, profile: Profile, active: FlowState | None, incoming: Incoming) -> Turn:
        """The turn for one input."""
        turn = Turn()
        profile = copy.copy(profile)
        if active is not None and not self.engine.knows(active):
            # The content changed under a run (a flow or step was removed): close it gently.
            turn.current = replace(active, status="left")
            active = None
        if incoming.kind == "command":
            self._command(incoming.text.lower(), profile, active, turn)
        elif incoming.kind == "button":
            self._button(incoming.text, profile, active, turn)
        elif incoming.kind == "text":
            if active:
                self._advance(active, Answer(text=incoming.text), profile, turn)
            else:
                turn.replies.append(self._with_menu("common.outside_text", profile))
        else:
            key = "common.non_text_in_flow" if active else "common.non_text_outside"
            turn.replies.append(Reply(self._say(key, profile, kind=incoming.detail)))
            turn.replies += self._prompt(active, profile) if active else []
        return turn

    # ----- commands -----

    def _command(self, name: str, profile: Profile, active: FlowState | None, turn: Turn) -> None:
        handler = self.commands.get(name)
        if handler:
            handler(profile, active, turn)
        elif name in self.content.commands:
            self._open(self.content.commands[name], profile, active, turn)
        else:
            turn.replies.append(Reply(self._say("common.unknown_command", profile, command=name)))

    def _start(self, profile: Profile, active: FlowState | None, turn: Turn) -> None:
        if profile.situation is None:
            self._open(ONBOARDING, profile, active, turn)
        else:
            turn.replies.append(Reply(self._say("common.welcome_back", profile)))
            turn.replies.append(self._menu_reply(profile, active))

    def _menu(self, profile: Profile, active: FlowState | None, turn: Turn) -> None:
        turn.replies.append(self._menu_reply(profile, active))

    def _help(self, profile: Profile, active: FlowState | None, turn: Turn) -> None:
        turn.replies.append(Reply(self._say("common.help", profile)))

    def _cancel(self, profile: Profile, active: FlowState | None, turn: Turn) -> None:
        if active is None:
            turn.replies.append(self._with_menu("common.nothing_to_cancel", profile))
            return
        turn.current = replace(active, status="left")
        title = self._title(active.flow, profile)
        turn.replies.append(self._with_menu("common.cancelled", profile, title=title))

    # ----- buttons -----

    def _button(self, data: str, profile: Profile, active: FlowState | None, turn: Turn) -> None:
        parsed = callbacks.parse(data)
        if isinstance(parsed, callbacks.StepAnswer):
            if active and parsed.flow == active.flow and parsed.seq == active.seq:
                self._advance(active, Answer(value=parsed.value), profile, turn)
                return
        elif isinstance(parsed, callbacks.Action):
            if parsed.name == "start" and parsed.arg in self.content.flows:
                self._open(parsed.arg, profile, active, turn)
                return
            if parsed.name == "continue" and active:
                turn.replies += self._prompt(active, profile)
                return
            if parsed.name == "menu":
                self._menu(profile, active, turn)
                return
        turn.replies.append(Reply(self._say("common.stale_button", profile)))
        turn.replies += (
            self._prompt(active, profile) if active else [self._menu_reply(profile, None)]
        )

    # ----- flows -----

    def _open(self, flow_id: str, profile: Profile, active: FlowState | None, turn: Turn) -> None:
        """Start a flow, or carry on with it if it is the one already under way."""
        if active and active.flow == flow_id:
            turn.replies.append(Reply(self._say("common.carrying_on", profile)))
            turn.replies += self._prompt(active, profile)
            return
        if active:
            turn.current = replace(active, status="left")
        outcome = self.engine.begin(flow_id, self._speaker(profile))
        turn.started = outcome.state
        turn.effects_run = "started"
        self._absorb(outcome, profile, turn)

    def _advance(self, active: FlowState, answer: Answer, profile: Profile, turn: Turn) -> None:
        outcome = self.engine.advance(active, answer, self._speaker(profile))
        if outcome.accepted:
            turn.current = outcome.state
        self._absorb(outcome, profile, turn)

    def _absorb(self, outcome: Outcome, profile: Profile, turn: Turn) -> None:
        """Take an engine outcome into the turn; a finished flow is followed by what next."""
        turn.replies += outcome.replies
        for effect in outcome.effects:
            if effect.kind == "profile":
                changes = {k: v for k, v in effect.data.items() if k in PROFILE_FIELDS}
                turn.profile_changes.update(changes)
                for key, value in changes.items():
                    setattr(profile, key, value)
            else:
                turn.effects.append(effect)
        if outcome.state.status == "completed":
            turn.replies.append(self._next_steps(outcome.state.flow, profile))

    # ----- replies -----

    def _prompt(self, active: FlowState, profile: Profile) -> list[Reply]:
        return self.engine.prompt(active, self._speaker(profile))

    def _menu_reply(self, profile: Profile, active: FlowState | None) -> Reply:
        buttons = []
        if active:
            title = self._title(active.flow, profile)
            label = self._say("common.buttons.continue", profile, title=title)
            buttons.append(Button(label, callbacks.action("continue")))
        order = self.content.menu_order(profile.situation)
        buttons += [self._flow_button(flow_id, profile) for flow_id in order]
        suggested = self._title(order[0], profile) if order else ""
        text = self._say("common.menu.text", profile, suggested=suggested, active=bool(active))
        return Reply(text, rows(buttons, max_per_row=2))

    def _next_steps(self, finished: str, profile: Profile) -> Reply:
        order = [f for f in self.content.menu_order(profile.situation) if f != finished]
        buttons = [self._flow_button(flow_id, profile) for flow_id in order[:NEXT_SUGGESTIONS]]
        buttons.append(Button(self._say("common.buttons.menu", profile), callbacks.action("menu")))
        text = self._say("common.after_flow", profile, finished=finished)
        return Reply(text, rows(buttons, max_per_row=1))

    def _with_menu(self, key: str, profile: Profile, **extra: object) -> Reply:
        label = self._say("common.buttons.menu", profile)
        return Reply(
            self._say(key, profile, **extra), ((Button(label, callbacks.action("menu")),),)
        )

    def _flow_button(self, flow_id: str, profile: Profile) -> Button:
        return Button(self._title(flow_id, profile), callbacks.action("start", flow_id))

    def _title(self, flow_id: str, profile: Profile) -> str:
        return self._say(f"{flow_id}.title", profile)

    def _say(self, key: str, profile: Profile, **context: object) -> str:
        return self.content.texts.render(
            key, profile.locale, profile=profile.as_context(), **context
        )

    def _speaker(self, profile: Profile) -> Speaker:
        return Speaker(locale=profile.locale, profile=profile.as_context())
