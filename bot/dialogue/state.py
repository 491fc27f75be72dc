"""A run's place in a flow, as the engine sees it and the store keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass
class FlowState:
    """Where a user is in a flow, what they answered, and which buttons are valid now."""

    flow: str
    step: str
    seq: int = 0
    answers: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)
    status: str = "active"
    paused: bool = False

    def blob(self) -> dict[str, Any]:
        """The part stored as one JSON column."""
        blob = {"answers": self.answers, "analysis": self.analysis, "options": self.options}
        return {**blob, "paused": True} if self.paused else blob

    def copy(self) -> FlowState:
        """An independent copy: the answers, analysis and options are copied all the way down."""
        return replace(
            self,
            answers=_copied(self.answers),
            analysis=_copied(self.analysis),
            options=_copied(self.options),
        )

    @classmethod
    def from_row(
        cls, flow: str, step: str, seq: int, status: str, blob: dict[str, Any]
    ) -> FlowState:
        return cls(
            flow=flow,
            step=step,
            seq=seq,
            answers=dict(blob.get("answers") or {}),
            analysis=dict(blob.get("analysis") or {}),
            options=list(blob.get("options") or []),
            status=status,
            paused=bool(blob.get("paused")),
        )


def _copied(value: Any) -> Any:
    """A copy of JSON-like data (dicts, lists, immutable leaves); much quicker than deepcopy."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


@dataclass(frozen=True)
class Effect:
    """A change the engine asks the store to make: save a record, or update the profile."""

    kind: str
    data: dict[str, Any]
