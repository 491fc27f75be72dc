"""The safety screen: crisis and abuse language that must stop the coaching.

Patterns, exceptions, misspellings and leetspeak live in data/<locale>/safety/*.yaml.
Nothing here logs or keeps the text it screens.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from bot.coach.normalize import normalise
from bot.content.yamlfiles import ContentError, read_yaml

Family = Literal["self_harm", "harm_from_others"]
FAMILIES: tuple[Family, ...] = ("self_harm", "harm_from_others")  # the first wins a tie
DEFAULT_LOCALE = "en"
SPELLING_FILE = "spelling.yaml"

_TERM = re.compile(r"\{([a-z_]+)\}")
_ESCAPES = re.compile(r"\\[a-zA-Z]")
_VOCAB_WORD = re.compile(r"[a-z']+")
_NOT_TEXT = re.compile(r"[^\w\s']|_")
_ASCII_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation.replace("'", "")})
_REPEATS = re.compile(r"([a-z])\1{2,}")
_STRETCHED = re.compile(r"(.)\1\1")
_SEPARATORS = re.compile(r"[ .\-_*·,]+")
_LONGEST_WORD = 24
_GATE_CHECKS = 4
_WORD_LIST = re.compile(r"\(\?:([a-z0-9' ]*(?:\|[a-z0-9' ]*)+)\)")
_SINGLE_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)

Span = tuple[int, int]


@dataclass(frozen=True)
class SafetySignal:
    """What the screen found: whose harm, whether it is happening now, and which categories."""

    family: Family
    immediate: bool
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Spelling:
    """Rewrites applied before matching: misspellings and slang, leetspeak, spaced letters."""

    canonical: dict[str, str]
    variant_words: frozenset[str]
    phrase_seconds: dict[str, frozenset[str]]
    longest_phrase: int
    leet: dict[int, str]
    leet_chars: frozenset[str]
    leet_token: re.Pattern[str]
    spaced: re.Pattern[str]
    vocabulary: frozenset[str]

    def correct(self, words: list[str]) -> list[str]:
        """Replace known misspellings and slang (words or phrases) with their canonical form."""
        touched = self.variant_words.intersection(words)
        if not touched:
            return words
        out: list[str] = []
        index = 0
        while index < len(words):
            word = words[index]
            size, replacement = self._phrase(words, index) if word in touched else (1, word)
            out.append(replacement)
            index += size
        return " ".join(out).split(" ")

    def _phrase(self, words: list[str], index: int) -> tuple[int, str]:
        """The longest known phrase or word starting at `index`, and how many words it takes."""
        following = words[index + 1] if index + 1 < len(words) else ""
        if following in self.phrase_seconds.get(words[index], ()):
            for size in range(min(self.longest_phrase, len(words) - index), 1, -1):
                phrase = " ".join(words[index : index + size])
                if phrase in self.canonical:
                    return size, self.canonical[phrase]
        return 1, self.canonical.get(words[index], words[index])

    def deleet(self, text: str) -> str:
        """Turn digits and symbols inside words back into letters: 'k1ll' -> 'kill'."""
        if self.leet_chars.isdisjoint(text):
            return text
        return self.leet_token.sub(self._deleet_token, text)

    def _deleet_token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip("!?")
        if not any(c.isalpha() for c in core) or core.lstrip(string.digits).isalpha():
            return token  # no letters, or a number and a unit: "3am", "2nd", "10pm"
        return core.translate(self.leet) + token[len(core) :]

    def despace(self, text: str) -> str:
        """Join letters spread out with spaces or dots ('k i l l', 's.u.i.c.i.d.e')."""
        return self.spaced.sub(self._join, text)

    def _join(self, match: re.Match[str]) -> str:
        joined = _REPEATS.sub(r"\1", self.deleet(_SEPARATORS.sub("", match.group(0))))
        return " ".join(segment(joined, self.vocabulary) or [joined])

    def variant(self, normalised: str, plain: str, words: list[str]) -> list[str] | None:
        """The words with leetspeak undone and spaced-out letters joined, if anything may hide."""
        deleeted = self.deleet(normalised)
        spaced = len(_SINGLE_CHARACTERS.intersection(words)) >= 3
        if deleeted == normalised and not spaced and not _STRETCHED.search(plain):
            return None
        return self.correct(_squeeze(_plain(self.despace(deleeted))).split(" "))


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


@dataclass(frozen=True)
class Category:
    """One named kind of danger, and whether it means danger right now."""

    name: str
    immediate: bool


@dataclass(frozen=True)
class FamilyRules:
    """One family's patterns (each tagged with its category) and the exceptions that cancel."""

    family: Family
    categories: tuple[Category, ...]
    patterns: tuple[tuple[int, re.Pattern[str]], ...]
    gate: Gate
    exceptions: tuple[re.Pattern[str], ...]
    exception_gate: Gate

    def find(self, form: str, words: frozenset[str]) -> list[Category]:
        """Categories with at least one match that no exception overlaps, in file order."""
        hits = [
            (self.patterns[i][0], span)
            for i in self.gate.candidates(form, words)
            for span in whole_word_spans(self.patterns[i][1], form)
        ]
        if not hits:
            return []
        spared = [
            span
            for i in self.exception_gate.candidates(form, words)
            for span in whole_word_spans(self.exceptions[i], form)
        ]
        kept = {c for c, span in hits if not any(_overlaps(span, s) for s in spared)}
        return [self.categories[i] for i in sorted(kept)]


@dataclass(frozen=True)
class LocaleRules:
    """Everything the screen knows of one language."""

    spelling: Spelling
    families: tuple[FamilyRules, ...]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def whole_word_spans(pattern: re.Pattern[str], form: str) -> list[Span]:
    """Spans of the matches that start a word (patterns are compiled without the lookbehind,
    so that the regex engine can skip ahead to the letters a match can begin with)."""
    spans: list[Span] = []
    position = 0
    while (match := pattern.search(form, position)) is not None:
        start = match.start()
        if start and (form[start - 1].isalnum() or form[start - 1] in "'_"):
            position = start + 1
            continue
        spans.append(match.span())
        position = max(match.end(), start + 1)
    return spans


def _squeeze(text: str) -> str:
    """Letters stretched three times or more become one: 'diiiie' -> 'die'."""
    return _REPEATS.sub(r"\1", text)


def segment(joined: str, vocabulary: frozenset[str]) -> list[str] | None:
    """Split run-together letters into the fewest known words, or None if they do not split."""
    best: list[list[str] | None] = [[]] + [None] * len(joined)
    for end in range(1, len(joined) + 1):
        for start in range(max(0, end - _LONGEST_WORD), end):
            head, current = best[start], best[end]
            if head is None or joined[start:end] not in vocabulary:
                continue
            if current is None or len(head) + 1 < len(current):
                best[end] = [*head, joined[start:end]]
    return best[-1]


def _plain(text: str) -> str:
    """Punctuation (other than apostrophes) becomes space; spaces are single."""
    text = text.translate(_ASCII_PUNCTUATION)
    if not text.isascii():
        text = _NOT_TEXT.sub(" ", text)
    return " ".join(text.split())


def prepare(text: str, spelling: Spelling) -> list[str]:
    """The forms one message is matched in: plain, and de-spaced/de-leeted if that differs."""
    return [form for form, _ in _forms(text, spelling)]


def _forms(text: str, spelling: Spelling) -> list[tuple[str, frozenset[str]]]:
    """Each form to match, with its set of words."""
    normalised = normalise(text)
    plain = _plain(normalised)
    words = plain.split(" ")
    corrected = spelling.correct(words)
    forms = [(" ".join(corrected) if corrected is not words else plain, frozenset(corrected))]
    variant = spelling.variant(normalised, plain, words)
    if variant is not None and variant != corrected:
        forms.append((" ".join(variant), frozenset(variant)))
    return forms


def safety_forms(text: str, locale: str = DEFAULT_LOCALE) -> list[str]:
    """Normalised text plus a de-spaced/de-leeted variant, using the repository's data."""
    return prepare(text, _default_screen().rules(locale).spelling)


@lru_cache(maxsize=1)
def _default_screen() -> SafetyScreen:
    from bot.config import PROJECT_ROOT

    return SafetyScreen(PROJECT_ROOT / "data")


class SafetyScreen:
    """Screens free text for self-harm and for harm from others; knows nothing of chats."""

    def __init__(self, data_dir: Path) -> None:
        self.locales = {
            folder.name: _load_locale(folder / "safety")
            for folder in sorted(data_dir.iterdir())
            if (folder / "safety").is_dir()
        }
        if DEFAULT_LOCALE not in self.locales:
            raise ContentError(f"{data_dir}: safety data for '{DEFAULT_LOCALE}' is missing")

    def rules(self, locale: str) -> LocaleRules:
        """The locale's rules, or the default locale's when it has none."""
        return self.locales.get(locale) or self.locales[DEFAULT_LOCALE]

    def screen(self, text: str, locale: str = DEFAULT_LOCALE) -> SafetySignal | None:
        """A signal if the text speaks of danger to the writer, else None."""
        rules = self.rules(locale)
        found: dict[Family, list[Category]] = {}
        for form, words in _forms(text, rules.spelling):
            for family in rules.families:
                for category in family.find(form, words):
                    matched = found.setdefault(family.family, [])
                    if category not in matched:
                        matched.append(category)
        return _signal(found) if found else None


def _signal(found: dict[Family, list[Category]]) -> SafetySignal:
    """The family to act on (an immediate one first, then the tie order) and every category."""
    immediate = {f: any(c.immediate for c in cats) for f, cats in found.items()}
    ordered = [f for f in FAMILIES if f in found]
    family = next((f for f in ordered if immediate[f]), ordered[0])
    names = tuple(c.name for f in ordered for c in found[f])
    return SafetySignal(family, immediate[family], names)


# Loading


def _load_locale(folder: Path) -> LocaleRules:
    spelling_path = folder / SPELLING_FILE
    raw_spelling = _mapping(spelling_path) if spelling_path.exists() else {}
    common = frozenset(str(w) for w in raw_spelling.get("common_words") or [])
    raw = {p.stem: _mapping(p) for p in sorted(folder.glob("*.yaml")) if p != spelling_path}
    unknown = set(raw) - set(FAMILIES)
    if unknown:
        raise ContentError(f"{folder}: unknown safety families {sorted(unknown)}")
    families = tuple(
        _load_family(f, raw[f], folder / f"{f}.yaml", common) for f in FAMILIES if f in raw
    )
    if not families:
        raise ContentError(f"{folder}: no safety families found")
    _check_unique_categories(families, folder)
    vocabulary = _vocabulary(raw.values(), raw_spelling)
    return LocaleRules(_load_spelling(raw_spelling, spelling_path, vocabulary), families)


def _mapping(path: Path) -> dict[str, Any]:
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping")
    return data


def _check_unique_categories(families: tuple[FamilyRules, ...], folder: Path) -> None:
    names = [c.name for f in families for c in f.categories]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ContentError(f"{folder}: categories named in more than one family: {repeated}")


def _load_family(
    family: Family, data: dict[str, Any], path: Path, common: frozenset[str]
) -> FamilyRules:
    terms = _terms(data.get("terms") or {}, path)
    raw = data.get("categories")
    if not isinstance(raw, dict) or not raw:
        raise ContentError(f"{path}: needs a non-empty `categories` mapping")
    categories: list[Category] = []
    patterns: list[tuple[int, re.Pattern[str]]] = []
    for index, (name, spec) in enumerate(raw.items()):
        where = f"{path}:{name}"
        categories.append(Category(str(name), bool((spec or {}).get("immediate", False))))
        patterns += [(index, _expand(p, terms, where)) for p in _pattern_list(spec, where)]
    raw_exceptions = data.get("exceptions") or []
    if not isinstance(raw_exceptions, list):
        raise ContentError(f"{path}: `exceptions` must be a list of quoted patterns")
    exceptions = [_expand(str(p), terms, f"{path}:exceptions") for p in raw_exceptions]
    return FamilyRules(
        family=family,
        categories=tuple(categories),
        patterns=tuple((c, _compile(p, f"{path}:{c}")) for c, p in patterns),
        gate=_gate([p for _, p in patterns], common),
        exceptions=tuple(_compile(p, f"{path}:exceptions") for p in exceptions),
        exception_gate=_gate(exceptions, common),
    )


def _pattern_list(spec: Any, where: str) -> list[str]:
    value = spec.get("patterns") if isinstance(spec, dict) else None
    if not value or not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ContentError(f"{where}: needs a list of quoted patterns")
    return value


def _terms(raw: Any, path: Path) -> dict[str, str]:
    """Named pieces of pattern; a term may use the terms defined above it."""
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: `terms` must map names to patterns")
    terms: dict[str, str] = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            raise ContentError(f"{path}: term '{name}' must be a quoted pattern")
        terms[str(name)] = _expand(value, terms, f"{path}:terms:{name}")
    return terms


def _expand(pattern: str, terms: dict[str, str], where: str) -> str:
    def term(match: re.Match[str]) -> str:
        if match.group(1) not in terms:
            raise ContentError(f"{where}: unknown term {{{match.group(1)}}}")
        return f"(?:{terms[match.group(1)]})"

    return _TERM.sub(term, pattern)


def _compile(expanded: str, where: str) -> re.Pattern[str]:
    """One pattern, terms filled in, ending at a word's end (see whole_word_spans)."""
    try:
        return re.compile(rf"(?:{_WORD_LIST.sub(_as_trie, expanded)})(?![\w'])")
    except re.error as exc:
        raise ContentError(f"{where}: bad pattern {expanded!r}: {exc}") from None


def _as_trie(match: re.Match[str]) -> str:
    """A group of plain words, '(?:hit|hits|hitting)', as a tree the regex engine reads
    a letter at a time, '(?:hit(?:s|ting)?)': the same words, far fewer tries per position."""
    tree: dict[str, Any] = {}
    for word in match.group(1).split("|"):
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return f"(?:{_trie_pattern(tree)})"


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _trie_pattern(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _vocabulary(families: Iterable[dict[str, Any]], spelling: dict[str, Any]) -> frozenset[str]:
    """Words a run of spaced-out letters may split into: every word the data mentions."""
    words: set[str] = set()
    for data in families:
        sources = [*(data.get("terms") or {}).values()]
        for spec in (data.get("categories") or {}).values():
            sources += (spec or {}).get("patterns") or []
        for source in sources:
            words.update(_VOCAB_WORD.findall(_ESCAPES.sub(" ", str(source))))
    for canonical, variants in (spelling.get("words") or {}).items():
        words.update(str(canonical).split())
        words.update(w for v in variants or [] for w in str(v).split())
    return frozenset(w for w in words if len(w) > 1 or w in ("i", "a"))


def _load_spelling(data: dict[str, Any], path: Path, vocabulary: frozenset[str]) -> Spelling:
    canonical: dict[str, str] = {}
    for word, variants in (data.get("words") or {}).items():
        if not isinstance(variants, list):
            raise ContentError(f"{path}: words.{word} must list its variants")
        canonical.update({_plain(normalise(str(v))): str(word) for v in variants})
    leet = {str(k): str(v) for k, v in (data.get("leet") or {}).items()}
    if any(len(k) != 1 for k in leet):
        raise ContentError(f"{path}: each `leet` key must be one character")
    symbols = re.escape("".join(leet))
    chars = rf"[\w{symbols}]"
    phrases = [v.split(" ") for v in canonical if " " in v]
    seconds: dict[str, set[str]] = {}
    for phrase in phrases:
        seconds.setdefault(phrase[0], set()).add(phrase[1])
    return Spelling(
        canonical=canonical,
        variant_words=frozenset(w for v in canonical for w in v.split(" ")[:1]),
        phrase_seconds={first: frozenset(rest) for first, rest in seconds.items()},
        longest_phrase=max((len(p) for p in phrases), default=1),
        leet=str.maketrans(leet),
        leet_chars=frozenset(leet),
        leet_token=re.compile(rf"{chars}*[{symbols}]{chars}*"),
        spaced=re.compile(rf"(?<!{chars})(?:{chars}[ .\-_*·,]{{1,3}}){{2,}}{chars}(?!{chars})"),
        vocabulary=vocabulary,
    )


# The gate: what each pattern cannot match without, found by reading its parsed form


def _gate(patterns: list[str], common: frozenset[str]) -> Gate:
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
