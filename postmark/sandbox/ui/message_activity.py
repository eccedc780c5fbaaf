"""The panels of a message page that show what happened to it: events and webhook calls."""

from __future__ import annotations

from ..app import App
from ..http.router import Context
from ..json_shapes import message_events
from ..rules.webhook_delivery import recorded_calls
from ..store.outbound import MessageRow
from .format import esc, url, when
from .message_parts import pretty
from .webhook_calls import calls_table


def events_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """The message's timeline as the API shows it, then each stored event's webhook payload."""
    store = server.store
    stored = store.events(row.message_id)
    timeline = message_events(row, store.bounces_for_message(row.message_id), stored)
    lines = "".join(
        f"<tr><td>{when(e['ReceivedAt'])}</td><td>{esc(e['Type'])}</td>"
        f"<td>{esc(e['Recipient'])}</td>"
        f'<td><pre class="code">{pretty(e["Details"])}</pre></td></tr>'
        for e in timeline
    )
    table = (
        '<h2>Timeline</h2><table class="events"><thead><tr><th>When</th><th>Type</th>'
        f"<th>Recipient</th><th>Details</th></tr></thead><tbody>{lines}</tbody></table>"
    )
    payloads = (
        "".join(
            f'<article class="event"><h3>{esc(e.record_type)} · {when(e.received_at)}</h3>'
            f'<pre class="code">{pretty(e.payload)}</pre></article>'
            for e in stored
        )
        or '<p class="muted">No events recorded yet.</p>'
    )
    return f"{table}<h2>Event payloads (as webhooks get them)</h2>{payloads}"


def webhooks_panel(server: App, row: MessageRow, ctx: Context) -> str:
    """Every webhook call made for this message's events: URL, status, answer, retries."""
    calls = recorded_calls(server, row.message_id)
    if not calls:
        return '<p class="muted">No webhook was called for this message.</p>'
    retries = sum(1 for c in calls if c["Attempt"] > 1)
    return (
        f'<p class="muted">{len(calls)} call(s), {retries} of them retries. '
        f'<a href="{esc(url("/inbox/webhooks", server=server.config.server_id))}">'
        "All webhook calls</a></p>" + calls_table(calls)
    )
