"""What the project does with Postmark's webhook calls: here, log them."""

import logging
from typing import Any

from django.dispatch import receiver

from postmark.django import signals
from postmark.webhooks import Bounce, Inbound

logger = logging.getLogger("example_project")


@receiver(signals.bounce)
def on_bounce(sender: type, event: Bounce, **kwargs: Any) -> None:
    if event.inactive:
        logger.info("bounce: %s is now inactive (%s)", event.email, event.type)
    else:
        logger.info("bounce: %s (%s), still active", event.email, event.type)


@receiver(signals.inbound)
def on_inbound(sender: type, event: Inbound, **kwargs: Any) -> None:
    logger.info(
        "inbound: %r from %s for mailbox %r, %d attachment(s)",
        event.subject,
        event.from_email,
        event.mailbox_hash,
        len(event.attachments),
    )


@receiver(signals.webhook_event)
def on_any_event(sender: type, event: Any, **kwargs: Any) -> None:
    logger.info("webhook: %s for message %s", event.record_type, event.message_id)
