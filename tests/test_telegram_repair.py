"""The repair toolkit end to end over HTTP: each flow, its buttons, and what it saves."""

from __future__ import annotations

from markupsafe import escape
from sqlmodel import col, select

from bot.store.models import Commitment, Rating, Statement, User
from tests.telegram_harness import Person, TelegramHarness


async def start(telegram: TelegramHarness, user: int, situation: str) -> Person:
    person = telegram.person(user)
    await person.send("/start")
    await person.press(situation)
    await person.press("Not now")  # the country: later
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


async def test_apology_keeps_a_second_excuse_only_when_asked_to(
    telegram: TelegramHarness,
) -> None:
    sam = await start(telegram, 7010, "I broke trust")
    await sam.send("/apology")
    await sam.send("I hid messages from you")
    await sam.send("It just happened, but I was drunk")
    assert "“<b>it just happened</b>”" in sam.text and "“<b>i was drunk</b>”" in sam.text
    assert "a “but” tends to cancel what came before it" in sam.text
    assert sam.text.count("“<b>but</b>”") == 1
    await sam.send("I was drunk, and it still happened")
    assert "still has “<b>i was drunk</b>”" in sam.text
    assert sam.buttons() == ["Keep what I wrote"]
    await sam.press("Keep what I wrote")
    assert "Explanation, not justification" in sam.text
    await sam.send("I was afraid of the conversation we needed to have")
    await sam.send("I have learned that hiding makes everything worse")
    await sam.send("I will tell you within a day if she writes")
    await sam.send("every time she writes")
    await sam.press("Not now")
    assert "I was drunk, and it still happened." in sam.text
    assert "not an excuse" in sam.text and "forgive" not in sam.text
    await sam.press("Save it")
    (apology,) = await saved(telegram, 7010, Statement)
    assert str(escape(apology.text)) in sam.texts, "the apology alone, to copy"
    assert "To start repairing this, I will tell you within a day if she writes." in apology.text
    (promise,) = await saved(telegram, 7010, Commitment)
    assert (promise.what, promise.how_often, promise.source) == (
        "I will tell you within a day if she writes",
        "every time she writes",
        "apology",
    )
    await sam.send("/commitments")
    assert "every time she writes" in sam.text


async def test_the_toolkit_is_in_help_and_in_the_command_list(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7011, "I was hurt")
    await sam.send("/help")
    toolkit = sam.text.split("<b>Repair toolkit</b>")[1].split("<b>")[0]
    for command in (
        "apology",
        "boundaries",
        "agreement",
        "triggerplan",
        "trigger",
        "owning",
        "forgive",
        "healing",
        "rituals",
    ):
        assert f"/{command}:" in toolkit, command
    (registered, *_) = [c for c in telegram.fake.calls if c.method == "setMyCommands"]
    names = {c["command"] for c in registered.params["commands"]}
    assert {"apology", "boundaries", "agreement", "triggerplan", "trigger", "rituals"} <= names


async def test_boundaries_agreement_with_a_crossed_boundary_script(
    telegram: TelegramHarness,
) -> None:
    sam = await start(telegram, 7002, "I was hurt")
    await sam.send("/boundaries")
    await sam.press("Honesty")
    assert "look like in practice" in sam.text
    await sam.send("we tell each other about contact with her the same day")
    await sam.press("Add a second")
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


async def test_boundaries_start_again_forgets_the_earlier_second_boundary(
    telegram: TelegramHarness,
) -> None:
    sam = await start(telegram, 7012, "We're working on it together")
    await sam.send("/boundaries")
    await sam.press("Privacy")
    await sam.send("we knock before coming into the study")
    await sam.press("Add a second")
    await sam.send("Time with my own friends")
    assert "<b>time with my own friends</b>" in sam.text, "a typed value is named back"
    await sam.send("one evening a month with them")
    await sam.send("we pause and talk the next morning")
    assert "Time with my own friends: one evening a month" in sam.text
    await sam.press("Start again")
    await sam.press("Honesty")
    await sam.send("we share calendars")
    await sam.press("One is enough")
    await sam.send("we name it and agree a repair")
    assert "friends" not in sam.text
    await sam.press("Save it")
    (agreement,) = await saved(telegram, 7012, Statement)
    assert agreement.text == (
        "Our boundaries. Honesty: we share calendars. When a boundary is crossed, "
        "we restate it calmly and then we name it and agree a repair."
    )


async def test_communication_agreement(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7003, "We're working on it together")
    await sam.send("/agreement")
    await sam.send("the kids, weekend plans")
    await sam.press("30 minutes")
    assert "no name-calling, no contempt" in sam.text
    await sam.press("We agree")
    await sam.send("the word pause")
    await sam.press("Later the same day")
    assert sam.buttons()[:2] == [
        "Short daily, longer weekly",
        "Daily, weekly, and a monthly review",
    ]
    await sam.press("Daily, weekly, and a monthly review")
    assert "Safe topics: the kids, weekend plans." in sam.text
    await sam.press("Save it")
    (agreement,) = await saved(telegram, 7003, Statement)
    assert agreement.kind == "communication_agreement"
    assert "at most 30 minutes" in agreement.text and "the word pause" in agreement.text
    assert "No name-calling, no contempt" in agreement.text
    assert "resumes later the same day" in agreement.text
    assert "a review of our progress monthly" in agreement.text


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
    await sam.send("/triggerplan")
    await sam.send("late replies to my messages")
    await sam.press("Skip")
    await sam.press("Step away for 20 minutes")
    await sam.send("ask for what I need, calmly")
    await sam.send("/trigger")
    await sam.press("Done")
    assert "When I&#39;m triggered by late replies to my messages, I will first step away" in (
        sam.text
    ), "the latest plan is the one shown"
    assert "breathe slowly" not in sam.text
    await sam.press("5")
    assert "It's still strong" in sam.text and "/sos" in sam.text
    plans = [s for s in await saved(telegram, 7004, Statement) if s.kind == "trigger_plan"]
    assert len(plans) == 2
    assert plans[1].text == (
        "When I'm triggered by late replies to my messages, I will first step away for "
        "twenty minutes, then ask for what I need, calmly."
    )
    ratings = await saved(telegram, 7004, Rating)
    assert [(r.phase, r.value) for r in ratings] == [("trigger", 4), ("trigger", 2), ("trigger", 5)]


async def test_owning_my_part_without_self_blame(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7005, "I was hurt")
    await sam.send("/owning")
    assert "their choice to betray your trust was theirs" in sam.text
    await sam.press("I avoided difficult conversations")
    await sam.send("I never said I felt lonely last winter")
    await sam.send("I will say it when something bothers me")
    assert "<b>not</b> yours to carry" in sam.text
    assert await saved(telegram, 7005, Statement) == []
    await sam.press("Their choices are theirs, not mine")
    (reflection,) = await saved(telegram, 7005, Statement)
    assert reflection.kind == "owning_my_part"
    assert reflection.text.startswith("I avoided difficult conversations.")
    assert reflection.text.endswith(
        "What is not mine to carry: their choices are theirs, not mine."
    )
    assert "not responsible for anyone else's choices" in sam.text


async def test_owning_finds_nothing_without_fault_finding(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7013, "I broke trust")
    await sam.send("/owning")
    assert "/apology is where you own that choice" in sam.text
    await sam.press("None of these")
    assert "you don't have to find fault with yourself" in sam.text
    assert await saved(telegram, 7013, Statement) == []


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


async def test_forgiveness_can_stop_at_any_step_or_go_all_the_way(
    telegram: TelegramHarness,
) -> None:
    sam = await start(telegram, 7014, "I'm healing")
    await sam.send("/forgive")
    await sam.press("I'd like to try")
    await sam.send("He lied for a year and I stopped trusting myself")
    assert sam.buttons() == ["Stop for now", "Skip"]
    await sam.press("Stop for now")
    assert "nothing has been saved" in sam.text
    assert await saved(telegram, 7014, Statement) == []
    await sam.send("/forgive")
    await sam.press("I'd like to try")
    await sam.send("He lied for a year")
    await sam.send("He was afraid of losing everything")
    await sam.send("My brother forgave me for the car")
    await sam.press("I choose to work toward forgiving")
    await sam.send("It's a wave, and it passes")
    assert "a gift to yourself" in sam.text
    (reflection,) = await saved(telegram, 7014, Statement)
    assert reflection.text == (
        "I choose to work toward forgiving. It is not condoning, and it is not reconciliation. "
        "What happened: he lied for a year. What might have been going on for them: he was "
        "afraid of losing everything. When I was forgiven: my brother forgave me for the car. "
        "When the hurt returns, I'll remind myself: It's a wave, and it passes."
    )


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


async def test_a_ritual_of_our_own_without_a_commitment(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7015, "We're working on it together")
    await sam.send("/rituals")
    await sam.send("honesty and adventure")
    await sam.send("the night the car broke down and we laughed")
    await sam.send("Sunday breakfast with phones off")
    await sam.press("Every week")
    await sam.press("No, thanks")
    (ritual,) = await saved(telegram, 7015, Statement)
    assert "Our new ritual: Sunday breakfast with phones off, every week." in ritual.text
    assert await saved(telegram, 7015, Commitment) == []


async def test_repair_exercises_are_withheld_while_unsafe(telegram: TelegramHarness) -> None:
    sam = await start(telegram, 7009, "I was hurt")
    await sam.send("he said he'd kill me if I leave")
    for command in ("/apology", "/boundaries", "/agreement", "/rituals"):
        await sam.send(command)
        assert "paused the exercises about repairing" in sam.text, command
    await sam.send("/triggerplan")
    assert "What tends to trigger you" in sam.text, "personal exercises stay open"
