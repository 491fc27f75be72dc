"""Fragments typed by users read well inside a composed sentence."""

import pytest

from bot.coach.fragments import clause

STARTERS = frozenset({"this", "you", "the", "to"})


@pytest.mark.parametrize(
    ("text", "prefixes", "expected"),
    [
        ("this happens", ("when",), "this happens"),
        ("When this happens.", ("when",), "this happens"),
        ("  when   you came home late!! ", ("when",), "you came home late"),
        ("To understand why", ("i need",), "to understand why"),
        ("I need to understand why", ("and i need", "i need"), "to understand why"),
        ("and I need reassurance.", ("and i need", "i need"), "reassurance"),
        ("Sam forgot my birthday", ("when",), "Sam forgot my birthday"),
        ("I was alone", ("when",), "I was alone"),
        ("“You left”", ("when",), "you left"),
        ("when", ("when",), ""),
        ("whenever you leave", ("when",), "whenever you leave"),
        (None, ("when",), ""),
    ],
)
def test_clause(text: str | None, prefixes: tuple[str, ...], expected: str) -> None:
    assert clause(text, *prefixes, starters=STARTERS) == expected
