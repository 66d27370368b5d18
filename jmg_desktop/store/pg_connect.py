"""Reaching a shared workspace on a PostgreSQL server: addresses, engines and connection errors.

An address is a libpq URL (``postgresql://user@host:5432/dbname``, ``postgresql:///?service=jmg``).
JMG Desktop never stores a password: libpq finds it in ``~/.pgpass`` or a service file
(``~/.pg_service.conf``), as every PostgreSQL tool does. A password typed into the address is used
for that connection only and is removed wherever the address is shown or remembered.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from jmg_desktop.store.errors import WorkspaceError

__all__ = [
    "APPLICATION_NAME",
    "ConnectionFailed",
    "connection_sentence",
    "display_address",
    "is_address",
    "make_pg_engine",
    "parse_address",
]

APPLICATION_NAME: Final = "JMG Desktop"
_SCHEMES: Final = ("postgresql://", "postgres://", "postgresql+psycopg://")
_CONNECT_TIMEOUT_S: Final = 5


class ConnectionFailed(WorkspaceError):
    """The server could not be reached or refused us; the message is one sentence."""


def is_address(text: str | object) -> bool:
    """True when ``text`` is a PostgreSQL address rather than a file path."""
    return isinstance(text, str) and text.lower().startswith(_SCHEMES)


def parse_address(address: str) -> URL:
    """The SQLAlchemy URL (psycopg 3 driver) for a libpq address; one sentence when malformed."""
    if not is_address(address):
        raise ConnectionFailed(f"“{address}” is not a PostgreSQL address (postgresql://user@host/database).")
    try:
        url = make_url(address)
    except ArgumentError:
        raise ConnectionFailed(f"“{display_address(address)}” is not a valid PostgreSQL address.") from None
    url = url.set(drivername="postgresql+psycopg")
    query = dict(url.query)
    if not url.database and "service" not in query and "dbname" not in query:
        raise ConnectionFailed(f"“{display_address(address)}” names no database (…/database at the end).")
    return url


def display_address(address: str | URL) -> str:
    """The address as shown and remembered: without any password, in libpq's own scheme."""
    try:
        url = make_url(address) if isinstance(address, str) else address
    except ArgumentError:
        return re.sub(r"://([^:@/]*):[^@/]*@", r"://\1@", str(address))
    # Rebuilt without the password (URL.set ignores None), and unquoted for reading: a socket folder
    # shows as /tmp/x, not %2Ftmp%2Fx (libpq and make_url read it either way).
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return unquote(bare.render_as_string(hide_password=False))


def _target(url: URL) -> str:
    """Where the address points, in words: host and port, or the service name."""
    if "service" in url.query:
        return f"the server of service “{url.query['service']}”"
    host = url.host or str(url.query.get("host", "")) or "localhost"
    where = "this computer" if host.startswith("/") else host
    return f"{where}:{url.port or url.query.get('port', 5432)}"


def connection_sentence(error: BaseException, url: URL) -> str:
    """One plain sentence for a failed connection: down, wrong password, no database, TLS, …"""
    text = str(getattr(error, "orig", None) or error)
    lowered = text.lower()
    user = url.username or "your account"
    database = url.database or str(url.query.get("dbname", "")) or "the database"
    if "password authentication failed" in lowered:
        return f"The server at {_target(url)} refused the password for “{user}”."
    if "no password supplied" in lowered:
        return (
            f"The server at {_target(url)} wants a password for “{user}”: put it in your .pgpass or "
            "service file (JMG Desktop never stores passwords)."
        )
    if "does not exist" in lowered and "database" in lowered:
        return f"There is no database “{database}” on the server at {_target(url)}."
    if "role" in lowered and "does not exist" in lowered:
        return f"The server at {_target(url)} has no account “{user}”."
    if ("no encryption" in lowered or "ssl" in lowered or "gssapi" in lowered) and "pg_hba" in lowered:
        return (
            f"The server at {_target(url)} accepts only encrypted connections: add ?sslmode=require "
            "to the address."
        )
    if "server does not support ssl" in lowered:
        return f"The server at {_target(url)} does not offer an encrypted connection, which the address asks for."
    if "no pg_hba.conf entry" in lowered:
        return f"The server at {_target(url)} does not let “{user}” connect from this computer."
    if "permission denied for database" in lowered:
        return f"“{user}” may not open the database “{database}”."
    if "too many" in lowered and "connections" in lowered:
        return f"The server at {_target(url)} has too many connections open; try again in a moment."
    if "timeout" in lowered or "timed out" in lowered:
        return f"The server at {_target(url)} did not answer in time."
    if (
        "connection refused" in lowered
        or "could not connect" in lowered
        or "no such file or directory" in lowered
        or "is the server running" in lowered
        or "connection failed" in lowered
    ):
        return f"The server at {_target(url)} is not answering: it may be down, or the address may be wrong."
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return f"The server name in the address ({url.host}) is not known on this network."
    if "shutting down" in lowered or "starting up" in lowered or "terminating connection" in lowered:
        return f"The server at {_target(url)} is shutting down or starting up; try again in a moment."
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return f"The server at {_target(url)} could not be reached ({first.rstrip('.')})."


def make_pg_engine(url: URL, *, pool_size: int = 2) -> Engine:
    """An engine for a shared workspace: psycopg 3, a small pool, checked connections.

    Each connection names itself ``JMG Desktop`` (the "who is connected" list reads it) and has a
    short connect timeout, so a server that is down is reported in seconds, not minutes.
    """
    query = dict(url.query)
    connect_args: dict[str, object] = {"application_name": APPLICATION_NAME}
    if "connect_timeout" not in query:
        connect_args["connect_timeout"] = _CONNECT_TIMEOUT_S
    engine = create_engine(
        url,
        connect_args=connect_args,
        pool_size=pool_size,
        max_overflow=4,
        pool_pre_ping=True,
        pool_reset_on_return="rollback",
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: object, _record: object) -> None:
        """Every connection reads and writes UTC timestamps and speaks UTF-8."""
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        try:
            cursor.execute("SET TIME ZONE 'UTC'")
        finally:
            cursor.close()
        dbapi_connection.commit()  # type: ignore[attr-defined]

    return engine
