"""Monthly statistics, readings and milestones: pure functions of a check-in history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.checkins.progress import (
    MILESTONES,
    READING_KEYS,
    DayEntry,
    History,
    MonthStats,
    WeekReview,
    month_stats,
    new_milestones,
    reading,
)

TODAY = date(2026, 11, 22)  # a Sunday; the window runs Sat 2026-10-24 .. Sun 2026-11-22
GROUPS = (
    {"mood_up", "mood_down", "mood_steady", "mood_unknown"},
    {"consistency_high", "consistency_some"},
    {"commitments_mostly_kept", "commitments_mixed", "no_reviews"},
    {"fewer_triggers", "more_triggers", "same_triggers"},
    {"low_mood"},
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(
    first: str, last: str, mood: int | None = 3, triggered: bool | None = False
) -> list[DayEntry]:
    """One check-in on each day from first to last, inclusive."""
    start, end = d(first), d(last)
    return [
        DayEntry(start + timedelta(days=i), mood, triggered) for i in range((end - start).days + 1)
    ]


def history(
    entries: Iterable[DayEntry] = (), reviews: Iterable[WeekReview] = (), today: date = TODAY
) -> History:
    return History(today=today, entries=tuple(entries), reviews=tuple(reviews))


def stats_of(entries: Iterable[DayEntry] = (), reviews: Iterable[WeekReview] = ()) -> MonthStats:
    return month_stats(history(entries, reviews))


# --- month_stats -----------------------------------------------------------------------------


def test_empty_history() -> None:
    stats = stats_of()
    assert (stats.start, stats.end) == (d("2026-10-24"), TODAY)
    assert stats.mood_by_day == ()
    assert stats.mood_average is None and stats.previous_mood_average is None
    assert (stats.days_checked_in, stats.days_in_window) == (0, 30)
    assert [week for week, _ in stats.consistency_by_week] == [
        d("2026-10-19"),
        d("2026-10-26"),
        d("2026-11-02"),
        d("2026-11-09"),
        d("2026-11-16"),
    ]
    assert all(count == 0 for _, count in stats.consistency_by_week)
    assert stats.kept_share_by_week == () and stats.triggered_by_week == ()
    assert stats.triggered_days == 0 and stats.previous_triggered_days is None
    assert stats.low_mood is False and stats.streak == 0
    assert reading(stats) == ["mood_unknown", "no_reviews"]
    assert new_milestones(history(), frozenset()) == []


def test_window_counts_only_its_own_days_and_weeks_add_up() -> None:
    entries = days("2026-10-20", "2026-10-30", mood=4) + days("2026-11-20", "2026-11-22", mood=2)
    stats = stats_of(entries)
    assert stats.days_checked_in == 7 + 3  # Oct 24..30 and Nov 20..22
    assert sum(count for _, count in stats.consistency_by_week) == stats.days_checked_in
    assert dict(stats.consistency_by_week)[d("2026-10-19")] == 2  # Sat 24 and Sun 25 only
    assert stats.mood_by_day[0] == (d("2026-10-24"), 4.0)
    assert stats.previous_days_checked_in == 4 and stats.previous_mood_days == 4


def test_several_entries_per_day_take_the_last_and_order_does_not_matter() -> None:
    entries = [
        DayEntry(d("2026-11-21"), 2, True),
        DayEntry(d("2026-11-20"), 3, False),
        DayEntry(d("2026-11-21"), 5, False),  # the day's last answer counts
        DayEntry(d("2026-11-19"), 1, None),
    ]
    stats = stats_of(entries)
    assert stats.mood_by_day == (
        (d("2026-11-19"), 1.0),
        (d("2026-11-20"), 3.0),
        (d("2026-11-21"), 5.0),
    )
    assert stats.days_checked_in == 3
    assert stats.triggered_days == 0
    assert stats.mood_average == pytest.approx(3.0)
    assert stats.streak == 3  # ending yesterday


def test_future_entries_and_impossible_moods_are_ignored() -> None:
    entries = [DayEntry(TODAY + timedelta(days=1), 5, True), DayEntry(TODAY, 9, None)]
    stats = stats_of(entries)
    assert stats.days_checked_in == 1 and stats.mood_by_day == () and stats.triggered_days == 0


@pytest.mark.parametrize(
    ("today", "first", "last", "streak"),
    [
        ("2026-03-02", "2026-02-25", "2026-03-02", 6),  # across a month end, ending today
        ("2026-03-02", "2026-02-25", "2026-03-01", 5),  # ending yesterday still counts
        ("2026-03-02", "2026-02-25", "2026-02-28", 0),  # a break: no streak, nothing else
        ("2027-01-01", "2026-12-29", "2027-01-01", 4),  # across a year end
        ("2024-03-01", "2024-02-27", "2024-03-01", 4),  # through 29 February
    ],
)
def test_streaks(today: str, first: str, last: str, streak: int) -> None:
    stats = month_stats(history(days(first, last), today=d(today)))
    assert stats.streak == streak


def test_reviews_count_partly_as_not_kept() -> None:
    reviews = [
        WeekReview(d("2026-11-02"), kept=2, partly=1, missed=1),
        WeekReview(d("2026-11-09"), kept=3, partly=1, missed=0),
        WeekReview(d("2026-11-16"), kept=0, partly=0, missed=0),  # nothing to review: no bar
        WeekReview(d("2026-09-07"), kept=0, partly=0, missed=5),  # before the window
    ]
    stats = stats_of(reviews=reviews)
    assert stats.kept_share_by_week == ((d("2026-11-02"), 0.5), (d("2026-11-09"), 0.75))
    assert "commitments_mixed" in reading(stats)


def test_reviews_of_one_week_are_summed() -> None:
    reviews = [WeekReview(d("2026-11-09"), 1, 0, 0), WeekReview(d("2026-11-09"), 2, 0, 1)]
    stats = stats_of(reviews=reviews)
    assert stats.kept_share_by_week == ((d("2026-11-09"), 0.75),)
    assert "commitments_mostly_kept" in reading(stats)


def test_triggered_weeks_list_only_weeks_with_an_answer() -> None:
    entries = days("2026-11-02", "2026-11-04", triggered=True) + days(
        "2026-11-16", "2026-11-17", triggered=None
    )
    stats = stats_of(entries)
    assert stats.triggered_by_week == ((d("2026-11-02"), 3),)
    assert stats.triggered_days == 3
    assert stats.previous_triggered_days is None


@pytest.mark.parametrize(
    ("today", "start"),
    [("2024-03-01", "2024-02-01"), ("2023-03-01", "2023-01-31"), ("2024-03-30", "2024-03-01")],
)
def test_leap_year_february_windows(today: str, start: str) -> None:
    entries = days("2023-01-01", "2024-12-31", mood=4)
    stats = month_stats(history(entries, today=d(today)))
    assert (stats.start, stats.end) == (d(start), d(today))
    assert stats.days_checked_in == 30
    assert len(stats.mood_by_day) == 30
    assert stats.previous_days_checked_in == 30


# --- reading -----------------------------------------------------------------------------------

PREVIOUS = ("2026-09-24", "2026-10-23")  # the 30 days before the window
CURRENT = ("2026-10-24", "2026-11-22")


@pytest.mark.parametrize(
    ("entries", "key"),
    [
        (days(*PREVIOUS, mood=2) + days(*CURRENT, mood=4), "mood_up"),
        (days(*PREVIOUS, mood=4) + days(*CURRENT, mood=3), "mood_down"),
        (days(*PREVIOUS, mood=3) + days(*CURRENT, mood=3), "mood_steady"),
        (days("2026-10-22", "2026-10-23", mood=1) + days(*CURRENT, mood=3), "mood_steady"),
        (days(*PREVIOUS, mood=3) + days("2026-11-21", "2026-11-22", mood=5), "mood_unknown"),
    ],
    ids=["up", "down", "steady", "thin-previous", "thin-current"],
)
def test_mood_trend(entries: list[DayEntry], key: str) -> None:
    assert reading(stats_of(entries))[0] == key


def test_no_mood_line_when_the_month_moved_and_there_is_nothing_to_compare() -> None:
    entries = days("2026-11-01", "2026-11-10", mood=2) + days("2026-11-11", "2026-11-20", mood=4)
    keys = reading(stats_of(entries))
    assert not set(keys) & GROUPS[0]


def test_a_month_with_gaps_reads_kindly() -> None:
    every_third = [e for i, e in enumerate(days(*CURRENT)) if i % 3 == 0]
    keys = reading(stats_of(every_third))
    assert "consistency_some" in keys
    assert set(keys) <= set(READING_KEYS)
    assert not any(word in key for key in keys for word in ("miss", "gap", "lapse", "broke"))


def test_consistency_high_from_two_thirds_of_the_days() -> None:
    twenty = days("2026-11-03", "2026-11-22")
    assert "consistency_high" in reading(stats_of(twenty))
    assert "consistency_some" in reading(stats_of(twenty[1:]))


@pytest.mark.parametrize(
    ("previous", "current", "key"),
    [
        ((10, 6), (10, 2), "fewer_triggers"),
        ((10, 2), (10, 6), "more_triggers"),
        ((10, 4), (10, 5), "same_triggers"),
        ((8, 4), (20, 2), "fewer_triggers"),
        ((8, 2), (30, 4), "same_triggers"),  # more days, but a smaller share: not "more"
        ((7, 6), (10, 0), None),  # too few check-ins before to compare
        ((10, 6), (7, 0), None),  # too few now
    ],
)
def test_triggers_compare_like_with_like(
    previous: tuple[int, int], current: tuple[int, int], key: str | None
) -> None:
    def window(end: date, checked: int, triggered: int) -> list[DayEntry]:
        return [DayEntry(end - timedelta(days=i), 3, i < triggered) for i in range(checked)]

    entries = window(d("2026-10-23"), *previous) + window(TODAY, *current)
    keys = reading(stats_of(entries))
    assert (set(keys) & GROUPS[3]) == ({key} if key else set())


@pytest.mark.parametrize(
    ("moods", "low"),
    [([2, 2, 2, 2, 2], True), ([1, 1, 1, 1], False), ([1, 2, 3, 2, 2, 2], True), ([3] * 6, False)],
)
def test_low_mood_offers_help_last(moods: list[int], low: bool) -> None:
    entries = [DayEntry(TODAY - timedelta(days=i), mood, None) for i, mood in enumerate(moods)]
    stats = stats_of(entries)
    assert stats.low_mood is low
    assert (reading(stats)[-1] == "low_mood") is low


def test_hand_built_stats_compare_their_figures_as_given() -> None:
    stats = MonthStats(
        start=d("2026-10-24"),
        end=TODAY,
        mood_by_day=tuple((TODAY - timedelta(days=i), 4.0) for i in range(10)),
        mood_average=4.0,
        previous_mood_average=3.0,
        days_checked_in=10,
        days_in_window=30,
        consistency_by_week=(),
        kept_share_by_week=(),
        triggered_by_week=(),
        triggered_days=1,
        previous_triggered_days=5,
        low_mood=False,
        streak=10,
    )
    assert reading(stats) == ["mood_up", "consistency_some", "no_reviews", "fewer_triggers"]


entry_strategy = st.builds(
    DayEntry,
    day=st.dates(date(2026, 9, 1), TODAY),
    mood=st.one_of(st.none(), st.integers(1, 5)),
    triggered=st.one_of(st.none(), st.booleans()),
)
review_strategy = st.builds(
    WeekReview,
    week_start=st.dates(date(2026, 9, 1), TODAY),
    kept=st.integers(0, 5),
    partly=st.integers(0, 5),
    missed=st.integers(0, 5),
)


@given(st.lists(entry_strategy, max_size=80), st.lists(review_strategy, max_size=10))
def test_any_history_reads_kindly_and_consistently(
    entries: list[DayEntry], reviews: list[WeekReview]
) -> None:
    h = history(entries, reviews)
    stats = month_stats(h)
    keys = reading(stats)
    assert set(keys) <= set(READING_KEYS)
    assert all(len(set(keys) & group) <= 1 for group in GROUPS)
    assert keys == [k for k in READING_KEYS if k in keys]  # documented order
    assert sum(c for _, c in stats.consistency_by_week) == stats.days_checked_in
    assert all(0.0 <= share <= 1.0 for _, share in stats.kept_share_by_week)
    assert month_stats(history(reversed(entries), reviews)).days_checked_in == stats.days_checked_in
    reached = new_milestones(h, frozenset())
    assert all(key.split(":")[0] in MILESTONES for key in reached)
    assert new_milestones(h, frozenset(reached)) == []


# --- milestones --------------------------------------------------------------------------------


def test_daily_milestones_arrive_on_the_day_the_data_shows_them() -> None:
    """Thirty calm days in a row, one at a time: each milestone once, on its day."""
    first = d("2026-01-20")  # runs across a month end
    achieved: set[str] = set()
    arrived: dict[str, int] = {}
    entries: list[DayEntry] = []
    for n in range(1, 31):
        today = first + timedelta(days=n - 1)
        entries.append(DayEntry(today, 3, False))
        for key in new_milestones(history(entries, today=today), frozenset(achieved)):
            assert key not in achieved
            achieved.add(key)
            arrived[key] = n
    assert arrived == {
        "first_checkin": 1,
        "streak_3": 3,
        "streak_7": 7,
        "first_calm_week": 7,
        "streak_30": 30,
    }


@pytest.mark.parametrize(
    ("entries", "shown", "not_shown"),
    [
        ([], [], ["first_checkin"]),
        ([DayEntry(TODAY, None, None)], ["first_checkin"], ["streak_3"]),
        (days("2026-11-20", "2026-11-21"), [], ["streak_3"]),
        (days("2026-11-01", "2026-11-03"), ["streak_3"], ["streak_7"]),  # a run in the past
        (days("2026-11-10", "2026-11-15"), ["streak_3"], ["streak_7", "first_calm_week"]),
        (days("2026-11-10", "2026-11-16"), ["streak_7", "first_calm_week"], ["streak_30"]),
        (days("2026-10-01", "2026-10-29"), ["streak_7"], ["streak_30"]),
        (days("2026-10-01", "2026-10-30"), ["streak_30"], []),
        (days("2026-11-10", "2026-11-16", triggered=None), ["streak_7"], ["first_calm_week"]),
        (
            days("2026-11-10", "2026-11-12")
            + days("2026-11-13", "2026-11-13", triggered=True)
            + days("2026-11-14", "2026-11-19"),
            ["streak_7"],
            ["first_calm_week"],
        ),
    ],
)
def test_check_in_milestones(
    entries: list[DayEntry], shown: list[str], not_shown: list[str]
) -> None:
    reached = new_milestones(history(entries), frozenset())
    assert set(shown) <= set(reached)
    assert not set(not_shown) & set(reached)


@pytest.mark.parametrize(
    ("reviews", "shown", "not_shown"),
    [
        ([WeekReview(d("2026-11-16"), 2, 0, 0)], ["first_week_all_kept"], ["four_weeks_reviewed"]),
        ([WeekReview(d("2026-11-16"), 2, 1, 0)], [], ["first_week_all_kept"]),
        ([WeekReview(d("2026-11-16"), 2, 0, 1)], [], ["first_week_all_kept"]),
        ([WeekReview(d("2026-11-16"), 0, 0, 0)], [], ["first_week_all_kept"]),
        (
            [WeekReview(d("2026-11-16") - timedelta(weeks=w), 1, 1, 0) for w in range(3)],
            [],
            ["four_weeks_reviewed"],
        ),
        (
            [WeekReview(d("2026-11-16") - timedelta(weeks=w), 1, 1, 0) for w in range(4)],
            ["four_weeks_reviewed"],
            ["first_week_all_kept"],
        ),
        (
            [WeekReview(d("2026-11-16") - timedelta(weeks=w), 1, 1, 0) for w in (0, 1, 2, 2)],
            [],
            ["four_weeks_reviewed"],  # two reviews of one week are one week reviewed
        ),
    ],
)
def test_review_milestones(
    reviews: list[WeekReview], shown: list[str], not_shown: list[str]
) -> None:
    reached = new_milestones(history(reviews=reviews), frozenset())
    assert set(shown) <= set(reached)
    assert not set(not_shown) & set(reached)


def month(
    year_month: str, checked: int, triggered: int = 0, mood: int | None = 3
) -> list[DayEntry]:
    """`checked` check-ins from the 1st of a month, the first `triggered` of them triggered."""
    first = d(f"{year_month}-01")
    return [DayEntry(first + timedelta(days=i), mood, i < triggered) for i in range(checked)]


@pytest.mark.parametrize(
    ("entries", "today", "expected"),
    [
        (month("2026-09", 10, 5) + month("2026-10", 10, 2), "2026-11-05", True),
        (month("2026-09", 8, 3) + month("2026-10", 8, 2), "2026-11-01", True),
        (month("2026-09", 8, 3) + month("2026-10", 8, 2), "2026-10-31", False),  # not complete
        (month("2026-09", 7, 5) + month("2026-10", 10, 2), "2026-11-05", False),  # 7 before
        (month("2026-09", 10, 5) + month("2026-10", 7, 0), "2026-11-05", False),  # 7 in October
        (month("2026-09", 10, 3) + month("2026-10", 10, 3), "2026-11-05", False),  # as many
        (month("2026-09", 20, 3) + month("2026-10", 8, 2), "2026-11-05", False),  # higher share
    ],
)
def test_fewer_triggers_needs_two_full_enough_months(
    entries: list[DayEntry], today: str, expected: bool
) -> None:
    reached = new_milestones(history(entries, today=d(today)), frozenset())
    assert ("fewer_triggers:2026-10" in reached) is expected
    assert "fewer_triggers:2026-09" not in reached


def test_fewer_triggers_is_keyed_by_month_so_later_months_count_too() -> None:
    entries = month("2026-09", 10, 6) + month("2026-10", 10, 3) + month("2026-11", 10, 1)
    h = history(entries, today=d("2026-12-02"))
    assert [k for k in new_milestones(h, frozenset()) if k.startswith("fewer")] == [
        "fewer_triggers:2026-10",
        "fewer_triggers:2026-11",
    ]
    assert "fewer_triggers:2026-11" in new_milestones(h, frozenset({"fewer_triggers:2026-10"}))
    done = frozenset({"fewer_triggers:2026-10", "fewer_triggers:2026-11"})
    assert not [k for k in new_milestones(h, done) if k.startswith("fewer")]


@pytest.mark.parametrize(
    ("entries", "today", "key", "expected"),
    [
        (month("2026-09", 8, mood=2) + month("2026-10", 8, mood=3), "2026-11-01", "2026-10", True),
        (
            month("2026-09", 10, mood=3) + month("2026-10", 10, mood=3),
            "2026-11-01",
            "2026-10",
            False,
        ),
        (
            month("2026-09", 7, mood=1) + month("2026-10", 10, mood=4),
            "2026-11-01",
            "2026-10",
            False,
        ),
        (
            month("2026-09", 10, mood=1) + month("2026-10", 10, mood=None),
            "2026-11-01",
            "2026-10",
            False,
        ),
        (  # a leap-year February, complete on 1 March
            month("2024-01", 20, mood=2) + month("2024-02", 29, mood=4),
            "2024-03-01",
            "2024-02",
            True,
        ),
        (
            month("2024-01", 20, mood=2) + month("2024-02", 29, mood=4),
            "2024-02-29",
            "2024-02",
            False,
        ),
        (  # December against November, across a year end
            month("2026-11", 9, mood=2) + month("2026-12", 9, mood=4),
            "2027-01-01",
            "2026-12",
            True,
        ),
    ],
)
def test_mood_lift(entries: list[DayEntry], today: str, key: str, expected: bool) -> None:
    reached = new_milestones(history(entries, today=d(today)), frozenset())
    assert (f"mood_lift:{key}" in reached) is expected


def test_milestones_are_celebrated_once() -> None:
    entries = month("2026-09", 30, 9, mood=2) + month("2026-10", 31, 1, mood=4)
    reviews = [WeekReview(d("2026-10-05") + timedelta(weeks=w), 2, 0, 0) for w in range(4)]
    h = history(entries, reviews, today=d("2026-11-01"))
    reached = new_milestones(h, frozenset())
    assert reached == [
        "first_checkin",
        "streak_3",
        "streak_7",
        "streak_30",
        "first_calm_week",
        "first_week_all_kept",
        "four_weeks_reviewed",
        "fewer_triggers:2026-10",
        "mood_lift:2026-10",
    ]
    assert new_milestones(h, frozenset(reached)) == []
    assert new_milestones(h, frozenset(reached[1:])) == ["first_checkin"]
    assert new_milestones(h, frozenset()) == reached  # deterministic
