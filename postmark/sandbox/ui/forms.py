"""POST forms of the UI (delete, mark read, activate, ...): CSRF field, parsing, redirects.

A state-changing UI request must be ``POST`` with a form body that carries
the sandbox's CSRF token, from this sandbox's own origin; the pipeline
checks that before any handler runs
(:func:`postmark.sandbox.http.guard.check_ui_write`), so a page on another
site can neither trigger nor forge one. Handlers answer :func:`redirect`.

A form built with ``confirm=`` asks before it is sent: app.js shows the
question and sets ``confirmed=yes``; without JavaScript the handler gets
no ``confirmed`` and answers :func:`confirm_page`, whose button sends the
same form again with ``confirmed=yes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs

from ..app import App
from ..http.router import Context, Reply
from .format import esc, url
from .layout import page, page_headers

CSRF_FIELD = "csrf"


def hidden(name: str, value: str) -> str:
    """One hidden input."""
    return f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'


def csrf_input(ctx: Context) -> str:
    """The hidden CSRF field every UI POST form needs (for forms not built by :func:`post_form`)."""
    return hidden(CSRF_FIELD, ctx.app.ui_token)


def post_form(
    ctx: Context,
    action: str,
    label: str,
    fields: Mapping[str, str | Sequence[str]] | None = None,
    *,
    confirm: str | None = None,
    button_class: str = "",
    form_id: str | None = None,
) -> str:
    """A POST form with the CSRF token, ``fields`` as hidden inputs and one submit button."""
    inputs = [csrf_input(ctx)]
    for name, value in (fields or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        inputs.extend(hidden(name, v) for v in values)
    asks = ""
    if confirm:
        inputs.append(hidden("confirmed", ""))
        asks = f' data-confirm="{esc(confirm)}"'
    ident = f' id="{esc(form_id)}"' if form_id else ""
    cls = f' class="{esc(button_class)}"' if button_class else ""
    return (
        f'<form method="post" action="{esc(action)}"{ident}{asks} class="inline">'
        f'{"".join(inputs)}<button type="submit"{cls}>{esc(label)}</button></form>'
    )


def fields(ctx: Context) -> dict[str, list[str]]:
    """The form body of a POST (the pipeline has checked its type and token)."""
    return parse_qs(ctx.request.body.decode("utf-8", "replace"), keep_blank_values=True)


def field(ctx: Context, name: str) -> str:
    """One form field's first value, ``""`` when absent."""
    return (fields(ctx).get(name) or [""])[0]


def confirmed(ctx: Context) -> bool:
    """Whether the user confirmed (``confirmed=yes``)."""
    return field(ctx, "confirmed") == "yes"


def confirm_page(ctx: Context, question: str) -> Reply:
    """Without JavaScript: the same POST again, with ``confirmed=yes``, after a question."""
    sent = {k: v for k, v in fields(ctx).items() if k not in (CSRF_FIELD, "confirmed")}
    sent["confirmed"] = ["yes"]
    form = post_form(ctx, ctx.request.path, "Yes, go ahead", sent, button_class="danger")
    body = f"<h1>Please confirm</h1><p>{esc(question)}</p>{form} <a href='/'>Cancel</a>"
    return page(ctx, "Confirm", body)


def local_path(value: str, default: str = "/") -> str:
    """``value`` if it is a path on this site (``/...`` but not ``//...``), else ``default``."""
    ok = value.startswith("/") and not value.startswith("//") and "\\" not in value
    return value if ok else default


def redirect(location: str) -> Reply:
    """303 See Other to a local path (after a POST)."""
    headers = [("Location", local_path(location)), *page_headers()]
    return Reply(303, b"", "text/plain; charset=utf-8", headers)


def notice(ctx: Context, title: str, text: str, back: str, status: int = 200) -> Reply:
    """A short page that says ``text`` and links back."""
    body = f'<h1>{esc(title)}</h1><p>{esc(text)}</p><p><a href="{esc(back)}">Back</a></p>'
    return page(ctx, title, body, status=status)


def url_with_server(path: str, server: App) -> str:
    """``path`` showing ``server`` (the default server needs no parameter)."""
    sid = server.config.server_id
    return path if sid == 1 else url(path, server=sid)
