"""Over HTTP: no side door to withheld exercises, tiers, safety mode, own violence, languages."""

from __future__ import annotations

from sqlmodel import select

from bot.dialogue import callbacks
from bot.store.models import User
from tests.telegram_harness import TelegramHarness
from tests.test_path_and_mine import make_i_statement, onboard

THREAT = "he said he'd kill me if I leave"
CHECKED = "i had thoughts of ending my life after my divorce in 2010 but that's long gone"
WITHHELD = "paused the exercises about repairing"


async def user_row(harness: TelegramHarness, user_id: int) -> User:
    async with harness.coach.database.transaction() as session:
        return (await session.exec(select(User).where(User.external_id == str(user_id)))).one()


async def test_no_path_reaches_a_withheld_exercise(telegram: TelegramHarness) -> None:
    sam = await onboard(telegram, 7101)
    await make_i_statement(sam)
    await sam.send("/istatement")
    await sam.send("You never call")
    await sam.send("you didn't call on Friday")
    assert "hurt" in sam.buttons(), "the feelings step"
    old_step = sam.latest_keyboard_message()
    assert old_step is not None
    old_answers = [
        b["callback_data"] for row in old_step["reply_markup"]["inline_keyboard"] for b in row
    ]
    await sam.send(THREAT)
    assert "the goal is safety, not rebuilding trust" in sam.text
    await sam.send("/menu")
    labels = " | ".join(sam.buttons())
    for closed in (
        "Continue",
        "I-statement",
        "Owning my part",
        "Forgiveness",
        "Reflective listening",
    ):
        assert closed not in labels, closed
    await sam.press_data(callbacks.action("continue"))
    assert WITHHELD in sam.text and "The observation" not in sam.text
    await sam.press_data(old_answers[0], old_step)
    assert WITHHELD in sam.text, "a button in an old message is no way in"
    await sam.press_data(callbacks.action("start", "owning"))
    assert "not your fault" in sam.text or WITHHELD in sam.text
    await sam.press_data(callbacks.action("start", "forgiveness"))
    assert "Forgive" not in sam.text.split("\n")[0]
    await sam.send("/path")
    assert "I-statement" not in " ".join(sam.buttons())
    await sam.send("/mine")
    await sam.press("I-statement")
    await sam.press("✏️ Edit")
    assert WITHHELD in sam.text, "editing a saved I-statement is couple repair too"
    await sam.press_data(callbacks.action("safe", "yes"))  # the old one-tap "I'm safe" button
    assert "Are you still afraid of your partner" in sam.text
    assert (await user_row(telegram, 7101)).safety_flag == "harm_from_others"


async def test_reopening_takes_three_answers_and_unsure_keeps_it_closed(
    telegram: TelegramHarness,
) -> None:
    sam = await onboard(telegram, 7102)
    await sam.send(THREAT)
    await sam.send("/istatement")
    await sam.press("Things have changed")
    await sam.press("I'm not sure")
    assert "stay closed for now" in sam.text
    assert (await user_row(telegram, 7102)).safety_flag == "harm_from_others"
    await sam.send("/istatement")
    await sam.press("Things have changed")
    await sam.press("No")
    await sam.press("Not yet")
    assert "worth having whatever happens" in sam.text
    await sam.press("Not yet")
    assert (await user_row(telegram, 7102)).safety_flag == "harm_from_others"
    await sam.send("/istatement")
    await sam.press("Things have changed")
    await sam.press("No")
    await sam.press("Yes")
    await sam.press("Yes, open them")
    assert "open again" in sam.text and "stay closed" in sam.text, "owning and forgiveness stay"
    row = await user_row(telegram, 7102)
    assert row.safety_flag is None and row.abuse_disclosed
    await sam.send("/istatement")
    assert "When X happens" in sam.text
    await sam.send("/menu")
    assert "Owning my part" not in " ".join(sam.buttons())


async def test_the_middle_tier_is_a_one_tap_check(telegram: TelegramHarness) -> None:
    ana = await onboard(telegram, 7103)
    await ana.send("/istatement")
    await ana.send(CHECKED)
    assert "are you safe right now?" in ana.text
    assert ana.buttons() == ["Yes, I'm safe", "No", "I'm not sure"]
    await ana.press("Yes, I'm safe")
    assert "glad you're safe" in ana.text
    await ana.press("↩ Continue")
    assert "Write what you want to tell your partner" in ana.text
    await ana.send(CHECKED)
    assert "are you safe right now?" not in ana.text, "not asked again right after a yes"
    await ana.send("i want to kill myself")
    assert "Please talk to someone now" in ana.text, "the crisis answer is never held back"

    ben = await onboard(telegram, 7104)
    await ben.send(CHECKED)
    await ben.press("I'm not sure")
    assert "Please talk to someone now" in ben.text and "Make a safety plan" in ben.buttons()

    cat = await onboard(telegram, 7105)
    await cat.send(CHECKED)
    await cat.send("nope")
    assert "Please talk to someone now" in cat.text, "a typed answer counts as the tap"


async def test_safety_mode_stays_varies_and_always_offers_a_next_step(
    telegram: TelegramHarness,
) -> None:
    sam = await onboard(telegram, 7106)
    await sam.send("/compassion")
    await sam.send("i want to kill myself")
    assert "Please talk to someone now" in sam.text
    replies = []
    for message in ("I don't know, it's just too much", "idk", "everything"):
        await sam.send(message)
        assert "Continue" not in " ".join(sam.buttons()), "not back to the exercise"
        assert sam.buttons(), "every answer has a next step"
        replies.append(sam.text)
    assert len(set(replies)) == 3, "the answers vary"
    await sam.send("i want to kill myself")
    assert "still here" in sam.text or "again" in sam.text, "a repeat is not the same speech"


async def test_risk_adds_up_over_a_short_window(telegram: TelegramHarness) -> None:
    sam = await onboard(telegram, 7107)
    await sam.send("goodbye x")
    assert "are you safe right now?" in sam.text, "alone: the check"
    other = await onboard(telegram, 7108)
    await other.send("i've decided")
    await other.send("goodbye x")
    assert "Please talk to someone now" in other.text, "after 'i've decided': the crisis"


async def test_follow_up_worse_reopens_the_conversation_with_buttons(
    telegram: TelegramHarness,
) -> None:
    sam = await onboard(telegram, 7109)
    await sam.send("i want to kill myself")
    await sam.press("Check on me tomorrow")
    await sam.press_data(callbacks.action("followup", "worse"))
    assert "harder today" in sam.text
    assert "Make a safety plan" in sam.buttons()
    await sam.send("it's all too much")
    assert "Continue" not in " ".join(sam.buttons())


async def test_own_violence_stops_coaching_and_closes_repair(telegram: TelegramHarness) -> None:
    person = telegram.person(7110, "en-GB")
    await person.send("/start")
    await person.press("I broke trust and want to repair it")
    await person.press("Not now")  # the country: later
    await person.send("/apology")
    await person.send("I hit her when she found out about the affair")
    assert "that is violence" in person.text and "Respect Phoneline" in person.text
    assert "free of blame words" not in person.text
    row = await user_row(telegram, 7110)
    assert row.safety_flag == "own_violence"
    await person.send("/istatement")
    assert "Stopping the violence comes first" in person.text


async def test_other_languages_get_their_own_answer_and_local_lines(
    telegram: TelegramHarness,
) -> None:
    lucia = await onboard(telegram, 7111)
    await lucia.send("/country")
    await lucia.press("Spain")
    await lucia.send("ya no quiero vivir, esta noche me tomo todas las pastillas")
    assert "Por favor" in lucia.text and "016" not in lucia.text
    assert "Make a safety plan" in lucia.buttons()
    hans = await onboard(telegram, 7112)
    await hans.send("er hat gedroht mich umzubringen wenn ich gehe")
    assert "Danke, dass du es mir erzählst" in hans.text
    await hans.send("/sos")
    assert "112" in hans.text or "emergency" in hans.text


async def test_an_unknown_country_gets_a_country_button(telegram: TelegramHarness) -> None:
    sam = telegram.person(7113, "en")
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    await sam.send("i want to kill myself")
    assert any("country" in label.lower() for label in sam.buttons())


async def test_a_plan_made_after_an_abuse_disclosure_lists_the_abuse_line(
    telegram: TelegramHarness,
) -> None:
    sam = telegram.person(7114, "en-AU")
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    await sam.send(THREAT)
    await sam.press("Make a safety plan")
    for answer in ("he starts shouting", "walking the dog", "my sister Jo"):
        await sam.send(answer)
    await sam.press("Skip")
    assert "safety plan is saved" in sam.text
    assert "1800RESPECT" in sam.text and "Lifeline" not in sam.text


async def test_a_city_in_settings_sets_the_help_lines_country(telegram: TelegramHarness) -> None:
    sam = await onboard(telegram, 7115)
    assert (await user_row(telegram, 7115)).country is None
    await sam.send("/settings")
    await sam.press("⏰ Set up check-ins")
    await sam.send("Madrid")
    assert (await user_row(telegram, 7115)).country == "ES"
    await sam.send("/sos")
    assert "016" in sam.text and "024" in sam.text
