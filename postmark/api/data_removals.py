"""Data removal requests: ``account_client.data_removals`` (Postmark's Data Removals API).

Postmark support enables this per account; otherwise calls fail with ErrorCode 1302.

https://postmarkapp.com/developer/api/data-removals-api
"""

from __future__ import annotations

from postmark.api.base import M, Section, compact, endpoint
from postmark.api.types import DataRemoval
from postmark.protocol import Request, path_segment


class DataRemovalsAPI(Section[M]):
    """Ask Postmark to erase everything it holds about an address (GDPR and alike)."""

    @endpoint
    def create(
        self,
        *,
        requested_by: str,
        requested_for: str,
        notify_when_completed: bool | None = None,
    ) -> Request[DataRemoval]:
        """Request removal of an address's data: ``{"ID", "Status"}``.

        ``POST /data-removals``

        Args:
            requested_by: the email address of whoever asks for the removal.
            requested_for: the address whose data is erased.
            notify_when_completed: mail ``requested_by`` when done.
        """
        body = {
            "RequestedBy": requested_by,
            "RequestedFor": requested_for,
            "NotifyWhenCompleted": notify_when_completed,
        }
        return Request("POST", "/data-removals", json=compact(body))

    @endpoint
    def get(self, removal_id: int | str) -> Request[DataRemoval]:
        """The status of a removal request: ``Pending``, then ``Done``.

        ``GET /data-removals/{id}``
        """
        return Request("GET", f"/data-removals/{path_segment(removal_id)}")
