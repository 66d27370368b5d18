"""Reads written once as portable SQL text, for every path that only reads.

Each read here is one SQL statement with ``:named`` parameters plus the mapping from its rows to
plain core or store dataclasses. It runs through a :class:`~jmg_desktop.store.reads.rows.Rows`,
implemented twice: on a raw ``sqlite3`` connection (:class:`~jmg_desktop.store.reads.rows.SqliteRows`,
what ``papers``, ``export-paper`` and ``check`` use on a workspace file, so they never import
SQLAlchemy) and on a SQLAlchemy connection (:class:`~jmg_desktop.store.reads.sa_rows.SaRows`, what
the window and shared PostgreSQL workspaces use). The ORM repositories call these same reads, so
each fact has one query. Writes stay on the ORM.

Keep the SQL portable (SQLite and PostgreSQL): no SQLite-only functions, booleans bound as
parameters (never ``= 1``), sums turned into ``int`` in Python (PostgreSQL sums to a Decimal).
"""
