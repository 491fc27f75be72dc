"""The tools flows may name, assembled from the coach's analyses and the check-in helpers."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from bot.checkins import charts, progress, times, timezones
from bot.coach.analysis import Analyst
from bot.content.resources import Resources
from bot.content.texts import Texts
from bot.dialogue.tools import Toolbox
from bot.messages import Attachment

MAX_PAUSE_DAYS = 90
CHART_FILE = "mend-progress.png"


def build_toolbox(analyst: Analyst, texts: Texts, resources: Resources) -> Toolbox:
    """Every named tool, with a sample of each stored record a flow may need."""
    analyses: dict[str, Any] = {
        name: partial(_lexicon, analyst, name) for name in sorted(analyst.analyses)
    }
    analyses["timezone"] = _zones
    return Toolbox(
        analyses=analyses,
        options={
            "feelings": lambda context, locale: analyst.options(
                "feelings", context["answers"], locale
            ),
            "zones": _zone_options,
            "suggested_country": partial(_suggested_country, resources),
            "countries": partial(_country_options, resources),
        },
        parsers={
            "time": _time,
            "time_range": _time_range,
            "days": _days,
            "country": partial(_country, resources),
        },
        renderers={"progress_chart": partial(render_chart, texts)},
        samples=samples(),
    )


def _suggested_country(
    resources: Resources, context: dict[str, Any], locale: str
) -> list[tuple[str, str]]:
    """The one country Telegram's language and the time zone point to, if it is listed."""
    profile = context["profile"]
    code = resources.suggest_country(profile.get("language_code"), profile.get("zone"))
    return [(code, country_label(resources, code))] if code else []


def _country_options(
    resources: Resources, context: dict[str, Any], locale: str
) -> list[tuple[str, str]]:
    """Every listed country, the suggested one first, by name."""
    suggested = _suggested_country(resources, context, locale)
    rest = sorted(
        ((code, country_label(resources, code)) for code in resources.countries),
        key=lambda pair: pair[1],
    )
    return suggested + [pair for pair in rest if pair not in suggested]


def _country(resources: Resources, text: str) -> str | None:
    """A listed country typed by name or code ("germany", "uk", "the US")."""
    wanted = text.strip().casefold().removeprefix("the ").strip(" .!")
    for code in resources.countries:
        names = {code.casefold(), country_label(resources, code).casefold()}
        if wanted in names:
            return code
    return None


def country_label(resources: Resources, code: str) -> str:
    """A button's name for a country: 'the UK' becomes 'UK'."""
    name = resources.get(code).name
    name = name[4:] if name.startswith("the ") else name
    return name[:1].upper() + name[1:]


def render_chart(texts: Texts, context: dict[str, Any], locale: str) -> Attachment:
    """The monthly progress chart as a photo, labelled in the user's language."""
    stats = context["data"]["progress"]["stats"]
    labels = charts.ChartLabels(
        **{
            name: texts.render_plain(f"progress.chart.{name}", locale)
            for name in ("title", "mood", "consistency", "kept", "triggered", "no_data")
        }
    )
    # Drawn after the turn is committed, off the event loop.
    return Attachment(CHART_FILE, kind="photo", draw=partial(charts.progress_chart, stats, labels))


def progress_record(history: progress.History) -> dict[str, Any]:
    """What templates and the chart see as `data.progress`."""
    stats = progress.month_stats(history)
    return {"stats": stats, "reading": progress.reading(stats), "low_mood": stats.low_mood}


def samples() -> dict[str, Any]:
    """One plausible value of each record flows may list under `needs`."""
    history = progress.History(today=date(2026, 11, 22), entries=(), reviews=())
    return {
        "commitments": [
            {
                "id": 1,
                "what": "Share my calendar",
                "how_often": "daily",
                "to_whom": "Sam",
                "status": "active",
            }
        ],
        "progress": progress_record(history),
        "safety_plan": "Warning signs: shouting.",
        "trigger_plan": "Breathe, then text a friend.",
    }


def _lexicon(analyst: Analyst, name: str, text: str, locale: str) -> dict[str, Any]:
    return analyst.analyse(name, text, locale)


def _zones(text: str, _locale: str) -> dict[str, Any]:
    found, exact = timezones.match_zones(text)
    return {"zones": found, "exact": exact, "flagged": bool(found)}


def _zone_options(context: dict[str, Any], _locale: str) -> list[tuple[str, str]]:
    found: list[str] = []
    for result in context["analysis"].values():
        if isinstance(result, dict) and "zones" in result:
            found = result["zones"]
    return [(zone, zone.replace("_", " ")) for zone in found]


def _time(text: str) -> str | None:
    parsed = times.parse_time(text)
    return times.format_time(parsed) if parsed is not None else None


def _time_range(text: str) -> str | None:
    parsed = times.parse_time_range(text)
    return (
        f"{times.format_time(parsed[0])}-{times.format_time(parsed[1])}"
        if parsed is not None
        else None
    )


def _days(text: str) -> int | None:
    digits = text.strip().split()[0] if text.strip() else ""
    return int(digits) if digits.isdigit() and 1 <= int(digits) <= MAX_PAUSE_DAYS else None
