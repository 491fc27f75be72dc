"""The monthly chart: a small PNG of the expected size, literal labels, safe from threads."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from matplotlib.image import imread
from matplotlib.text import Text

from bot.checkins.charts import ChartLabels, build_figure, progress_chart
from bot.checkins.progress import (
    DayEntry,
    History,
    MonthStats,
    WeekReview,
    month_stats,
)

TODAY = date(2026, 11, 22)
LABELS = ChartLabels(
    title="Your last 30 days",
    mood="Mood (1-5)",
    consistency="Check-in days per week",
    kept="Commitments kept",
    triggered="Triggered days per week",
    no_data="Nothing yet",
)
TRICKY = ChartLabels(
    title="$x^2$ <b>bold</b>",
    mood=r"Mood $\frac{1}{5}$",
    consistency="<i>days</i> & 100%",
    kept="$$",
    triggered="a $ b",
    no_data="<b>$x^2$</b>",
)


def full_stats(seed: int = 0) -> MonthStats:
    entries = tuple(
        DayEntry(TODAY - timedelta(days=i), 1 + (i * 7 + seed) % 5, (i + seed) % 4 == 0)
        for i in range(60)
        if (i + seed) % 5 != 3
    )
    reviews = tuple(
        WeekReview(date(2026, 11, 16) - timedelta(weeks=w), 2 + w % 2, w % 3, w % 2)
        for w in range(5)
    )
    return month_stats(History(TODAY, entries, reviews))


EMPTY = month_stats(History(TODAY, (), ()))


def texts(stats: MonthStats, labels: ChartLabels) -> list[Text]:
    return [t for t in build_figure(stats, labels).findobj(Text) if t.get_text()]


def decoded(png: bytes) -> tuple[int, ...]:
    return imread(io.BytesIO(png), format="png").shape


def test_a_small_png_of_the_expected_size() -> None:
    png = progress_chart(full_stats(), LABELS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert decoded(png)[:2] == (900, 800)
    assert len(png) < 150_000


def test_empty_stats_show_no_data_in_every_panel() -> None:
    png = progress_chart(EMPTY, LABELS)
    assert decoded(png)[:2] == (900, 800)
    assert [t.get_text() for t in texts(EMPTY, LABELS)].count(LABELS.no_data) == 4


def test_panels_with_data_have_no_placeholder() -> None:
    assert LABELS.no_data not in [t.get_text() for t in texts(full_stats(), LABELS)]


def test_only_the_empty_panels_say_so() -> None:
    entries = (DayEntry(TODAY, 4, None), DayEntry(TODAY - timedelta(days=1), None, None))
    stats = month_stats(History(TODAY, entries, ()))
    # mood has a point and check-in days have bars; no reviews and no trigger answers
    assert [t.get_text() for t in texts(stats, LABELS)].count(LABELS.no_data) == 2
    assert progress_chart(stats, LABELS).startswith(b"\x89PNG")


def test_a_week_of_zero_triggers_is_data() -> None:
    entries = tuple(DayEntry(TODAY - timedelta(days=i), None, False) for i in range(3))
    stats = month_stats(History(TODAY, entries, ()))
    shown = [t.get_text() for t in texts(stats, LABELS)]
    assert shown.count(LABELS.no_data) == 2  # mood and commitments only
    assert "0" in shown


@pytest.mark.parametrize("stats", [full_stats(), EMPTY], ids=["full", "empty"])
def test_labels_are_drawn_literally(stats: MonthStats) -> None:
    png = progress_chart(stats, TRICKY)  # mathtext would raise on "$$" and "a $ b"
    assert decoded(png)[:2] == (900, 800)
    words = {TRICKY.title, TRICKY.mood, TRICKY.consistency, TRICKY.kept, TRICKY.triggered}
    if stats is EMPTY:
        words.add(TRICKY.no_data)
    found = [t for t in texts(stats, TRICKY) if t.get_text() in words]
    assert {t.get_text() for t in found} == words
    for text in found:
        assert text.get_parse_math() is False and text.get_usetex() is False
        assert text._preprocess_math(text.get_text()) == (text.get_text(), False)


def test_rendering_is_deterministic() -> None:
    assert progress_chart(full_stats(), LABELS) == progress_chart(full_stats(), LABELS)


def test_four_threads_at_once() -> None:
    cases = [(full_stats(seed), LABELS) for seed in range(3)] + [(EMPTY, TRICKY)]
    expected = [progress_chart(stats, labels) for stats, labels in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda case: progress_chart(*case), cases * 2))
    assert results == expected * 2
