"""Postmark's bounce types and the bounce-testing (black-hole) domain.

Sending to ``<type>@bounce-testing.postmarkapp.com`` makes Postmark record a
bounce of that type at once. Postmark documents that the local part is
case-insensitive and tolerates camel case and underscores
(``Hard_Bounce@...``), that any other local part gives a HardBounce, that a
SpamComplaint cannot be faked and falls back to a HardBounce, and that the
``X-PM-Bounce-Type`` header picks the type when sending to that domain. A
hard bounce also adds the address to the stream's suppression list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

BOUNCE_TESTING_DOMAIN = "bounce-testing.postmarkapp.com"
BOUNCE_TYPE_HEADER = "x-pm-bounce-type"


@dataclass(frozen=True)
class BounceType:
    """One row of Postmark's bounce type table."""

    type: str
    code: int
    name: str
    description: str


# Postmark's table (bounce API docs and the "How to test bounces" article), in its order.
BOUNCE_TYPES: tuple[BounceType, ...] = (
    BounceType(
        "HardBounce",
        1,
        "Hard bounce",
        "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
    ),
    BounceType(
        "Transient",
        2,
        "Message delayed",
        "The server could not temporarily deliver your message (ex: Message is delayed due "
        "to network troubles).",
    ),
    BounceType("Unsubscribe", 16, "Unsubscribe request", "Unsubscribe or Remove request."),
    BounceType(
        "Subscribe",
        32,
        "Subscribe request",
        "Subscribe request from someone wanting to get added to the mailing list.",
    ),
    BounceType(
        "AutoResponder",
        64,
        "Auto responder",
        'Automatic email responder (ex: "Out of Office" or "On Vacation").',
    ),
    BounceType(
        "AddressChange", 128, "Address change", "The recipient has requested an address change."
    ),
    BounceType("DnsError", 256, "DNS error", "A temporary DNS error."),
    BounceType(
        "SpamNotification",
        512,
        "Spam notification",
        "The message was delivered, but was either blocked by the user, or classified as "
        "spam, bulk mail, or had rejected content.",
    ),
    BounceType(
        "OpenRelayTest",
        1024,
        "Open relay test",
        "The NDR is actually a test email message to see if the mail server is an open relay.",
    ),
    BounceType("Unknown", 2048, "Unknown", "Unable to classify the NDR."),
    BounceType(
        "SoftBounce",
        4096,
        "Soft bounce",
        "Unable to temporarily deliver message (i.e. mailbox full, account disabled, exceeds "
        "quota, out of disk space).",
    ),
    BounceType(
        "VirusNotification",
        8192,
        "Virus notification",
        "The bounce is actually a virus notification warning about a virus/code infected message.",
    ),
    BounceType(
        "ChallengeVerification",
        16384,
        "Spam challenge verification",
        "The bounce is a challenge asking for verification you actually sent the email. "
        "Typcial challenges are made by Spam Arrest, or MailFrontier Matador.",
    ),
    BounceType(
        "BadEmailAddress",
        100000,
        "Invalid email address",
        "The address is not a valid email address.",
    ),
    BounceType(
        "SpamComplaint",
        100001,
        "Spam complaint",
        "The subscriber explicitly marked this message as spam.",
    ),
    BounceType(
        "ManuallyDeactivated",
        100002,
        "Manually deactivated",
        "The email was manually deactivated.",
    ),
    BounceType(
        "Unconfirmed",
        100003,
        "Registration not confirmed",
        "The subscriber has not clicked on the confirmation link upon registration or import.",
    ),
    BounceType(
        "Blocked", 100006, "ISP block", "Blocked from this ISP due to content or blacklisting."
    ),
    BounceType(
        "SMTPApiError",
        100007,
        "SMTP API error",
        "An error occurred while accepting an email through the SMTP API.",
    ),
    BounceType(
        "InboundError",
        100008,
        "Processing failed",
        "Unable to deliver inbound message to destination inbound hook.",
    ),
    BounceType("DMARCPolicy", 100009, "DMARC Policy", "Email rejected due to DMARC Policy."),
    BounceType(
        "TemplateRenderingFailed",
        100010,
        "Template rendering failed",
        "An error occurred while attempting to render your template.",
    ),
)

BY_TYPE: Mapping[str, BounceType] = {bt.type: bt for bt in BOUNCE_TYPES}
_BY_KEY: Mapping[str, BounceType] = {bt.type.lower(): bt for bt in BOUNCE_TYPES}

# Only hard bounces deactivate a bounce-testing address: that is the one case
# Postmark documents for the black-hole domain.
DEACTIVATING = frozenset({"HardBounce"})

_DETAILS = {
    "HardBounce": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    "SoftBounce": "smtp;452 4.2.2 The email account that you tried to reach is over quota.",
    "Transient": "smtp;421 4.4.2 Connection timed out; the message is delayed.",
    "DnsError": "smtp;451 4.4.0 DNS resolution failed temporarily.",
    "Blocked": "smtp;550 5.7.1 Message rejected by the receiving ISP.",
}


def _key(text: str) -> str:
    """Case- and separator-insensitive form: ``Hard_Bounce`` and ``hardbounce`` meet."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def find_type(name: str) -> BounceType | None:
    """The bounce type called ``name`` (any case), or ``None``."""
    return _BY_KEY.get(name.lower())


def bounce_for_recipient(email: str, headers: Mapping[str, str]) -> BounceType | None:
    """The bounce a send to ``email`` produces, or ``None`` for a normal address.

    ``headers`` maps lower-cased custom header names to values. The
    ``X-PM-Bounce-Type`` header wins over the local part; a name that matches
    no type gives Postmark's default, a hard bounce.
    """
    local, _, domain = email.rpartition("@")
    if domain.lower() != BOUNCE_TESTING_DOMAIN:
        return None
    wanted = headers.get(BOUNCE_TYPE_HEADER) or local
    found = {_key(bt.type): bt for bt in BOUNCE_TYPES}.get(_key(wanted))
    if found is None or found.type == "SpamComplaint":
        return BY_TYPE["HardBounce"]
    return found


def details_for(bounce: BounceType) -> str:
    """The remote server's text recorded in ``Details``."""
    return _DETAILS.get(bounce.type, f"smtp;550 {bounce.name} (Postmark sandbox test bounce).")


def dump_for(bounce: BounceType, email: str, message_id: str, bounced_at: str) -> str:
    """A small delivery-status report standing in for the raw bounce (``/dump``)."""
    return (
        "From: MAILER-DAEMON@sandbox.postmark.invalid\r\n"
        f"To: bounces+{message_id}@sandbox.postmark.invalid\r\n"
        f"Subject: Undelivered Mail Returned to Sender ({bounce.name})\r\n"
        f"Date: {bounced_at}\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        f"Final-Recipient: rfc822;{email}\r\n"
        "Action: failed\r\n"
        f"Diagnostic-Code: {details_for(bounce)}\r\n"
        f"X-PM-Bounce-Type: {bounce.type}\r\n"
    )
