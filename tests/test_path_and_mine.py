"""The personal path (/path, the next step in /menu) and /mine: view, edit, delete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.content.bundle import Content
from bot.core.router import Router
from bot.core.turn import Profile
from bot.messages import Incoming
from bot.store.models import Statement
from tests.telegram_harness import Person, TelegramHarness

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def path_of(content: Content, situation: str, done: set[str], unsafe: bool = False) -> str:
    """The /path text for a user in that situation who has completed `done`."""
    router = Router(content)
    profile = Profile(situation=situation, safety_flag="harm_from_others" if unsafe else None)
    incoming = Incoming("telegram", "1", "command", "path")
    turn = router.route(profile, None, incoming, NOW, {"done": frozenset(done)})
    return turn.replies[0].text


def steps_of(content: Content, situation: str) -> list[str]:
    return [f for f in content.paths[situation] if f in content.flows]


@pytest.mark.parametrize("situation", ["hurt", "repairing", "healing", "together"])
def test_each_situation_has_a_path_that_moves_on_with_progress(
    content: Content, situation: str
) -> None:
    steps = steps_of(content, situation)
    assert len(steps) >= 3
    titles = [content.texts.render(f"{f}.title") for f in steps]
    fresh = path_of(content, situation, set())
    assert f"➡ {titles[0]}" in fresh and "Done" not in fresh
    later = path_of(content, situation, {steps[0]})
    assert f"✓ {titles[0]}" in later and f"➡ {titles[1]}" in later
    walked = path_of(content, situation, set(steps))
    assert "➡" not in walked or all(f"➡ {t}" not in walked for t in titles)


def test_the_path_leads_each_situation_where_the_seeds_point(content: Content) -> None:
    assert steps_of(content, "hurt")[0] == "compassion"
    assert steps_of(content, "healing")[0] == "compassion"
    repairing = steps_of(content, "repairing")
    if "apology" in content.flows:
        assert repairing[0] == "apology", "someone who broke trust starts with the apology"
    if "healing" in content.flows:
        assert steps_of(content, "healing")[1] == "healing"


def test_repair_steps_leave_the_path_while_someone_is_unsafe(content: Content) -> None:
    repair = [f for f in steps_of(content, "together") if content.flows[f].repair]
    text = path_of(content, "together", set(), unsafe=True)
    for flow_id in repair:
        assert content.texts.render(f"{flow_id}.title") not in text


async def onboard(telegram: TelegramHarness, user: int, situation: str = "I was hurt") -> Person:
    person = telegram.person(user)
    await person.send("/start")
    await person.press(situation)
    await person.press("Not now")  # the country: later
    return person


async def test_menu_puts_the_next_step_first_and_moves_on(telegram: TelegramHarness) -> None:
    sam = await onboard(telegram, 6001)
    await sam.send("/menu")
    assert sam.buttons()[0] == "➡ Next: Self-compassion break"
    assert "<b>Exercises</b>\nNext on your path: <i>Self-compassion break</i>" in sam.text
    assert "Self-compassion break" not in sam.buttons()[1:], "listed once"
    await sam.press("➡ Next")
    for answer in ("2", "the texts I found", "hurt", "I'm with you", "I'm doing my best", "2"):
        if answer in sam.buttons():
            await sam.press(answer)
        else:
            await sam.send(answer)
    await sam.send("/menu")
    assert sam.buttons()[0].startswith("➡ Next: ") and "Self-compassion" not in sam.buttons()[0]
    await sam.send("/path")
    assert "✓ Self-compassion break" in sam.text


async def make_i_statement(person: Person) -> None:
    await person.send("/istatement")
    await person.send("You never call")
    await person.send("you didn't call on Friday")
    await person.press("hurt")
    await person.send("to hear from you")
    await person.press("Skip")
    await person.press("Save it")


async def test_mine_views_edits_and_deletes(telegram: TelegramHarness) -> None:
    sam = await onboard(telegram, 6002)
    await make_i_statement(sam)
    await sam.send("/mine")
    assert "I-statement" in sam.text
    await sam.press("I-statement")
    assert "When you didn&#39;t call on Friday" in sam.text, "shown as typed, escaped"
    await sam.press("✏️ Edit")
    await sam.send("When you don't call, I feel hurt, and I need to hear from you.")
    assert "Saved" in sam.text
    async with telegram.coach.database.transaction() as session:
        (saved,) = (await session.exec(select(Statement))).all()
    assert saved.text == "When you don't call, I feel hurt, and I need to hear from you."
    await sam.send("/mine")
    await sam.press("I-statement")
    await sam.press("🗑 Delete")
    assert "can't be undone" in sam.text
    await sam.press("Yes, delete it")
    assert "Deleted" in sam.text and "Nothing saved yet" in sam.text
    async with telegram.coach.database.transaction() as session:
        assert (await session.exec(select(Statement))).all() == []


async def test_mine_refuses_another_users_records(telegram: TelegramHarness) -> None:
    owner = await onboard(telegram, 6003)
    await make_i_statement(owner)
    async with telegram.coach.database.transaction() as session:
        (theirs,) = (await session.exec(select(Statement))).all()
    intruder = await onboard(telegram, 6004)
    await intruder.press_data(f"a|idelyes|{theirs.id}")
    await intruder.press_data(f"a|item|{theirs.id}")
    assert "couldn't find that" in intruder.text
    assert "When you didn" not in intruder.text
    async with telegram.coach.database.transaction() as session:
        assert (await session.exec(select(Statement))).all() == [theirs]
