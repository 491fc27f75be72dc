"""The named helpers a flow may call: analyses, option lists, input parsers and attachments."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Attachment

Analysis = Callable[[str, str], dict[str, Any]]  # (text, locale) -> findings
OptionSource = Callable[[dict[str, Any], str], list[tuple[str, str]]]  # (context, locale)
Parser = Callable[[str], Any]  # typed text -> a value, or None when it does not parse
Renderer = Callable[[dict[str, Any], str], Attachment]  # (context, locale) -> a file to send


@dataclass(frozen=True)
class Toolbox:
    """What flows may name in `analyse`, `options_from`, `parse`, `attach` and `needs`.

    `samples` holds an example of each `needs` record, for `mend check-content`.
    """

    analyses: Mapping[str, Analysis] = field(default_factory=dict)
    options: Mapping[str, OptionSource] = field(default_factory=dict)
    parsers: Mapping[str, Parser] = field(default_factory=dict)
    renderers: Mapping[str, Renderer] = field(default_factory=dict)
    samples: Mapping[str, Any] = field(default_factory=dict)
