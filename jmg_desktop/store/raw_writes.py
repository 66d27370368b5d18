"""The few writes every edit makes, run on SQLite's driver with statements compiled once.

SQLAlchemy spends 12–18 µs preparing, running and wrapping each statement; a cell edit runs four
(the line's update, the audit trail's read of its last event, the new event and the moved head
marker), which were a fifth of the software's share of an edit. On SQLite these run straight on
the driver's connection, inside the transaction SQLAlchemy began (so commit, rollback and the
workspace's fault handling are unchanged); on any other database they go through SQLAlchemy as
before. The statements are still built with SQLAlchemy, so their text has one source.

A driver error is raised as SQLAlchemy's own (:meth:`DBAPIError.instance`: an ``IntegrityError``
for a broken constraint, an ``OperationalError`` for a full disk), so every caller's handling of
refusals and disk faults sees exactly what it saw before.

``connection`` may also be SQLite's own connection (an edit's transaction run without SQLAlchemy's
session, :mod:`jmg_desktop.store.edit_transaction`); the statements are then compiled for SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Final

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable

__all__ = ["Target", "driver_of", "execute", "prepare", "run", "run_one"]

#: Where the statements run: a SQLAlchemy connection, or SQLite's own inside its transaction.
Target = Connection | sqlite3.Connection


class _Compiled:
    """One statement as SQLite's driver takes it."""

    __slots__ = ("defaults", "names", "sql", "statement")

    def __init__(self, dialect: Dialect, statement: Executable, keys: tuple[str, ...]) -> None:
        compiled = statement.compile(  # type: ignore[attr-defined]
            dialect=dialect, column_keys=list(keys) if keys else None
        )
        self.statement = statement  # kept alive, so its id is never another statement's
        self.sql: str = str(compiled)
        #: The parameters' names in the driver's order, and the values the statement fixes itself.
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        self.defaults: dict[str, Any] = dict(compiled.params)
        if missing := set(self.names) - set(keys) if keys else set():
            # A column default made in Python would be skipped here: give every value instead.
            raise ValueError(f"an INSERT run on the driver needs values for {sorted(missing)}")

    def values(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The driver's parameters for ``row``."""
        defaults = self.defaults
        return tuple(row[name] if name in row else defaults[name] for name in self.names)


#: (id of the statement, the INSERT's column keys) → the statement compiled for SQLite.
_COMPILED: Final[dict[tuple[int, tuple[str, ...]], _Compiled]] = {}


def _compiled(connection: Target, statement: Executable, row: Mapping[str, Any]) -> _Compiled:
    """``statement`` compiled once for SQLite (an INSERT once for each set of columns given)."""
    keys = tuple(row) if getattr(statement, "is_insert", False) else ()
    found = _COMPILED.get((id(statement), keys))
    if found is None:
        dialect = _sqlite_dialect() if isinstance(connection, sqlite3.Connection) else connection.dialect
        found = _COMPILED[(id(statement), keys)] = _Compiled(dialect, statement, keys)
    return found


@cache
def _sqlite_dialect() -> Dialect:
    """The dialect a workspace engine uses (pysqlite, ``?`` parameters), for SQLite's own connection."""
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    return SQLiteDialect_pysqlite()


def driver_of(connection: Target) -> sqlite3.Connection | None:
    """SQLite's own connection under ``connection``, or None on another database."""
    if isinstance(connection, sqlite3.Connection):
        return connection
    if connection.dialect.name != "sqlite":
        return None
    return connection.connection.driver_connection  # type: ignore[return-value]


def run(connection: Target, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> int:
    """Run ``statement`` once for each of ``rows`` (named parameters) in ``connection``'s
    transaction; return how many rows it changed in all."""
    driver = driver_of(connection)
    if driver is None:
        return int(connection.execute(statement, list(rows)).rowcount)  # type: ignore[union-attr]
    if not rows:
        return 0
    compiled = _compiled(connection, statement, rows[0])
    sql, parameters = compiled.sql, [compiled.values(row) for row in rows]
    try:
        cursor = (
            driver.executemany(sql, parameters)
            if len(parameters) != 1
            else driver.execute(sql, parameters[0])
        )
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, parameters, error, sqlite3.Error) from None
    return cursor.rowcount


def run_one(
    connection: Target, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> tuple[Any, ...] | None:
    """Run ``statement`` once in ``connection``'s transaction and return its first row (a plain
    tuple), or None when it returns none."""
    driver = driver_of(connection)
    if driver is None:
        row = connection.execute(statement, dict(parameters or {})).first()  # type: ignore[union-attr]
        return None if row is None else tuple(row)
    compiled = _compiled(connection, statement, parameters or {})
    sql, values = compiled.sql, compiled.values(parameters or {})
    try:
        return driver.execute(sql, values).fetchone()  # type: ignore[no-any-return]
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, values, error, sqlite3.Error) from None


def prepare(statement: Executable, names: tuple[str, ...] = ()) -> tuple[str, tuple[Any, ...]]:
    """``statement`` compiled for SQLite's own connection, for a caller that runs it many times
    with :func:`execute`: its SQL, and the values it fixes itself (a ``LIMIT``'s), which follow the
    parameters ``names`` that the caller gives, in that order. The same SQL :func:`run` runs."""
    keys = names if getattr(statement, "is_insert", False) else ()
    compiled = _Compiled(_sqlite_dialect(), statement, keys)
    given, fixed = compiled.names[: len(names)], compiled.names[len(names) :]
    if given != names or set(fixed) & set(names):
        raise ValueError(f"the statement takes its parameters as {compiled.names}, not {names}")
    return compiled.sql, tuple(compiled.defaults[name] for name in fixed)


def execute(driver: sqlite3.Connection, sql: str, parameters: tuple[Any, ...]) -> sqlite3.Cursor:
    """Run SQL from :func:`prepare` once on SQLite's own connection, a driver error raised as
    SQLAlchemy's (as :func:`run` does)."""
    try:
        return driver.execute(sql, parameters)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, [parameters], error, sqlite3.Error) from None
