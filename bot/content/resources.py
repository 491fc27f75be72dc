"""Crisis, abuse and therapy lines by country, from data/resources.yaml."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from bot.content.yamlfiles import ContentError, read_yaml

INTERNATIONAL = "international"
REQUIRED_LINES = ("crisis", "abuse", "therapy")
OPTIONAL_LINES = ("violence",)


@dataclass(frozen=True)
class Line:
    """One service: who, how to reach them, what they promise, and where that was verified."""

    name: str
    contact: str
    free: bool = False
    confidential: bool = False
    source: str | None = None
    checked: dt.date | None = None


@dataclass(frozen=True)
class CountryResources:
    """What to offer someone in one country."""

    code: str
    name: str
    emergency: str
    crisis: Line
    abuse: Line
    therapy: Line
    violence: Line | None = None
    emergency_source: str | None = None
    fallbacks: tuple[str, ...] = ()  # lines given as `international` in the file
    missing: tuple[str, ...] = ()  # required lines absent from the file (check-content fails)


class Resources:
    """Looks up the right lines for a user's country, with international ones as the fallback."""

    def __init__(self, path: Path) -> None:
        data = read_yaml(path) or {}
        try:
            self.international = _country(INTERNATIONAL, data[INTERNATIONAL], None)
            self.countries = {
                str(code).upper(): _country(str(code).upper(), spec, self.international)
                for code, spec in (data.get("countries") or {}).items()
            }
        except (KeyError, TypeError) as exc:
            raise ContentError(f"{path}: every entry needs {exc}") from None
        except ValueError as exc:
            raise ContentError(f"{path}: {exc}") from None
        self.language_countries = {
            str(k).lower(): str(v).upper()
            for k, v in (data.get("language_countries") or {}).items()
        }

    def country_for(self, country: str | None, language_code: str | None) -> str | None:
        """The user's chosen country, else one read from Telegram's language code ('en-GB')."""
        if country:
            return country.upper()
        if not language_code:
            return None
        language, region = _split_language(language_code)
        if region and region in self.countries:
            return region
        return self.language_countries.get(language)

    def get(self, code: str | None) -> CountryResources:
        return self.countries.get((code or "").upper(), self.international)

    def country_for_zone(self, zone: str | None) -> str | None:
        """The ISO country of an IANA time zone ('Europe/Madrid' -> 'ES'), per tzdata's zone.tab."""
        if not zone:
            return None
        zones = _zone_countries()
        return zones.get(zone) or zones.get(_zone_links().get(zone, ""))

    def suggest_country(self, language_code: str | None, zone: str | None) -> str | None:
        """A listed country to offer: the language's region, else the zone's, else a fair guess.

        A region or zone that names an unlisted country wins over the language guess (None).
        """
        language, region = _split_language(language_code or "")
        for known in (region if region in iso_codes() else None, self.country_for_zone(zone)):
            if known:
                return known if known in self.countries else None
        guess = self.language_countries.get(language)
        return guess if guess in self.countries else None


def _split_language(language_code: str) -> tuple[str, str]:
    language, _, region = language_code.replace("_", "-").partition("-")
    return language.lower(), region.partition("-")[0].upper()


def _country(
    code: str, spec: dict[str, Any], fallback: CountryResources | None
) -> CountryResources:
    """One country's entry; `international` lines (and missing required ones) use `fallback`."""
    lines: dict[str, Line | None] = {}
    fallbacks, missing = [], []
    for kind in REQUIRED_LINES + OPTIONAL_LINES:
        value = spec.get(kind)
        if value == INTERNATIONAL and fallback is not None:
            fallbacks.append(kind)
            value = getattr(fallback, kind)
        elif value is None and kind in REQUIRED_LINES:
            if fallback is None:
                raise KeyError(kind)
            missing.append(kind)
            value = getattr(fallback, kind)
        if value is not None and not isinstance(value, (dict, Line)):
            raise ValueError(f"{code} {kind}: a mapping or '{INTERNATIONAL}'")
        lines[kind] = _line(value) if isinstance(value, dict) else value
    return CountryResources(
        code=code,
        name=spec["name"],
        emergency=str(spec["emergency"]),
        emergency_source=spec.get("emergency_source"),
        fallbacks=tuple(fallbacks),
        missing=tuple(missing),
        **lines,  # type: ignore[arg-type]
    )


def _line(spec: dict[str, Any]) -> Line:
    checked = spec.get("checked")
    if isinstance(checked, str):
        checked = dt.date.fromisoformat(checked)
    return Line(**{**spec, "checked": checked})


@cache
def _tz_table(name: str) -> list[list[str]]:
    """Rows of one of tzdata's tables, split on tabs; [] when the package is missing."""
    try:
        text = package_files.files("tzdata").joinpath("zoneinfo", name).read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return []
    return [row.split("\t") for row in text.splitlines() if row and not row.startswith("#")]


@cache
def iso_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from tzdata's iso3166.tab."""
    return frozenset(row[0] for row in _tz_table("iso3166.tab"))


@cache
def _zone_countries() -> dict[str, str]:
    return {row[2]: row[0] for row in _tz_table("zone.tab") if len(row) >= 3}


@cache
def _zone_links() -> dict[str, str]:
    """Old or alias zone names and the zone they now point to ('Europe/Kiev' -> 'Europe/Kyiv')."""
    try:
        compiled = package_files.files("tzdata").joinpath("zoneinfo", "tzdata.zi")
        rows = compiled.read_text("utf-8").splitlines()
    except (ModuleNotFoundError, OSError):
        return {}
    links = (row.split() for row in rows if row.startswith("L "))
    return {alias: target for _, target, alias in links}
