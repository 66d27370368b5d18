"""One consistent, read-only look at a workspace file, without SQLAlchemy: what ``papers``,
``export-paper`` and ``check`` read through.

The file gets the same refusals as :meth:`Workspace.open(read_only=True, recover=False)
<jmg_desktop.store.workspace.Workspace.open>` gives it (not a workspace, damaged, altered, from a
newer version, a crash not yet recovered, an older schema that needs upgrading); then one hardened
``mode=ro`` connection holds one read transaction, so every read sees the file as it stood at one
moment, never half-way through another program's change.

:class:`Readers` holds such connections for an open workspace: the window reads its first screen
through them before SQLAlchemy is imported (see :meth:`Workspace.reads
<jmg_desktop.store.workspace.Workspace.reads>`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.reads.rows import SqliteRows
from jmg_desktop.store.trust import harden_connection
from jmg_desktop.store.workspace_file import (
    expected_version,
    inspect_file,
    needs_recovery,
    primary_code,
    quick_check,
)

__all__ = ["Readers", "connect_snapshot", "file_snapshot", "open_reader"]


def open_reader(path: Path) -> sqlite3.Connection:
    """A hardened read-only connection to ``path``, in autocommit (no transaction open yet);
    raises :class:`sqlite3.Error` when the file cannot be opened."""
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        harden_connection(connection)
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA busy_timeout = 5000")
    except BaseException:
        connection.close()
        raise
    return connection


def connect_snapshot(path: Path, *, doing: str = "checking") -> sqlite3.Connection:
    """A hardened read-only connection holding one read transaction (the snapshot) open;
    ``doing`` names what it is for in a refusal ("checking", "reading").

    Nothing is written: a change interrupted by a crash is not rolled back (the file is refused,
    saying it needs recovering by opening it).
    """
    again = "check it again" if doing == "checking" else "try again"
    try:
        connection = open_reader(path)
        connection.execute("BEGIN")
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # takes the snapshot
    except sqlite3.Error as error:
        code = primary_code(error)
        if code == sqlite3.SQLITE_READONLY:  # a hot journal, which a read-only reader cannot roll back
            raise WorkspaceError(needs_recovery(path).replace("try again", again)) from None
        if code == sqlite3.SQLITE_BUSY:
            raise WorkspaceError(
                f"“{path.name}” was kept busy by another program for several seconds; {again} in a moment."
            ) from None
        raise WorkspaceError(
            f"“{path.name}” cannot be opened for {doing}: its pages cannot be read."
        ) from None
    return connection


@contextmanager
def file_snapshot(path: Path | str) -> Iterator[SqliteRows]:
    """The reads' view of a workspace file, refused as a read-only opening refuses it."""
    path = Path(path)
    facts = inspect_file(path)
    quick_check(path, recover=False)
    if facts.user_version < expected_version():
        raise WorkspaceError(
            f"“{path.name}” was made by an older version and must be upgraded, but it is "
            "open read-only (as asked)."
        )
    connection = connect_snapshot(path, doing="reading")
    try:
        yield SqliteRows(connection)
    finally:
        connection.close()


class Readers:
    """The read-only connections of one open workspace file, each lent to one reader at a time
    (any thread), each read in a transaction of its own: one consistent snapshot per read.

    One connection is opened at once and kept: it holds the file open, so a file deleted or moved
    while open can still be read, and copied out (:meth:`idle`).
    """

    def __init__(self, path: Path) -> None:
        """Open the first connection to ``path`` (raises :class:`sqlite3.Error` if it cannot)."""
        self._path = path
        self._guard = threading.Lock()
        self._idle: list[sqlite3.Connection] = [open_reader(path)]
        self._closed = False

    @contextmanager
    def idle(self) -> Iterator[sqlite3.Connection]:
        """A connection with no transaction open, for the caller alone until the block ends."""
        with self._guard:
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            connection = open_reader(self._path)
        try:
            yield connection
        finally:
            with self._guard:
                keep = not self._closed and connection.in_transaction is False
                if keep:
                    self._idle.append(connection)
            if not keep:
                connection.close()

    @contextmanager
    def snapshot(self) -> Iterator[SqliteRows]:
        """The reads' view of the file as it stands now (one read transaction, rolled back after)."""
        with self.idle() as connection:
            connection.execute("BEGIN")
            try:
                yield SqliteRows(connection)
            finally:
                connection.execute("ROLLBACK")

    def close(self) -> None:
        """Close every idle connection; those lent out are closed when handed back."""
        with self._guard:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
