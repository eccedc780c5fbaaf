"""The page an inbox action answers when the sandbox refuses it (the reason, a way back)."""

from __future__ import annotations

from ..http.router import Context, Reply
from .format import esc
from .layout import page


def refused(ctx: Context, title: str, reason: str, back: str, *, status: int = 422) -> Reply:
    """``status`` with ``reason`` (the rule's own message) and a link back to ``back``."""
    body = (
        f'<h1>{esc(title)}</h1><p class="danger" role="alert">{esc(reason)}</p>'
        f'<p><a href="{esc(back)}">Back</a></p>'
    )
    return page(ctx, title, body, status=status)
