"""Per-recipient status read from Postmark's answers (no I/O).

Postmark answers per message, not per recipient; what it says about single
recipients is in the text:

* 200 ``"Message OK, but will not deliver to these inactive addresses: a@x.com."``:
  sent, except to the listed (suppressed) addresses;
* 200 ``"Message accepted, but delivery may be delayed."``: queued;
* ErrorCode 406 ``"... Found inactive addresses: a@x.com. Inactive recipients are ..."``:
  nothing sent; the listed addresses are suppressed;
* ErrorCode 300 ``"Invalid 'To' address: 'x'."`` / ``"Error parsing 'Cc': ...
  in address 'x'"``: nothing sent; the named address is invalid;
* any other error (or none at all): nothing sent to anyone.

Statuses are anymail's names: ``sent``, ``queued``, ``rejected`` (inactive
or suppressed), ``invalid``, ``failed``. Addresses are compared without
letter case (Postmark lists inactive addresses in lowercase).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from postmark.exceptions import PostmarkError, parse_inactive_recipients
from postmark.outcomes import SendOutcome

SENT, QUEUED, REJECTED, INVALID, FAILED = "sent", "queued", "rejected", "invalid", "failed"
#: Statuses meaning "this recipient was refused", not "the message failed".
REFUSED = frozenset({REJECTED, INVALID})

# ErrorCode 300 texts that name a recipient (the From/Reply-To variants do not).
_RECIPIENT_ERROR = re.compile(r"^(?:Invalid|Error\s+parsing)\s+'(?:To|Cc|Bcc)'", re.IGNORECASE)
_NAMED_ADDRESS = re.compile(r"address:?\s*'([^']*)'", re.IGNORECASE)


@dataclass(frozen=True)
class RecipientStatus:
    """What happened for one recipient: a status name and Postmark's MessageID."""

    status: str
    message_id: str | None = None


class RecipientStatuses(Mapping[str, RecipientStatus]):
    """Address -> :class:`RecipientStatus`, addresses as sent, looked up in any case."""

    def __init__(self, items: Iterable[tuple[str, RecipientStatus]] = ()) -> None:
        self._items: dict[str, tuple[str, RecipientStatus]] = {}
        for address, status in items:
            self[address] = status

    def __setitem__(self, address: str, status: RecipientStatus) -> None:
        key = address.lower()
        shown = self._items[key][0] if key in self._items else address
        self._items[key] = (shown, status)

    def __getitem__(self, address: str) -> RecipientStatus:
        return self._items[address.lower()][1]

    def __iter__(self) -> Iterator[str]:
        return (shown for shown, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        shown = ", ".join(f"{a!r}: {s.status}" for a, s in self.items())
        return f"RecipientStatuses({{{shown}}})"

    @property
    def statuses(self) -> set[str]:
        """Every status present (anymail's ``anymail_status.status``)."""
        return {s.status for s in self.values()}

    @property
    def all_refused(self) -> bool:
        """True when there are recipients and every one was rejected or invalid."""
        return bool(self._items) and self.statuses <= REFUSED

    def merge(self, other: RecipientStatuses) -> None:
        """Add ``other``; an address already sent keeps that (a Cc in several merge sends)."""
        for address, status in other.items():
            if address in self and self[address].status in (SENT, QUEUED):
                continue
            self[address] = status


def bare_addresses(items: Iterable[Any]) -> list[str]:
    """The ``addr-spec`` of each of a message's addresses (``"Ada <a@x.com>"`` -> ``a@x.com``).

    Item by item: Python's strict parser gives nothing for a malformed
    address (``"nobody@"``), which then stands for itself, so that every
    recipient Postmark may name as invalid has a status.
    """
    result = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        address = parseaddr(text)[1]
        if not address:
            inside = re.search(r"<([^<>]*)>\s*$", text)
            address = inside.group(1).strip() if inside else text
        result.append(address)
    return result


def invalid_addresses(error: PostmarkError | None) -> list[str]:
    """The recipient addresses an ErrorCode 300 answer names as invalid."""
    text = error.api_message if error is not None else None
    if error is None or error.error_code != 300 or not text:
        return []
    if not _RECIPIENT_ERROR.match(text):
        return []  # "Invalid 'From' address", "Invalid metadata content" ...
    return [m.strip() for m in _NAMED_ADDRESS.findall(text) if m.strip()]


def refused_by(error: PostmarkError | None) -> dict[str, str]:
    """Address (lowercase) -> ``rejected``/``invalid`` for the recipients an error names."""
    if error is None:
        return {}
    found = {a.lower(): INVALID for a in invalid_addresses(error)}
    if error.error_code == 406:
        found.update((a.lower(), REJECTED) for a in parse_inactive_recipients(error.api_message))
    return found


def statuses_for(recipients: Sequence[str], outcome: SendOutcome) -> RecipientStatuses:
    """The status of each of ``recipients`` (one Postmark message) from its outcome."""
    result = RecipientStatuses()
    if outcome.ok:
        text = outcome.message or ""
        status = QUEUED if "delivery may be delayed" in text.lower() else SENT
        inactive = {a.lower() for a in parse_inactive_recipients(text)}
        for address in recipients:
            if address.lower() in inactive:
                result[address] = RecipientStatus(REJECTED)
            else:
                result[address] = RecipientStatus(status, outcome.message_id)
        return result
    named = refused_by(outcome.error)
    for address in recipients:
        result[address] = RecipientStatus(named.get(address.lower(), FAILED))
    return result


def failed_statuses(recipients: Sequence[str]) -> RecipientStatuses:
    """Every recipient failed (the message was refused before sending)."""
    return RecipientStatuses((a, RecipientStatus(FAILED)) for a in recipients)


__all__ = [
    "FAILED",
    "INVALID",
    "QUEUED",
    "REFUSED",
    "REJECTED",
    "SENT",
    "RecipientStatus",
    "RecipientStatuses",
    "bare_addresses",
    "failed_statuses",
    "invalid_addresses",
    "refused_by",
    "statuses_for",
]
