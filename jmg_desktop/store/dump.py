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
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Column, Table, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from jmg_desktop.store import migrate
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import Base
from jmg_desktop.store.workspace import Workspace

__all__ = ["DUMP_FORMAT", "DUMP_FORMAT_VERSION", "DumpError", "dump_text", "dump_workspace", "load_workspace"]

DUMP_FORMAT: Final = "jmg-desktop-workspace"
DUMP_FORMAT_VERSION: Final = 1


class DumpError(WorkspaceError):
    """A dump that cannot be loaded; the message says what is wrong with it."""


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


def _decode(column: Column[Any], value: Any, where: str) -> Any:
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is bytes:
        if not (isinstance(value, dict) and isinstance(value.get("base64"), str)):
            raise DumpError(f'{where}: expected binary data as {{"base64": ...}}.')
        return base64.b64decode(value["base64"])
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is time:
        return time.fromisoformat(value)
    if python_type is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise DumpError(f"{where}: expected a whole number, found {json.dumps(value)[:40]}.")
    if python_type is str and not isinstance(value, str):
        raise DumpError(f"{where}: expected text, found {json.dumps(value)[:40]}.")
    return value


def dump_workspace(workspace: Workspace) -> dict[str, Any]:
    """Every row of every table, as a JSON-ready dict."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with workspace.engine.connect() as connection:
        for table in _tables():
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings()
            tables[table.name] = [{key: _encode(value) for key, value in row.items()} for row in rows]
        connection.rollback()
    return {
        "format": DUMP_FORMAT,
        "format_version": DUMP_FORMAT_VERSION,
        "schema_version": migrate.schema_version(),
        "tables": tables,
    }


def dump_text(workspace: Workspace) -> str:
    """The dump as stable, human-readable JSON text."""
    return json.dumps(dump_workspace(workspace), indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _validate_header(data: Any) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(data, dict) or data.get("format") != DUMP_FORMAT:
        raise DumpError('This is not a JMG Desktop workspace dump (its "format" is missing or different).')
    if data.get("format_version") != DUMP_FORMAT_VERSION:
        raise DumpError(
            f"This dump has format_version {data.get('format_version')!r}; this version reads {DUMP_FORMAT_VERSION}."
        )
    if data.get("schema_version") != migrate.schema_version():
        raise DumpError(
            f"This dump is of schema {data.get('schema_version')!r}; this version of JMG Desktop loads schema "
            f"{migrate.schema_version()} dumps."
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise DumpError('This dump has no "tables" object.')
    known = {table.name for table in _tables()}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise DumpError(f"This dump has a table this version does not know: {unknown[0]}.")
    return tables


def _rows_for(table: Table, rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        raise DumpError(f"Table {table.name}: expected a list of rows.")
    columns = {column.name: column for column in table.columns}
    decoded = []
    for number, row in enumerate(rows, start=1):
        where = f"Table {table.name}, row {number}"
        if not isinstance(row, dict):
            raise DumpError(f"{where}: expected an object of column values.")
        extra = sorted(set(row) - set(columns))
        if extra:
            raise DumpError(f"{where}: unknown column {extra[0]}.")
        decoded.append(
            {name: _decode(columns[name], value, f"{where}, column {name}") for name, value in row.items()}
        )
    return decoded


def load_workspace(data: Any, out_path: Path | str) -> Workspace:
    """Create a new workspace at ``out_path`` holding exactly the dump's rows; return it open.

    The dump is checked first; on any problem nothing is left at ``out_path``.
    """
    tables = _validate_header(data)
    decoded = {table.name: _rows_for(table, tables.get(table.name, [])) for table in _tables()}
    out_path = Path(out_path)
    workspace = Workspace.create(out_path)
    try:
        with workspace.engine.begin() as connection:
            # Rows may refer forward (an agreement superseded by a later one): check at the end.
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for table in reversed(_tables()):
                connection.execute(delete(table))
            for table in _tables():
                if decoded[table.name]:
                    connection.execute(insert(table), decoded[table.name])
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DumpError(
                    f"Table {problems[0][0]}: a row refers to a {problems[0][2]} that the dump does not hold."
                )
    except SQLAlchemyError as error:
        workspace.close()
        out_path.unlink(missing_ok=True)
        message = str(getattr(error, "orig", error)).splitlines()[0]
        raise DumpError(f"The dump's rows do not fit the workspace: {message}.") from None
    except BaseException:
        workspace.close()
        out_path.unlink(missing_ok=True)
        raise
    return workspace
