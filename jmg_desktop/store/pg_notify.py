"""Telling open windows that someone changed a shared workspace: PostgreSQL LISTEN/NOTIFY.

Every committed write of a :class:`~jmg_desktop.store.pg_workspace.SharedWorkspace` sends one
notification on :data:`CHANNEL` in its own transaction (so it is delivered only if the change
commits), whatever table it changed: tables added later are covered without anything new. The
payload is the newest audit event's sequence number, the writer's name and server process id.

:class:`ChangeListener` holds a connection of its own on a background thread, waits for
notifications and calls back (from that thread) with each one; it reconnects on its own after
the server was lost, and says so through ``on_state``. :func:`connected_people` is the
"who is connected" list, from ``pg_stat_activity``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from jmg_desktop.store.pg_connect import APPLICATION_NAME

__all__ = ["CHANNEL", "Change", "ChangeListener", "Person", "connected_people", "send_change"]

CHANNEL: Final = "jmg_workspace_changed"
_RECONNECT_S: Final = 1.0


@dataclass(frozen=True, slots=True)
class Change:
    """One committed change somebody made."""

    sequence: int
    actor: str
    pid: int
    client: str = ""


def send_change(connection: Connection, *, sequence: int, actor: str, client: str) -> None:
    """Queue the notification for this transaction (PostgreSQL delivers it on commit); ``client``
    names the open workspace that wrote it, whose own window need not re-read."""
    payload = json.dumps({"sequence": sequence, "actor": actor, "client": client})
    connection.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


class ChangeListener:
    """Listens for changes on its own connection, on a daemon thread; :meth:`stop` ends it."""

    def __init__(
        self,
        url: URL,
        on_change: Callable[[Change], None],
        on_state: Callable[[bool], None] | None = None,
        *,
        ignore_client: str = "",
    ) -> None:
        """``on_change`` runs for each change (except those written by ``ignore_client``, the
        listener's own workspace); ``on_state(connected)`` when the link drops or returns."""
        self._ignore = ignore_client
        self._conninfo = _conninfo(url)
        self._on_change = on_change
        self._on_state = on_state
        self._stopping = threading.Event()
        self._connection: object | None = None
        self._thread = threading.Thread(target=self._run, name="jmg-listen", daemon=True)
        self.connected = threading.Event()

    def start(self) -> ChangeListener:
        """Start listening (returns at once; :attr:`connected` is set once listening)."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop listening and close the connection."""
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        """Listen; after a lost connection, try again every second until stopped."""
        import psycopg

        was_connected = False
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=3) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    if not was_connected and self._on_state is not None:
                        self._on_state(True)
                    was_connected = True
                    while not self._stopping.is_set():
                        for note in connection.notifies(timeout=0.2, stop_after=1):
                            change = _parse(note.payload, note.pid)
                            if change is not None and not (self._ignore and change.client == self._ignore):
                                self._on_change(change)
            except psycopg.Error:
                self.connected.clear()
                if was_connected and self._on_state is not None:
                    self._on_state(False)
                was_connected = False
                self._stopping.wait(_RECONNECT_S)


def _parse(payload: str, pid: int) -> Change | None:
    """A notification's payload as a :class:`Change` (None when it is not one of ours)."""
    try:
        data = json.loads(payload)
        return Change(int(data["sequence"]), str(data["actor"]), pid, str(data.get("client", "")))
    except (ValueError, KeyError, TypeError):
        return None


def _conninfo(url: URL) -> str:
    """A libpq connection string for ``url`` (password, if one was typed, kept in memory only)."""
    from psycopg.conninfo import make_conninfo

    parts: dict[str, object] = {
        key: value
        for key, value in {
            "host": url.host,
            "port": url.port,
            "user": url.username,
            "password": url.password,
            "dbname": url.database,
        }.items()
        if value
    }
    parts.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    parts["application_name"] = f"{APPLICATION_NAME} (listening)"
    return make_conninfo(**parts)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Person:
    """Someone with the workspace open: their name, their account, where from and since when."""

    name: str
    user: str
    #: Where from, and since when; empty or None when the server does not tell us (it shows other
    #: people's connection details only to administrators).
    client: str
    since: datetime | None
    connections: int


def connected_people(connection: Connection) -> list[Person]:
    """Who has this shared workspace open now (one entry per person and computer)."""
    rows = connection.execute(
        text(
            "SELECT a.usename AS user, "
            "coalesce(nullif(shobj_description(r.oid, 'pg_authid'), ''), a.usename) AS name, "
            "CASE WHEN a.client_addr IS NOT NULL THEN host(a.client_addr) "
            "WHEN min(a.backend_start) IS NOT NULL THEN 'this server' ELSE '' END AS client, "
            "min(a.backend_start) AS since, count(*) AS connections "
            "FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename "
            "WHERE a.datname = current_database() AND a.application_name LIKE :app "
            "GROUP BY a.usename, r.oid, a.client_addr ORDER BY min(a.backend_start)"
        ),
        {"app": APPLICATION_NAME + "%"},
    ).all()
    return [Person(row.name, row.user, row.client, row.since, int(row.connections)) for row in rows]
