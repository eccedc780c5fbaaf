"""The message page's "Simulate" bar: make an open, click, bounce, spam complaint or
unsubscribe happen to a sent message, webhooks included.

``POST /inbox/messages/{id}/simulate`` (form: ``type`` = open, click, bounce,
spam or subscription; ``recipient``, empty for the first one that did not
bounce; ``link`` for a click, empty for the first tracked one; ``bounce_type``
for a bounce) goes through
:func:`postmark.sandbox.rules.events.trigger_on_holder`, the code behind
``POST /__sandbox/events``: the same events are recorded and the same
webhooks posted. Answers 303 to the message's Events tab, or the sandbox's refusal
(an open of a message sent without TrackOpens, ...).

The message view includes the bar with :func:`simulate_bar`.
"""

from __future__ import annotations

from ..http.router import Context, Reply, Router
from ..rules.bounces import BOUNCE_TYPES
from ..rules.events import EventError, links_in, trigger_on_holder
from ..store.outbound import MessageRow
from .format import esc, message_path
from .forms import CSRF_FIELD, csrf_input, fields, notice, redirect

routes = Router()

# A spam complaint has its own button; Postmark cannot fake one as a bounce type.
BOUNCE_CHOICES = tuple(b for b in BOUNCE_TYPES if b.type != "SpamComplaint")
FORM_FIELDS = frozenset({CSRF_FIELD, "type", "recipient", "link", "bounce_type"})


def simulate_path(message_id: str) -> str:
    """Where the bar posts to."""
    return f"{message_path(message_id)}/simulate"


def simulate_bar(ctx: Context, row: MessageRow) -> str:
    """The bar: a recipient choice, then a button per event kind (Click with a link
    choice, Bounce with a bounce type choice)."""
    recipients = list(row.summary.get("Recipients", []))
    # Every link of either body; the sandbox says so if the one chosen is not tracked.
    links = list(dict.fromkeys(links_in(row, "HTML") + links_in(row, "Text")))
    return (
        f'<form method="post" action="{esc(simulate_path(row.message_id))}" '
        'class="simulate" id="simulate" aria-label="Simulate what a recipient does">'
        f"{csrf_input(ctx)}"
        '<strong>Simulate</strong> <label for="sim-recipient">for</label> '
        + _select("sim-recipient", "recipient", "first recipient not bounced", recipients)
        + _button("open", "Open")
        + '<span class="group"><label for="sim-link">on</label> '
        + _select("sim-link", "link", "first tracked link", links)
        + _button("click", "Click")
        + "</span>"
        + _button("spam", "Spam complaint")
        + _button("subscription", "Unsubscribe")
        + '<span class="group"><label for="sim-bounce-type">type</label> '
        + _select(
            "sim-bounce-type",
            "bounce_type",
            None,
            [b.type for b in BOUNCE_CHOICES],
            [f"{b.name} ({b.type})" for b in BOUNCE_CHOICES],
        )
        + _button("bounce", "Bounce")
        + "</span></form>"
    )


def _select(
    ident: str,
    name: str,
    default: str | None,
    values: list[str],
    labels: list[str] | None = None,
) -> str:
    """A choice; ``default`` is the empty value's label (the sandbox's own default)."""
    first = f'<option value="">{esc(default)}</option>' if default is not None else ""
    options = "".join(
        f'<option value="{esc(v)}">{esc(text)}</option>'
        for v, text in zip(values, labels or values, strict=True)
    )
    return f'<select id="{ident}" name="{name}">{first}{options}</select> '


def _button(kind: str, label: str) -> str:
    return (
        f'<button type="submit" name="type" value="{kind}" data-simulate="{kind}">'
        f"{esc(label)}</button> "
    )


@routes.route("POST", "/inbox/messages/{id}/simulate", auth="none")
def simulate(ctx: Context) -> Reply:
    """One event of the bar, as ``POST /__sandbox/events`` makes it."""
    message_id = ctx.params["id"]
    back = message_path(message_id, "events")
    form = fields(ctx)
    unknown = sorted(set(form) - FORM_FIELDS)
    if unknown:
        return notice(
            ctx, "Not simulated", f"Unknown fields: {', '.join(unknown)}.", back, status=400
        )
    if any(len(values) > 1 for values in form.values()):
        return notice(ctx, "Not simulated", "Send each field once.", back, status=400)
    kind = form.get("type", [""])[0]
    request: dict[str, str] = {"type": kind, "message_id": message_id}
    recipient = form.get("recipient", [""])[0]
    if recipient:
        request["recipient"] = recipient
    link = form.get("link", [""])[0]
    if kind == "click" and link:  # the link choice belongs to the Click button only
        request["link"] = link
    if kind == "bounce":  # the bounce type choice belongs to the Bounce button only
        request["bounce_type"] = form.get("bounce_type", [""])[0] or "HardBounce"
    try:
        trigger_on_holder(ctx.app, request)
    except EventError as err:
        return notice(ctx, "Not simulated", str(err), back, status=err.status)
    return redirect(back)
