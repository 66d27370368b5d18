"""Reads written once as portable SQL text, for every path that only reads.

Each read here is one SQL statement with ``:named`` parameters plus the mapping from its rows to
plain core or store dataclasses. It runs through a :class:`~jmg_desktop.store.reads.rows.Rows`,
implemented twice: on a raw ``sqlite3`` connection (:class:`~jmg_desktop.store.reads.rows.SqliteRows`,
what ``papers``, ``export-paper`` and ``check`` use on a workspace file, so they never import
SQLAlchemy, and what :meth:`Workspace.reads <jmg_desktop.store.workspace.Workspace.reads>` gives
the window, so its first screen is read before SQLAlchemy is imported) and on a SQLAlchemy
connection (:class:`~jmg_desktop.store.reads.sa_rows.SaRows`, for ORM sessions and shared
PostgreSQL workspaces). The ORM repositories call these same reads, so
each fact has one query. Writes stay on the ORM.

Keep the SQL portable (SQLite and PostgreSQL): no SQLite-only functions, booleans bound as
parameters (never ``= 1``), sums turned into ``int`` in Python (PostgreSQL sums to a Decimal).
"""
