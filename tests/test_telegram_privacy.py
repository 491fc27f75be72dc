"""Privacy over HTTP: /export is complete, /delete leaves nothing, /hide clears the chat."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.store.export import user_tables
from tests.telegram_harness import Person, TelegramHarness


async def with_history(harness: TelegramHarness, user_id: int) -> Person:
    sam = harness.person(user_id, "en-GB")
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    await sam.send("/compassion")
    await sam.press("4")
    await sam.send("He lied about the trip to Leeds")
    await sam.press("hurt")
    await sam.press("I'm with you")
    await sam.send("I deserve honesty")
    await sam.press("2")
    await sam.send("/istatement")
    await sam.send("You never told me about Leeds")
    return sam


async def counts(harness: TelegramHarness, user_id: int) -> dict[str, int]:
    found = {}
    async with harness.coach.database.transaction() as session:
        internal = (
            await session.exec(
                select(user_tables()[0].c.id).where(user_tables()[0].c.external_id == str(user_id))
            )
        ).scalar()
        for table in user_tables():
            key = table.c.id if table.name == "users" else table.c.user_id
            found[table.name] = (
                await session.exec(select(func.count()).select_from(table).where(key == internal))
            ).scalar_one()
    return found


async def test_export_sends_everything_as_a_json_document(telegram_any_db: TelegramHarness) -> None:
    sam = await with_history(telegram_any_db, 6001)
    await sam.send("/export")
    documents = [c for c in sam.last if c.method == "sendDocument"]
    assert len(documents) == 1
    data = json.loads(next(iter(documents[0].files.values())))
    assert data["format"] == "mend-export/1"
    assert {t.name for t in user_tables()} <= set(data)
    assert data["users"]["situation"] == "hurt" and data["users"]["external_id"] == "6001"
    assert [s["text"] for s in data["statements"]] == ["I deserve honesty"]
    assert sorted((r["phase"], r["value"]) for r in data["ratings"]) == [
        ("after", 2),
        ("before", 4),
    ]
    runs = {r["flow"]: r for r in data["flow_runs"]}
    assert runs["compassion"]["state"]["answers"]["situation"] == "He lied about the trip to Leeds"
    assert runs["istatement"]["state"]["answers"]["draft"] == "You never told me about Leeds"


async def test_delete_after_confirmation_leaves_no_row(telegram_any_db: TelegramHarness) -> None:
    sam = await with_history(telegram_any_db, 6002)
    kept = await with_history(telegram_any_db, 6003)
    await sam.send("/settings")
    await sam.press("⏰ Set up check-ins")
    await sam.send("London")
    await sam.send("9pm")
    await sam.press("Daily only")
    await sam.send("/commitments")
    await sam.press("➕ Add a commitment")
    await sam.send("Share my calendar")
    await sam.press("Every day")
    await sam.press("My partner")
    await sam.send("/checkin")
    await sam.press("Daily check-in")
    await sam.press("3")
    await sam.press("No")
    await sam.press("Skip")
    before = await counts(telegram_any_db, 6002)
    for table in ("checkin_schedules", "commitments", "checkin_entries", "milestones"):
        assert before[table] >= 1, table
    await sam.send("/delete")
    assert "can't be undone" in sam.text
    await sam.press("No, keep it")
    assert "Nothing was deleted" in sam.text
    assert (await counts(telegram_any_db, 6002))["statements"] == 1
    await sam.send("/delete")
    await sam.press("Yes, erase everything")
    assert "has been erased" in sam.text
    assert await counts(telegram_any_db, 6002) == {t.name: 0 for t in user_tables()}
    assert (await counts(telegram_any_db, 6003))["statements"] == 1
    await kept.send("/menu")
    assert "Exercises" in kept.text


async def test_hide_deletes_the_last_48_hours_both_ways(telegram: TelegramHarness) -> None:
    sam = await with_history(telegram, 6004)
    first_message_id = min(
        m["message_id"] for (chat, _), m in telegram.fake.messages.items() if chat == 6004
    )
    await sam.send("/hide")
    deletions = [c for c in telegram.fake.calls if c.method == "deleteMessages"]
    deleted = {i for call in deletions for i in call.params["message_ids"]}
    assert deleted and all(len(c.params["message_ids"]) <= 100 for c in deletions)
    assert min(deleted) <= first_message_id
    assert "Telegram doesn't let a bot delete anything older" in sam.text
    remaining = [m for (chat, _), m in telegram.fake.messages.items() if chat == 6004]
    assert [m.get("text", "") for m in remaining] == [sam.texts[-1]], "only the notice is left"
