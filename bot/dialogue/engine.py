"""Advance a flow one input at a time: pure, no I/O, the same for every channel."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.content.texts import Texts
from bot.dialogue import callbacks
from bot.dialogue.layout import rows
from bot.dialogue.schema import KEEP, SKIP, Ask, Flow, Step
from bot.dialogue.state import Effect, FlowState
from bot.dialogue.tools import Toolbox
from bot.messages import Attachment, Button, Reply

MAX_STEPS_PER_TURN = 40
_SCALE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*(?:/\s*\d{1,2})?\s*[.!]?\s*$")


class FlowError(Exception):
    """A flow misbehaved at run time (a loop with no question, an unknown step)."""


@dataclass(frozen=True)
class Answer:
    """An input to the current step: typed text, or the value of a pressed button."""

    text: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Speaker:
    """Who is spoken to: their locale and profile, available to every template."""

    locale: str = "en"
    profile: dict[str, Any] = field(default_factory=dict)
    extras: Mapping[str, Any] = field(default_factory=dict)
    # Extras that follow the profile (help lines follow the country), recomputed per render.
    derive: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None

    def for_turn(self) -> Speaker:
        """A copy whose profile a turn may update as it goes (`set_profile`)."""
        return Speaker(self.locale, dict(self.profile), self.extras, self.derive)


@dataclass
class Outcome:
    """What one turn produced: the new state, the replies, and the effects to store."""

    state: FlowState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    accepted: bool = True


class Engine:
    """Runs declared flows against the text catalog and the named tools."""

    def __init__(self, flows: Mapping[str, Flow], texts: Texts, tools: Toolbox) -> None:
        self.flows = dict(flows)
        self.texts = texts
        self.tools = tools
        self._expressions = ImmutableSandboxedEnvironment()
        self._compiled: dict[str, Callable[..., Any]] = {}
        for flow in self.flows.values():
            for source in expressions_of(flow):
                self.compile(source)

    def compile(self, source: str) -> Callable[..., Any]:
        """Compile a condition or value expression once (errors surface at load)."""
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._expressions.compile_expression(source, undefined_to_none=True)
            self._compiled[source] = compiled
        return compiled

    def knows(self, state: FlowState) -> bool:
        """Whether a stored run still fits the flows as now written."""
        flow = self.flows.get(state.flow)
        return (
            flow is not None and state.step in flow.steps and flow.steps[state.step].ask is not None
        )

    # ----- the three entry points -----

    def begin(
        self, flow_id: str, speaker: Speaker, answers: Mapping[str, Any] | None = None
    ) -> Outcome:
        """Start a flow from its first step, optionally with answers already known."""
        flow = self.flows[flow_id]
        speaker = speaker.for_turn()
        outcome = Outcome(FlowState(flow=flow.id, step=flow.start, answers=dict(answers or {})))
        self._enter(flow, flow.start, speaker, outcome)
        return outcome

    def advance(self, state: FlowState, answer: Answer, speaker: Speaker) -> Outcome:
        """Apply an answer to the current step and run on to the next question."""
        flow = self.flows[state.flow]
        step = flow.steps[state.step]
        speaker = speaker.for_turn()
        outcome = Outcome(state.copy())
        if step.ask is None:
            raise FlowError(f"{flow.id}.{state.step} waits for nothing")
        value, problem = self._interpret(step.ask, answer, state, speaker)
        if problem:
            outcome.accepted = False
            outcome.replies = [
                Reply(self._say(problem, speaker, state)),
                *self.prompt(state, speaker),
            ]
            return outcome
        new = outcome.state
        new.seq += 1
        name = step.store or state.step
        kept = value == KEEP and name in new.answers
        if not kept:
            new.answers[name] = value
        if step.analyse and not kept:
            new.analysis[name] = (
                self.tools.analyses[step.analyse](value, speaker.locale)
                if isinstance(value, str)
                else None
            )
        self._enter(flow, self._choose(step, new, speaker), speaker, outcome)
        return outcome

    def prompt(self, state: FlowState, speaker: Speaker) -> list[Reply]:
        """The current step's question (its last text) again, with its buttons, and no effects."""
        flow = self.flows[state.flow]
        step = flow.steps[state.step]
        texts = [self._say(step.say[-1], speaker, state, flow)] if step.say else []
        return self._attach(texts, self._buttons(flow, step, state, speaker))

    # ----- internals -----

    def _enter(self, flow: Flow, step_id: str, speaker: Speaker, outcome: Outcome) -> None:
        state = outcome.state
        for _ in range(MAX_STEPS_PER_TURN):
            if step_id not in flow.steps:
                raise FlowError(f"{flow.id}: unknown step {step_id!r}")
            state.step = step_id
            step = flow.steps[step_id]
            files = [self._act(action, flow, state, speaker, outcome) for action in step.do]
            file = next((f for f in files if f is not None), None)
            texts = [self._say(key, speaker, state, flow) for key in step.say]
            if step.ask:
                pairs = self._button_list(flow, step, state, speaker)
                state.options = [value for value, _ in pairs]
                buttons = step_buttons(flow.id, state.seq, pairs)
                outcome.replies += self._attach(texts, buttons, attachment=file)
                return
            outcome.replies += self._attach(texts, (), apart=step.apart, attachment=file)
            if step.end:
                state.status = "completed"
                state.options = []
                return
            step_id = self._choose(step, state, speaker)
        raise FlowError(f"{flow.id}: more than {MAX_STEPS_PER_TURN} steps without a question")

    def _choose(self, step: Step, state: FlowState, speaker: Speaker) -> str:
        context = self._context(state, speaker)
        for branch in step.next:
            if branch.when is None or self.compile(branch.when)(**context):
                return branch.goto
        raise FlowError("no branch matched")  # unreachable: the schema demands a fallback

    def _act(
        self, action: Any, flow: Flow, state: FlowState, speaker: Speaker, outcome: Outcome
    ) -> Attachment | None:
        """Carry out one action; an `attach` returns the file for the step's message."""
        if action.attach:
            render = self.tools.renderers[action.attach["photo"]]
            return render(self._context(state, speaker), speaker.locale)
        if action.set:
            state.answers.update(self._values(action.set, state, speaker))
        elif action.compose:
            key = qualify(flow.id, action.compose["text"])
            text = self.texts.render_plain(key, speaker.locale, **self._context(state, speaker))
            state.answers[action.compose["into"]] = " ".join(text.split())
        elif action.save:
            outcome.effects.append(Effect("save", self._values(action.save, state, speaker)))
        elif action.set_profile:
            changes = self._values(action.set_profile, state, speaker)
            speaker.profile.update(changes)
            outcome.effects.append(Effect("profile", changes))
        return None

    def _values(
        self, spec: Mapping[str, Any], state: FlowState, speaker: Speaker
    ) -> dict[str, Any]:
        context = self._context(state, speaker)
        return {
            key: self.compile(value[1:])(**context)
            if isinstance(value, str) and value.startswith("=")
            else value
            for key, value in spec.items()
        }

    def _interpret(
        self, ask: Ask, answer: Answer, state: FlowState, speaker: Speaker
    ) -> tuple[Any, str | None]:
        """The value to store, or the text key of a kind correction."""
        if answer.value is not None:
            if answer.value not in state.options:
                return None, "common.input.pick_button"
            if answer.value == SKIP:
                return None, None
            return (int(answer.value) if ask.kind == "scale" else answer.value), None
        text = (answer.text or "").strip()
        if not text:
            return None, "common.input.empty"
        by_label = self._match_label(text, state, speaker)
        if by_label is not None:
            return (None if by_label == SKIP else by_label), None
        if ask.kind == "scale":
            number = _SCALE_NUMBER.match(text)
            if number and ask.min <= int(number.group(1)) <= ask.max:
                return int(number.group(1)), None
            return None, "common.input.scale"
        if not ask.accepts_text:
            return None, "common.input.pick_button"
        if len(text) > ask.max_length:
            return None, "common.input.too_long"
        if len(text) < ask.min_length:
            return None, "common.input.too_short"
        if ask.parse:
            parsed = self.tools.parsers[ask.parse](text)
            return (parsed, None) if parsed is not None else (None, f"common.input.{ask.parse}")
        return text, None

    def _match_label(self, text: str, state: FlowState, speaker: Speaker) -> str | None:
        """A typed answer equal to a button's label counts as pressing it."""
        wanted = text.casefold()
        flow = self.flows[state.flow]
        for button in self._button_list(flow, flow.steps[state.step], state, speaker):
            if button[1].casefold() == wanted:
                return button[0]
        return None

    def _button_list(
        self, flow: Flow, step: Step, state: FlowState, speaker: Speaker
    ) -> list[tuple[str, str]]:
        ask = step.ask
        if ask is None:
            return []
        pairs: list[tuple[str, str]] = []
        if ask.kind == "scale":
            pairs = [(str(n), str(n)) for n in range(ask.min, ask.max + 1)]
        if ask.options_from:  # the computed options first ("None of these" comes after)
            source = self.tools.options[ask.options_from]
            pairs += source(self._context(state, speaker), speaker.locale)
        for option in ask.options:
            label = self.texts.render(
                qualify(flow.id, option.label), speaker.locale, **self._context(state, speaker)
            )
            pairs.append((option.value, label))
        if ask.optional:
            pairs.append((SKIP, self.texts.render("common.buttons.skip", speaker.locale)))
        return pairs

    def _buttons(
        self, flow: Flow, step: Step, state: FlowState, speaker: Speaker
    ) -> tuple[tuple[Button, ...], ...]:
        return step_buttons(flow.id, state.seq, self._button_list(flow, step, state, speaker))

    def _attach(
        self,
        texts: list[str],
        buttons: tuple[tuple[Button, ...], ...],
        apart: bool = False,
        attachment: Attachment | None = None,
    ) -> list[Reply]:
        """One step, one message: its texts joined, with the step's buttons and file."""
        text = "\n\n".join(t for t in texts if t)
        if not (text or attachment):
            return []
        return [Reply(text, buttons, attachment=attachment, apart=apart)]

    def _say(self, key: str, speaker: Speaker, state: FlowState, flow: Flow | None = None) -> str:
        full = qualify(flow.id, key) if flow else key
        return self.texts.render(full, speaker.locale, **self._context(state, speaker))

    def _context(self, state: FlowState, speaker: Speaker) -> dict[str, Any]:
        derived = speaker.derive(speaker.profile) if speaker.derive else {}
        return {
            **speaker.extras,
            **derived,
            "answers": state.answers,
            "analysis": state.analysis,
            "profile": speaker.profile,
            "flow": state.flow,
        }


def qualify(flow_id: str, key: str) -> str:
    """A text key as written in a flow: 'intro' means '<flow>.intro'; dotted keys are global."""
    return key if "." in key else f"{flow_id}.{key}"


def expressions_of(flow: Flow) -> list[str]:
    """Every condition and '=' value expression in a flow."""
    found = [b.when for s in flow.steps.values() for b in s.next if b.when]
    for step in flow.steps.values():
        for action in step.do:
            spec = action.save or action.set_profile or action.set or {}
            found += [v[1:] for v in spec.values() if isinstance(v, str) and v.startswith("=")]
    return found


def step_buttons(
    flow_id: str, seq: int, pairs: list[tuple[str, str]]
) -> tuple[tuple[Button, ...], ...]:
    """Buttons for a step's options, carrying the flow and the step's sequence number."""
    return rows(
        [Button(label, callbacks.step_answer(flow_id, seq, value)) for value, label in pairs]
    )
