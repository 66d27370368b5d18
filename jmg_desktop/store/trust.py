"""Treating an opened workspace as untrusted input: what its schema may hold before we use it.

A ``.jmg`` file can come from anywhere (an email, a shared drive). SQLite stores triggers and views
inside the file, and they run with the opener's privileges: a hand-added trigger could rewrite
figures behind every edit. We therefore refuse any trigger, view or virtual table we did not create
(none today), and every connection runs with ``trusted_schema=OFF`` and extension loading off.
"""

from __future__ import annotations

import sqlite3
from typing import Final

__all__ = ["ALLOWED_TRIGGERS", "ALLOWED_VIEWS", "harden_connection", "untrusted_objects"]

#: Triggers and views the application itself creates (a migration adding one must list it here).
ALLOWED_TRIGGERS: Final[frozenset[str]] = frozenset()
ALLOWED_VIEWS: Final[frozenset[str]] = frozenset()


def harden_connection(connection: sqlite3.Connection) -> None:
    """Settings every connection to a workspace gets before it reads the schema's contents."""
    # Functions with side effects may not run from the schema (triggers, views, CHECKs, defaults).
    connection.execute("PRAGMA trusted_schema = OFF")
    # Python builds without extension support lack the method; then nothing can load one anyway.
    disable = getattr(connection, "enable_load_extension", None)
    if disable is not None:
        disable(False)


def untrusted_objects(connection: sqlite3.Connection) -> list[str]:
    """Describe each schema object the application did not create; empty when the schema is clean.

    Each entry is a short phrase such as ``a trigger “t_fix_totals” on pool_line``.
    """
    found: list[str] = []
    rows = connection.execute(
        "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    for kind, name, table, sql in rows:
        if kind == "trigger" and name not in ALLOWED_TRIGGERS:
            found.append(f"a trigger “{name}” on {table}")
        elif kind == "view" and name not in ALLOWED_VIEWS:
            found.append(f"a view “{name}”")
        elif kind == "table" and sql.lstrip().upper().startswith("CREATE VIRTUAL TABLE"):
            # Virtual tables run module code (possibly from an extension) whenever they are read.
            found.append(f"a virtual table “{name}”")
    return found
