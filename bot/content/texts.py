"""The text catalog: every text the bot says, as Jinja2 templates per locale."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, StrictUndefined, Template, TemplateSyntaxError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from bot.coach.fragments import clause
from bot.content.yamlfiles import ContentError, flatten, read_yaml

DEFAULT_LOCALE = "en"
_BLANK_LINES = re.compile(r"\n{3,}")
JINJA_MARKS = ("{{", "{%", "{#")


def make_environment(
    *, html: bool, strict: bool, starters: dict[str, frozenset[str]] | None = None
) -> ImmutableSandboxedEnvironment:
    """A sandboxed Jinja environment; `html` turns on escaping for Telegram's HTML mode."""
    env = ImmutableSandboxedEnvironment(
        autoescape=html,
        undefined=StrictUndefined if strict else ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    starters = starters or {}

    @pass_context
    def clause_filter(context: Context, text: object, *prefixes: str) -> str:
        words = starters.get(context.get("_locale", DEFAULT_LOCALE), frozenset())
        return clause(text, *prefixes, starters=words)

    env.filters["clause"] = clause_filter
    env.filters["sentence"] = _sentence
    return env


def _sentence(text: object) -> str:
    """Capitalise the first letter only (Jinja's `capitalize` lowers all the rest)."""
    value = str(text or "")
    return value[:1].upper() + value[1:]


FULL_LOCALE_FILE = "common."


class Texts:
    """Texts keyed 'file.key' (nested keys dotted), with fallback to the default locale."""

    def __init__(
        self,
        prompts_dir: Path,
        *,
        strict: bool = False,
        starters: dict[str, frozenset[str]] | None = None,
    ) -> None:
        self.sources: dict[str, dict[str, str]] = {}
        for locale_dir in sorted(p for p in prompts_dir.iterdir() if p.is_dir()):
            if locale_dir.name == "flows":
                continue
            catalog: dict[str, str] = {}
            for path in sorted(locale_dir.glob("*.yaml")):
                data = read_yaml(path) or {}
                if not isinstance(data, dict):
                    raise ContentError(f"{path}: expected a mapping of keys to texts")
                catalog.update(flatten(data, f"{path.stem}."))
            self.sources[locale_dir.name] = catalog
        if DEFAULT_LOCALE not in self.sources:
            raise ContentError(
                f"{prompts_dir}: the default locale folder '{DEFAULT_LOCALE}' is missing"
            )
        self.strict = strict
        self._html = make_environment(html=True, strict=strict, starters=starters)
        self._plain = make_environment(html=False, strict=strict, starters=starters)
        for env in (self._html, self._plain):
            env.globals["t"] = self._nested_text(env)
        self._compiled: dict[tuple[bool, str, str], Template] = {}
        # Texts without Jinja syntax, as rendered (None: the text has some).
        self._static: dict[tuple[str, str], str | None] = {}

    @property
    def locales(self) -> list[str]:
        """Locales a user can be in: those with the whole interface (a common.yaml)."""
        return [
            locale
            for locale, catalog in self.sources.items()
            if any(key.startswith(FULL_LOCALE_FILE) for key in catalog)
        ]

    @property
    def partial_locales(self) -> list[str]:
        """Locales with only some texts, such as the safety answers: used for those alone."""
        return [locale for locale in self.sources if locale not in self.locales]

    def pick_locale(self, wanted: str | None) -> str:
        """The best locale we have for a language code such as 'en-GB'."""
        if wanted:
            base = wanted.lower().replace("_", "-").split("-")[0]
            if base in self.locales:
                return base
        return DEFAULT_LOCALE

    def has(self, key: str, locale: str = DEFAULT_LOCALE) -> bool:
        return key in self.sources.get(locale, {})

    def render(self, key: str, locale: str = DEFAULT_LOCALE, **context: Any) -> str:
        """Render for the chat, with user values escaped for HTML."""
        return self._render(True, key, locale, context)

    def render_plain(self, key: str, locale: str = DEFAULT_LOCALE, **context: Any) -> str:
        """Render as plain text, for what is stored rather than shown."""
        return self._render(False, key, locale, context)

    def template(self, key: str, locale: str, *, html: bool = True) -> Template:
        """The compiled template for a key, falling back to the default locale."""
        if key not in self.sources.get(locale, {}):
            locale = DEFAULT_LOCALE
        cache_key = (html, locale, key)
        compiled = self._compiled.get(cache_key)
        if compiled is None:
            try:
                source = self.sources[locale][key]
            except KeyError:
                raise ContentError(f"text '{key}' is missing from prompts/{locale}") from None
            env = self._html if html else self._plain
            try:
                compiled = env.from_string(source)
            except TemplateSyntaxError as exc:
                raise ContentError(f"prompts/{locale} '{key}': {exc.message}") from None
            self._compiled[cache_key] = compiled
        return compiled

    def _render(self, html: bool, key: str, locale: str, context: dict[str, Any]) -> str:
        static = self._static.get((locale, key), "")
        if static:
            return static
        text = self.template(key, locale, html=html).render(_locale=locale, **context)
        text = _BLANK_LINES.sub("\n\n", text.strip())
        if static == "":  # not yet known: a text with no Jinja syntax is kept as rendered
            self._static[(locale, key)] = text if self._is_static(key, locale) else None
        return text

    def _is_static(self, key: str, locale: str) -> bool:
        """A text with no Jinja syntax renders the same every time (and alike in both modes)."""
        source = self.sources.get(locale, {}).get(key) or self.sources[DEFAULT_LOCALE][key]
        return not any(mark in source for mark in JINJA_MARKS)

    def _nested_text(self, env: ImmutableSandboxedEnvironment) -> Callable[..., str]:
        html = env is self._html

        @pass_context
        def t(context: Context, key: str, **extra: Any) -> str:
            locale = context.get("_locale", DEFAULT_LOCALE)
            if not self.strict and not (self.has(key, locale) or self.has(key)):
                return ""
            values = {k: v for k, v in context.get_all().items() if k != "_locale"}
            text = self._render(html, key, locale, {**values, **extra})
            return Markup(text) if html else text  # already escaped inside

        return t
