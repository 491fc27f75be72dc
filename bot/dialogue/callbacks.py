"""Button data: short, self-describing strings that fit Telegram's 64-byte limit."""

from __future__ import annotations

from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64
MAX_SEQ_DIGITS = 6


@dataclass(frozen=True)
class StepAnswer:
    """A button under a flow step: valid only for that flow at that point (`seq`)."""

    flow: str
    seq: int
    value: str


@dataclass(frozen=True)
class Action:
    """A button outside flows: start a flow, continue, or another named action."""

    name: str
    arg: str = ""


def step_answer(flow: str, seq: int, value: str) -> str:
    return f"s|{flow}|{seq}|{value}"


def action(name: str, arg: str = "") -> str:
    return f"a|{name}|{arg}"


def parse(data: str) -> StepAnswer | Action | None:
    """Decode button data; None for anything malformed or forged."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split("|")
    if parts[0] == "s" and len(parts) == 4 and parts[2].isdigit() and parts[1] and parts[3]:
        if len(parts[2]) > MAX_SEQ_DIGITS:
            return None
        return StepAnswer(parts[1], int(parts[2]), parts[3])
    if parts[0] == "a" and len(parts) == 3 and parts[1]:
        return Action(parts[1], parts[2])
    return None


def fits(data: str) -> bool:
    """Whether button data fits Telegram's limit."""
    return len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES
