"""`mend check-content`: validate every flow and text, and draw flows as Mermaid diagrams."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from bot.checkins.progress import MILESTONES, READING_KEYS
from bot.content.bundle import Content, load_content
from bot.content.mermaid import write_diagrams
from bot.content.resources import INTERNATIONAL, CountryResources, Resources, iso_codes
from bot.content.yamlfiles import ContentError
from bot.core.router import CORE_COMMANDS
from bot.core.turn import PROFILE_FIELDS
from bot.dialogue import callbacks
from bot.dialogue.callbacks import MAX_SEQ_DIGITS
from bot.dialogue.engine import Engine, qualify
from bot.dialogue.schema import Flow
from bot.store.models import RECORD_TABLES

SAMPLE_TEXT = "You always make me feel insecure"
SAMPLE_DAY = date(2026, 11, 22)
# The profile texts see while checked: the safety flags set, so their branches render too.
SAMPLE_PROFILE = {
    "country": None,
    "unsafe": True,
    "own_violence": True,
    "abuse_disclosed": True,
    "safety_family": "harm_from_others",
}
# Variables the core passes to texts outside flows (see bot/core/router.py).
ROUTER_CONTEXT = {
    "title": "An exercise",
    "command": "unknown",
    "kind": "sticker",
    "suggested": "An exercise",
    "active": True,
    "finished": "istatement",
    "plan": "Warning signs: shouting.",
    "immediate": True,
    "family": "self_harm",
    "how": "worse",
    "item": {
        "day": "2026-11-22",
        "text": "When this happens, I feel insecure.",
        "id": 1,
        "what": "Share my calendar",
        "how_often": "daily",
        "to_whom": "partner",
        "status": "active",
    },
    "items": [
        {
            "id": 1,
            "what": "Share my calendar",
            "how_often": "few_times",
            "to_whom": "Sam",
            "status": "paused",
        }
    ],
    "value": "daily",
    "period": "2026-10",
    "on": True,
    "done": ["Self-compassion break"],
    "next": "I-statement",
    "later": ["Reflective listening"],
    "things": [{"id": 2, "title": "I-statement", "text": "When…", "day": "2026-11-22"}],
    "commitments": [{"id": 1, "what": "Share my calendar", "status": "active"}],
    "more": True,
    "count": 2,
    "days": 3,
    "until": "2026-11-25",
    "paused": True,
    "settings": {
        "zone": "Europe/Berlin",
        "time": "20:00",
        "quiet": "22:00-07:00",
        "daily": True,
        "weekly": True,
        "weekday": 6,
        "monthly": False,
        "paused_until": "2026-11-25",
    },
}
AUTOMATIC_FIELDS = {"id", "user_id", "run_id", "created_at", "updated_at"}
LONGEST_SEQ = 10**MAX_SEQ_DIGITS - 1


def check(root: Path) -> list[str]:
    """Every problem found in prompts/ and data/ under `root`; empty when all is well."""
    try:
        content = load_content(root, strict=True)
        Engine(content.flows, content.texts, content.tools)
    except (ContentError, TemplateError) as exc:
        return [str(exc)]
    problems: list[str] = []
    for flow in content.flows.values():
        problems += [f"flow {flow.id}: {p}" for p in _check_flow(flow, content)]
    problems += _check_texts(content)
    problems += _check_feelings(content)
    problems += _check_progress_texts(content)
    problems += check_resources(content.resources, date.today())
    return problems


MIN_COUNTRIES = 30


def check_resources(resources: Resources, today: date) -> list[str]:
    """Help lines: every line cited and checked within a year, crisis and abuse everywhere."""
    where = "data/resources.yaml"
    try:
        stale = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        stale = today.replace(year=today.year - 1, day=28)
    problems: list[str] = []
    if len(resources.countries) < MIN_COUNTRIES:
        count = len(resources.countries)
        problems.append(f"{where}: {count} countries, fewer than {MIN_COUNTRIES}")
    for country in (resources.international, *resources.countries.values()):
        code = country.code
        if code != INTERNATIONAL and code not in iso_codes():
            problems.append(f"{where}: '{code}' is not an ISO 3166 alpha-2 country code")
        problems += [f"{where} {code}: no {kind} line" for kind in country.missing]
        for kind, line in _country_lines(country):
            if not line.source:
                problems.append(f"{where} {code} {kind}: no source")
            if not line.checked:
                problems.append(f"{where} {code} {kind}: no checked date")
            elif line.checked < stale:
                problems.append(f"{where} {code} {kind}: checked {line.checked}, over a year ago")
    return problems


def _country_lines(country: CountryResources) -> list[tuple[str, Any]]:
    """The lines a country's file entry gives itself (its `international` fallbacks are not)."""
    lines = [("crisis", country.crisis), ("abuse", country.abuse), ("therapy", country.therapy)]
    lines.append(("violence", country.violence))
    skip = set(country.fallbacks) | set(country.missing)
    return [(kind, line) for kind, line in lines if line is not None and kind not in skip]


def _check_progress_texts(content: Content) -> list[str]:
    """Every reading line and milestone the check-ins can produce has its text."""
    keys = [f"progress.lines.{k}" for k in READING_KEYS] + [f"milestones.{k}" for k in MILESTONES]
    return [
        f"text '{key}' is missing from prompts/{locale}"
        for locale in content.texts.locales
        for key in keys
        if not content.texts.has(key, locale)
    ]


def _check_flow(flow: Flow, content: Content) -> list[str]:
    problems: list[str] = []
    for step_id, step in flow.steps.items():
        where = f"step {step_id}"
        problems += [
            f"{where}: goes to unknown step '{b.goto}'"
            for b in step.next
            if b.goto not in flow.steps
        ]
        tools = content.tools
        if step.analyse and step.analyse not in tools.analyses:
            problems.append(f"{where}: unknown analysis '{step.analyse}'")
        if step.ask and step.ask.options_from not in (None, *tools.options):
            problems.append(f"{where}: unknown options_from '{step.ask.options_from}'")
        if step.ask and step.ask.parse not in (None, *tools.parsers):
            problems.append(f"{where}: unknown parse '{step.ask.parse}'")
        for action in step.do:
            if action.attach and action.attach["photo"] not in tools.renderers:
                problems.append(f"{where}: unknown attachment '{action.attach['photo']}'")
        for option in step.ask.options if step.ask else ():
            if not callbacks.fits(callbacks.step_answer(flow.id, LONGEST_SEQ, option.value)):
                problems.append(f"{where}: button value '{option.value}' is too long for Telegram")
        for action in step.do:
            problems += [f"{where}: {p}" for p in _check_action(action)]
    problems += [
        f"needs unknown record '{n}'" for n in flow.needs if n not in content.tools.samples
    ]
    if not callbacks.fits(callbacks.action("start", flow.id)):
        problems.append("the flow id is too long for a menu button")
    problems += _check_graph(flow)
    problems += _check_flow_texts(flow, content)
    return problems


def _check_action(action: Any) -> list[str]:
    if action.save:
        record = action.save.get("record")
        table = RECORD_TABLES.get(record)
        if table is None:
            return [f"save: unknown record '{record}' (known: {', '.join(RECORD_TABLES)})"]
        columns = set(table.model_fields) - AUTOMATIC_FIELDS
        given = set(action.save) - {"record", "id"}
        updating = "id" in action.save  # an update may change only some fields
        required = (
            set() if updating else {n for n in columns if table.model_fields[n].is_required()}
        )
        problems = [f"save {record}: unknown field '{f}'" for f in sorted(given - columns)]
        problems += [f"save {record}: missing field '{f}'" for f in sorted(required - given)]
        return problems
    if action.set_profile:
        return [
            f"set_profile: unknown field '{f}'"
            for f in action.set_profile
            if f not in PROFILE_FIELDS
        ]
    return []


def _check_graph(flow: Flow) -> list[str]:
    """Every step is reachable from the start, and every step can reach an end."""
    edges = {sid: {b.goto for b in s.next if b.goto in flow.steps} for sid, s in flow.steps.items()}
    reachable = _closure({flow.start}, edges)
    reverse: dict[str, set[str]] = {sid: set() for sid in flow.steps}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    finishing = _closure({sid for sid, s in flow.steps.items() if s.end}, reverse)
    problems = [
        f"step {s}: can't be reached from '{flow.start}'" for s in flow.steps if s not in reachable
    ]
    problems += [f"step {s}: no way on to an end step" for s in flow.steps if s not in finishing]
    return problems


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _flow_keys(flow: Flow) -> set[str]:
    keys = {qualify(flow.id, flow.title)} | (
        {qualify(flow.id, flow.blurb)} if flow.blurb else set()
    )
    for step in flow.steps.values():
        keys |= {qualify(flow.id, k) for k in step.say}
        keys |= {qualify(flow.id, o.label) for o in (step.ask.options if step.ask else ())}
        keys |= {qualify(flow.id, a.compose["text"]) for a in step.do if a.compose}
    return keys


def _sample_context(flow: Flow, content: Content, situation: str | None) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    analysis: dict[str, Any] = {}
    for step_id, step in flow.steps.items():
        if step.ask:
            name = step.store or step_id
            answers[name] = 3 if step.ask.kind == "scale" else SAMPLE_TEXT
            if step.analyse in content.tools.analyses:
                analysis[name] = content.tools.analyses[step.analyse](SAMPLE_TEXT, "en")
    profile = {**SAMPLE_PROFILE, "situation": situation, "locale": "en"}
    context = {
        "answers": answers,
        "analysis": analysis,
        "profile": profile,
        "flow": flow.id,
        "resources": content.resources.international,
        "data": dict(content.tools.samples),
        "today": SAMPLE_DAY,
        "week_start": SAMPLE_DAY,
    }
    engine = Engine({}, content.texts, content.tools)
    for step in flow.steps.values():  # names a flow sets get their first value, e.g. a counter
        for action in step.do:
            for name, value in (action.set or {}).items():
                if name not in answers and isinstance(value, str) and value.startswith("="):
                    answers[name] = engine.compile(value[1:])(**context)
    for name in flow.stored_names():
        answers.setdefault(name, SAMPLE_TEXT)
    return context


def _check_flow_texts(flow: Flow, content: Content) -> list[str]:
    problems = []
    situations = [None, *content.paths]
    for key in sorted(_flow_keys(flow)):
        for locale in content.texts.locales:
            if not content.texts.has(key, locale):
                problems.append(f"text '{key}' is missing from prompts/{locale}")
                continue
            for situation in situations:
                context = _sample_context(flow, content, situation)
                problem = _try_render(content, key, locale, context)
                if problem:
                    problems.append(problem)
                    break
    return problems


def _check_texts(content: Content) -> list[str]:
    """Texts outside flows render with what the router passes them."""
    problems = []
    flow_files = {f"{flow_id}." for flow_id in content.flows}
    for locale, catalog in content.texts.sources.items():
        for key in sorted(k for k in catalog if not k.startswith(tuple(flow_files))):
            profile = {**SAMPLE_PROFILE, "situation": "hurt", "locale": locale}
            context = {**ROUTER_CONTEXT, "profile": profile}
            context["resources"] = content.resources.international
            context["data"] = samples = dict(content.tools.samples)
            context["progress"] = samples["progress"]
            context["stats"] = samples["progress"]["stats"]
            problem = _try_render(content, key, locale, context)
            if problem:
                problems.append(problem)
        if locale in content.texts.partial_locales:
            problems += _check_partial(content, locale)
            continue
        for command in (*CORE_COMMANDS, *content.commands):
            if f"common.commands.{command}" not in catalog:
                problems.append(f"prompts/{locale}: no description 'commands.{command}' in common")
    return problems


# A partial locale (only the safety answers, say) must hold whole groups of texts.
PARTIAL_GROUPS = ("safety.crisis.", "safety.check.", "safety.mode.")


def _check_partial(content: Content, locale: str) -> list[str]:
    """Every key a partial locale has exists in English, and its groups are complete."""
    catalog = content.texts.sources[locale]
    english = content.texts.sources["en"]
    problems = [
        f"prompts/{locale}: '{key}' is not an English text" for key in catalog if key not in english
    ]
    for group in PARTIAL_GROUPS:
        if any(key.startswith(group) for key in catalog):
            problems += [
                f"prompts/{locale}: '{key}' is missing (the group {group}* is incomplete)"
                for key in english
                if key.startswith(group) and key not in catalog
            ]
    return problems


def _check_feelings(content: Content) -> list[str]:
    problems = []
    for locale, language in content.analyst.languages.items():
        for word in language.feelings_offered:
            if not callbacks.fits(callbacks.step_answer("x" * 20, LONGEST_SEQ, word)):
                problems.append(f"data/{locale}/feelings.yaml: '{word}' is too long for a button")
    return problems


def _try_render(content: Content, key: str, locale: str, context: dict[str, Any]) -> str | None:
    try:
        content.texts.render(key, locale, **context)
        content.texts.render_plain(key, locale, **context)
    except (TemplateError, ContentError, TypeError, ValueError) as exc:
        return f"prompts/{locale} '{key}': {exc}"
    return None


def report(root: Path, mermaid_dir: Path | None = None) -> int:
    """Print the problems (exit 1) or a summary (exit 0); optionally write diagrams."""
    problems = check(root)
    if problems:
        for problem in problems:
            print(f"✗ {problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    content = load_content(root)
    print(
        f"✓ {len(content.flows)} flows and {sum(len(c) for c in content.texts.sources.values())} "
        f"texts in {len(content.texts.locales)} locale(s) are valid."
    )
    if mermaid_dir:
        for path in write_diagrams(content.flows, mermaid_dir):
            print(f"  wrote {path}")
    return 0
