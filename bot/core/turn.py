"""What one input produced, before anything is stored or sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.dialogue.state import Effect, FlowState
from bot.messages import Reply

# Profile fields the core may change; each is a column of `users`.
PROFILE_FIELDS = frozenset(
    {
        "situation",
        "locale",
        "country",
        "safety_flag",
        "follow_up_at",
        "high_distress",
        "message_marks",
    }
)


@dataclass
class Profile:
    """The part of a user the core reads and may change."""

    situation: str | None = None
    locale: str = "en"
    country: str | None = None
    language_code: str | None = None
    safety_flag: str | None = None
    follow_up_at: datetime | None = None
    high_distress: int = 0
    message_marks: list[list[int]] = field(default_factory=list)

    def as_context(self) -> dict[str, Any]:
        """What templates see as `profile`."""
        return {
            "situation": self.situation,
            "locale": self.locale,
            "country": self.country,
            "unsafe": self.safety_flag == "harm_from_others",
        }


@dataclass
class Turn:
    """Replies, plus the state changes to commit before they are sent.

    `current` is the updated state of the run that was active (or None if untouched);
    `started` is a run begun in this turn; `effects` belong to `effects_run`. `requests`
    name work only the store can do (export, delete) and the service performs.
    """

    replies: list[Reply] = field(default_factory=list)
    current: FlowState | None = None
    started: FlowState | None = None
    effects: list[Effect] = field(default_factory=list)
    effects_run: Literal["current", "started"] = "current"
    profile_changes: dict[str, Any] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
