"""Times of day and spans as people type them."""

from __future__ import annotations

from datetime import time

import pytest

from bot.checkins.times import format_time, parse_time, parse_time_range


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8", time(8)),
        ("08", time(8)),
        ("0", time(0)),
        ("8:30", time(8, 30)),
        ("08:30", time(8, 30)),
        ("8.30", time(8, 30)),
        ("8h30", time(8, 30)),
        ("20h", time(20)),
        ("20:30", time(20, 30)),
        ("23:59", time(23, 59)),
        ("00:00", time(0)),
        ("8pm", time(20)),
        ("8 pm", time(20)),
        ("8 PM", time(20)),
        ("8 p.m.", time(20)),
        ("8:30am", time(8, 30)),
        ("8:30 AM", time(8, 30)),
        ("11:59pm", time(23, 59)),
        ("12am", time(0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12)),
        ("noon", time(12)),
        ("Midday", time(12)),
        ("midnight", time(0)),
        ("  7  ", time(7)),
    ],
)
def test_typed_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2030",  # ambiguous: not read as 20:30
        "830",
        "24:00",
        "25:00",
        "8:61",
        "8:5",
        "13pm",
        "0am",
        "-1",
        "8:30:15",
        "8 30",
        "hello",
        "tomorrow",
        "8pm tomorrow",
        "",
        "   ",
        "٨",  # a non-ASCII digit
    ],
)
def test_not_times(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22-7", (time(22), time(7))),
        ("22:00-07:00", (time(22), time(7))),
        ("22:00 – 07:30", (time(22), time(7, 30))),
        ("22—7", (time(22), time(7))),
        ("10pm to 7am", (time(22), time(7))),
        ("10 p.m. - 7 a.m.", (time(22), time(7))),
        ("from 23 until 6", (time(23), time(6))),
        ("From 23 till 6", (time(23), time(6))),
        ("between 10pm and 7am", (time(22), time(7))),
        ("12-14", (time(12), time(14))),
        ("noon - midnight", (time(12), time(0))),
    ],
)
def test_typed_ranges(text: str, expected: tuple[time, time]) -> None:
    assert parse_time_range(text) == expected


@pytest.mark.parametrize(
    "text", ["late", "22", "22 7", "22-", "-7", "22-25", "night to morning", "toto", "", "10pm"]
)
def test_not_ranges(text: str) -> None:
    assert parse_time_range(text) is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (time(8, 30), "08:30"),
        (time(7, 5), "07:05"),
        (time(0), "00:00"),
        (time(23, 59, 59), "23:59"),
    ],
)
def test_format_time(value: time, shown: str) -> None:
    assert format_time(value) == shown
    assert parse_time(shown) == value.replace(second=0)
