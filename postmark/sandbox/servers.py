"""The account's servers: the default one (ID 1) and those made with ``POST /servers``.

Every server is an :class:`~postmark.sandbox.app.App` with its own
:class:`~postmark.sandbox.store.database.Store`, so its messages, bounces,
templates, streams, webhooks, inbound mail and settings are its own, exactly
as the existing routes see them through ``ctx.app``, and its own outbound
events (:mod:`.rules.events` writes them to ``app.store`` and posts them to
``app``'s webhooks). Created servers share the default server's fault
queue, URL, lifetime and webhook sender thread.

Tokens: a created server has one generated ``ApiTokens`` entry and answers
only to it. The default server keeps its old rule: any non-empty token that
is not a created server's (or only ``Sandbox(tokens=[...])``).

Storage: with ``db=":memory:"`` each server has its own in-memory database;
with a file, server ``N`` lives beside it (``sandbox.sqlite3`` ->
``sandbox.server-N.sqlite3``) and the list of servers is kept in the default
server's file (:mod:`.store.account`), so they come back after a restart.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import replace
from pathlib import Path

from .app import App
from .rules import clock
from .store.account import ServerRow
from .store.database import Store


def server_db_path(db: str, server_id: int) -> str:
    """Where server ``server_id`` keeps its data (``":memory:"`` stays in memory)."""
    if db == ":memory:":
        return db
    path = Path(db)
    return str(path.with_name(f"{path.stem}.server-{server_id}{path.suffix}"))


def open_saved(root: App) -> None:
    """Open the stores of the servers a database file remembers (at start-up)."""
    for row in root.store.server_rows():
        root.servers[row.id] = _open(root, row)


def create(root: App, name: str) -> App:
    """A new server with a fresh store and one generated token."""
    row = root.store.add_server(ServerRow(0, name, [uuid.uuid4().hex], clock.now()))
    server = _open(root, row)
    root.servers[row.id] = server
    return server


def _open(root: App, row: ServerRow) -> App:
    config = replace(
        root.config, tokens=frozenset(row.tokens), server_name=row.name, server_id=row.id
    )
    server = App(Store(server_db_path(root.db_path, row.id)), config)
    server.share(root)
    return server


def find(root: App, server_id: int) -> App | None:
    """The server with this ID (the default one is ``root``)."""
    return root if server_id == root.config.server_id else root.servers.get(server_id)


def holding(root: App, message_id: str | None) -> App:
    """The server that stored this outbound message (the default one if none did)."""
    if message_id:
        for server in every(root):
            if server.store.message(message_id) is not None:
                return server
    return root


def every(root: App) -> list[App]:
    """All servers, by ID (the default one first)."""
    return [root, *(root.servers[k] for k in sorted(root.servers))]


def for_token(root: App, token: str) -> App | None:
    """The created server this token belongs to (any case), if any."""
    wanted = token.lower()
    for server in root.servers.values():
        if any(t.lower() == wanted for t in server.config.tokens or ()):
            return server
    return None


def delete(root: App, server_id: int) -> None:
    """Forget a created server and remove its database files."""
    server = root.servers.pop(server_id)
    root.store.delete_server(server_id)
    _discard(root, server)


def close_all(root: App) -> None:
    """Close every created server's store (the sandbox is stopping)."""
    for server in root.servers.values():
        server.store.close()


def reset(root: App) -> None:
    """Forget every created server and everything the default server stored."""
    for server_id in list(root.servers):
        _discard(root, root.servers.pop(server_id))
    root.store.clear()
    root.store.restart_server_ids()


def _discard(root: App, server: App) -> None:
    server.store.close()
    path = server_db_path(root.db_path, server.config.server_id)
    if path == ":memory:":
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path + suffix)
