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
from sqlalchemy.exc import DBAPIError

from jmg_desktop.store import migrate
from jmg_desktop.store.errors import DumpError
from jmg_desktop.store.models import Base
from jmg_desktop.store.workspace import Workspace

__all__ = [
    "DUMP_END",
    "DUMP_FORMAT",
    "DUMP_FORMAT_VERSION",
    "ROWS_END",
    "ROW_END",
    "DumpError",
    "dump_text",
    "dump_workspace",
    "header_text",
    "iter_dump_text",
    "load_workspace",
    "table_opening",
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


def _holds(connection: Connection, where: str, condition: str) -> bool:
    """Does any row meet ``condition`` (``where`` is the table's ``SELECT 1 … WHERE %s LIMIT 1``)?"""
    return connection.exec_driver_sql(where % condition).first() is not None


def _odd_value(column: str, declared: str, kind: str) -> str:
    """SQL true for a value of ``column`` (declared ``declared``; ``kind`` its ``typeof``) that is
    not an integer in an integer column, or is a float or binary value in a text column.

    A CAST and a comparison cost a third of ``typeof`` (1.3 s of a 1M-line dump): with SQLite's
    type affinity an integer column (declared with INT) holds a float only when it is not a whole
    number, and a text column (CHAR, CLOB, TEXT) holds no number at all, only text or binary.
    """
    affinity = declared.upper()
    if "INT" in affinity:
        return f"{column} IS NOT CAST({column} AS INTEGER)"
    if any(word in affinity for word in ("CHAR", "CLOB", "TEXT")):
        return f"{column} IS NOT CAST({column} AS TEXT)"
    return f"{kind} IN ('real', 'blob')"


def _plain_tables(connection: Connection) -> dict[str, frozenset[str]]:
    """The tables read straight from SQLite: integer and text columns holding only integers, text
    and NULLs (checked by one SQL scan each), each with its integer columns that hold only integers
    and NULLs (what SQLite may write bare, without quoting). Raise :func:`_encode`'s refusal if any
    table holds a float, before anything is written: half a streamed dump must never reach standard
    output."""
    if connection.dialect.name != "sqlite":
        # A typed server (PostgreSQL) cannot hold a float or bytes in an integer or text column:
        # the column types alone say which tables are plain, without a scan.
        return {table.name: frozenset() for table in _tables() if _typed_plain(table)}
    quote = connection.dialect.identifier_preparer.quote
    plain: dict[str, frozenset[str]] = {}
    for table in _tables():
        kinds = {column.name: f"typeof({quote(column.name)})" for column in table.columns}
        where = f"SELECT 1 FROM {quote(table.name)} WHERE %s LIMIT 1"
        if _typed_plain(table):
            declared = {
                column.name: column.type.compile(dialect=connection.dialect) for column in table.columns
            }
            integers = [
                column.name
                for column in table.columns
                if column.type.python_type is int and "INT" in declared[column.name].upper()
            ]
            # The usual case, one scan: integers in the integer columns, no floats or binary values.
            odd = " OR ".join(_odd_value(quote(name), declared[name], kind) for name, kind in kinds.items())
            if not _holds(connection, where, odd):
                plain[table.name] = frozenset(integers)
                continue
            if not _holds(
                connection, where, " OR ".join(f"{kind} IN ('real', 'blob')" for kind in kinds.values())
            ):
                # Text in an integer column (a file another program wrote): that column is quoted.
                plain[table.name] = frozenset(
                    name for name in integers if not _holds(connection, where, f"{kinds[name]} = 'text'")
                )
                continue
        if _holds(connection, where, " OR ".join(f"{kind} = 'real'" for kind in kinds.values())):
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
    return "   {\n" + members + ROW_END


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


#: Text whose JSON both encoders must agree on before SQLite is trusted to write rows: every ASCII
#: character (controls, quotes, backslash, DEL), Latin, the line and paragraph separators, an astral.
_PROBE: Final = "".join(map(chr, range(128))) + "£é–\u2028\u2029€😀"
#: SQLite takes at most 127 arguments to a function (SQLITE_MAX_FUNCTION_ARG's default).
_MOST_COLUMNS: Final = 100


def _sqlite_renders(connection: Connection) -> bool:
    """True when SQLite's ``json_quote`` writes text exactly as :data:`_VALUES_ENCODER` does (it
    has in every version we know; the check makes a future difference fall back, not change
    the dump)."""
    if connection.dialect.name != "sqlite":
        return False
    try:
        quoted = connection.exec_driver_sql("SELECT json_quote(?), json_quote(?)", (_PROBE, -(2**63))).one()
    except DBAPIError:  # a build without the JSON functions
        return False
    return tuple(quoted) == (_COMPACT(_PROBE), str(-(2**63)))


def _rendered_batches(connection: Connection, table: Table, bare: frozenset[str]) -> Iterator[str]:
    """A plain table's rows already laid out by SQLite (:func:`_row_template` filled in by
    ``printf``), a batch at a time joined as :func:`_rows_text` joins them: the integer columns
    ``bare`` (holding only integers and NULLs) as they are, every other value through
    ``json_quote``. The values never become Python objects: a third of a 1M-line dump's time."""
    quote = connection.dialect.identifier_preparer.quote
    template = _row_template(table).replace("'", "''")
    values = ", ".join(
        f"ifnull({quote(column.name)}, 'null')"
        if column.name in bare
        else f"json_quote({quote(column.name)})"
        for column in table.columns
    )
    order = ", ".join(quote(column.name) for column in list(table.primary_key.columns) or list(table.columns))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"SELECT printf('{template}', {values}) FROM {quote(table.name)} ORDER BY {order}")
        while rows := cursor.fetchmany(_BATCH):
            yield ",\n".join([row[0] for row in rows])
    finally:
        cursor.close()


#: The text after a table's last row, and after the last table. Rows are joined by ``",\n"``,
#: each laid out as :func:`_row_template` lays it out, so ``ROW_END`` begins every row's last line.
ROWS_END: Final = "\n  ]"
DUMP_END: Final = "\n }\n}\n"
ROW_END: Final = "\n   }"


def header_text() -> str:
    """The dump's text up to its first table's name."""
    return (
        f'{{\n "format": {_COMPACT(DUMP_FORMAT)},\n "format_version": {DUMP_FORMAT_VERSION},\n'
        f' "schema_version": {migrate.schema_version()},\n "tables": {{'
    )


def table_opening(name: str, number: int) -> str:
    """The text before the rows of the table ``name``, the ``number``-th (from 0) in the dump."""
    return f"{',' if number else ''}\n  {_COMPACT(name)}: ["


def iter_dump_text(workspace: Workspace) -> Iterator[str]:
    """The dump's text in pieces of up to a few thousand rows, in bounded memory.

    Joined, the pieces are exactly ``json.dumps(dump_workspace(workspace), indent=1,
    ensure_ascii=False) + "\\n"``, the text dumps have always had. Refusals (a float in a table)
    come before the first piece.
    """
    with workspace.engine.connect() as connection:
        plain = _plain_tables(connection)
        rendered = _sqlite_renders(connection)
        yield header_text()
        for number, table in enumerate(_tables()):
            yield table_opening(table.name, number)
            names = [column.name for column in table.columns]
            is_plain = table.name in plain and bool(names)
            template = _row_template(table) if is_plain else None
            empty = True
            if is_plain and rendered and len(names) <= _MOST_COLUMNS:
                texts = _rendered_batches(connection, table, plain[table.name])
            else:
                texts = (
                    _rows_text(rows, names, template) for rows in _row_batches(connection, table, is_plain)
                )
            try:
                for text in texts:
                    yield ("\n" if empty else ",\n") + text
                    empty = False
            finally:  # a reader that stops early (``dump | head``): end the batches' cursor now,
                texts.close()  # while its connection is still open, not when it is collected
            yield "]" if empty else ROWS_END
        connection.rollback()
    yield DUMP_END


def dump_text(workspace: Workspace) -> str:
    """The dump as stable, human-readable JSON text (``json.dumps(..., indent=1)``'s layout)."""
    return "".join(iter_dump_text(workspace))


def load_workspace(data: Any, out_path: Path | str) -> Workspace:
    """Create a new workspace from a parsed dump (see :func:`jmg_desktop.store.load.load_workspace`)."""
    from jmg_desktop.store.load import load_workspace as load

    return load(data, out_path)
