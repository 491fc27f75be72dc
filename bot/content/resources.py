"""Crisis, abuse and therapy lines by country, from data/resources.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.yamlfiles import ContentError, read_yaml

INTERNATIONAL = "international"


@dataclass(frozen=True)
class Line:
    """One service: who, how to reach them, and what they promise."""

    name: str
    contact: str
    free: bool = False
    confidential: bool = False


@dataclass(frozen=True)
class CountryResources:
    """What to offer someone in one country."""

    code: str
    name: str
    emergency: str
    crisis: Line
    abuse: Line
    therapy: Line


class Resources:
    """Looks up the right lines for a user's country, with international ones as the fallback."""

    def __init__(self, path: Path) -> None:
        data = read_yaml(path) or {}
        try:
            self.international = _country(INTERNATIONAL, data[INTERNATIONAL])
            self.countries = {
                code.upper(): _country(code.upper(), spec)
                for code, spec in (data.get("countries") or {}).items()
            }
        except (KeyError, TypeError) as exc:
            raise ContentError(f"{path}: every entry needs {exc}") from None
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
        language, _, region = language_code.replace("_", "-").partition("-")
        if region and region.upper() in self.countries:
            return region.upper()
        return self.language_countries.get(language.lower())

    def get(self, code: str | None) -> CountryResources:
        return self.countries.get((code or "").upper(), self.international)


def _country(code: str, spec: dict[str, Any]) -> CountryResources:
    return CountryResources(
        code=code,
        name=spec["name"],
        emergency=str(spec["emergency"]),
        crisis=Line(**spec["crisis"]),
        abuse=Line(**spec["abuse"]),
        therapy=Line(**spec["therapy"]),
    )
