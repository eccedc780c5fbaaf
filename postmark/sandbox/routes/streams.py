"""Message streams: list, get, create, edit, archive, unarchive.

The rules (ID format, limits, unsubscribe handling, what may be archived)
live in :mod:`postmark.sandbox.rules.streams`. An archived stream is left out
of the list unless ``IncludeArchivedStreams=true``, is still readable by ID,
refuses sends (422 / 1236) and new webhooks (1350), and comes back with
``unarchive`` until its purge date.
"""

from __future__ import annotations

from typing import Any

from ..http.errors import ApiError
from ..http.router import Context, Router
from ..json_shapes import stream_json
from ..rules import clock
from ..rules import streams as stream_rules
from ..rules.validation import Kind, check_fields
from ..store.streams import StreamRow
from .paging import boolean

routes = Router()

_STREAM_TYPES = {
    "all": None,
    "inbound": "Inbound",
    "transactional": "Transactional",
    "broadcasts": "Broadcasts",
}
CREATE_FIELDS = {
    "ID": Kind.STR,
    "Name": Kind.STR,
    "MessageStreamType": Kind.STR,
    "Description": Kind.STR,
    "SubscriptionManagementConfiguration": Kind.OBJECT,
}
EDIT_FIELDS = {
    "Name": Kind.STR,
    "Description": Kind.STR,
    "SubscriptionManagementConfiguration": Kind.OBJECT,
}


def stream_for(ctx: Context) -> StreamRow:
    """The stream named by the ``{stream}`` path segment (1226 when there is none)."""
    row = ctx.app.store.stream(ctx.params["stream"])
    if row is None:
        raise ApiError(1226, "The message stream for the provided 'ID' was not found.")
    return row


def _answer(ctx: Context, row: StreamRow) -> dict[str, Any]:
    return stream_json(row, ctx.app.config.server_id)


@routes.route("GET", "/message-streams")
def list_streams(ctx: Context) -> Any:
    """``GET /message-streams``: ``MessageStreamType``, ``IncludeArchivedStreams``."""
    wanted = (ctx.arg("messagestreamtype") or "All").lower()
    if wanted not in _STREAM_TYPES:
        raise ApiError(1221, "The 'MessageStreamType' associated with this request was invalid.")
    archived = boolean(ctx, "includearchivedstreams", 1221) or False
    rows = [
        s
        for s in ctx.app.store.streams()
        if _STREAM_TYPES[wanted] in (None, s.type) and (archived or s.archived_ts is None)
    ]
    return {"MessageStreams": [_answer(ctx, s) for s in rows], "TotalCount": len(rows)}


@routes.route("GET", "/message-streams/{stream}")
def get_stream(ctx: Context) -> Any:
    """``GET /message-streams/{stream_ID}`` (archived streams too)."""
    return _answer(ctx, stream_for(ctx))


@routes.route("POST", "/message-streams")
def create_stream(ctx: Context) -> Any:
    """``POST /message-streams``: ``ID``, ``Name``, ``MessageStreamType`` required."""
    data = check_fields(ctx.json if ctx.json is not None else {}, CREATE_FIELDS)
    store = ctx.app.store
    stream_id = stream_rules.check_new_id(store, data.get("ID"))
    name = stream_rules.check_name(data.get("Name"))
    kind = stream_rules.creatable_type(data.get("MessageStreamType"))
    description = stream_rules.check_description(data.get("Description"))
    unsubscribe = stream_rules.unsubscribe_handling(
        data.get("SubscriptionManagementConfiguration"), kind
    )
    stream_rules.check_limit(store)
    row = StreamRow(stream_id, name, description, kind, unsubscribe, clock.now(), None, None)
    store.add_stream(row)
    return _answer(ctx, row)


@routes.route("PATCH", "/message-streams/{stream}")
def edit_stream(ctx: Context) -> Any:
    """``PATCH /message-streams/{stream_ID}``: Name, Description, unsubscribe handling.

    Only the fields given change; ``Description: ""`` clears it. ``ID`` and
    ``MessageStreamType`` cannot change, so they are unknown fields here (403).
    """
    row = stream_for(ctx)
    data = check_fields(ctx.json if ctx.json is not None else {}, EDIT_FIELDS)
    if "Name" in data:
        row.name = stream_rules.check_name(data["Name"])
    if "Description" in data:
        row.description = stream_rules.check_description(data["Description"])
    row.unsubscribe = stream_rules.unsubscribe_handling(
        data.get("SubscriptionManagementConfiguration"), row.type, row.unsubscribe
    )
    row.updated_ts = clock.now()
    ctx.app.store.update_stream(row)
    return _answer(ctx, row)


@routes.route("POST", "/message-streams/{stream}/archive")
def archive_stream(ctx: Context) -> Any:
    """``POST /message-streams/{stream_ID}/archive``: ``{ID, ServerID, ExpectedPurgeDate}``."""
    row = stream_rules.archive(ctx.app.store, stream_for(ctx))
    full = _answer(ctx, row)
    return {key: full[key] for key in ("ID", "ServerID", "ExpectedPurgeDate")}


@routes.route("POST", "/message-streams/{stream}/unarchive")
def unarchive_stream(ctx: Context) -> Any:
    """``POST /message-streams/{stream_ID}/unarchive``: the stream, ``ArchivedAt: null``."""
    return _answer(ctx, stream_rules.unarchive(ctx.app.store, stream_for(ctx)))
