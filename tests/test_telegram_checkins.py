"""Check-ins end to end over HTTP: settings, a controllable clock, the ledger and the reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import col, select

from bot.checkins.dispatcher import Dispatcher
from bot.store.models import (
    CheckinEntry,
    CheckinSchedule,
    Commitment,
    CommitmentReview,
    Milestone,
    User,
)
from bot.telegram.dispatch import DispatchReport, dispatch
from tests.fake_telegram import Call
from tests.telegram_harness import Person, TelegramHarness

MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand; the bot reads it instead of the wall clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def use_clock(telegram: TelegramHarness, now: datetime) -> Clock:
    clock = Clock(now)
    telegram.coach.clock = clock
    return clock


async def tick(telegram: TelegramHarness) -> DispatchReport:
    """One dispatcher tick, as the JobQueue runs it."""
    coach = telegram.coach
    dispatcher = Dispatcher(coach.database, "telegram", timedelta(hours=2))
    return await dispatch(telegram.app.bot, coach, dispatcher)


def arrived(telegram: TelegramHarness, person: Person) -> list[Call]:
    """What reached the person since their last input (a check-in sent by the dispatcher)."""
    return telegram.fake.sent(person.user_id)[person.seen :]


async def rows(telegram: TelegramHarness, model: type, user_key: int) -> list:
    async with telegram.coach.database.transaction() as session:
        user = (await session.exec(select(User).where(User.external_id == str(user_key)))).one()
        query = select(model).where(model.user_id == user.id).order_by(col(model.id))
        return list((await session.exec(query)).all())


async def set_up(sam: Person, zone: str = "Berlin", time: str = "8pm") -> None:
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    assert "⏰ Set up check-ins" in sam.buttons()
    await sam.press("⏰ Set up check-ins")
    assert "time zone" in sam.text
    await sam.send(zone)
    assert "local time" in sam.text
    await sam.send(time)
    await sam.press("Daily, weekly and monthly")
    await sam.press("Sunday")


async def test_nothing_is_scheduled_before_the_user_chooses(telegram: TelegramHarness) -> None:
    use_clock(telegram, MONDAY_MORNING)
    sam = telegram.person(4000)
    await sam.send("/start")
    await sam.press("I was hurt")
    await sam.press("Not now")  # the country: later
    assert await rows(telegram, CheckinSchedule, 4000) == []
    await sam.send("/settings")
    assert "Nothing is sent until you choose" in sam.text


async def test_settings_then_a_daily_check_in_answered_with_buttons(
    telegram_any_db: TelegramHarness,
) -> None:
    telegram = telegram_any_db
    clock = use_clock(telegram, MONDAY_MORNING)
    sam = telegram.person(4001)
    await set_up(sam)
    assert "Time zone: Europe/Berlin" in sam.text and "Time: 20:00" in sam.text
    due = {r.cadence: r.due_at for r in await rows(telegram, CheckinSchedule, 4001)}
    assert due["daily"] == datetime(2026, 11, 23, 19, 0, tzinfo=UTC), "20:00 in Berlin (UTC+1)"
    assert due["weekly"] == datetime(2026, 11, 29, 19, 0, tzinfo=UTC), "Sunday"
    assert due["monthly"] == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)

    clock.now = datetime(2026, 11, 23, 18, 59, tzinfo=UTC)
    assert (await tick(telegram)).sent == 0, "not yet due"
    clock.now = datetime(2026, 11, 23, 19, 0, 20, tzinfo=UTC)
    assert (await tick(telegram)).sent == 1
    assert (await tick(telegram)).sent == 0, "sent once"
    (checkin,) = arrived(telegram, sam)
    assert "Daily check-in" in checkin.params["text"]

    await sam.press("4")
    assert "trigger" in sam.text
    await sam.press("No")
    await sam.press("Skip")
    assert "Thank you for checking in" in sam.text
    assert "first check-in" in sam.text, "a real first is celebrated"
    (entry,) = await rows(telegram, CheckinEntry, 4001)
    assert (entry.cadence, entry.day, entry.mood, entry.triggered) == (
        "daily",
        date(2026, 11, 23),
        4,
        False,
    )
    assert [m.key for m in await rows(telegram, Milestone, 4001)] == ["first_checkin"]


async def test_the_weekly_review_walks_the_ledger(telegram: TelegramHarness) -> None:
    clock = use_clock(telegram, MONDAY_MORNING)
    sam = telegram.person(4002)
    await set_up(sam)
    for what in ("Share my calendar", "Answer messages within two hours"):
        await sam.send("/commitments")
        await sam.press("➕ Add a commitment")
        await sam.send(what)
        await sam.press("Every day")
        await sam.press("My partner")
        assert "Added to your ledger" in sam.text
    await sam.send("/commitments")
    assert "Share my calendar" in sam.text and "Answer messages" in sam.text

    clock.now = datetime(2026, 11, 29, 19, 0, 5, tzinfo=UTC)  # Sunday 20:00 in Berlin
    assert (await tick(telegram)).sent == 1, "the review stands in for that day's daily"
    (review,) = arrived(telegram, sam)
    assert "weekly review" in review.params["text"]
    await sam.press("Let's begin")
    assert "Share my calendar" in sam.text
    await sam.press("✓ Kept")
    assert "Answer messages within two hours" in sam.text
    await sam.press("◐ Partly")
    await sam.send("Work meetings ran late")
    await sam.send("We had a calm dinner")
    await sam.send("I got defensive on Thursday")
    await sam.press("Skip")
    assert "Your review is saved" in sam.text
    reviews = await rows(telegram, CommitmentReview, 4002)
    assert [(r.promised, r.outcome, r.hard) for r in reviews] == [
        ("Share my calendar", "kept", None),
        ("Answer messages within two hours", "partly", "Work meetings ran late"),
    ]
    assert {r.week_start for r in reviews} == {date(2026, 11, 23)}
    (entry,) = await rows(telegram, CheckinEntry, 4002)
    assert (entry.cadence, entry.win, entry.challenge) == (
        "weekly",
        "We had a calm dinner",
        "I got defensive on Thursday",
    )


async def test_the_ledger_edits_pauses_and_keeps_history(telegram: TelegramHarness) -> None:
    use_clock(telegram, MONDAY_MORNING)
    sam = telegram.person(4003)
    await sam.send("/start")
    await sam.press("I broke trust")
    await sam.send("/commitments")
    assert "None yet" in sam.text
    await sam.press("➕ Add a commitment")
    await sam.send("Share my calendar")
    await sam.send("on weekdays")
    await sam.press("My partner")
    await sam.send("/commitments")
    await sam.press("Share my calendar")
    await sam.press("✏️ Edit")
    await sam.send("Share my calendar and my location")
    await sam.press("Keep as it is")
    await sam.press("Keep as it is")
    assert "Updated" in sam.text
    await sam.send("/commitments")
    await sam.press("Share my calendar and")
    await sam.press("⏸ Pause")
    assert "Paused" in sam.text
    (item,) = await rows(telegram, Commitment, 4003)
    assert (item.what, item.how_often, item.to_whom, item.status) == (
        "Share my calendar and my location",
        "on weekdays",
        "partner",
        "paused",
    )
    await sam.press_data(f"a|cfinish|{item.id + 1000}")
    assert "couldn't find that commitment" in sam.text, "a forged id changes nothing"


async def test_the_monthly_review_sends_a_chart(telegram: TelegramHarness) -> None:
    clock = use_clock(telegram, MONDAY_MORNING)
    sam = telegram.person(4004)
    await set_up(sam)
    clock.now = datetime(2026, 12, 1, 19, 0, 5, tzinfo=UTC)
    assert (await tick(telegram)).sent == 1
    (intro,) = arrived(telegram, sam)
    assert "monthly review" in intro.params["text"]
    await sam.press("Show me")
    photos = [c for c in sam.last if c.method == "sendPhoto"]
    assert len(photos) == 1 and photos[0].files["photo"].startswith(b"\x89PNG")
    assert "last 30 days" in photos[0].params["caption"]
    await sam.press("Skip")
    assert "Thank you" in sam.text
    (entry,) = await rows(telegram, CheckinEntry, 4004)
    assert entry.cadence == "monthly"


async def test_progress_pause_and_resume_on_demand(telegram: TelegramHarness) -> None:
    clock = use_clock(telegram, MONDAY_MORNING)
    sam = telegram.person(4005)
    await set_up(sam)
    await sam.send("/progress")
    assert [c.method for c in sam.last] == ["sendPhoto", "sendMessage"]
    await sam.send("/pause 3")
    assert "paused for 3 days" in sam.text
    due = {r.cadence: r.due_at for r in await rows(telegram, CheckinSchedule, 4005)}
    assert due["daily"] == datetime(2026, 11, 26, 19, 0, tzinfo=UTC), "first day after the pause"
    clock.now = datetime(2026, 11, 23, 18, 59, tzinfo=UTC)
    assert (await tick(telegram)).sent == 0
    await sam.send("/resume")
    assert "back on" in sam.text
    clock.now = datetime(2026, 11, 23, 19, 0, 5, tzinfo=UTC)
    assert (await tick(telegram)).sent == 1
    await sam.send("/checkin")
    await sam.press("Daily check-in")
    assert "How are you today" in sam.text


async def test_settings_offer_close_zones_and_take_typed_hours(telegram: TelegramHarness) -> None:
    use_clock(telegram, MONDAY_MORNING)
    sam = telegram.person(4006)
    await sam.send("/start")
    await sam.press("I'm healing")
    await sam.send("/settings")
    await sam.press("⏰ Set up check-ins")
    await sam.send("Qwertyville")
    assert "couldn't find a time zone" in sam.text
    await sam.send("Chicgo")
    assert "Did you mean" in sam.text, "a close spelling is confirmed, not assumed"
    await sam.press("None of these")
    await sam.send("usa")
    assert {"America/Chicago", "America/New York"} <= set(sam.buttons())
    await sam.press("America/Chicago")
    await sam.send("25:00")
    assert "local time" in sam.text, "an impossible time is asked again"
    await sam.send("7:30 am")
    await sam.press("Daily only")
    assert "Time zone: America/Chicago" in sam.text and "Time: 07:30" in sam.text
    await sam.press("🌙 Quiet hours")
    await sam.send("10pm to 7am")
    assert "Quiet hours: 22:00-07:00" in sam.text
    (daily,) = await rows(telegram, CheckinSchedule, 4006)
    assert daily.due_at == datetime(2026, 11, 23, 13, 30, tzinfo=UTC), "07:30 in Chicago (UTC-6)"
    await sam.press("Daily: on")
    assert await rows(telegram, CheckinSchedule, 4006) == [], "turned off, nothing is due"
