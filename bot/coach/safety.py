"""The safety screen: crisis and abuse language that must stop the coaching.

Patterns, exceptions, misspellings and leetspeak live in data/<locale>/safety/*.yaml.
Nothing here logs or keeps the text it screens.
"""

from __future__ import annotations

import re
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
_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SEPARATORS = re.compile(r"[ .\-_*·,]+")
_LONGEST_WORD = 24

Span = tuple[int, int]


@dataclass(frozen=True)
class SafetySignal:
    """What the screen found: whose harm, whether it is happening now, and which categories."""

    family: Family
    immediate: bool
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Spelling:
    """Rewrites applied before matching: misspellings and slang, leetspeak, and a word list."""

    words: re.Pattern[str] | None
    canonical: dict[str, str]
    leet: dict[int, str]
    leet_token: re.Pattern[str]
    spaced: re.Pattern[str]
    vocabulary: frozenset[str]

    def correct(self, text: str) -> str:
        """Replace known misspellings and slang with their canonical words."""
        if self.words is None:
            return text
        return self.words.sub(lambda m: self.canonical[m.group(0)], text)

    def deleet(self, text: str) -> str:
        """Turn digits and symbols inside words back into letters: 'k1ll' -> 'kill'."""
        return self.leet_token.sub(self._deleet_token, text)

    def _deleet_token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip("!?")
        if core.isalpha() or not any(c.isalpha() for c in core):
            return token
        return core.translate(self.leet) + token[len(core) :]

    def despace(self, text: str) -> str:
        """Join letters spread out with spaces or dots ('k i l l', 's.u.i.c.i.d.e')."""
        return self.spaced.sub(self._join, text)

    def _join(self, match: re.Match[str]) -> str:
        joined = _REPEATS.sub(r"\1", self.deleet(_SEPARATORS.sub("", match.group(0))))
        return " ".join(segment(joined, self.vocabulary) or [joined])


@dataclass(frozen=True)
class Gate:
    """A cheap first test: which patterns could match, from literal strings each one needs."""

    literals: tuple[tuple[str, tuple[int, ...]], ...]
    always: frozenset[int]

    def candidates(self, form: str) -> set[int]:
        """Indexes of the patterns whose required strings occur in the text."""
        found = set(self.always)
        for literal, indexes in self.literals:
            if literal in form:
                found.update(indexes)
        return found


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

    def find(self, form: str) -> list[Category]:
        """Categories with at least one match that no exception overlaps, in file order."""
        hits = self._matches(form)
        if not hits:
            return []
        spared = self._spared(form)
        kept = {c for c, span in hits if not any(_overlaps(span, s) for s in spared)}
        return [self.categories[i] for i in sorted(kept)]

    def _matches(self, form: str) -> list[tuple[int, Span]]:
        hits = []
        for index in sorted(self.gate.candidates(form)):
            category, pattern = self.patterns[index]
            hits += [(category, m.span()) for m in pattern.finditer(form)]
        return hits

    def _spared(self, form: str) -> list[Span]:
        candidates = self.exception_gate.candidates(form)
        return [m.span() for i in candidates for m in self.exceptions[i].finditer(form)]


@dataclass(frozen=True)
class LocaleRules:
    """Everything the screen knows of one language."""

    spelling: Spelling
    families: tuple[FamilyRules, ...]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


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
    return _SPACES.sub(" ", _NOT_TEXT.sub(" ", text)).strip()


def prepare(text: str, spelling: Spelling) -> list[str]:
    """The forms one message is matched in: plain, and de-spaced/de-leeted if that differs."""
    normalised = normalise(text)
    plain = spelling.correct(_plain(normalised))
    variant = spelling.deleet(spelling.despace(normalised))
    variant = spelling.correct(_REPEATS.sub(r"\1", _plain(variant)))
    return [plain] if variant == plain else [plain, variant]


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
        for form in prepare(text, rules.spelling):
            for family in rules.families:
                for category in family.find(form):
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
        spec = spec or {}
        categories.append(Category(str(name), bool(spec.get("immediate", False))))
        patterns += [(index, _compile(p, terms, where)) for p in _pattern_list(spec, where)]
    raw_exceptions = data.get("exceptions") or []
    if not isinstance(raw_exceptions, list):
        raise ContentError(f"{path}: `exceptions` must be a list of quoted patterns")
    exceptions = tuple(_compile(str(p), terms, f"{path}:exceptions") for p in raw_exceptions)
    return FamilyRules(
        family=family,
        categories=tuple(categories),
        patterns=tuple(patterns),
        gate=_gate([p for _, p in patterns], common),
        exceptions=exceptions,
        exception_gate=_gate(list(exceptions), common),
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


def _compile(pattern: str, terms: dict[str, str], where: str) -> re.Pattern[str]:
    """One pattern, terms filled in, matching whole words only."""
    try:
        return re.compile(rf"(?<![\w'])(?:{_expand(pattern, terms, where)})(?![\w'])")
    except re.error as exc:
        raise ContentError(f"{where}: bad pattern {pattern!r}: {exc}") from None


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
        canonical.update({normalise(str(v)): str(word) for v in variants})
    leet = {str(k): str(v) for k, v in (data.get("leet") or {}).items()}
    if any(len(k) != 1 for k in leet):
        raise ContentError(f"{path}: each `leet` key must be one character")
    chars = rf"[\w{re.escape(''.join(leet))}]"
    alternation = "|".join(re.escape(v) for v in sorted(canonical, key=len, reverse=True))
    return Spelling(
        words=re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])") if canonical else None,
        canonical=canonical,
        leet=str.maketrans(leet),
        leet_token=re.compile(f"{chars}+"),
        spaced=re.compile(rf"(?<!{chars})(?:{chars}[ .\-_*·,]{{1,3}}){{2,}}{chars}(?!{chars})"),
        vocabulary=vocabulary,
    )


# The gate: literal strings a pattern cannot match without


def _gate(patterns: list[re.Pattern[str]], common: frozenset[str]) -> Gate:
    """Index the patterns by the literal strings they need; those with none always run."""
    by_literal: dict[str, list[int]] = {}
    always: set[int] = set()
    for index, pattern in enumerate(patterns):
        needed = required_literals(pattern, common)
        if not needed:
            always.add(index)
        for literal in needed or ():
            by_literal.setdefault(literal, []).append(index)
    literals = tuple((lit, tuple(ids)) for lit, ids in sorted(by_literal.items()))
    return Gate(literals, frozenset(always))


def required_literals(pattern: re.Pattern[str], common: frozenset[str]) -> set[str] | None:
    """Strings of which every match contains at least one, or None if none can be told."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _required(list(_parser.parse(pattern.pattern)), common)
    except Exception:  # an unknown regex feature or Python version: the pattern always runs
        return None


def _required(items: list[tuple[Any, Any]], common: frozenset[str]) -> set[str] | None:
    """The most selective literal set among the parts of a sequence that every match has."""
    from re import _constants as op  # type: ignore[attr-defined]

    best: set[str] | None = None
    run = ""
    for code, arg in [*items, (None, None)]:
        if code is op.LITERAL:
            run += chr(arg)
            continue
        options: list[set[str] | None] = [{run}] if run.strip() else []
        run = ""
        if code is op.SUBPATTERN:
            options.append(_required(list(arg[3]), common))
        elif code is op.BRANCH:
            alternatives = [_required(list(a), common) for a in arg[1]]
            if all(alternatives):
                options.append(set().union(*alternatives))  # type: ignore[arg-type]
        elif code in (op.MAX_REPEAT, op.MIN_REPEAT) and arg[0] >= 1:
            options.append(_required(list(arg[2]), common))
        for option in options:
            if option and (
                best is None or _selectivity(option, common) > _selectivity(best, common)
            ):
                best = option
    return best


def _selectivity(literals: set[str], common: frozenset[str]) -> tuple[int, int]:
    """Rarer first: the shortest meaningful string's length, then fewer strings."""
    lengths = [0 if s.strip() in common else len(s.strip()) for s in literals]
    return min(lengths), -len(literals)
