"""Lossless JSON dump and load of a whole workspace.

The shape (``format_version`` 1), documented in the README::

    {"format": "jmg-desktop-workspace", "format_version": 1, "schema_version": 1,
     "tables": {"partner": [{"id": 1, "name": "...", ...}, ...], ...}}

Every table the application knows is included, in foreign-key order, rows by primary key, every
column by name. Money stays integer pence; dates and times become ISO 8601 strings; binary values
become ``{"base64": "..."}``. ``dump`` → ``load`` → ``dump`` gives identical JSON.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Table, select

from jmg_desktop.store import migrate
from jmg_desktop.store.errors import DumpError
from jmg_desktop.store.models import Base
from jmg_desktop.store.workspace import Workspace

__all__ = [
    "DUMP_FORMAT",
    "DUMP_FORMAT_VERSION",
    "DumpError",
    "dump_text",
    "dump_workspace",
    "iter_dump_text",
    "load_workspace",
]

DUMP_FORMAT: Final = "jmg-desktop-workspace"
DUMP_FORMAT_VERSION: Final = 1


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float):
        raise DumpError("A floating-point value was found in the workspace; it cannot be dumped exactly.")
    return value


def dump_workspace(workspace: Workspace) -> dict[str, Any]:
    """Every row of every table, as a JSON-ready dict (held whole in memory: for small workspaces)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with workspace.engine.connect() as connection:
        plain = _plain_tables(connection)
        for table in _tables():
            names = [column.name for column in table.columns]
            tables[table.name] = [
                dict(zip(names, row, strict=True))
                for batch in _row_batches(connection, table, table.name in plain)
                for row in batch
            ]
        connection.rollback()
    return {
        "format": DUMP_FORMAT,
        "format_version": DUMP_FORMAT_VERSION,
        "schema_version": migrate.schema_version(),
        "tables": tables,
    }


_BATCH: Final = 2000


def _typed_plain(table: Table) -> bool:
    """True when every column of ``table`` is declared as an integer or text."""
    try:
        return all(column.type.python_type in (int, str) for column in table.columns)
    except NotImplementedError:
        return False


def _plain_tables(connection: Connection) -> set[str]:
    """The tables read straight from SQLite: integer and text columns holding only integers, text
    and NULLs (checked by one SQL scan each). Raise :func:`_encode`'s refusal if any table holds a
    float, before anything is written: half a streamed dump must never reach standard output."""
    if connection.dialect.name != "sqlite":
        # A typed server (PostgreSQL) cannot hold a float or bytes in an integer or text column:
        # the column types alone say which tables are plain, without a scan.
        return {table.name for table in _tables() if _typed_plain(table)}
    quote = connection.dialect.identifier_preparer.quote
    plain = set()
    for table in _tables():
        kinds = [f"typeof({quote(column.name)})" for column in table.columns]
        where = f"SELECT 1 FROM {quote(table.name)} WHERE %s LIMIT 1"
        try:
            typed_plain = all(column.type.python_type in (int, str) for column in table.columns)
        except NotImplementedError:
            typed_plain = False
        if typed_plain:  # the usual case, one scan: neither floats nor binary values
            odd = " OR ".join(f"{kind} IN ('real', 'blob')" for kind in kinds)
            if not connection.exec_driver_sql(where % odd).first():
                plain.add(table.name)
                continue
        if connection.exec_driver_sql(where % " OR ".join(f"{kind} = 'real'" for kind in kinds)).first():
            _encode(0.0)
    return plain


def _row_batches(connection: Connection, table: Table, plain: bool) -> Iterator[list[tuple[Any, ...]]]:
    """The table's rows by primary key, column values in the table's order, a batch at a time.

    Plain tables (see :func:`_plain_tables`) are read straight from the SQLite cursor, their values
    already JSON-ready (SQLAlchemy's row objects would double the time of a big dump); the others
    go through SQLAlchemy's types (booleans, binary) and :func:`_encode`.
    """
    order = list(table.primary_key.columns) or list(table.columns)
    if plain:
        quote = connection.dialect.identifier_preparer.quote
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(
                f"SELECT {', '.join(quote(column.name) for column in table.columns)}"
                f" FROM {quote(table.name)} ORDER BY {', '.join(quote(column.name) for column in order)}"
            )
            while rows := cursor.fetchmany(_BATCH):
                yield rows
        finally:
            cursor.close()
        return
    result = connection.execute(select(table).order_by(*order))
    for rows in result.partitions(_BATCH):
        yield [tuple(_encode(value) for value in row) for row in rows]


#: The C encoder (``json.dumps(indent=...)`` falls back to the pure-Python one, 5× slower), with a
#: bare newline between values: JSON text never holds a raw newline inside a value, so every
#: newline in its output is a separator, and a batch of plain rows splits back into its values.
_VALUES_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=("\n", ": ")).encode
_COMPACT: Final = json.JSONEncoder(ensure_ascii=False).encode


def _row_template(table: Table) -> str:
    """A ``%``-template laying out one row of ``table`` as ``json.dumps(dump, indent=1)`` does."""
    members = ",\n".join(f"    {_COMPACT(column.name).replace('%', '%%')}: %s" for column in table.columns)
    return "   {\n" + members + "\n   }"


def _rows_text(rows: list[tuple[Any, ...]], names: list[str], template: str | None) -> str:
    """Rows exactly as ``json.dumps(dump, indent=1)`` lays them out in a table's list."""
    if template is not None:
        # '[[1\n"A"]\n[2\n"B"]]': values are scalars, so "]\n[" is only ever a row boundary.
        encoded = _VALUES_ENCODER(rows)[2:-2].split("]\n[")
        return ",\n".join([template % tuple(row.split("\n")) for row in encoded])
    # Nested values ({"base64": ...}) are laid out over lines of their own: rare, so done slowly.
    return ",\n".join(
        "   "
        + json.dumps(dict(zip(names, row, strict=True)), indent=1, ensure_ascii=False).replace("\n", "\n   ")
        for row in rows
    )


def iter_dump_text(workspace: Workspace) -> Iterator[str]:
    """The dump's text in pieces of up to a few thousand rows, in bounded memory.

    Joined, the pieces are exactly ``json.dumps(dump_workspace(workspace), indent=1,
    ensure_ascii=False) + "\\n"``, the text dumps have always had. Refusals (a float in a table)
    come before the first piece.
    """
    with workspace.engine.connect() as connection:
        plain = _plain_tables(connection)
        yield (
            f'{{\n "format": {_COMPACT(DUMP_FORMAT)},\n "format_version": {DUMP_FORMAT_VERSION},\n'
            f' "schema_version": {migrate.schema_version()},\n "tables": {{'
        )
        for number, table in enumerate(_tables()):
            yield f"{',' if number else ''}\n  {_COMPACT(table.name)}: ["
            names = [column.name for column in table.columns]
            is_plain = table.name in plain and bool(names)
            template = _row_template(table) if is_plain else None
            empty = True
            for rows in _row_batches(connection, table, is_plain):
                yield ("\n" if empty else ",\n") + _rows_text(rows, names, template)
                empty = False
            yield "]" if empty else "\n  ]"
        connection.rollback()
    yield "\n }\n}\n"


def dump_text(workspace: Workspace) -> str:
    """The dump as stable, human-readable JSON text (``json.dumps(..., indent=1)``'s layout)."""
    return "".join(iter_dump_text(workspace))


def load_workspace(data: Any, out_path: Path | str) -> Workspace:
    """Create a new workspace from a parsed dump (see :func:`jmg_desktop.store.load.load_workspace`)."""
    from jmg_desktop.store.load import load_workspace as load

    return load(data, out_path)
