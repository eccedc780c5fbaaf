"""The message page's "Simulate" bar: make an open, click, bounce, spam complaint or
unsubscribe happen to a sent message, webhooks included.

``POST /inbox/messages/{id}/simulate`` (form: ``type`` = open, click, bounce,
spam or subscription; ``recipient``, empty for the first one that did not
bounce; ``bounce_type`` for a bounce) goes through
:func:`postmark.sandbox.rules.events.trigger_on_holder`, the code behind
``POST /__sandbox/events``: the same events are recorded and the same
webhooks posted. Answers 303 back to the message, or the sandbox's refusal
(an open of a message sent without TrackOpens, ...).

The message view includes the bar with :func:`actions_bar`.
"""

from __future__ import annotations

from ..http.router import Context, Reply, Router
from ..rules.bounces import BOUNCE_TYPES
from ..rules.events import EventError, trigger_on_holder
from ..store.outbound import MessageRow
from .format import esc, message_path
from .forms import CSRF_FIELD, fields, hidden, redirect
from .refusal import refused

routes = Router()

# (type, button label): the kinds of POST /__sandbox/events, in the order shown.
BUTTONS = (
    ("open", "Open"),
    ("click", "Click"),
    ("spam", "Spam complaint"),
    ("subscription", "Unsubscribe"),
)
# A spam complaint has its own button; Postmark cannot fake one as a bounce type.
BOUNCE_CHOICES = tuple(b for b in BOUNCE_TYPES if b.type != "SpamComplaint")
FORM_FIELDS = frozenset({CSRF_FIELD, "type", "recipient", "bounce_type"})


def simulate_path(message_id: str) -> str:
    """Where the bar posts to."""
    return f"{message_path(message_id)}/simulate"


def actions_bar(ctx: Context, row: MessageRow) -> str:
    """The bar: a recipient choice, one button per event kind, a bounce type choice."""
    recipients = list(row.summary.get("Recipients", []))
    people = "".join(f'<option value="{esc(r)}">{esc(r)}</option>' for r in recipients)
    kinds = "".join(
        f'<option value="{esc(b.type)}">{esc(b.name)} ({esc(b.type)})</option>'
        for b in BOUNCE_CHOICES
    )
    buttons = "".join(
        f'<button type="submit" name="type" value="{kind}" data-simulate="{kind}">'
        f"{esc(label)}</button> "
        for kind, label in BUTTONS
    )
    return (
        f'<form method="post" action="{esc(simulate_path(row.message_id))}" '
        'class="actions" id="simulate" aria-label="Simulate what a recipient does">'
        f"{hidden(CSRF_FIELD, ctx.app.ui_token)}"
        '<strong>Simulate</strong> <label for="sim-recipient">for</label> '
        '<select id="sim-recipient" name="recipient">'
        f'<option value="">first recipient not bounced</option>{people}</select> '
        f"{buttons}"
        '<label for="sim-bounce-type">bounce type</label> '
        f'<select id="sim-bounce-type" name="bounce_type">{kinds}</select> '
        '<button type="submit" name="type" value="bounce" data-simulate="bounce">Bounce</button>'
        "</form>"
    )


@routes.route("POST", "/inbox/messages/{id}/simulate", auth="none")
def simulate(ctx: Context) -> Reply:
    """One event of the bar, as ``POST /__sandbox/events`` makes it."""
    message_id = ctx.params["id"]
    back = message_path(message_id)
    form = fields(ctx)
    unknown = sorted(set(form) - FORM_FIELDS)
    if unknown:
        return refused(
            ctx, "Not simulated", f"Unknown fields: {', '.join(unknown)}.", back, status=400
        )
    if any(len(values) > 1 for values in form.values()):
        return refused(ctx, "Not simulated", "Send each field once.", back, status=400)
    kind = form.get("type", [""])[0]
    request: dict[str, str] = {"type": kind, "message_id": message_id}
    recipient = form.get("recipient", [""])[0]
    if recipient:
        request["recipient"] = recipient
    if kind == "bounce":  # the bounce type choice belongs to the Bounce button only
        request["bounce_type"] = form.get("bounce_type", [""])[0] or "HardBounce"
    try:
        trigger_on_holder(ctx.app, request)
    except EventError as err:
        return refused(ctx, "Not simulated", str(err), back, status=err.status)
    return redirect(back)
