"""The dialogue engine on the real flows, with no database and no network."""

from __future__ import annotations

import html

import pytest

from bot.content.bundle import Content
from bot.dialogue import callbacks
from bot.dialogue.engine import Answer, Engine, Outcome, Speaker
from bot.dialogue.schema import KEEP, SKIP
from bot.dialogue.state import FlowState


@pytest.fixture(scope="module")
def engine(content: Content) -> Engine:
    return Engine(content.flows, content.texts, content.tools)


def texts(outcome: Outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


def button_values(outcome: Outcome) -> list[str]:
    last = outcome.replies[-1]
    return [callbacks.parse(b.data).value for row in last.buttons for b in row]  # type: ignore[union-attr]


def step(engine: Engine, state: FlowState, speaker: Speaker, **answer: str) -> Outcome:
    outcome = engine.advance(state, Answer(**answer), speaker)
    assert outcome.accepted, texts(outcome)
    return outcome


def test_seed_example_becomes_an_i_statement(engine: Engine) -> None:
    speaker = Speaker(profile={"situation": "hurt"})
    out = engine.begin("istatement", speaker)
    assert "When X happens, I feel Y, and I need Z" in texts(out)
    out = step(engine, out.state, speaker, text="You always make me feel insecure")
    shown = texts(out)
    assert "“<b>you always</b>”" in shown and "“<b>make me feel</b>”" in shown
    assert "The observation" in shown
    out = step(engine, out.state, speaker, text="this happens")
    assert button_values(out)[0] == "insecure", "the user's own feeling word comes first"
    out = step(engine, out.state, speaker, value="insecure")
    out = step(engine, out.state, speaker, text="to understand why")
    assert SKIP in button_values(out)
    out = step(engine, out.state, speaker, value=SKIP)
    statement = "When this happens, I feel insecure, and I need to understand why."
    assert out.state.answers["statement"] == statement
    assert f"<blockquote>{statement}</blockquote>" in texts(out)
    out = step(engine, out.state, speaker, value="save")
    assert out.state.status == "completed"
    assert [e.data for e in out.effects] == [
        {"record": "statement", "kind": "istatement", "text": statement}
    ]
    assert out.replies[-1].text == statement, "the statement comes alone, ready to copy"


def test_request_and_typed_prefixes_compose_cleanly(engine: Engine) -> None:
    speaker = Speaker()
    out = engine.begin("istatement", speaker)
    out = step(engine, out.state, speaker, text="I miss you when you work late")
    out = step(engine, out.state, speaker, text="When you came home at 2am without texting.")
    out = step(engine, out.state, speaker, text="I feel scared")
    out = step(engine, out.state, speaker, text="I need to know you're safe")
    out = step(engine, out.state, speaker, text="Could you text me if you'll be late")
    assert out.state.answers["statement"] == (
        "When you came home at 2am without texting, I feel scared, and I need to know you're safe. "
        "Would you be willing to text me if you'll be late?"
    )


def test_flagged_observation_can_be_rewritten_or_kept(engine: Engine) -> None:
    speaker = Speaker()
    out = engine.begin("istatement", speaker)
    out = step(engine, out.state, speaker, text="we need to talk")
    out = step(engine, out.state, speaker, text="you never call")
    assert out.state.step == "observation_check"
    assert "you never" in texts(out)
    kept = step(engine, out.state, speaker, value=KEEP)
    assert kept.state.answers["observation"] == "you never call"
    assert kept.state.step == "feeling"
    rewritten = step(engine, out.state, speaker, text="you didn't call on Friday")
    assert rewritten.state.answers["observation"] == "you didn't call on Friday"


def test_rework_goes_back_to_the_observation(engine: Engine) -> None:
    speaker = Speaker()
    out = engine.begin("istatement", speaker)
    for answer in ("draft", "this happens", "hurt", "honesty"):
        out = step(engine, out.state, speaker, text=answer)
    out = step(engine, out.state, speaker, value=SKIP)
    out = step(engine, out.state, speaker, value="redo")
    assert out.state.step == "observation"
    assert out.effects == []


@pytest.mark.parametrize(
    ("answer", "correction"),
    [
        (Answer(text="   "), "didn't catch anything"),
        (Answer(text="x" * 1001), "shorter message"),
        (Answer(value="not-an-option"), "choose one of the buttons"),
    ],
)
def test_bad_answers_leave_the_state_alone(engine: Engine, answer: Answer, correction: str) -> None:
    speaker = Speaker()
    start = engine.begin("istatement", speaker).state
    out = engine.advance(start, answer, speaker)
    assert not out.accepted
    assert correction in out.replies[0].text
    assert out.state == start
    assert "Write what you want to tell your partner" in texts(out), "the question is asked again"


def test_scale_accepts_buttons_and_typed_numbers(engine: Engine) -> None:
    speaker = Speaker()
    start = engine.begin("compassion", speaker).state
    assert engine.advance(start, Answer(value="4"), speaker).state.answers["distress_before"] == 4
    assert (
        engine.advance(start, Answer(text=" 2/5 "), speaker).state.answers["distress_before"] == 2
    )
    out = engine.advance(start, Answer(text="9"), speaker)
    assert not out.accepted and "number on the scale" in out.replies[0].text


def run_compassion(
    engine: Engine, situation: str, stuck: bool, before: str, after: str
) -> list[Outcome]:
    speaker = Speaker(profile={"situation": situation})
    outs = [engine.begin("compassion", speaker)]
    answers = [
        Answer(value=before),
        Answer(text="My partner lied about where they were"),
        Answer(value="hurt"),
        Answer(value="ready"),
    ]
    if stuck:
        answers += [Answer(value="stuck"), Answer(text="You did nothing to deserve this")]
    else:
        answers += [Answer(text="May I be gentle with myself")]
    answers.append(Answer(value=after))
    for answer in answers:
        outs.append(
            step(
                engine,
                outs[-1].state,
                speaker,
                **{k: v for k, v in vars(answer).items() if v is not None},
            )
        )
    return outs


def test_self_compassion_break_saves_both_ratings(engine: Engine) -> None:
    outs = run_compassion(engine, "hurt", stuck=False, before="4", after="2")
    effects = [e.data for o in outs for e in o.effects]
    assert {"record": "rating", "scale": "distress", "phase": "before", "value": 4} in effects
    assert {"record": "rating", "scale": "distress", "phase": "after", "value": 2} in effects
    assert {
        "record": "statement",
        "kind": "self_kindness",
        "text": "May I be gentle with myself",
    } in effects
    everything = "\n".join(texts(o) for o in outs)
    assert "This is a moment of suffering" in everything
    assert "you are not to blame for someone else's actions" in everything
    assert "went from 4 to 2" in everything
    assert outs[-1].state.status == "completed"


def test_stuck_user_is_asked_what_they_would_tell_a_friend(engine: Engine) -> None:
    outs = run_compassion(engine, "repairing", stuck=True, before="3", after="4")
    everything = "\n".join(texts(o) for o in outs)
    assert "What would you say to them?" in everything
    assert "<blockquote>You did nothing to deserve this</blockquote>" in everything
    assert "You are not responsible for anyone else's actions" in everything
    assert "therapist or counsellor" in everything, (
        "high distress after points to professional help"
    )


def test_reflective_listening_flags_a_mirror_that_argues_back(engine: Engine) -> None:
    speaker = Speaker()
    out = engine.begin("listen", speaker)
    out = step(engine, out.state, speaker, text="You never tell me where you are")
    out = step(
        engine, out.state, speaker, text="What I hear you saying is that I never tell you, but I do"
    )
    assert out.state.step == "mirror_check"
    assert "<b>but</b>" in texts(out)
    out = step(
        engine,
        out.state,
        speaker,
        text="What I hear you saying is that I don't tell you where I am",
    )
    assert out.state.step == "validate"
    out = step(engine, out.state, speaker, text="It makes sense that you worry")
    assert out.state.step == "because", "a validation without 'because' is asked for its reason"
    out = step(engine, out.state, speaker, text="because I lied before")
    out = step(engine, out.state, speaker, value="anxious")
    out = step(engine, out.state, speaker, value="more")
    out = step(engine, out.state, speaker, text="And I feel alone at night")
    out = step(engine, out.state, speaker, text="you feel alone at night")
    assert out.state.step == "check"
    out = step(engine, out.state, speaker, value="right")
    summary = (
        "What I hear you saying is that I don't tell you where I am. And you feel alone at night. "
        "It makes sense that you worry, because I lied before. I imagine you feel anxious. "
        "Did I get that right? Is there more?"
    )
    assert out.state.answers["summary"] == summary
    assert html.unescape(out.replies[1].text) == summary
    assert out.effects[0].data == {"record": "statement", "kind": "listening", "text": summary}


def test_user_markup_is_escaped_never_evaluated(engine: Engine) -> None:
    speaker = Speaker()
    out = engine.begin("istatement", speaker)
    for answer in ("{{ 7*7 }} <b>bold</b>", "{% raw %}x</code>", "hurt", "{{ config }}"):
        out = step(engine, out.state, speaker, text=answer)
    out = step(engine, out.state, speaker, value=SKIP)
    shown = texts(out)
    assert "49" not in shown
    assert "{% raw %}x&lt;/code&gt;" in shown
    assert "{{ config }}" in shown
    assert out.state.answers["statement"].startswith("When {% raw %}x</code>, I feel hurt")


def test_prompt_repeats_the_question_without_effects(engine: Engine) -> None:
    speaker = Speaker()
    out = engine.begin("compassion", speaker)
    again = engine.prompt(out.state, speaker)
    assert [r.text for r in again] == [
        "First, how distressed do you feel right now, from 1 (calm) to 5 (overwhelmed)?"
    ], "only the question, not the whole introduction"
    assert again[-1].buttons == out.replies[-1].buttons


def test_a_state_copy_shares_nothing_mutable() -> None:
    from bot.dialogue.state import FlowState

    state = FlowState(
        "istatement",
        "feeling",
        answers={"draft": "x", "nested": {"list": [1, {"deep": "y"}]}},
        analysis={"found": [["you always", "blame"]]},
        options=["hurt", "sad"],
    )
    twin = state.copy()
    twin.answers["nested"]["list"][1]["deep"] = "changed"
    twin.analysis["found"][0].append("more")
    twin.options.append("lonely")
    assert state.answers["nested"]["list"][1]["deep"] == "y"
    assert state.analysis["found"] == [["you always", "blame"]]
    assert state.options == ["hurt", "sad"]
    assert twin == FlowState(
        "istatement",
        "feeling",
        answers={"draft": "x", "nested": {"list": [1, {"deep": "changed"}]}},
        analysis={"found": [["you always", "blame", "more"]]},
        options=["hurt", "sad", "lonely"],
    )
