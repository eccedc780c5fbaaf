"""Message streams: ``client.message_streams`` (Postmark's Message Streams API).

https://postmarkapp.com/developer/api/message-streams-api
"""

from __future__ import annotations

from typing import Any

from postmark.api.base import M, Section, compact, endpoint
from postmark.api.types import ArchivedStream, MessageStream, MessageStreamList
from postmark.protocol import Request, path_segment


def _path(stream_id: str) -> str:
    return f"/message-streams/{path_segment(stream_id)}"


def _subscription(unsubscribe_handling_type: str | None) -> dict[str, Any] | None:
    if unsubscribe_handling_type is None:
        return None
    return {"UnsubscribeHandlingType": unsubscribe_handling_type}


class MessageStreamsAPI(Section[M]):
    """The server's transactional, broadcast and inbound streams."""

    @endpoint
    def list(
        self,
        *,
        message_stream_type: str | None = None,
        include_archived_streams: bool | None = None,
    ) -> Request[MessageStreamList]:
        """Every stream of the server (this list is not paged).

        ``GET /message-streams?MessageStreamType=&IncludeArchivedStreams=``

        Args:
            message_stream_type: ``All`` (default), ``Inbound``,
                ``Transactional`` or ``Broadcasts``.
            include_archived_streams: also list archived streams.
        """
        params = {
            "MessageStreamType": message_stream_type,
            "IncludeArchivedStreams": include_archived_streams,
        }
        return Request("GET", "/message-streams", params=params)

    @endpoint
    def get(self, stream_id: str) -> Request[MessageStream]:
        """One stream.

        ``GET /message-streams/{stream_id}``
        """
        return Request("GET", _path(stream_id))

    @endpoint
    def create(
        self,
        *,
        stream_id: str,
        name: str,
        message_stream_type: str,
        description: str | None = None,
        unsubscribe_handling_type: str | None = None,
    ) -> Request[MessageStream]:
        """Create a stream; its id and type cannot change later.

        ``POST /message-streams``

        Args:
            stream_id: up to 30 characters: lowercase letters, digits, ``-``
                and ``_``, starting with a letter.
            message_stream_type: ``Transactional`` or ``Broadcasts``.
            unsubscribe_handling_type: ``None``, ``Postmark`` or ``Custom``
                (broadcast streams need unsubscribe handling).
        """
        body = {
            "ID": stream_id,
            "Name": name,
            "MessageStreamType": message_stream_type,
            "Description": description,
            "SubscriptionManagementConfiguration": _subscription(unsubscribe_handling_type),
        }
        return Request("POST", "/message-streams", json=compact(body))

    @endpoint
    def edit(
        self,
        stream_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        unsubscribe_handling_type: str | None = None,
    ) -> Request[MessageStream]:
        """Change a stream's name, description or unsubscribe handling.

        ``PATCH /message-streams/{stream_id}``
        """
        body = {
            "Name": name,
            "Description": description,
            "SubscriptionManagementConfiguration": _subscription(unsubscribe_handling_type),
        }
        return Request("PATCH", _path(stream_id), json=compact(body))

    @endpoint
    def archive(self, stream_id: str) -> Request[ArchivedStream]:
        """Archive a stream; Postmark purges it after ``ExpectedPurgeDate`` (45 days).

        ``POST /message-streams/{stream_id}/archive``
        """
        return Request("POST", f"{_path(stream_id)}/archive")

    @endpoint
    def unarchive(self, stream_id: str) -> Request[MessageStream]:
        """Bring an archived stream back before it is purged.

        ``POST /message-streams/{stream_id}/unarchive``
        """
        return Request("POST", f"{_path(stream_id)}/unarchive")
