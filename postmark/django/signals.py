"""Django signals sent by the webhook views, one per event type plus one for all.

Connect a receiver; it gets the parsed event and the request::

    from django.dispatch import receiver
    from postmark.django import signals

    @receiver(signals.bounce)
    def on_bounce(sender, event, request, **kwargs):
        if event.inactive:
            mark_undeliverable(event.email)

``sender`` is the event's class (``postmark.webhooks.Bounce`` ...), so
``webhook_event.connect(handler, sender=Bounce)`` also works. A receiver
that raises makes the view answer 500, and Postmark retries the call later:
make receivers idempotent (``event.message_id``, or the
``X-PM-Webhook-Trace-Id`` header, identifies a retried event).
"""

from __future__ import annotations

from django.dispatch import Signal

from postmark.webhooks import (
    Bounce,
    Click,
    Delivery,
    Inbound,
    Open,
    SpamComplaint,
    SubscriptionChange,
)

#: Every webhook call, known and unknown record types alike (sent last).
webhook_event = Signal()
#: A bounce (``event`` is a :class:`postmark.webhooks.Bounce`).
bounce = Signal()
#: A spam complaint (:class:`postmark.webhooks.SpamComplaint`).
spam_complaint = Signal()
#: A delivery (:class:`postmark.webhooks.Delivery`).
delivery = Signal()
#: An open (:class:`postmark.webhooks.Open`).
open = Signal()  # named after Postmark's "Open" record type; shadows the builtin here only
#: A link click (:class:`postmark.webhooks.Click`).
click = Signal()
#: A subscription change (:class:`postmark.webhooks.SubscriptionChange`).
subscription_change = Signal()
#: An inbound message (:class:`postmark.webhooks.Inbound`), from the inbound URL.
inbound = Signal()

#: Event class -> its own signal; an UnknownEvent only gets ``webhook_event``.
SIGNALS: dict[type, Signal] = {
    Bounce: bounce,
    SpamComplaint: spam_complaint,
    Delivery: delivery,
    Open: open,
    Click: click,
    SubscriptionChange: subscription_change,
    Inbound: inbound,
}

__all__ = [
    "SIGNALS",
    "bounce",
    "click",
    "delivery",
    "inbound",
    "open",
    "spam_complaint",
    "subscription_change",
    "webhook_event",
]
