"""The text catalog: locales, fallback, escaping, and texts without Jinja rendered once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.texts import Texts

CATALOG = {
    "en": (
        "plain: |\n  Fish & chips, <b>hot</b>.\n\n\n\n  Done.\n"
        "hello: 'Hello, {{ name }}.'\n"
        "only_en: 'English only.'\n"
    ),
    "de": "plain: 'Fisch & Pommes.'\nhello: 'Hallo, {{ name }}.'\n",
}


@pytest.fixture
def texts(tmp_path: Path) -> Texts:
    for locale, source in CATALOG.items():
        (tmp_path / locale).mkdir()
        (tmp_path / locale / "common.yaml").write_text(source)
    return Texts(tmp_path)


def test_a_text_without_jinja_is_rendered_once_and_reads_as_jinja_renders_it(
    texts: Texts,
) -> None:
    first = texts.render("common.plain")
    assert first == "Fish & chips, <b>hot</b>.\n\nDone.", "markup kept, blank lines collapsed"
    jinja = texts.template("common.plain", "en").render()
    assert first == jinja.strip().replace("\n\n\n\n", "\n\n")
    assert texts.render("common.plain") is first, "kept, not rendered again"
    assert texts.render_plain("common.plain") == first


def test_kept_texts_stay_per_locale_with_fallback(texts: Texts) -> None:
    assert texts.render("common.plain", "de") == "Fisch & Pommes."
    assert texts.render("common.plain", "en").startswith("Fish")
    assert texts.render("common.only_en", "de") == "English only."
    assert texts.render("common.only_en", "en") == "English only."


def test_a_text_with_jinja_is_rendered_every_time_with_user_values_escaped(
    texts: Texts,
) -> None:
    assert texts.render("common.hello", name="Ana") == "Hello, Ana."
    assert texts.render("common.hello", name="<i>Ben</i>") == "Hello, &lt;i&gt;Ben&lt;/i&gt;."
    assert texts.render_plain("common.hello", name="<i>Ben</i>") == "Hello, <i>Ben</i>."
    assert texts.render("common.hello", "de", name="Ana") == "Hallo, Ana."
