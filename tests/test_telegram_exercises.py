"""Onboarding and the three core exercises, end to end over HTTP against the fake Bot API."""

from __future__ import annotations

import html

from sqlmodel import select

from bot.store.models import FlowRun, Rating, Statement, User
from tests.telegram_harness import Person, TelegramHarness


async def onboard(person: Person, situation: str = "I was hurt") -> None:
    await person.send("/start")
    await person.press(situation)
    await person.press("Not now")  # the country: later


async def rows(harness: TelegramHarness, model: type) -> list:
    async with harness.coach.database.transaction() as session:
        return list((await session.exec(select(model))).all())


async def test_onboarding_stores_the_situation_and_suggests_a_path(
    telegram: TelegramHarness,
) -> None:
    sam = telegram.person(1001)
    await sam.send("/start")
    assert "I'm Mend" in sam.text and "coach, not a therapist" in sam.text
    assert "therapist or couples counsellor" in sam.text
    assert "Anyone with access to this phone can read this chat" in sam.text
    assert "/hide" in sam.text
    assert sam.buttons() == [
        "I was hurt",
        "I broke trust and want to repair it",
        "I'm healing, to trust again in future",
        "We're working on it together",
    ]
    await sam.press("I broke trust")
    assert "Thank you for being honest" in sam.text
    assert "which country are you in?" in sam.text, "the help lines' country, in one tap"
    await sam.press("Not now")
    assert sam.buttons()[0] == "Apology with a repair plan", "someone repairing: apology first"
    users = await rows(telegram, User)
    assert [(u.external_id, u.situation, u.language_code) for u in users] == [
        ("1001", "repairing", "en")
    ]


async def test_second_start_keeps_everything(telegram: TelegramHarness) -> None:
    sam = telegram.person(1002)
    await onboard(sam, "I'm healing")
    await sam.send("/start")
    assert "Welcome back" in sam.text
    users = await rows(telegram, User)
    assert users[0].situation == "healing"


async def test_commands_are_registered_with_the_bot_api(telegram: TelegramHarness) -> None:
    calls = [c for c in telegram.fake.calls if c.method == "setMyCommands"]
    names = [c["command"] for c in calls[0].params["commands"]]
    assert names[:2] == ["start", "menu"]
    core = {"help", "sos", "cancel", "hide", "export", "delete", "settings", "checkin"}
    assert core | {"istatement", "listen", "compassion", "professional", "safetyplan"} <= set(names)
    assert len(names) == len(set(names)) <= 100, "Telegram takes at most 100 commands"
    assert all(c["description"] for c in calls[0].params["commands"])


async def test_menu_suggests_by_situation(telegram: TelegramHarness) -> None:
    hurt, together = telegram.person(1003), telegram.person(1004)
    await onboard(hurt, "I was hurt")
    await onboard(together, "We're working on it together")
    await hurt.send("/menu")
    assert hurt.buttons()[0] == "➡ Next: Self-compassion break"
    await together.send("/menu")
    assert together.buttons()[0].startswith("➡ Next: ")
    assert together.buttons()[0] != hurt.buttons()[0], "each situation has its own path"


async def test_i_statement_seed_example_end_to_end(telegram_any_db: TelegramHarness) -> None:
    sam = telegram_any_db.person(1005)
    await onboard(sam)
    await sam.send("/istatement")
    assert "When X happens, I feel Y, and I need Z" in sam.text
    await sam.send("You always make me feel insecure")
    assert "“<b>you always</b>”" in sam.text and "“<b>make me feel</b>”" in sam.text
    await sam.send("this happens")
    assert sam.buttons()[0] == "insecure"
    await sam.press("insecure")
    await sam.send("to understand why")
    await sam.press("Skip")
    assert "When this happens, I feel insecure, and I need to understand why." in sam.text
    await sam.press("Save it")
    assert sam.texts[1] == "When this happens, I feel insecure, and I need to understand why."
    statements = await rows(telegram_any_db, Statement)
    assert [(s.kind, s.text) for s in statements] == [
        ("istatement", "When this happens, I feel insecure, and I need to understand why.")
    ]
    runs = await rows(telegram_any_db, FlowRun)
    assert {(r.flow, r.status) for r in runs} == {
        ("onboarding", "completed"),
        ("istatement", "completed"),
    }


async def test_onboarding_suggests_the_country_from_language_and_zone(
    telegram: TelegramHarness,
) -> None:
    gb = telegram.person(1011, "en-GB")
    await gb.send("/start")
    await gb.press("I was hurt")
    assert gb.buttons() == ["UK", "Another country", "Not now"]
    await gb.press("UK")
    assert "UK: in danger, 999" in gb.text
    assert (await rows(telegram, User))[-1].country == "GB"
    de = telegram.person(1012, "de")
    await de.send("/start")
    await de.press("I was hurt")
    await de.press("Another country")
    assert len(de.buttons()) == 31 and de.buttons()[0] == "Germany", "suggested first, then all"
    await de.press("Mine isn't listed")
    assert "international lines" in de.text
    assert (await rows(telegram, User))[-1].country is None
    typed = telegram.person(1013, "en")
    await typed.send("/start")
    await typed.press("I was hurt")
    await typed.send("narnia")
    assert "I don't know that country" in typed.text
    await typed.send("the uk")
    assert "UK: in danger, 999" in typed.text, "a country typed by name counts"


async def test_button_presses_are_answered(telegram: TelegramHarness) -> None:
    sam = telegram.person(1006)
    await sam.send("/start")
    await sam.press("I was hurt")
    answered = [c for c in telegram.fake.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 1
    await sam.press("Not now")  # the country: later
    answered = [c for c in telegram.fake.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 2


async def test_reflective_listening_end_to_end(telegram: TelegramHarness) -> None:
    sam = telegram.person(1007)
    await onboard(sam, "I broke trust")
    await sam.send("/listen")
    assert "mirror" in sam.text.lower()
    await sam.send("I can't trust anything you say anymore")
    await sam.send("What I hear you saying is you can't trust me, but I've changed")
    assert "<b>but</b>" in sam.text and "A mirror only reflects" in sam.text
    await sam.send("What I hear you saying is that you can't trust what I say right now")
    assert "Validate" in sam.text
    await sam.send("It makes sense that you doubt me because I lied for months")
    assert "Empathise" in sam.text
    await sam.press("scared")
    assert "Did I get that right? Is there more?" in sam.text
    await sam.press("Yes, that's it")
    summary = (
        "What I hear you saying is that you can't trust what I say right now. It makes sense that "
        "you doubt me because I lied for months. I imagine you feel scared. "
        "Did I get that right? Is there more?"
    )
    assert html.unescape(sam.texts[1]) == summary
    assert [s.text for s in await rows(telegram, Statement)] == [summary]


async def test_self_compassion_break_end_to_end(telegram_any_db: TelegramHarness) -> None:
    sam = telegram_any_db.person(1008)
    await onboard(sam)
    await sam.send("/compassion")
    assert sam.buttons() == ["1", "2", "3", "4", "5"]
    await sam.press("5")
    await sam.send("I found messages on his phone")
    assert "This is a moment of suffering" in sam.text
    await sam.press("hurt")
    assert "you are not to blame for someone else's actions" in sam.text
    await sam.press("I'm with you")
    await sam.press("I don't know what to say")
    assert "What would you say to them?" in sam.text
    await sam.send("None of this is your fault, and you will get through it")
    assert "as if it were meant for you" in sam.text
    await sam.press("3")
    assert "went from 5 to 3" in sam.text
    ratings = await rows(telegram_any_db, Rating)
    assert sorted((r.phase, r.value) for r in ratings) == [("after", 3), ("before", 5)]
    statements = await rows(telegram_any_db, Statement)
    assert [(s.kind, s.text) for s in statements] == [
        ("self_kindness", "None of this is your fault, and you will get through it")
    ]


async def test_cancel_keeps_answers_and_menu_offers_to_continue(telegram: TelegramHarness) -> None:
    sam = telegram.person(1009)
    await onboard(sam)
    await sam.send("/istatement")
    await sam.send("You never listen")
    await sam.send("/menu")
    assert sam.buttons()[0] == "↩ Continue: I-statement"
    await sam.press("↩ Continue")
    assert "The observation" in sam.text
    await sam.send("/cancel")
    assert "Your answers so far are kept" in sam.text
    runs = {r.flow: r for r in await rows(telegram, FlowRun)}
    assert runs["istatement"].status == "left"
    assert runs["istatement"].state["answers"] == {"draft": "You never listen"}
    await sam.send("/cancel")
    assert "no exercise under way" in sam.text


async def test_text_outside_an_exercise_points_to_the_menu(telegram: TelegramHarness) -> None:
    sam = telegram.person(1010)
    await onboard(sam)
    await sam.send("hello?")
    assert "/help" in sam.text
    assert sam.buttons() == ["☰ Menu"]
    await sam.press("☰ Menu")
    assert "Exercises" in sam.text


async def test_starting_the_same_exercise_again_carries_on(telegram: TelegramHarness) -> None:
    sam = telegram.person(1011)
    await onboard(sam)
    await sam.send("/istatement")
    await sam.send("You never listen")
    await sam.send("/istatement")
    assert "already in this exercise" in sam.text
    assert "The observation" in sam.text


async def test_two_users_do_not_share_state(telegram: TelegramHarness) -> None:
    ana, ben = telegram.person(1012), telegram.person(1013)
    await onboard(ana)
    await onboard(ben, "I broke trust")
    await ana.send("/compassion")
    await ben.send("/istatement")
    await ana.press("2")
    assert "what's weighing on you" in ana.text
    await ben.send("I want to say sorry")
    assert "The observation" in ben.text
