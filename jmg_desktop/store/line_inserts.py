"""Inserting whole pool lines: the bulk write of an import (100,000 lines in a hundred statement runs).

Where the driver takes positional parameters (SQLite) the lines go as plain tuples to a statement
compiled once: SQLAlchemy's per-row parameter processing was a fifth of an import of 100,000 lines,
for columns that need no conversion. Columns that every line leaves at the value the table gives by
itself (an ordinary line's empty BCF scheme fields and its kind) are left out of the statement,
which SQLite then runs about a sixth faster (10 columns a row instead of 21).

The rows go as ``INSERT … VALUES (…), (…), …`` with a thousand-odd rows per statement run (as
many as SQLite's limit on bound values allows), not one run per row: SQLite builds the lookup
table of each of pool_line's three ``CHECK … IN (…)`` rules once per run, and for 100,000 lines
one run per row spent half the insert's time on it (1.10 s against 0.56–0.60 s of CPU, measured
on the driver alone).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import Column, Table, insert
from sqlalchemy.engine import Connection

from jmg_desktop.core.commands import RECORD_FIELDS, LineRecord
from jmg_desktop.store.line_checks import check_columns, checks_left_out, first_of_each_kind
from jmg_desktop.store.models import PoolLine

__all__ = ["insert_lines"]

_LINE: Final[Table] = PoolLine.__table__  # type: ignore[assignment]
_UNKNOWN: Final = object()


def _table_default(column: Column[Any]) -> object:
    """The value a row gets for ``column`` when an INSERT leaves it out, or ``_UNKNOWN``."""
    server = column.server_default
    if server is None:
        return None if column.nullable else _UNKNOWN
    argument = getattr(server, "arg", None)
    return argument if isinstance(argument, str) else _UNKNOWN


def _defaults_kept_by_table() -> dict[str, object]:
    """Each record field whose default the table gives too, with that default."""
    return {
        name: default
        for name, default in LineRecord._field_defaults.items()
        if _table_default(_LINE.c[name]) == default
    }


def _fields_getter(names: Sequence[str]) -> Any:
    """One C call giving a record's values of the fields ``names``, as a tuple (by position:
    a record is a named tuple)."""
    indexes = [RECORD_FIELDS.index(name) for name in names]
    if len(indexes) == 1:  # itemgetter of one index gives the value itself
        return lambda record: (record[indexes[0]],)
    return itemgetter(*indexes)


_KEPT: Final = _defaults_kept_by_table()
_KEPT_VALUES: Final = _fields_getter(list(_KEPT))
_KEPT_DEFAULTS: Final = tuple(_KEPT.values())
#: (dialect name, the fields left out) → the INSERT's SQL and the getter of its parameters.
_COMPILED: Final[dict[tuple[str, tuple[str, ...]], tuple[str, Any]]] = {}
#: Rows per statement run at most (SQLite's build-time limit on bound values may be lower).
_MAX_ROWS_PER_RUN: Final = 1000
_VALUES: Final = " VALUES "
#: Inserts of fewer lines run every CHECK rule on every line (proving them costs a query).
_PROVE_FROM: Final = 256


def rows_statement(sql: str, count: int) -> str:
    """``sql``, an INSERT of one row (``… VALUES (?, …)``), made to insert ``count`` rows."""
    head, values, group = sql.rpartition(_VALUES)
    if not values or not group.startswith("(") or not group.endswith(")"):
        raise ValueError(f"not a one-row INSERT: {sql[:80]}")
    return head + values + ", ".join([group] * count)


def _rows_per_run(connection: Connection, width: int) -> int:
    """How many rows of ``width`` values one statement may bind on this SQLite connection."""
    driver = connection.connection.driver_connection
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if driver is not None else 999
    return max(1, min(_MAX_ROWS_PER_RUN, limit // max(1, width)))


def insert_lines(connection: Connection, lines: Sequence[LineRecord]) -> None:
    """Insert whole lines in ``connection``'s transaction; every field is stored as the record has it."""
    if not connection.dialect.positional:
        connection.execute(insert(_LINE), [line.as_dict() for line in lines])
        return
    # One tuple comparison per line, in C: the fields are left out only if no line sets any of them.
    left_out = tuple(_KEPT) if all(map(_KEPT_DEFAULTS.__eq__, map(_KEPT_VALUES, lines))) else ()
    key = (connection.dialect.name, left_out)
    found = _COMPILED.get(key)
    if found is None:
        keys = [name for name in RECORD_FIELDS if name not in left_out]
        compiled = insert(_LINE).compile(dialect=connection.dialect, column_keys=keys)
        found = _COMPILED[key] = (str(compiled), _fields_getter(compiled.positiontup))  # type: ignore[arg-type]
    sql, values = found
    if connection.dialect.name != "sqlite" or len(lines) < 2:
        connection.exec_driver_sql(sql, [values(line) for line in lines])
        return
    firsts = _first_of_each_kind(connection, lines) if len(lines) >= _PROVE_FROM else None
    if firsts is None:
        _insert_runs(connection, sql, values, lines)
        return
    # One line of each kind with the CHECK rules run, then the others without (line_checks).
    _insert_runs(connection, sql, values, [lines[index] for index in firsts])
    others: list[LineRecord] = []
    for start, end in zip([-1, *firsts], [*firsts, len(lines)], strict=True):
        others.extend(lines[start + 1 : end])
    with checks_left_out(connection):
        _insert_runs(connection, sql, values, others)


def _first_of_each_kind(connection: Connection, lines: Sequence[LineRecord]) -> list[int] | None:
    """The lines to insert with pool_line's CHECK rules run (one of each kind), or None to run
    them on every line (see :mod:`~jmg_desktop.store.line_checks`)."""
    table_sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (_LINE.name,)
    ).scalar()
    columns = check_columns(str(table_sql or ""), RECORD_FIELDS)
    if not columns or table_sql is None:
        return None  # no rule to leave out, or one whose text cannot be read whole
    positions = [RECORD_FIELDS.index(name) for name in columns]
    return first_of_each_kind(lines, positions, _fields_getter(list(columns)))


def _insert_runs(connection: Connection, sql: str, values: Any, lines: Sequence[LineRecord]) -> None:
    """Insert ``lines`` with as few runs of ``sql`` made into a many-row INSERT as the limit allows."""
    per = _rows_per_run(connection, sql.count("?"))
    statements: dict[int, str] = {}
    for start in range(0, len(lines), per):
        batch = lines[start : start + per]
        statement = statements.get(len(batch))
        if statement is None:
            statement = statements[len(batch)] = rows_statement(sql, len(batch))
        connection.exec_driver_sql(statement, tuple(chain.from_iterable(map(values, batch))))
