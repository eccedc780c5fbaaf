"""``GET /inbox/webhooks``: one server's webhooks and every call made to them.

Query parameters: ``server``, ``status`` (``ok``: the webhook answered 2xx;
``failed``: anything else, retries and webhooks not called included),
``type`` (a ``RecordType``: Delivery, Bounce, Open...) and ``page``. The
webhooks are those of ``GET /webhooks`` (``HttpAuth`` password masked);
the calls those of ``GET /__sandbox/webhook-deliveries``
(:func:`postmark.sandbox.rules.webhook_delivery.recorded_calls`), newest
first, drawn by :func:`.webhook_calls.calls_table` as on a message's
Webhooks tab. An unknown ``status`` or ``type`` is answered 400, not ignored.
"""

from __future__ import annotations

from typing import Any

from ..app import App
from ..http.router import Context, Reply, Router
from ..rules.webhook_delivery import recorded_calls, without_password
from ..rules.webhooks import TRIGGERS, enabled
from ..store.settings import WebhookRow
from .format import esc, page_number, pager, url
from .layout import not_found, page
from .scope import chosen_server
from .server_picker import server_select
from .webhook_calls import calls_table, is_ok

routes = Router()

PAGE_SIZE = 50
STATUSES = {"ok": "OK (2xx)", "failed": "Failed, retrying or not called"}
MASK = "••••••"  # a set password, never its length


@routes.route("GET", "/inbox/webhooks", auth="none")
def webhooks_page(ctx: Context) -> Reply:
    """The server's webhooks, then its webhook calls (filtered, newest first, paged)."""
    server = chosen_server(ctx)
    if server is None:
        return not_found("This server")
    status, kind = (ctx.arg("status") or "").strip(), (ctx.arg("type") or "").strip()
    wrong = _refused(status, kind)
    if wrong:
        body = f'<h1>Webhooks</h1><p class="danger">{esc(wrong)}</p>'
        body += '<p><a href="/inbox/webhooks">All webhook calls</a></p>'
        return page(ctx, "Webhooks", body, nav="webhooks", status=400)
    query = {"server": ctx.arg("server") or "", "status": status, "type": kind}
    body = (
        "<h1>Webhooks</h1>"
        + _configured(server)
        + _calls(ctx, server, query, page_number(ctx.arg("page"), PAGE_SIZE))
    )
    return page(ctx, "Webhooks", body, nav="webhooks")


def _refused(status: str, kind: str) -> str:
    """Why the filters cannot be used ("" when they can)."""
    if status and status not in STATUSES:
        return f"Unknown status {status!r}: choose one of {', '.join(STATUSES)}."
    if kind and kind not in TRIGGERS:
        return f"Unknown event type {kind!r}: choose one of {', '.join(TRIGGERS)}."
    return ""


def _configured(server: App) -> str:
    """The table of the server's webhooks, every stream."""
    hooks = server.store.webhooks()
    rows = "".join(_webhook(h) for h in hooks) or (
        '<tr><td colspan=6 class="muted">No webhooks. Add one with POST /webhooks.</td></tr>'
    )
    return (
        f'<h2>Configured webhooks <span class="muted">({len(hooks)})</span></h2>'
        '<table class="webhook-config"><thead><tr><th>ID</th><th>Stream</th><th>URL</th>'
        "<th>Triggers</th><th>HttpAuth</th><th>Headers</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _webhook(h: WebhookRow) -> str:
    triggers = ", ".join(_trigger(name, h.triggers[name]) for name in enabled(h.triggers))
    auth = (
        f"<code>{esc(h.http_auth['Username'])}</code> / "
        f"<code>{MASK if h.http_auth['Password'] else '(no password)'}</code>"
        if h.http_auth
        else '<span class="muted">none</span>'
    )
    headers = (
        "<br>".join(f"<code>{esc(x['Name'])}: {esc(x['Value'])}</code>" for x in h.http_headers)
        or '<span class="muted">none</span>'
    )
    return (
        f'<tr data-webhook="{h.id}"><td>{h.id}</td><td>{esc(h.stream)}</td>'
        f'<td><code>{esc(without_password(h.url))}</code> <span class="muted">{esc(h.status)}'
        f"</span></td><td>{triggers or '<span class=muted>none</span>'}</td>"
        f'<td class="auth">{auth}</td><td class="headers">{headers}</td></tr>'
    )


def _trigger(name: str, flags: dict[str, bool]) -> str:
    """``Open (PostFirstOpenOnly)``: the trigger and the options it has on."""
    extra = [flag for flag in TRIGGERS[name][1:] if flags.get(flag)]
    return esc(name + (f" ({', '.join(extra)})" if extra else ""))


def _calls(ctx: Context, server: App, query: dict[str, str], number: int) -> str:
    calls = [c for c in reversed(recorded_calls(server)) if _kept(c, query)]
    shown = calls[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    table = (
        calls_table(shown, with_message=True)
        if shown
        else '<p class="muted">No webhook calls match.</p>'
    )
    return (
        "<h2>Delivery attempts</h2>"
        + _filters(ctx, server, query)
        + f'<p class="muted" id="call-count">{len(calls)} call(s), newest first</p>'
        + table
        + pager("/inbox/webhooks", query, number, len(calls), PAGE_SIZE)
    )


def _kept(call: dict[str, Any], query: dict[str, str]) -> bool:
    if query["type"] and call["RecordType"] != query["type"]:
        return False
    return not query["status"] or is_ok(call) == (query["status"] == "ok")


def _filters(ctx: Context, server: App, query: dict[str, str]) -> str:
    statuses = _options({"": "Any status", **STATUSES}, query["status"])
    kinds = _options({"": "Any event", **{name: name for name in TRIGGERS}}, query["type"])
    return (
        f'<form method="get" action="{esc(url("/inbox/webhooks"))}" class="filters">'
        f"{server_select(ctx, server)}"
        f'<label>Status <select name="status">{statuses}</select></label>'
        f'<label>Event <select name="type">{kinds}</select></label>'
        '<button type="submit">Filter</button></form>'
    )


def _options(choices: dict[str, str], chosen: str) -> str:
    return "".join(
        f'<option value="{esc(value)}"{" selected" if value == chosen else ""}>{esc(text)}</option>'
        for value, text in choices.items()
    )
