"""Loading a dump into a new workspace: every row checked, nothing partial, never over a file.

Each row must have exactly its table's columns (a missing or unknown key is refused, naming the
table, the row's position in the dump and the column), every value the column's type and within
its bounds (:mod:`jmg_desktop.store.load_rows`), and ids are kept exactly as dumped. The rows go
into a workspace that takes the target's name only when whole and checked
(:mod:`jmg_desktop.store.load_build`).

A file is read in bounded memory, two ways. A dump in the layout ``dump`` writes is read a few
thousand rows at a time (:mod:`jmg_desktop.store.load_canonical`); any other file, and any file
that one refuses, is read as a stream one row at a time (:mod:`jmg_desktop.store.json_stream`),
which names the line of the file in every refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final

from jmg_desktop.store import migrate
from jmg_desktop.store.dump import DUMP_FORMAT, DUMP_FORMAT_VERSION
from jmg_desktop.store.errors import DumpError
from jmg_desktop.store.json_stream import DumpReader
from jmg_desktop.store.load_build import Build
from jmg_desktop.store.load_canonical import load_canonical
from jmg_desktop.store.workspace import Workspace

__all__ = ["load_file", "load_workspace"]

_HEADER_KEYS: Final = frozenset({"format", "format_version", "schema_version", "tables"})


def load_workspace(data: Any, out_path: Path | str) -> Workspace:
    """Create a new workspace at ``out_path`` holding exactly the parsed dump ``data``; return it open.

    On any problem nothing is left at ``out_path`` and :class:`DumpError` says what and where.
    """
    out_path = Path(out_path)
    if not isinstance(data, dict):
        raise DumpError('This is not a JMG Desktop workspace dump (its "format" is missing or different).')
    tables = data.get("tables")
    _check_header(data, tables_seen=tables is not None)
    if not isinstance(tables, dict):
        raise DumpError('This dump has no "tables" object.')
    with Build(out_path) as build:
        for name, rows in tables.items():
            if not isinstance(rows, list):
                raise DumpError(f"Table {name}: expected a list of rows.")
            build.table(name, rows, lambda: "")
        build.finish()
    return Workspace.open(out_path, backup=False)


def load_file(source: Path, out_path: Path | str) -> None:
    """Create a new workspace at ``out_path`` from the dump file ``source``, read as a stream.

    Raises :class:`DumpError` (one sentence naming the line, table, row and column) on any
    problem; nothing is then left at ``out_path``.
    """
    out_path = Path(out_path)
    try:
        stream = source.open("rb")
    except FileNotFoundError:
        raise DumpError(f"“{source.name}” does not exist.") from None
    except IsADirectoryError:
        raise DumpError(f"“{source.name}” is a folder, not a dump file.") from None
    except OSError as error:
        raise DumpError(f"“{source.name}” cannot be read: {error.strerror or error}.") from None
    with stream:
        if stream.seekable():
            with Build(out_path) as build:
                if load_canonical(stream, build):
                    build.finish()
                    return
            stream.seek(0)
        _load_stream(stream, source.name, out_path)


def _load_stream(stream: BinaryIO, name: str, out_path: Path) -> None:
    """:func:`load_file` by the streaming reader, one row at a time, every refusal naming its line."""
    with Build(out_path) as build:
        reader = DumpReader(stream, name)
        header: dict[str, Any] = {}
        for key, value in reader.header_fields():
            if key in header:
                raise reader.fail(f'the field "{key}" appears twice')
            header[key] = value
            if key == "tables":
                _check_header(header, tables_seen=True, partial=True)

                def on_table(table: str, rows: Iterator[Any]) -> None:
                    """Load one table's rows as the reader finds them."""
                    build.table(table, rows, lambda: f"“{name}”, line {reader.row_line()}: ")

                reader.tables(on_table)
            elif key not in _HEADER_KEYS:
                raise reader.fail(f'the field "{key}" is not part of a dump')
        _check_header(header, tables_seen="tables" in header)
        build.finish()


def _check_header(data: dict[str, Any], *, tables_seen: bool, partial: bool = False) -> None:
    """The dump's identification; with ``partial``, only the fields present so far are checked."""
    if ("format" in data or not partial) and data.get("format") != DUMP_FORMAT:
        raise DumpError('This is not a JMG Desktop workspace dump (its "format" is missing or different).')
    if ("format_version" in data or not partial) and data.get("format_version") != DUMP_FORMAT_VERSION:
        raise DumpError(
            f"This dump has format_version {_shown(data.get('format_version'))}; this version reads "
            f"{DUMP_FORMAT_VERSION}."
        )
    if ("schema_version" in data or not partial) and data.get("schema_version") != migrate.schema_version():
        raise DumpError(
            f"This dump is of schema {_shown(data.get('schema_version'))}; this version of JMG Desktop "
            f"loads schema {migrate.schema_version()} dumps."
        )
    if not tables_seen:
        raise DumpError('This dump has no "tables" object.')


def _shown(value: Any) -> str:
    """A header value as it appears in the dump, shortened."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**12 else "a huge number"
    return text if len(text) <= 30 else text[:29] + "…"
