"""Lifting a suppression: activating a bounce, deleting a suppression.

One place for both decisions, used by the API (``PUT /bounces/{id}/activate``,
``POST /message-streams/{stream}/suppressions/delete``) and by the inbox's
Activate and Reactivate buttons, so a click has exactly the API's effect.

Postmark's rules: a spam complaint can never be reactivated (neither its
bounce nor its suppression); a customer may delete hard-bounce suppressions
and the manual suppressions they made themselves, not a recipient's
unsubscribe.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..store.database import Store
from ..store.outbound import BounceRow, SuppressionRow
from .validation import is_valid_email

CANNOT_ACTIVATE = "Due to the type of bounce, this address cannot be reactivated."
INVALID_ADDRESS = "An invalid email address was provided."
NO_AUTHORITY = "You do not have the required authority to change this suppression."


def can_activate(store: Store, bounce: BounceRow) -> bool:
    """Whether ``PUT /bounces/{id}/activate`` would reactivate this bounce's address."""
    suppression = store.suppression(bounce.stream, bounce.email)
    return bounce.can_activate and not (suppression and suppression.reason == "SpamComplaint")


def activate(store: Store, bounce: BounceRow) -> BounceRow:
    """Reactivate a bounce's address (its suppression goes); return the bounce as now stored.

    Raises:
        ApiError: 1003 when the bounce's type does not allow it.
    """
    if not can_activate(store, bounce):
        raise ApiError(1003, CANNOT_ACTIVATE)
    store.reactivate(bounce.stream, bounce.email)
    updated = store.bounce(bounce.id)
    assert updated is not None  # bounces are never deleted, only cleared with everything
    return updated


def removable(row: SuppressionRow) -> bool:
    """Customers may lift hard bounces and their own suppressions only."""
    return row.reason == "HardBounce" or (
        row.reason == "ManualSuppression" and row.origin == "Customer"
    )


def delete_suppression(store: Store, stream: str, email: str) -> dict[str, Any]:
    """Lift ``email``'s suppression on ``stream``; the per-address outcome Postmark answers
    (``Status`` ``Deleted``, or ``Failed`` with a ``Message``)."""
    existing = store.suppression(stream, email)
    if not is_valid_email(email):
        return outcome(email, "Failed", INVALID_ADDRESS)
    if existing is not None and not removable(existing):
        return outcome(email, "Failed", NO_AUTHORITY)
    store.reactivate(stream, email)
    return outcome(email, "Deleted", None)


def outcome(email: str, status: str, message: str | None) -> dict[str, Any]:
    """One address's entry in a suppressions create/delete answer."""
    return {"EmailAddress": email, "Status": status, "Message": message}
