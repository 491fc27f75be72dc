"""Reading data/<locale>/safety/*.yaml into compiled rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.coach.normalize import normalise
from bot.coach.safety.gate import build_gate
from bot.coach.safety.rules import FAMILIES, Category, Family, FamilyRules, LocaleRules
from bot.coach.safety.spelling import Spelling, plain
from bot.content.yamlfiles import ContentError, read_yaml

SPELLING_FILE = "spelling.yaml"
RESOLVED_FILE = "resolved.yaml"
_TERM = re.compile(r"\{([a-z_]+)\}")
_ESCAPES = re.compile(r"\\[a-zA-Z]")
_VOCAB_WORD = re.compile(r"[a-z']+")
_WORD_LIST = re.compile(r"\(\?:([a-z0-9' ]*(?:\|[a-z0-9' ]*)+)\)")


def load_locale(folder: Path) -> LocaleRules:
    spelling_path = folder / SPELLING_FILE
    raw_spelling = _mapping(spelling_path) if spelling_path.exists() else {}
    common = frozenset(str(w) for w in raw_spelling.get("common_words") or [])
    resolved_path = folder / RESOLVED_FILE
    raw = {
        p.stem: _mapping(p)
        for p in sorted(folder.glob("*.yaml"))
        if p not in (spelling_path, resolved_path)
    }
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
    spelling = _load_spelling(raw_spelling, spelling_path, vocabulary)
    return LocaleRules(spelling, families, _load_resolved(resolved_path))


def _load_resolved(path: Path) -> tuple[re.Pattern[str], ...]:
    """Patterns saying a danger is over; none when the locale has no such file."""
    if not path.exists():
        return ()
    where = f"{path}:patterns"
    return tuple(_compile(p, where) for p in _pattern_list(_mapping(path), where))


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
        gate=build_gate([p for _, p in patterns], common),
        exceptions=tuple(_compile(p, f"{path}:exceptions") for p in exceptions),
        exception_gate=build_gate(exceptions, common),
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
        canonical.update({plain(normalise(str(v))): str(word) for v in variants})
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
