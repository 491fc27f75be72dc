"""Tidy the fragments a user types, so they read well inside a composed sentence."""

from __future__ import annotations

import re
from collections.abc import Collection

_TRAILING = re.compile(r"[\s.!?,;:…]+$")
_SPACES = re.compile(r"\s+")


def clause(text: object, *prefixes: str, starters: Collection[str] = ()) -> str:
    """Strip a leading prefix ('when', 'I need') and closing punctuation.

    The first word is lower-cased only when it is one of `starters` (words such as 'you' or
    'the' that are capitalised only because they open a sentence), so names keep their capital.
    """
    if text is None:
        return ""
    fragment = _SPACES.sub(" ", str(text)).strip().strip("\"'“”«»")
    lowered = fragment.casefold()
    for prefix in sorted(prefixes, key=len, reverse=True):
        candidate = prefix.casefold().strip()
        if lowered == candidate:
            fragment = ""
            break
        if lowered.startswith((candidate + " ", candidate + ",")):
            fragment = fragment[len(candidate) :].lstrip(" ,")
            break
    fragment = _TRAILING.sub("", fragment)
    first, _, rest = fragment.partition(" ")
    if first and first.casefold() in starters and first[0].isupper() and first != "I":
        fragment = first[0].lower() + first[1:] + (" " + rest if rest else "")
    return fragment
