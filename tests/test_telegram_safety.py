"""Safety over HTTP: crisis and abuse stop the coaching, resources by country, /sos, follow-up."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import select

from bot.checkins.dispatcher import Dispatcher
from bot.store.models import FlowRun, Statement, User
from bot.store.types import utcnow
from bot.telegram.dispatch import DispatchReport, dispatch
from tests.telegram_harness import Person, TelegramHarness

SELF_HARM = "i just want to kill myself"
THREAT = "he said he'd kill me if I leave"


async def onboarded(harness: TelegramHarness, user_id: int, language: str = "en-GB") -> Person:
    person = harness.person(user_id, language)
    await person.send("/start")
    await person.press("I was hurt")
    await person.press("Not now")  # the country: later
    return person


async def tick(harness: TelegramHarness, now: datetime) -> DispatchReport:
    """One dispatcher tick at `now`, as the JobQueue runs it."""
    harness.coach.clock = lambda: now
    dispatcher = Dispatcher(harness.coach.database, "telegram", timedelta(hours=2))
    return await dispatch(harness.app.bot, harness.coach, dispatcher)


async def user_row(harness: TelegramHarness, user_id: int) -> User:
    async with harness.coach.database.transaction() as session:
        return (await session.exec(select(User).where(User.external_id == str(user_id)))).one()


async def test_self_harm_mid_exercise_stops_coaching_with_local_resources(
    telegram: TelegramHarness,
) -> None:
    sam = await onboarded(telegram, 5001, "en-GB")
    await sam.send("/istatement")
    await sam.send(SELF_HARM)
    assert (
        "Samaritans" in sam.text and "116 123" in sam.text and "(free and confidential)" in sam.text
    )
    assert "999" in sam.text
    assert "Write what you want to tell your partner" not in sam.text
    assert "Check on me tomorrow" in sam.buttons()
    async with telegram.coach.database.transaction() as session:
        run = (await session.exec(select(FlowRun).where(FlowRun.flow == "istatement"))).one()
        raw = (await session.exec(text("SELECT state FROM flow_runs"))).scalars().all()
    assert run.status == "active" and run.state.get("paused") is True
    assert run.state["answers"] == {}, "the crisis message is never stored as an answer"
    assert all("kill" not in value for value in raw)
    await sam.send("ok")
    assert "I'm here with you" in sam.text, "the next message belongs to the safety conversation"
    assert "Samaritans" in sam.text and "Write what you want" not in sam.text
    await sam.press("I'm okay for now")
    assert "glad you're safe" in sam.text
    await sam.press("↩ Continue")
    assert "Write what you want to tell your partner" in sam.text
    await sam.send("You never listen")
    assert "The observation" in sam.text


async def test_harm_from_others_withholds_repair_until_safe(telegram: TelegramHarness) -> None:
    sam = await onboarded(telegram, 5002, "en-US")
    await sam.send(THREAT)
    assert "National Domestic Violence Hotline" in sam.text and "1-800-799-7233" in sam.text
    assert "the goal is safety, not rebuilding trust" in sam.text
    row = await user_row(telegram, 5002)
    assert row.safety_flag == "harm_from_others" and row.safety_flag_at is not None
    await sam.send("/istatement")
    assert "paused the exercises about repairing" in sam.text
    await sam.send("/menu")
    assert "I-statement" not in sam.buttons() and "Reflective listening" not in sam.buttons()
    assert any(b.endswith("Self-compassion break") for b in sam.buttons())
    await sam.send("/professional")
    await sam.press("For us as a couple")
    assert "couples counselling isn't recommended" in sam.text
    await sam.send("/listen")
    await sam.press("Things have changed")
    assert "Are you still afraid of your partner" in sam.text
    assert (await user_row(telegram, 5002)).safety_flag == "harm_from_others", "not one tap"
    await sam.press("No")
    await sam.press("Yes")
    await sam.press("Yes, open them")
    assert "They're open again" in sam.text
    assert (await user_row(telegram, 5002)).safety_flag is None
    await sam.send("/istatement")
    assert "When X happens" in sam.text


async def test_hyperbole_is_an_ordinary_answer(telegram: TelegramHarness) -> None:
    sam = await onboarded(telegram, 5003)
    await sam.send("/istatement")
    await sam.send("I could kill him for forgetting the groceries")
    assert "The observation" in sam.text
    assert (await user_row(telegram, 5003)).safety_flag is None


async def test_screening_outside_exercises_too(telegram: TelegramHarness) -> None:
    sam = await onboarded(telegram, 5004, "de")
    await sam.send("i dont want to be alive anymore")
    assert "TelefonSeelsorge" in sam.text and "112" in sam.text


async def test_unknown_country_gets_international_resources(telegram: TelegramHarness) -> None:
    sam = await onboarded(telegram, 5005, "en")
    await sam.send(SELF_HARM)
    assert "findahelpline.com" in sam.text
    await sam.send("/country")
    await sam.press("Ireland")
    await sam.send("/sos")
    assert "Samaritans" in sam.text and "112 or 999" in sam.text


async def test_sos_and_a_safety_plan(telegram: TelegramHarness) -> None:
    sam = await onboarded(telegram, 5006, "en-AU")
    await sam.send("/istatement")
    await sam.send("/sos")
    assert "000" in sam.text and "Lifeline" in sam.text and "1800RESPECT" in sam.text
    await sam.press("Make a safety plan")
    await sam.send("he starts shouting and blocking the door")
    await sam.send("walking the dog")
    await sam.send("my sister Jo, 0400 000 000")
    await sam.press("Skip")
    assert "safety plan is saved" in sam.text
    await sam.send("/sos")
    assert "Your safety plan" in sam.text and "walking the dog" in sam.text
    assert "Update my safety plan" in sam.buttons()
    async with telegram.coach.database.transaction() as session:
        plans = (await session.exec(select(Statement).where(Statement.kind == "safety_plan"))).all()
    assert len(plans) == 1 and "Places I can go" not in plans[0].text


async def test_next_day_follow_up_only_when_asked(telegram: TelegramHarness) -> None:
    sam = await onboarded(telegram, 5007, "en-US")
    other = await onboarded(telegram, 5008, "en-US")
    await other.send(SELF_HARM)  # never asks for a follow-up
    await sam.send(SELF_HARM)
    await sam.press("Check on me tomorrow")
    assert "check on you tomorrow" in sam.text
    start = utcnow()
    assert (await tick(telegram, start)).sent == 0, "not due yet"
    assert (await tick(telegram, start + timedelta(hours=25))).sent == 1
    assert (await tick(telegram, start + timedelta(hours=26))).sent == 0, "sent exactly once"
    assert (await user_row(telegram, 5007)).follow_up_at is None
    await telegram.settle()
    calls = telegram.fake.sent(5007)
    assert "How are you doing?" in calls[-1].params["text"]
    assert not any(
        "How are you doing?" in c.params.get("text", "") for c in telegram.fake.sent(5008)
    )
    sam.seen = len(calls)
    await sam.press("Worse")
    assert "988" in sam.text and "911" in sam.text


async def test_a_follow_up_missed_while_down_still_goes_and_a_pause_does_not_stop_it(
    telegram: TelegramHarness,
) -> None:
    sam = await onboarded(telegram, 5009, "en-US")
    await sam.send(SELF_HARM)
    await sam.press("Check on me tomorrow")
    await sam.send("/pause 7")
    assert (await user_row(telegram, 5009)).paused_until is not None
    # The bot was down for two days: far past the check-ins' grace window, but a check on
    # someone's safety is still worth sending, once.
    later = utcnow() + timedelta(days=3)
    assert (await tick(telegram, later)).sent == 1
    assert (await tick(telegram, later + timedelta(hours=1))).sent == 0
    await telegram.settle()
    assert "How are you doing?" in telegram.fake.sent(5009)[-1].params["text"]
