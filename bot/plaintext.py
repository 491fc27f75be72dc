"""Turn the HTML the core speaks into plain text for the terminal."""

from __future__ import annotations

import html
import re

_BLOCKQUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.S)
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def html_to_text(text: str) -> str:
    """Drop tags (quoting blockquotes) and unescape entities."""
    text = _BLOCKQUOTE.sub(
        lambda m: "\n".join(f"  │ {line}" for line in m.group(1).splitlines()), text
    )
    return html.unescape(_TAGS.sub("", text))
