"""The :class:`Rows` protocol the reads run through, and its raw ``sqlite3`` implementation.

A list or tuple parameter is written ``IN :ids`` in the SQL text; :func:`expand` turns it into
``IN (:ids_0, :ids_1, …)`` for both implementations (an empty one into ``IN (NULL)``, which no
value matches: callers guard ``NOT IN`` with an empty list themselves).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

__all__ = ["Params", "Rows", "SqliteRows", "expand", "first", "named_rows"]

Params = Mapping[str, Any]
_NAME = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Rows(Protocol):
    """Somewhere the reads can run their SQL: one read transaction, one snapshot."""

    #: ``"sqlite"`` or ``"postgresql"``: for the rare read whose SQL must differ.
    dialect: str

    def all(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Every row of ``sql`` as a plain tuple."""
        ...

    def batches(self, sql: str, params: Params | None = None, size: int = 10_000) -> Iterator[Sequence[Any]]:
        """The rows of ``sql``, ``size`` at a time (for reads of many thousands of rows)."""
        ...

    def mappings(self, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
        """Every row of ``sql`` as a dict by column name (for ``SELECT *`` reads)."""
        ...


def first(rows: Rows, sql: str, params: Params | None = None) -> tuple[Any, ...] | None:
    """The first row of ``sql`` (write ``LIMIT 1`` in it), or None."""
    found = rows.all(sql, params)
    return found[0] if found else None


def expand(sql: str, params: Params | None) -> tuple[str, dict[str, Any]]:
    """``sql`` and ``params`` with every list or tuple parameter spread into one parameter each."""
    values = dict(params or {})
    lists = {name: value for name, value in values.items() if isinstance(value, list | tuple)}
    if not lists:
        return sql, values

    def spread(match: re.Match[str]) -> str:
        """``(:ids_0, :ids_1)`` for a list parameter; any other name as it was."""
        name = match.group(1)
        if name not in lists:
            return match.group(0)
        items = lists[name]
        if not items:
            return "(NULL)"
        return "(" + ", ".join(f":{name}_{index}" for index in range(len(items))) + ")"

    text = _NAME.sub(spread, sql)
    for name, items in lists.items():
        del values[name]
        values.update({f"{name}_{index}": item for index, item in enumerate(items)})
    return text, values


class SqliteRows:
    """:class:`Rows` on a raw ``sqlite3`` connection (the caller owns its transaction)."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def all(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Every row of ``sql`` as a plain tuple."""
        text, values = expand(sql, params)
        return self.connection.execute(text, values).fetchall()

    def batches(self, sql: str, params: Params | None = None, size: int = 10_000) -> Iterator[Sequence[Any]]:
        """The rows of ``sql``, ``size`` at a time."""
        text, values = expand(sql, params)
        cursor = self.connection.execute(text, values)
        try:
            while batch := cursor.fetchmany(size):
                yield batch
        finally:
            cursor.close()

    def mappings(self, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
        """Every row of ``sql`` as a dict by column name."""
        text, values = expand(sql, params)
        cursor = self.connection.execute(text, values)
        try:
            return named_rows(cursor)
        finally:
            cursor.close()


def named_rows(cursor: Any) -> list[dict[str, Any]]:
    """A DB-API cursor's remaining rows as dicts by column name."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
