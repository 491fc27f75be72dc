"""Property-based: any text or button data, in any order, never raises and never loses state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.bundle import Content
from bot.core.router import Router
from bot.core.turn import Profile
from bot.dialogue import callbacks
from bot.dialogue.state import FlowState
from bot.messages import Incoming

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
FLOWS = [
    "istatement",
    "listen",
    "compassion",
    "safety_plan",
    "professional",
    "onboarding",
    "country",
]

any_text = st.text(min_size=0, max_size=5000)
markup = st.sampled_from(
    ["{{ 7*7 }}", "<b>", "</code>", "{% for %}", "&amp;", "\u202e", "\u200b", "👩‍❤️‍👨"]
)
inputs = st.one_of(
    st.tuples(st.just("text"), st.one_of(any_text, markup)),
    st.tuples(st.just("button"), st.one_of(any_text.map(lambda t: t[:80]), st.just("valid"))),
    st.tuples(
        st.just("command"), st.sampled_from(["menu", "cancel", "help", "sos", "nonsense", "start"])
    ),
    st.tuples(st.just("other"), st.sampled_from(["sticker", "voice", ""])),
)


def play(router: Router, flow: str, steps: list[tuple[str, str]]) -> None:
    profile = Profile(situation="hurt")
    active: FlowState | None = None
    turn = router.route(
        profile,
        None,
        Incoming("t", "1", "command", router.content.flows[flow].command or "start"),
        NOW,
    )
    active = turn.started or turn.current
    for kind, value in steps:
        if kind == "button" and value == "valid" and active and active.options:
            value = callbacks.step_answer(active.flow, active.seq, active.options[0])
        before = active
        turn = router.route(profile, active, Incoming("t", "1", kind, value), NOW)  # type: ignore[arg-type]
        assert all(isinstance(r.text, str) and r.text for r in turn.replies)
        for key, change in turn.profile_changes.items():
            setattr(profile, key, change)
        if turn.started is not None:
            active = turn.started
        elif turn.current is not None:
            active = turn.current
            if (
                before is not None
                and turn.current.flow == before.flow
                and turn.current.status == "active"
            ):
                assert set(before.answers) <= set(turn.current.answers), "answers are never lost"
                assert turn.current.seq >= before.seq
        if active is not None:
            assert active.step in router.content.flows[active.flow].steps
            if active.status != "active":
                active = None


@pytest.fixture(scope="module")
def router(content: Content) -> Router:
    return Router(content)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flow=st.sampled_from(FLOWS), steps=st.lists(inputs, max_size=25))
def test_router_never_raises_and_keeps_answers(
    router: Router, flow: str, steps: list[tuple[str, str]]
) -> None:
    play(router, flow, steps)
