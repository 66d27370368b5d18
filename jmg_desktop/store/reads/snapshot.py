"""One consistent, read-only look at a workspace file, without SQLAlchemy: what ``papers``,
``export-paper`` and ``check`` read through.

The file gets the same refusals as :meth:`Workspace.open(read_only=True, recover=False)
<jmg_desktop.store.workspace.Workspace.open>` gives it (not a workspace, damaged, altered, from a
newer version, a crash not yet recovered, an older schema that needs upgrading); then one hardened
``mode=ro`` connection holds one read transaction, so every read sees the file as it stood at one
moment, never half-way through another program's change.
"""

from __future__ import annotations

import sqlite3
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

__all__ = ["connect_snapshot", "file_snapshot"]


def connect_snapshot(path: Path, *, doing: str = "checking") -> sqlite3.Connection:
    """A hardened read-only connection holding one read transaction (the snapshot) open;
    ``doing`` names what it is for in a refusal ("checking", "reading").

    Nothing is written: a change interrupted by a crash is not rolled back (the file is refused,
    saying it needs recovering by opening it).
    """
    again = "check it again" if doing == "checking" else "try again"
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        harden_connection(connection)
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA busy_timeout = 5000")
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
