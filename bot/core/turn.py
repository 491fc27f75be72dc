"""What one input produced, before anything is stored or sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.dialogue.state import Effect, FlowState
from bot.messages import Reply

# Check-in settings: a change to any of them recomputes the user's due times.
SCHEDULE_FIELDS = frozenset(
    {
        "checkin_zone",
        "checkin_time",
        "quiet_hours",
        "daily_on",
        "weekly_on",
        "weekly_day",
        "monthly_on",
        "paused_until",
        "follow_up_at",
    }
)
# Profile fields the core may change; each is a column of `users`.
PROFILE_FIELDS = frozenset(
    {
        "situation",
        "locale",
        "country",
        "safety_flag",
        "abuse_disclosed",
        "safety_family",
        "safety_until",
        "safety_turns",
        "safety_asked",
        "safe_until",
        "risk",
        "risk_at",
        "follow_up_at",
        "high_distress",
        "message_marks",
        *SCHEDULE_FIELDS,
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
    abuse_disclosed: bool = False
    safety_family: str | None = None
    safety_until: datetime | None = None
    safety_turns: int = 0
    safety_asked: bool = False
    safe_until: datetime | None = None
    risk: float = 0.0
    risk_at: datetime | None = None
    follow_up_at: datetime | None = None
    high_distress: int = 0
    message_marks: list[list[int]] = field(default_factory=list)
    checkin_zone: str | None = None
    checkin_time: str | None = None
    quiet_hours: str | None = None
    daily_on: bool = False
    weekly_on: bool = False
    weekly_day: int = 6
    monthly_on: bool = False
    paused_until: datetime | None = None

    def as_context(self) -> dict[str, Any]:
        """What templates see as `profile`."""
        return {
            "situation": self.situation,
            "locale": self.locale,
            "country": self.country,
            "unsafe": self.safety_flag == "harm_from_others",
            "own_violence": self.safety_flag == "own_violence",
            "abuse_disclosed": self.abuse_disclosed,
            "safety_family": self.safety_family,
            "checkins_set": self.checkins_set,
            "language_code": self.language_code,
            "zone": self.checkin_zone,
        }

    @property
    def checkins_set(self) -> bool:
        """Whether the user has chosen where and when check-ins come."""
        return bool(self.checkin_zone and self.checkin_time)


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
