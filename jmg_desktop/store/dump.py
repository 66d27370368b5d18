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
from typing import Any, Final, NamedTuple

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
    "iter_dump_bytes",
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


class _Plain(NamedTuple):
    """What one scan found of a plain table's integer columns."""

    bare: frozenset[str]  # holding only integers and NULLs: SQLite may write them without quoting
    whole: frozenset[str]  # of those, the ones holding only integers (no NULL): written by ``%d``


def _plain_tables(connection: Connection) -> dict[str, _Plain]:
    """The tables read straight from SQLite: integer and text columns holding only integers, text
    and NULLs (checked by one SQL scan each), each with its integer columns that hold only integers
    and NULLs (what SQLite may write bare, without quoting) and, in the usual case, the NOT NULL
    ones among them. Raise :func:`_encode`'s refusal if any table holds a float, before anything is
    written: half a streamed dump must never reach standard output."""
    if connection.dialect.name != "sqlite":
        # A typed server (PostgreSQL) cannot hold a float or bytes in an integer or text column:
        # the column types alone say which tables are plain, without a scan.
        return {table.name: _Plain(frozenset(), frozenset()) for table in _tables() if _typed_plain(table)}
    quote = connection.dialect.identifier_preparer.quote
    plain: dict[str, _Plain] = {}
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
            # The usual case, one scan: integers in the integer columns (and no NULL in those
            # declared NOT NULL: SQLite enforces it, but the scan makes ``%d`` not depend on that),
            # no floats or binary values.
            whole = [name for name in integers if not table.columns[name].nullable]
            odd = " OR ".join(
                [_odd_value(quote(name), declared[name], kind) for name, kind in kinds.items()]
                + [f"{quote(name)} IS NULL" for name in whole]
            )
            if not _holds(connection, where, odd):
                plain[table.name] = _Plain(frozenset(integers), frozenset(whole))
                continue
            if not _holds(
                connection, where, " OR ".join(f"{kind} IN ('real', 'blob')" for kind in kinds.values())
            ):
                # Text in an integer column (a file another program wrote): that column is quoted.
                bare = frozenset(
                    name for name in integers if not _holds(connection, where, f"{kinds[name]} = 'text'")
                )
                plain[table.name] = _Plain(bare, frozenset())
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


def _row_template(table: Table, whole: frozenset[str] = frozenset()) -> str:
    """A ``%``-template laying out one row of ``table`` as ``json.dumps(dump, indent=1)`` does:
    ``%s`` for each value, ``%d`` for the columns ``whole`` (for SQLite's ``printf``)."""
    members = ",\n".join(
        f"    {_COMPACT(column.name).replace('%', '%%')}: {'%d' if column.name in whole else '%s'}"
        for column in table.columns
    )
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


def _rendered_batches(connection: Connection, table: Table, plain: _Plain) -> Iterator[bytes]:
    """A plain table's rows already laid out by SQLite (:func:`_row_template` filled in by
    ``printf``) as UTF-8, a batch at a time joined as :func:`_rows_text` joins them.

    The values never become Python objects (a third of a 1M-line dump's time), and the text comes
    back as bytes (``CAST ... AS BLOB``), written as it is: no decoding and encoding again. The
    integer columns ``plain.whole`` (only integers) go in by ``%d``, the other ``plain.bare``
    (integers and NULLs) as they are; every other value through ``json_quote``, except the empty
    text, which is ``""`` without the call (most of a line's BCF fields are empty: under callgrind
    a generated line costs 21,000 instructions in SQLite, against 31,000 all through
    ``json_quote`` and ``%s``).
    """
    quote = connection.dialect.identifier_preparer.quote
    template = _row_template(table, plain.whole).replace("'", "''")
    values = []
    for column in table.columns:
        name = quote(column.name)
        if column.name in plain.whole:
            values.append(name)
        elif column.name in plain.bare:
            values.append(f"ifnull({name}, 'null')")
        else:
            # Only a text value equals '' (an integer column's affinity leaves '' text).
            values.append(f"CASE {name} WHEN '' THEN '\"\"' ELSE json_quote({name}) END")
    order = ", ".join(quote(column.name) for column in list(table.primary_key.columns) or list(table.columns))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            f"SELECT CAST(printf('{template}', {', '.join(values)}) AS BLOB) FROM {quote(table.name)}"
            f" ORDER BY {order}"
        )
        while rows := cursor.fetchmany(_BATCH):
            yield b",\n".join([row[0] for row in rows])
    finally:
        cursor.close()


#: The text after a table's last row, and after the last table. Rows are joined by ``",\n"``,
#: each laid out as :func:`_row_template` lays it out, so ``ROW_END`` begins every row's last line.
ROWS_END: Final = "\n  ]"
DUMP_END: Final = "\n }\n}\n"
ROW_END: Final = "\n   }"
_ROWS_END: Final = ROWS_END.encode()
_DUMP_END: Final = DUMP_END.encode()


def header_text() -> str:
    """The dump's text up to its first table's name."""
    return (
        f'{{\n "format": {_COMPACT(DUMP_FORMAT)},\n "format_version": {DUMP_FORMAT_VERSION},\n'
        f' "schema_version": {migrate.schema_version()},\n "tables": {{'
    )


def table_opening(name: str, number: int) -> str:
    """The text before the rows of the table ``name``, the ``number``-th (from 0) in the dump."""
    return f"{',' if number else ''}\n  {_COMPACT(name)}: ["


def iter_dump_bytes(workspace: Workspace) -> Iterator[bytes]:
    """The dump's text as UTF-8, in pieces of up to a few thousand rows, in bounded memory.

    Joined, the pieces are exactly ``json.dumps(dump_workspace(workspace), indent=1,
    ensure_ascii=False) + "\\n"`` encoded, the text dumps have always had. Refusals (a float in a
    table) come before the first piece. Each piece is whole characters.
    """
    with workspace.engine.connect() as connection:
        plain = _plain_tables(connection)
        rendered = _sqlite_renders(connection)
        yield header_text().encode()
        for number, table in enumerate(_tables()):
            yield table_opening(table.name, number).encode()
            names = [column.name for column in table.columns]
            is_plain = table.name in plain and bool(names)
            template = _row_template(table) if is_plain else None
            empty = True
            if is_plain and rendered and len(names) <= _MOST_COLUMNS:
                texts = _rendered_batches(connection, table, plain[table.name])
            else:
                texts = (
                    _rows_text(rows, names, template).encode()
                    for rows in _row_batches(connection, table, is_plain)
                )
            try:
                for text in texts:
                    yield (b"\n" if empty else b",\n") + text
                    empty = False
            finally:  # a reader that stops early (``dump | head``): end the batches' cursor now,
                texts.close()  # while its connection is still open, not when it is collected
            yield b"]" if empty else _ROWS_END
        connection.rollback()
    yield _DUMP_END


def iter_dump_text(workspace: Workspace) -> Iterator[str]:
    """:func:`iter_dump_bytes` as text, piece by piece (for standard output)."""
    for piece in iter_dump_bytes(workspace):
        yield piece.decode()


def dump_text(workspace: Workspace) -> str:
    """The dump as stable, human-readable JSON text (``json.dumps(..., indent=1)``'s layout)."""
    return "".join(iter_dump_text(workspace))


def load_workspace(data: Any, out_path: Path | str) -> Workspace:
    """Create a new workspace from a parsed dump (see :func:`jmg_desktop.store.load.load_workspace`)."""
    from jmg_desktop.store.load import load_workspace as load

    return load(data, out_path)
