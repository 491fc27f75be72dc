"""The shape of a flow file in prompts/flows, validated when it loads."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SKIP = "_skip"  # an optional answer left out: stored as None
KEEP = "_keep"  # "keep what I wrote": the earlier answer stays


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Option(Strict):
    """A button: the value stored, and the text key of its label."""

    value: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.:-]+$")
    label: str


class Ask(Strict):
    """What a step waits for: typed text, one of some buttons, or a number on a scale."""

    kind: Literal["text", "choice", "scale"]
    options: tuple[Option, ...] = ()
    options_from: str | None = None
    parse: str | None = None  # a named parser (a time, a range of hours) that typed text must pass
    free_text: bool = False
    optional: bool = False
    min: int = 1
    max: int = 5
    min_length: int = 1
    max_length: int = Field(default=1000, le=3000)

    @model_validator(mode="after")
    def _coherent(self) -> Ask:
        if self.kind == "choice" and not (self.options or self.options_from):
            raise ValueError("a choice needs options or options_from")
        if self.kind == "scale" and not (0 <= self.min < self.max <= 10):
            raise ValueError("a scale runs from min to max within 0..10")
        return self

    @property
    def accepts_text(self) -> bool:
        return self.kind == "text" or self.free_text


class Branch(Strict):
    """Go to a step, when the condition (a Jinja expression) holds or always."""

    when: str | None = Field(default=None, alias="if")
    goto: str


class Action(Strict):
    """Something a step does on entry. Values starting with '=' are expressions."""

    compose: dict[str, str] | None = None
    save: dict[str, Any] | None = None
    set_profile: dict[str, Any] | None = None
    set: dict[str, Any] | None = None  # answers to set, e.g. a loop counter
    attach: dict[str, str] | None = None  # {photo: <renderer>}: the step's text becomes its caption

    @model_validator(mode="after")
    def _exactly_one(self) -> Action:
        chosen = [n for n in ACTIONS if getattr(self, n) is not None]
        if len(chosen) != 1:
            raise ValueError(f"an action is exactly one of {', '.join(ACTIONS)}")
        if self.attach is not None and set(self.attach) != {"photo"}:
            raise ValueError("attach takes `photo`")
        if self.compose is not None and set(self.compose) != {"into", "text"}:
            raise ValueError("compose takes `into` and `text`")
        if self.save is not None and "record" not in self.save:
            raise ValueError("save needs `record`")
        return self


ACTIONS = ("compose", "save", "set_profile", "set", "attach")


class Step(Strict):
    """One step: say something, maybe wait for an input, store it, choose what comes next."""

    say: tuple[str, ...] = ()
    ask: Ask | None = None
    store: str | None = None
    analyse: str | None = None
    do: tuple[Action, ...] = ()
    next: tuple[Branch, ...] = ()
    end: bool = False
    apart: bool = False  # send alone, never merged with other texts (e.g. a text to copy)

    @field_validator("ask", mode="before")
    @classmethod
    def _ask_shorthand(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    @field_validator("say", mode="before")
    @classmethod
    def _say_shorthand(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("next", mode="before")
    @classmethod
    def _next_shorthand(cls, value: Any) -> Any:
        return [{"goto": value}] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _coherent(self) -> Step:
        if self.ask and not self.say:
            raise ValueError("a step that asks must say something")
        if self.end and (self.ask or self.next):
            raise ValueError("an end step neither asks nor goes on")
        if not self.end and not self.next:
            raise ValueError("a step needs `next`, or `end: true`")
        if self.next and self.next[-1].when is not None:
            raise ValueError("the last branch of `next` must have no condition (the fallback)")
        return self


class Flow(Strict):
    """A guided dialogue: named steps, the first of which starts it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")
    title: str
    command: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,31}$")
    menu: bool = True
    repair: bool = False  # a couple-repair exercise: withheld while the user is unsafe
    after_abuse: bool = True  # False: never offered to someone who disclosed abuse
    scheduled: bool = False  # sent by the scheduler: its first question's buttons start it
    needs: tuple[str, ...] = ()  # stored records its templates read as `data.<name>`
    given: tuple[str, ...] = ()  # answers the core fills in when it opens the flow
    after: Literal["suggest", "settings", "ledger", "nothing"] = "suggest"  # shown when done
    blurb: str | None = None
    steps: dict[str, Step]

    @model_validator(mode="after")
    def _has_steps(self) -> Flow:
        if not self.steps:
            raise ValueError("a flow needs at least one step")
        return self

    @property
    def start(self) -> str:
        return next(iter(self.steps))

    def stored_names(self) -> list[str]:
        """Every answer name a run of this flow can hold."""
        names = [*self.given, *(s.store or sid for sid, s in self.steps.items() if s.ask)]
        names += [a.compose["into"] for s in self.steps.values() for a in s.do if a.compose]
        names += [key for s in self.steps.values() for a in s.do if a.set for key in a.set]
        return list(dict.fromkeys(names))
