"""Help lines: the data rules `mend check-content` enforces, fallbacks, and guessing the country."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.content.check import check_resources
from bot.content.resources import Resources

REAL_FILE = PROJECT_ROOT / "data" / "resources.yaml"
TODAY = date(2026, 12, 2)
SOURCE = "https://example.org/helpline"


def _line(name: str, checked: str = "2026-12-01") -> dict[str, object]:
    return {"name": name, "contact": "call 1", "source": SOURCE, "checked": checked}


def _data() -> dict[str, object]:
    """A small valid file: the international entry and one country."""
    lines = {kind: _line(kind) for kind in ("crisis", "abuse", "therapy")}
    return {
        "international": {"name": "your country", "emergency": "112", **lines},
        "countries": {"GB": {"name": "the UK", "emergency": "999", **lines}},
    }


def _problems(tmp_path: Path, data: dict[str, object]) -> list[str]:
    path = tmp_path / "resources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return [p for p in check_resources(Resources(path), TODAY) if "fewer than" not in p]


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources(REAL_FILE)


def test_the_real_file_passes_every_rule(resources: Resources) -> None:
    assert check_resources(resources, date.today()) == []
    assert len(resources.countries) >= 30


def test_the_small_copy_passes(tmp_path: Path) -> None:
    assert _problems(tmp_path, _data()) == []


def test_too_few_countries_fail(tmp_path: Path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text(yaml.safe_dump(_data()), encoding="utf-8")
    assert any("fewer than 30" in p for p in check_resources(Resources(path), TODAY))


def test_a_line_checked_over_a_year_ago_fails(tmp_path: Path) -> None:
    data = _data()
    data["countries"]["GB"]["crisis"] = _line("Samaritans", checked="2025-11-30")  # type: ignore[index]
    assert _problems(tmp_path, data) == [
        "data/resources.yaml GB crisis: checked 2025-11-30, over a year ago"
    ]


def test_a_line_without_source_or_date_fails(tmp_path: Path) -> None:
    data = _data()
    data["countries"]["GB"]["abuse"] = {"name": "Refuge", "contact": "call 1"}  # type: ignore[index]
    assert _problems(tmp_path, data) == [
        "data/resources.yaml GB abuse: no source",
        "data/resources.yaml GB abuse: no checked date",
    ]


def test_a_missing_abuse_line_fails_but_still_falls_back(tmp_path: Path) -> None:
    data = _data()
    del data["countries"]["GB"]["abuse"]  # type: ignore[attr-defined]
    assert _problems(tmp_path, data) == ["data/resources.yaml GB: no abuse line"]
    path = tmp_path / "resources.yaml"
    assert Resources(path).get("GB").abuse.name == "abuse"  # the international one, at run time


def test_a_bad_country_code_fails(tmp_path: Path) -> None:
    data = _data()
    data["countries"]["XX"] = data["countries"]["GB"]  # type: ignore[index]
    assert _problems(tmp_path, data) == [
        "data/resources.yaml: 'XX' is not an ISO 3166 alpha-2 country code"
    ]


def test_international_fallback_counts_and_resolves(tmp_path: Path) -> None:
    data = _data()
    data["countries"]["GB"]["crisis"] = "international"  # type: ignore[index]
    assert _problems(tmp_path, data) == []
    gb = Resources(tmp_path / "resources.yaml").get("GB")
    assert gb.crisis == Resources(tmp_path / "resources.yaml").international.crisis
    assert gb.fallbacks == ("crisis",)


def test_fallbacks_in_the_real_file_are_the_international_lines(resources: Resources) -> None:
    nigeria = resources.get("NG")  # no national abuse line could be cited
    assert "abuse" in nigeria.fallbacks
    assert nigeria.abuse == resources.international.abuse
    assert nigeria.abuse.source


def test_violence_line_is_optional(resources: Resources) -> None:
    assert resources.get("US").violence is None
    shine = resources.get("NZ").violence
    assert shine is not None and shine.source


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/Madrid", "ES"),
        ("America/Sao_Paulo", "BR"),
        ("Asia/Kolkata", "IN"),
        ("Asia/Calcutta", "IN"),  # an old name, followed to its successor
        ("Europe/Kiev", "UA"),
        ("Etc/UTC", None),
        ("Nowhere/Atlantis", None),
        ("", None),
    ],
)
def test_country_for_zone(resources: Resources, zone: str, country: str | None) -> None:
    assert resources.country_for_zone(zone) == country


@pytest.mark.parametrize(
    ("language", "zone", "country"),
    [
        ("pt-BR", None, "BR"),
        (None, "Europe/Moscow", "RU"),
        ("en", "Europe/London", "GB"),
        ("en", None, None),
        ("ru", None, "RU"),
        ("ru", "Europe/Kyiv", "UA"),  # the zone wins over the language guess
        ("pt-PT", None, None),  # a region we do not list: no guess
        ("de", "Europe/Lisbon", None),  # a zone we do not list: no language guess either
        (None, None, None),
    ],
)
def test_suggest_country(
    resources: Resources, language: str | None, zone: str | None, country: str | None
) -> None:
    assert resources.suggest_country(language, zone) == country


def test_country_for_keeps_working(resources: Resources) -> None:
    assert resources.country_for("gb", "de") == "GB"
    assert resources.country_for(None, "en-GB") == "GB"
    assert resources.country_for(None, "de") == "DE"
    assert resources.country_for(None, "en") is None
    assert resources.get("zz") is resources.international
