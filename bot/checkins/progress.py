"""Pure statistics over daily check-ins and weekly reviews: the month's numbers and small wins.

Nothing here reads a clock or a database; everything is a function of a `History`. Gaps in
check-ins are never counted against anyone: they shorten a streak or leave a panel empty, no more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

WINDOW_DAYS = 30  # the monthly review looks at the 30 days ending today
MIN_MOODS = 3  # moods a window needs before its average is read or compared
MOOD_STEP = 0.3  # a change in average mood smaller than this reads as steady
LOW_MOOD_ANSWERS = 5  # moods a window needs before it can read as low
LOW_MOOD_AVERAGE = 2.0  # ... and an average at or below this
CONSISTENCY_HIGH = 2 / 3  # share of the window's days checked in that reads as steady
MOSTLY_KEPT = 0.7  # mean weekly share of commitments kept that reads as "mostly"
COMPARE_CHECKINS = 8  # check-in days both windows (or months) need before triggers are compared
TRIGGER_SLACK = 1  # triggered days that differ by at most this read as "about the same"
MONTH_MIN = 8  # check-ins (or moods) each calendar month needs for a monthly milestone
MOOD_LIFT = 0.5  # rise in monthly average mood that makes a mood_lift milestone
CALM_DAYS = 7  # days in a row without a trigger for first_calm_week


@dataclass(frozen=True)
class DayEntry:
    """One answered daily check-in."""

    day: date  # the user's local date
    mood: int | None  # 1 (very low) .. 5 (very good)
    triggered: bool | None


@dataclass(frozen=True)
class WeekReview:
    """One answered weekly commitments review."""

    week_start: date  # Monday of that week (local)
    kept: int
    partly: int
    missed: int


@dataclass(frozen=True)
class History:
    """Everything the statistics read; entries may repeat a day (the last one counts), unsorted."""

    today: date  # the user's local date now
    entries: tuple[DayEntry, ...]
    reviews: tuple[WeekReview, ...]


@dataclass(frozen=True)
class MonthStats:
    """The 30 days ending `today` (inclusive), compared with the 30 days before."""

    start: date
    end: date
    mood_by_day: tuple[tuple[date, float], ...]  # only days with a mood
    mood_average: float | None
    previous_mood_average: float | None
    days_checked_in: int
    days_in_window: int
    consistency_by_week: tuple[tuple[date, int], ...]  # Monday -> in-window days checked in
    kept_share_by_week: tuple[tuple[date, float], ...]  # Monday -> kept / all, 0..1
    triggered_by_week: tuple[tuple[date, int], ...]  # Monday -> triggered days (answered weeks)
    triggered_days: int
    previous_triggered_days: int | None  # None when the previous window has no check-ins
    low_mood: bool  # at least 5 moods in the window and an average <= 2.0
    streak: int  # consecutive days with a check-in ending today or yesterday
    # Additions: what the previous window holds, so thin windows aren't compared. None (stats
    # built by hand) trusts the previous figures as they are.
    previous_days_checked_in: int | None = None
    previous_mood_days: int | None = None


# Reading keys, in the order `reading` emits them (one at most from each group):
#   mood_up          average mood at least 0.3 higher than the previous 30 days (both >= 3 moods)
#   mood_down        ... at least 0.3 lower
#   mood_steady      within 0.3 of the previous 30 days; or, with nothing to compare, the two
#                    halves of this window within 0.3 of each other (else no mood line at all)
#   mood_unknown     fewer than 3 moods in the window: not enough to read yet
#   consistency_high checked in on at least two thirds of the window's days
#   consistency_some checked in on at least one day (a gap never reads worse than this);
#                    no consistency line when there were no check-ins at all
#   commitments_mostly_kept  mean weekly share kept >= 0.7 ("partly" counts as not kept)
#   commitments_mixed        reviewed weeks with a lower share
#   no_reviews               no weekly review in the window
#   fewer_triggers   at least 2 fewer triggered days than the previous window, and no higher
#                    share of check-in days
#   more_triggers    at least 2 more triggered days, and no lower share of check-in days
#   same_triggers    within one day, or count and share disagree; trigger lines need both windows
#                    to hold at least 8 check-in days
#   low_mood         mood stays low (see MonthStats.low_mood): offer professional help
READING_KEYS = (
    "mood_up",
    "mood_down",
    "mood_steady",
    "mood_unknown",
    "consistency_high",
    "consistency_some",
    "commitments_mostly_kept",
    "commitments_mixed",
    "no_reviews",
    "fewer_triggers",
    "more_triggers",
    "same_triggers",
    "low_mood",
)

# Milestone kinds; each key is celebrated once. Monthly kinds are keyed "<kind>:<YYYY-MM>".
#   first_checkin        the first answered daily check-in
#   streak_3, streak_7, streak_30  that many calendar days in a row with a check-in
#   first_calm_week      7 days in a row, each checked in and answered "not triggered"
#   first_week_all_kept  a weekly review with kept > 0 and nothing partly kept or missed
#   four_weeks_reviewed  weekly reviews in four different weeks
#   fewer_triggers:YYYY-MM  a completed calendar month with fewer triggered days (and no higher
#                        share of triggered check-in days) than the month before; each month
#                        with >= 8 check-ins
#   mood_lift:YYYY-MM    a completed calendar month whose average mood is >= 0.5 above the month
#                        before; both months with >= 8 moods
MILESTONES: tuple[str, ...] = (
    "first_checkin",
    "streak_3",
    "streak_7",
    "streak_30",
    "first_calm_week",
    "first_week_all_kept",
    "four_weeks_reviewed",
    "fewer_triggers",
    "mood_lift",
)
STREAKS = {"streak_3": 3, "streak_7": 7, "streak_30": 30}


def monday(day: date) -> date:
    """The Monday starting the week of `day`."""
    return day - timedelta(days=day.weekday())


def days_of(history: History) -> dict[date, DayEntry]:
    """One entry per day up to today: the last one given for each day; invalid moods dropped."""
    days: dict[date, DayEntry] = {}
    for entry in history.entries:
        if entry.day > history.today:
            continue
        mood = entry.mood if entry.mood is not None and 1 <= entry.mood <= 5 else None
        days[entry.day] = DayEntry(entry.day, mood, entry.triggered)
    return days


def weeks_of(reviews: Iterable[WeekReview]) -> dict[date, WeekReview]:
    """Reviews summed per Monday-start week."""
    weeks: dict[date, WeekReview] = {}
    for review in reviews:
        week = monday(review.week_start)
        seen = weeks.get(week, WeekReview(week, 0, 0, 0))
        weeks[week] = WeekReview(
            week,
            seen.kept + max(review.kept, 0),
            seen.partly + max(review.partly, 0),
            seen.missed + max(review.missed, 0),
        )
    return weeks


def run_ending(days: Iterable[date], end: date) -> int:
    """How many consecutive days of `days` end exactly at `end`."""
    present = set(days)
    count = 0
    while end - timedelta(days=count) in present:
        count += 1
    return count


def longest_run(days: Iterable[date]) -> int:
    """The longest run of consecutive calendar days."""
    present = set(days)
    best = 0
    for day in present:
        if day - timedelta(days=1) not in present:
            length = 1
            while day + timedelta(days=length) in present:
                length += 1
            best = max(best, length)
    return best


def _between(days: dict[date, DayEntry], first: date, last: date) -> list[DayEntry]:
    return [entry for day, entry in sorted(days.items()) if first <= day <= last]


def _moods(entries: Iterable[DayEntry]) -> list[float]:
    return [float(e.mood) for e in entries if e.mood is not None]


def month_stats(history: History) -> MonthStats:
    """The month's numbers: the 30 days ending today against the 30 days before."""
    end = history.today
    start = end - timedelta(days=WINDOW_DAYS - 1)
    days = days_of(history)
    window = _between(days, start, end)
    before = _between(days, start - timedelta(days=WINDOW_DAYS), start - timedelta(days=1))
    moods, previous_moods = _moods(window), _moods(before)

    weeks = [monday(start) + timedelta(weeks=i) for i in range((end - monday(start)).days // 7 + 1)]
    checked = {week: 0 for week in weeks}
    triggered: dict[date, int] = {}
    for entry in window:
        week = monday(entry.day)
        checked[week] += 1
        if entry.triggered is not None:
            triggered[week] = triggered.get(week, 0) + int(entry.triggered)
    kept_share = []
    for week, review in sorted(weeks_of(history.reviews).items()):
        total = review.kept + review.partly + review.missed
        if weeks[0] <= week <= end and total:
            kept_share.append((week, review.kept / total))

    yesterday = end - timedelta(days=1)
    return MonthStats(
        start=start,
        end=end,
        mood_by_day=tuple((e.day, float(e.mood)) for e in window if e.mood is not None),
        mood_average=fmean(moods) if moods else None,
        previous_mood_average=fmean(previous_moods) if previous_moods else None,
        days_checked_in=len(window),
        days_in_window=WINDOW_DAYS,
        consistency_by_week=tuple(checked.items()),
        kept_share_by_week=tuple(kept_share),
        triggered_by_week=tuple(sorted(triggered.items())),
        triggered_days=sum(1 for e in window if e.triggered),
        previous_triggered_days=sum(1 for e in before if e.triggered) if before else None,
        low_mood=len(moods) >= LOW_MOOD_ANSWERS and fmean(moods) <= LOW_MOOD_AVERAGE,
        streak=run_ending(days, end) or run_ending(days, yesterday),
        previous_days_checked_in=len(before),
        previous_mood_days=len(previous_moods),
    )


def reading(stats: MonthStats) -> list[str]:
    """Text keys describing the month, in order (see READING_KEYS); never a guilt key."""
    keys: list[str] = []
    mood = _mood_key(stats)
    if mood:
        keys.append(mood)
    if stats.days_checked_in >= CONSISTENCY_HIGH * stats.days_in_window:
        keys.append("consistency_high")
    elif stats.days_checked_in > 0:
        keys.append("consistency_some")
    if not stats.kept_share_by_week:
        keys.append("no_reviews")
    elif fmean(share for _, share in stats.kept_share_by_week) >= MOSTLY_KEPT:
        keys.append("commitments_mostly_kept")
    else:
        keys.append("commitments_mixed")
    triggers = _trigger_key(stats)
    if triggers:
        keys.append(triggers)
    if stats.low_mood:
        keys.append("low_mood")
    return keys


def _mood_key(stats: MonthStats) -> str | None:
    moods = [mood for _, mood in stats.mood_by_day]
    if stats.mood_average is None or len(moods) < MIN_MOODS:
        return "mood_unknown"
    previous_days = stats.previous_mood_days
    if stats.previous_mood_average is not None and (previous_days or MIN_MOODS) >= MIN_MOODS:
        change = stats.mood_average - stats.previous_mood_average
    else:  # nothing to compare with: only say "steady" when the month itself was
        half = len(moods) // 2
        if abs(fmean(moods[half:]) - fmean(moods[:half])) >= MOOD_STEP:
            return None
        change = 0.0
    if change >= MOOD_STEP:
        return "mood_up"
    if change <= -MOOD_STEP:
        return "mood_down"
    return "mood_steady"


def _trigger_key(stats: MonthStats) -> str | None:
    previous, previous_days = stats.previous_triggered_days, stats.previous_days_checked_in
    if previous is None or stats.days_checked_in < COMPARE_CHECKINS:
        return None
    if previous_days is not None and previous_days < COMPARE_CHECKINS:
        return None
    rate = stats.triggered_days / stats.days_checked_in
    previous_rate = previous / previous_days if previous_days else rate  # unknown: counts decide
    if abs(stats.triggered_days - previous) <= TRIGGER_SLACK:
        return "same_triggers"
    if stats.triggered_days < previous and rate <= previous_rate:
        return "fewer_triggers"
    if stats.triggered_days > previous and rate >= previous_rate:
        return "more_triggers"
    return "same_triggers"


def new_milestones(history: History, achieved: frozenset[str]) -> list[str]:
    """Milestone keys the data shows now and not yet in `achieved`; each celebrated once."""
    return [key for key in reached(history) if key not in achieved]


def reached(history: History) -> list[str]:
    """Every milestone key the history shows, in MILESTONES order (monthly keys by month)."""
    days = days_of(history)
    weeks = weeks_of(history.reviews)
    keys: list[str] = []
    if days:
        keys.append("first_checkin")
    run = longest_run(days)
    keys += [key for key, length in STREAKS.items() if run >= length]
    calm = [day for day, entry in days.items() if entry.triggered is False]
    if longest_run(calm) >= CALM_DAYS:
        keys.append("first_calm_week")
    if any(w.kept > 0 and w.partly == 0 and w.missed == 0 for w in weeks.values()):
        keys.append("first_week_all_kept")
    if len(weeks) >= 4:
        keys.append("four_weeks_reviewed")
    months = _months(days, history.today)
    keys += [f"fewer_triggers:{m}" for m in sorted(months) if _fewer_triggers(months, m)]
    keys += [f"mood_lift:{m}" for m in sorted(months) if _mood_lift(months, m)]
    return keys


def _months(days: dict[date, DayEntry], today: date) -> dict[str, list[DayEntry]]:
    """Entries of each completed calendar month ("YYYY-MM"), i.e. months before today's."""
    months: dict[str, list[DayEntry]] = {}
    for day, entry in sorted(days.items()):
        if (day.year, day.month) < (today.year, today.month):
            months.setdefault(f"{day:%Y-%m}", []).append(entry)
    return months


def _month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def _fewer_triggers(months: dict[str, list[DayEntry]], month: str) -> bool:
    now, before = months[month], months.get(_month_before(month), [])
    if len(now) < MONTH_MIN or len(before) < MONTH_MIN:
        return False
    count, previous = sum(1 for e in now if e.triggered), sum(1 for e in before if e.triggered)
    return count < previous and count / len(now) <= previous / len(before)


def _mood_lift(months: dict[str, list[DayEntry]], month: str) -> bool:
    now, before = _moods(months[month]), _moods(months.get(_month_before(month), []))
    if len(now) < MONTH_MIN or len(before) < MONTH_MIN:
        return False
    return fmean(now) - fmean(before) >= MOOD_LIFT
