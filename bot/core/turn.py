"""What one input produced, before anything is stored or sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.dialogue.state import Effect, FlowState
from bot.messages import Reply


@dataclass
class Profile:
    """The part of a user the core reads and may change."""

    situation: str | None = None
    locale: str = "en"

    def as_context(self) -> dict[str, Any]:
        return {"situation": self.situation, "locale": self.locale}


@dataclass
class Turn:
    """Replies, plus the state changes to commit before they are sent.

    `current` is the updated state of the run that was active (or None if untouched);
    `started` is a run begun in this turn; `effects` belong to `effects_run`.
    """

    replies: list[Reply] = field(default_factory=list)
    current: FlowState | None = None
    started: FlowState | None = None
    effects: list[Effect] = field(default_factory=list)
    effects_run: Literal["current", "started"] = "current"
    profile_changes: dict[str, Any] = field(default_factory=dict)
