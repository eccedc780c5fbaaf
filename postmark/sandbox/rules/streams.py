"""Message stream rules: IDs, names, descriptions, types, unsubscribe handling, archiving.

Postmark's rules (Message Streams API docs, ErrorCodes 1221-1241): at most
10 streams per server including the default ones, one inbound stream; an ID
starts with a letter, holds lowercase letters, digits, ``-`` and ``_``, is
at most 30 characters, does not start with ``pm-`` and is not a reserved
word; a Name is at most 100 characters, a Description at most 1000 without
HTML; ID and type never change; archived streams are purged 45 days later
and can be unarchived until then; default streams cannot be archived.

Where Postmark is silent, the sandbox chooses:

* archived streams count towards the 10 (they can still come back) and keep
  their ID taken (1230);
* all three default streams refuse archiving (1229), the broadcast one too
  ("Default Streams cannot be deleted");
* archiving an archived stream answers the same archive result again;
* broadcast streams need unsubscribe handling (``None`` is 1239);
  ``Custom`` needs an approval the sandbox never has (1238); transactional
  streams take ``None`` or ``Postmark``; inbound streams only ``None``;
* the only reserved ID is ``all`` (1237, the example Postmark gives); the
  default streams' IDs are simply taken (1230).
"""

from __future__ import annotations

import re
from typing import Any

from ..http.errors import ApiError
from ..store.database import Store
from ..store.streams import DEFAULT_STREAMS, StreamRow
from . import clock

MAX_STREAMS = 10
MAX_ID = 30
MAX_NAME = 100
MAX_DESCRIPTION = 1000
PURGE_DAYS = 45
CREATABLE_TYPES = ("Transactional", "Broadcasts")
UNSUBSCRIBE_TYPES = ("None", "Postmark", "Custom")
RESERVED_IDS = frozenset({"all"})
DEFAULT_IDS = frozenset(stream_id for stream_id, *_ in DEFAULT_STREAMS)
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


def check_new_id(store: Store, value: Any) -> str:
    """A free, well-formed stream ID (1222, 1227, 1230, 1233, 1237)."""
    if not isinstance(value, str) or not value.strip():
        raise ApiError(1222, "A valid stream 'ID' must be supplied.")
    if value.lower().startswith("pm-"):
        raise ApiError(1233, "A stream 'ID' may not start with 'pm-'.")
    if value.lower() in RESERVED_IDS:
        raise ApiError(1237, f"The stream 'ID' '{value}' is reserved.")
    if len(value) > MAX_ID or not _ID.match(value):
        raise ApiError(
            1227,
            f"The stream 'ID' '{value}' is invalid: start with a letter, use only lowercase "
            f"letters, digits, '-' and '_', at most {MAX_ID} characters.",
        )
    if store.stream(value) is not None:
        raise ApiError(1230, f"The stream 'ID' '{value}' is already used on this server.")
    return value


def check_name(value: Any) -> str:
    """A stream name (1223 blank, 1224 too long)."""
    if not isinstance(value, str) or not value.strip():
        raise ApiError(1223, "A valid stream 'Name' must be supplied.")
    if len(value) > MAX_NAME:
        raise ApiError(1224, f"The stream 'Name' is longer than {MAX_NAME} characters.")
    return value


def check_description(value: str | None) -> str | None:
    """A stream description (1231 too long, 1234 HTML); ``""`` clears it."""
    if not value:
        return None
    if len(value) > MAX_DESCRIPTION:
        raise ApiError(
            1231, f"The stream 'Description' is longer than {MAX_DESCRIPTION} characters."
        )
    if "<" in value or ">" in value:
        raise ApiError(1234, "The stream 'Description' may not contain HTML.")
    return value


def creatable_type(value: Any) -> str:
    """``Transactional`` or ``Broadcasts`` (any case); 1228 for a second inbound, else 1221."""
    text = value if isinstance(value, str) else ""
    if text.lower() == "inbound":
        raise ApiError(1228, "A server can only have one inbound stream.")
    for option in CREATABLE_TYPES:
        if option.lower() == text.lower():
            return option
    raise ApiError(1221, "The 'MessageStreamType' associated with this request was invalid.")


def check_limit(store: Store) -> None:
    """1225 when the server already has the maximum number of streams."""
    if len(store.streams()) >= MAX_STREAMS:
        raise ApiError(1225, f"This server already has the maximum of {MAX_STREAMS} streams.")


def unsubscribe_handling(config: Any, stream_type: str, current: str | None = None) -> str:
    """The ``UnsubscribeHandlingType`` of ``SubscriptionManagementConfiguration``.

    ``config`` is the request's object (or ``None``: keep ``current``, or
    the type's default when creating).
    """
    if config is None:
        return current or ("Postmark" if stream_type == "Broadcasts" else "None")
    value = config.get("UnsubscribeHandlingType") if isinstance(config, dict) else None
    if not isinstance(value, str):
        raise ApiError(1240, "The 'UnsubscribeHandlingType' value is invalid.")
    chosen = next((o for o in UNSUBSCRIBE_TYPES if o.lower() == value.lower()), None)
    if chosen is None:
        raise ApiError(1240, f"The 'UnsubscribeHandlingType' value '{value}' is invalid.")
    if chosen == "Custom":
        raise ApiError(1238, "Custom unsubscribe handling needs approval from Postmark.")
    allowed = {"Broadcasts": ("Postmark",), "Inbound": ("None",)}.get(
        stream_type, ("None", "Postmark")
    )
    if chosen not in allowed:
        raise ApiError(
            1239, f"Unsubscribe handling '{chosen}' is not supported on {stream_type} streams."
        )
    return chosen


def archive(store: Store, row: StreamRow) -> StreamRow:
    """Archive a stream (1229 for a default one); archiving twice changes nothing."""
    if row.id in DEFAULT_IDS:
        raise ApiError(1229, "Default streams cannot be archived.")
    if row.archived_ts is None:
        row.archived_ts = clock.now()
        store.update_stream(row)
    return row


def unarchive(store: Store, row: StreamRow) -> StreamRow:
    """Bring an archived stream back (1232 when it is not archived or already purged)."""
    if row.archived_ts is None or clock.now() > purge_ts(row.archived_ts):
        raise ApiError(1232, "This stream can no longer be unarchived.")
    row.archived_ts = None
    row.updated_ts = clock.now()
    store.update_stream(row)
    return row


def purge_ts(archived_ts: float) -> float:
    """When an archived stream is purged."""
    return archived_ts + PURGE_DAYS * 86400
