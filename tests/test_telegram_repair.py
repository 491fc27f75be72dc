"""The repair toolkit end to end over HTTP: each flow, its buttons, and what it saves."""

from __future__ import annotations

from sqlmodel import col, select

from bot.store.models import Commitment, Rating, Statement, User
from tests.telegram_harness import Person, TelegramHarness


async def start(telegram: TelegramHarness, user: int, situation: str) -> Person:
    person = telegram.person(user)
    await person.send("/start")
    await person.press(situation)
    return person


async def saved(telegram: TelegramHarness, user: int, model: type) -> list:
    async with telegram.coach.database.transaction() as session:
        owner = (await session.exec(select(User).where(User.external_id == str(user)))).one()
        query = select(model).where(model.user_id == owner.id).order_by(col(model.id))
        return list((await session.exec(query)).all())


async def test_apology_flags_excuses_and_turns_repair_into_a_commitment(
    telegram: TelegramHarness,
) -> None:
    sam = await start(telegram, 7001, "I broke trust")
    await sam.send("/apology")
    assert "taking responsibility" in sam.text
    await sam.send("I lied about where I was for months, and it hurt you deeply.")
    await sam.send("I'm sorry you feel betrayed, but you were never home.")
    assert "“<b>i&#39;m sorry you feel</b>”" in sam.text and "“<b>but</b>”" in sam.text
    await sam.send("I lied to you. That was my choice, and it was wrong.")
    assert "Explanation, not justification" in sam.text
    await sam.press("Skip")
    await sam.send("I will tell you the truth even when it is hard")
    await sam.send("share my calendar with you")
    await sam.press("Every day")
    await sam.press("Ask, gently")
    assert "I lied to you. That was my choice, and it was wrong." in sam.text
    assert "To start repairing this, I will share my calendar with you." in sam.text
    await sam.press("Save it")
    (apology,) = await saved(telegram, 7001, Statement)
    assert apology.kind == "apology" and "but you were never home" not in apology.text
    (promise,) = await saved(telegram, 7001, Commitment)
    assert (promise.what, promise.how_often, promise.to_whom, promise.source) == (
        "share my calendar with you",
        "daily",
        "partner",
        "apology",
    )


async def test_boundaries_agreement_with_a_crossed_boundary_script(
    telegram: TelegramHarness,
) -> None:
    sam = await start(telegram, 7002, "I was hurt")
    await sam.send("/boundaries")
    await sam.press("Honesty")
    assert "look like in practice" in sam.text
    await sam.send("we tell each other about contact with her the same day")
    await sam.press("Add another")
    await sam.press("Space to process feelings")
    await sam.send("I can take an evening alone without explaining")
    assert "When a boundary is crossed" in sam.text and "Restate the boundary calmly" in sam.text
    await sam.send("we talk it through for twenty minutes that evening")
    await sam.press("Save it")
    (agreement,) = await saved(telegram, 7002, Statement)
    assert agreement.kind == "boundaries_agreement"
    assert agreement.text.startswith("Our boundaries. Honesty: we tell each other")
    assert "Space to process feelings: I can take an evening alone" in agreement.text
    assert "we restate it calmly and then we talk it through" in agreement.text


async def test_communication_agreement(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7003, "We're working on it together")
    await sam.send("/agreement")
    await sam.send("the kids, weekend plans")
    await sam.press("30 minutes")
    assert "no name-calling, no contempt" in sam.text
    await sam.press("We agree")
    await sam.send("the word pause")
    await sam.press("Later the same day")
    await sam.press("Short daily, longer weekly")
    await sam.press("Save it")
    (agreement,) = await saved(telegram, 7003, Statement)
    assert agreement.kind == "communication_agreement"
    assert "at most 30 minutes" in agreement.text and "the word pause" in agreement.text


async def test_trigger_plan_then_trigger_in_the_moment_uses_it(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7004, "I was hurt")
    await sam.send("/trigger")
    await sam.press("Done")
    assert "don't have a trigger plan yet" in sam.text
    await sam.press("4")
    await sam.send("/triggerplan")
    await sam.press("Reminders of what happened")
    await sam.send("my chest tightens")
    await sam.press("Slow breathing")
    await sam.press("Write down what I feel")
    assert "/trigger" in sam.text
    await sam.send("/trigger")
    assert "Breathe in for 4" in sam.text
    await sam.press("Done")
    assert "Here is the plan you made" in sam.text
    assert "I will first breathe slowly for a minute, then write down what I feel" in sam.text
    await sam.press("2")
    assert "Well done" in sam.text
    plans = [s for s in await saved(telegram, 7004, Statement) if s.kind == "trigger_plan"]
    assert len(plans) == 1
    ratings = await saved(telegram, 7004, Rating)
    assert [(r.phase, r.value) for r in ratings] == [("trigger", 4), ("trigger", 2)]


async def test_owning_my_part_without_self_blame(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7005, "I was hurt")
    await sam.send("/owning")
    assert "their choice to betray your trust was theirs" in sam.text
    await sam.press("I avoided difficult conversations")
    await sam.send("I never said I felt lonely last winter")
    await sam.send("I will say it when something bothers me")
    (reflection,) = await saved(telegram, 7005, Statement)
    assert reflection.kind == "owning_my_part"
    assert reflection.text.startswith("I avoided difficult conversations.")


async def test_forgiveness_is_never_pushed(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7006, "I was hurt")
    await sam.send("/forgive")
    assert "not condoning" in sam.text and "not reconciliation" in sam.text
    await sam.press("Not now")
    assert "owe it to no one" in sam.text
    assert await saved(telegram, 7006, Statement) == []
    await sam.send("/forgive")
    await sam.press("I'd like to try")
    await sam.press("Skip")
    await sam.press("Skip")
    await sam.send("when my sister forgave me for missing her wedding")
    await sam.press("Not yet")
    await sam.press("Skip")
    (reflection,) = await saved(telegram, 7006, Statement)
    assert reflection.kind == "forgiveness"
    assert reflection.text.startswith("I'm not ready to forgive yet, and that's all right.")


async def test_healing_and_a_promise_to_myself(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7007, "I'm healing")
    await sam.send("/healing")
    await sam.send("I need honesty and room to be myself")
    await sam.send("take an evening walk")
    await sam.press("Yes, add it")
    await sam.send("tell my friend Ana about the divorce")
    await sam.press("Trust takes time")
    await sam.send("Is this about them, or about before?")
    (reflection,) = await saved(telegram, 7007, Statement)
    assert (
        reflection.kind == "healing" and "Each day I will take an evening walk" in reflection.text
    )
    (promise,) = await saved(telegram, 7007, Commitment)
    assert (promise.what, promise.to_whom, promise.source) == (
        "take an evening walk",
        "myself",
        "healing",
    )


async def test_rituals_can_become_a_commitment(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7008, "We're working on it together")
    await sam.send("/rituals")
    await sam.send("raising our kids with kindness")
    await sam.send("our first trip to the sea")
    await sam.press("A weekly walk together")
    await sam.press("Every week")
    await sam.press("Yes, add it")
    (ritual,) = await saved(telegram, 7008, Statement)
    assert ritual.kind == "ritual" and "Our new ritual: a walk together, every week." in ritual.text
    (promise,) = await saved(telegram, 7008, Commitment)
    assert (promise.what, promise.how_often, promise.source) == (
        "a walk together",
        "weekly",
        "ritual",
    )


async def test_repair_exercises_are_withheld_while_unsafe(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7009, "I was hurt")
    await sam.send("he said he'd kill me if I leave")
    for command in ("/apology", "/boundaries", "/agreement", "/rituals"):
        await sam.send(command)
        assert "paused the exercises about repairing" in sam.text, command
    await sam.send("/triggerplan")
    assert "What tends to trigger you" in sam.text, "personal exercises stay open"
