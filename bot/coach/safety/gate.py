"""A cheap first test of which lexicon patterns could match, read from the patterns themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_GATE_CHECKS = 4


@dataclass(frozen=True)
class Need:
    """Something a pattern cannot match without: one of `words` as a whole word, or one of
    `texts` anywhere in the prepared text."""

    words: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Gate:
    """A cheap first test of which patterns could match, from what each one needs."""

    by_word: dict[str, tuple[int, ...]]
    keys: frozenset[str]
    by_text: tuple[tuple[str, tuple[int, ...]], ...]
    always: frozenset[int]
    also: dict[int, tuple[tuple[frozenset[str], frozenset[str]], ...]]

    def candidates(self, form: str, words: frozenset[str]) -> list[int]:
        """Indexes of the patterns whose needs are all met, in order."""
        found = set(self.always)
        for word in words & self.keys:
            found.update(self.by_word[word])
        for text, indexes in self.by_text:
            if text in form:
                found.update(indexes)
        also = self.also
        return [i for i in sorted(found) if i not in also or _all_met(also[i], form, words)]


def _all_met(
    needs: tuple[tuple[frozenset[str], frozenset[str]], ...], form: str, words: frozenset[str]
) -> bool:
    """Whether each need has one of its words among `words` or one of its texts in `form`."""
    for need_words, need_texts in needs:
        if need_words.isdisjoint(words) and not (
            need_texts and any(text in form for text in need_texts)
        ):
            return False
    return True


def build_gate(patterns: list[str], common: frozenset[str]) -> Gate:
    """Index the patterns by their most telling need; check a few others before running."""
    by_word: dict[str, list[int]] = {}
    by_text: dict[str, list[int]] = {}
    always: set[int] = set()
    also: dict[int, tuple[tuple[frozenset[str], frozenset[str]], ...]] = {}
    for index, pattern in enumerate(patterns):
        needs = pattern_needs(pattern, common)
        if not needs:
            always.add(index)
            continue
        for word in needs[0].words:
            by_word.setdefault(word, []).append(index)
        for text in needs[0].texts:
            by_text.setdefault(text, []).append(index)
        if len(needs) > 1:
            also[index] = tuple((n.words, n.texts) for n in needs[1:_GATE_CHECKS])
    return Gate(
        by_word={w: tuple(ids) for w, ids in by_word.items()},
        keys=frozenset(by_word),
        by_text=tuple((t, tuple(ids)) for t, ids in sorted(by_text.items())),
        always=frozenset(always),
        also=also,
    )


def pattern_needs(pattern: str, common: frozenset[str]) -> list[Need]:
    """What every match of the pattern holds, most telling first; empty if none can be told.

    The pattern is read as written (before _as_trie), starting and ending at word edges.
    """
    try:
        from re import _parser  # type: ignore[attr-defined]

        reader = _NeedReader(common)
        needs = reader.sequence(list(_parser.parse(pattern)), True, True)
    except Exception:  # an unfamiliar regex feature or Python version: the pattern always runs
        return []
    return sorted(set(needs), key=reader.selectivity, reverse=True)


class _NeedReader:
    """Walks a parsed pattern, tracking whether each position is at the start of a word."""

    def __init__(self, common: frozenset[str]) -> None:
        from re import _constants  # type: ignore[attr-defined]

        self.op = _constants
        self.common = common
        self.zero_width = {_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT}

    def sequence(self, items: list[Any], start: bool, end: bool) -> list[Need]:
        """Every need of a sequence; `start`/`end`: whether it begins/ends at a word edge."""
        items = [item for item in items if item[0] not in self.zero_width]
        needs: list[Need] = []
        run, run_start, edge = "", False, start
        for index, (code, arg) in enumerate(items):
            if code is self.op.LITERAL and arg != ord(" "):
                run, run_start = run + chr(arg), run_start if run else edge
                edge = False
                continue
            if run:
                needs += self.run_needs(run, run_start, items, index, end)
                run = ""
            after = self.starts_at_edge(items[index + 1 :], end)
            needs += self.item_needs(code, arg, edge, after)
            edge = self.ends_at_edge(code, arg, edge)
        if run:
            needs.append(self.run_need(run, run_start, end))
        return [n for n in needs if n.words or n.texts]

    def run_needs(self, run: str, at_start: bool, items: list[Any], index: int, end: bool):
        """A run of letters, and the same run with the endings that may follow it: the parser
        turns 'hit|hits' into 'hit(?:|s)' and 'kids?' is 'kid' and an optional 's'."""
        needs = [self.run_need(run, at_start, self.starts_at_edge(items[index:], end))]
        tails = self.endings(*items[index])
        if tails is not None:
            whole = frozenset(run + tail for tail in tails)
            if at_start and self.starts_at_edge(items[index + 1 :], end):
                needs.append(Need(words=whole))
            else:
                needs.append(Need(texts=whole))
        return needs

    def run_need(self, run: str, at_start: bool, at_end: bool) -> Need:
        return Need(words=frozenset({run})) if at_start and at_end else Need(texts=frozenset({run}))

    def endings(self, code: Any, arg: Any) -> list[str] | None:
        """The letters an item adds to the word before it, if it is only letters."""
        if code is self.op.BRANCH:
            tails = [self.letters(list(a)) for a in arg[1]]
            return None if any(t is None for t in tails) else [str(t) for t in tails]
        if code is self.op.MAX_REPEAT and arg[:2] == (0, 1):
            tail = self.letters(list(arg[2]))
            return None if tail is None else ["", tail]
        return None

    def letters(self, items: list[Any]) -> str | None:
        chars = [chr(arg) for code, arg in items if code is self.op.LITERAL]
        return "".join(chars) if len(chars) == len(items) and " " not in chars else None

    def item_needs(self, code: Any, arg: Any, start: bool, end: bool) -> list[Need]:
        op = self.op
        if code is op.SUBPATTERN:
            return self.sequence(list(arg[3]), start, end)
        if code is op.BRANCH:
            return self.union([self.best(self.sequence(list(a), start, end)) for a in arg[1]])
        if code in (op.MAX_REPEAT, op.MIN_REPEAT) and arg[0] >= 1:
            once = arg[1] == 1
            return self.sequence(list(arg[2]), start and once, end and once)
        return []

    def best(self, needs: list[Need]) -> Need | None:
        return max(needs, key=self.selectivity, default=None)

    def union(self, needs: list[Need | None]) -> list[Need]:
        """One of several alternatives: any of their needs will do."""
        if not needs or any(n is None for n in needs):
            return []
        present = [n for n in needs if n is not None]
        if all(n.words for n in present):
            return [Need(words=frozenset().union(*(n.words for n in present)))]
        return [Need(texts=frozenset().union(*(n.words | n.texts for n in present)))]

    def starts_at_edge(self, items: list[Any], end: bool) -> bool:
        """Whether what comes next surely begins with a space (or is the end of the pattern)."""
        op = self.op
        for code, arg in items:
            if code in self.zero_width:
                continue
            if code is op.LITERAL:
                return arg == ord(" ")
            if code is op.SUBPATTERN:
                return self.starts_at_edge(list(arg[3]), False)
            if code is op.BRANCH:
                return all(a and self.starts_at_edge(list(a), False) for a in arg[1])
            if code in (op.MAX_REPEAT, op.MIN_REPEAT):
                if not self.starts_at_edge(list(arg[2]), False):
                    return False
                if arg[0] >= 1:
                    return True
                continue
            return False
        return end

    def ends_at_edge(self, code: Any, arg: Any, before: bool) -> bool:
        """Whether the position after this item is surely just after a space."""
        op = self.op
        if code is op.LITERAL:
            return arg == ord(" ")
        if code is op.SUBPATTERN:
            return self.sequence_ends_at_edge(list(arg[3]), before)
        if code is op.BRANCH:
            return all(self.sequence_ends_at_edge(list(a), before) for a in arg[1])
        if code in (op.MAX_REPEAT, op.MIN_REPEAT):
            inner = self.sequence_ends_at_edge(list(arg[2]), False)
            return inner and (before or arg[0] >= 1)
        return False

    def sequence_ends_at_edge(self, items: list[Any], before: bool) -> bool:
        edge = before
        for code, arg in items:
            if code not in self.zero_width:
                edge = self.ends_at_edge(code, arg, edge)
        return edge

    def selectivity(self, need: Need) -> tuple[int, bool, int, int]:
        """Fewer common words, then whole words before text, then longer, then fewer keys."""
        keys = [k.strip() for k in need.words or need.texts]
        rare = [len(k) for k in keys if k not in self.common]
        return len(rare) - len(keys), bool(need.words), min(rare, default=0), -len(keys)
