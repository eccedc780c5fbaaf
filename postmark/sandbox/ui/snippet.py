"""A message's preview snippet for the list: its text body, else its HTML without tags."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

LENGTH = 140
_HIDDEN = re.compile(r"<(style|script|head|title)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.DOTALL)
_SPACE = re.compile(r"\s+")


def preview(content: dict[str, Any]) -> str:
    """The first :data:`LENGTH` characters a reader would see (plain text, not escaped)."""
    text = content.get("TextBody") or ""
    if not text.strip():
        html = _HIDDEN.sub(" ", content.get("HtmlBody") or "")
        text = unescape(_TAG.sub(" ", html))
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= LENGTH else text[: LENGTH - 1].rstrip() + "…"
