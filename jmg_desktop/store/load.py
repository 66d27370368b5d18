"""Loading a dump into a new workspace: every row checked, nothing partial, never over a file.

Each row must have exactly its table's columns (a missing or unknown key is refused, naming the
table, the row's position in the dump and the column), every value the column's type and within
its bounds (money within ±£1 trillion, any whole number within SQLite's 64 bits, text valid
Unicode, binary data valid base64), and ids are kept exactly as dumped. The rows go into a
workspace built under a temporary name beside the target (:func:`~jmg_desktop.store.workspace.
build_beside`); its references and its audit chain are checked, and only then is it given the
target's name with a hard link, which fails if the name exists (:mod:`jmg_desktop.store.claim`).
A process killed at any moment leaves either no file or the complete workspace, and no lock.

A file is read as a stream (:mod:`jmg_desktop.store.json_stream`): one row in memory at a time.
SQLite only: the bulk insert runs on the file's own driver connection.
"""

from __future__ import annotations

import base64
import binascii
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Table
from sqlalchemy.orm import Session

from jmg_desktop.core.money import MAX_POUNDS
from jmg_desktop.store import audit, migrate, witness
from jmg_desktop.store.claim import claim_new
from jmg_desktop.store.dump import DUMP_FORMAT, DUMP_FORMAT_VERSION
from jmg_desktop.store.errors import DumpError
from jmg_desktop.store.json_stream import DumpReader
from jmg_desktop.store.models import Base
from jmg_desktop.store.trust import harden_connection
from jmg_desktop.store.workspace import Workspace, build_beside, discard_partial, make_engine

__all__ = ["load_file", "load_workspace"]

_INT64_MAX: Final = 2**63 - 1
_MONEY_MAX_PENCE: Final = MAX_POUNDS * 100
_BATCH_ROWS: Final = 2000
_SURROGATE = re.compile("[\ud800-\udfff]")
_HEADER_KEYS: Final = frozenset({"format", "format_version", "schema_version", "tables"})

Where = Callable[[], str]


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
    with _Build(out_path) as build:
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
    with stream, _Build(out_path) as build:
        reader = DumpReader(stream, source.name)
        header: dict[str, Any] = {}
        for key, value in reader.header_fields():
            if key in header:
                raise reader.fail(f'the field "{key}" appears twice')
            header[key] = value
            if key == "tables":
                _check_header(header, tables_seen=True, partial=True)

                def on_table(name: str, rows: Iterator[Any]) -> None:
                    """Load one table's rows as the reader finds them."""
                    build.table(name, rows, lambda: f"“{source.name}”, line {reader.row_line()}: ")

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


class _Columns:
    """How one table's rows are checked and inserted."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.names = tuple(column.name for column in table.columns)
        self.name_set = frozenset(self.names)
        self.has_id = "id" in self.name_set
        self.checks = tuple(
            _checker(column.name, column.type.python_type, column.nullable) for column in table.columns
        )
        quoted = ", ".join(f'"{name}"' for name in self.names)
        marks = ", ".join("?" for _ in self.names)
        self.insert = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'
        self.fast = _fast_path(table)

    def row_values(self, row: Any, number: int, where: Where) -> tuple[Any, ...]:
        """The row's values in column order, or :class:`DumpError` naming what is wrong.

        The common case goes through the table's fast path; only a row it does not accept is
        looked at column by column, to say exactly what is wrong with it.
        """
        if self.fast is not None:
            values = self.fast(row)
            if values is not None:
                return values
        return self.checked(row, number, where)

    def checked(self, row: Any, number: int, where: Where) -> tuple[Any, ...]:
        """:meth:`row_values` the thorough way, every check in full."""
        if type(row) is not dict:
            raise DumpError(
                f"{where()}Table {self.table.name}, row {number}: expected an object of column values."
            )
        if row.keys() != self.name_set:
            self._key_problem(row, number, where)
        try:
            return tuple(check(row[name]) for name, check in zip(self.names, self.checks, strict=True))
        except _BadValue as bad:
            raise DumpError(
                f"{where()}Table {self.table.name}, row {number}{self.ident(row)}, column {bad.column}: {bad}."
            ) from None

    def ident(self, row: dict[str, Any]) -> str:
        """`` (id 7)`` when the row has a usable id, for messages."""
        value = row.get("id")
        return f" (id {value})" if self.has_id and type(value) is int and abs(value) < 10**15 else ""

    def _key_problem(self, row: dict[str, Any], number: int, where: Where) -> None:
        """Refuse a row with a missing or unknown column."""
        missing = [name for name in self.names if name not in row]
        if missing:
            raise DumpError(
                f"{where()}Table {self.table.name}, row {number}{self.ident(row)}: the column {missing[0]} is "
                "missing (every row must give every column)."
            )
        unknown = sorted(str(key) for key in row if key not in self.name_set)
        raise DumpError(
            f"{where()}Table {self.table.name}, row {number}{self.ident(row)}: unknown column {_printable(unknown[0])}."
        )


def _fast_path(table: Table) -> Callable[[Any], tuple[Any, ...] | None] | None:
    """A function accepting a well-formed row of ``table`` at speed (None for anything else).

    Generated from the table's columns, because a million-line load calls it a million times and
    a loop over per-column checker functions costs several times as much. It checks the keys and
    each value's type (and money's bounds); what SQLite itself refuses (a 65-bit number, a lone
    surrogate) is caught at the insert and the row then goes through the thorough checks.
    Tables with binary columns (decoded from base64) always take the thorough way.
    """
    lines = ["def fast(row):", "    if type(row) is not dict or row.keys() != KEYS:", "        return None"]
    for index, column in enumerate(table.columns):
        kind = column.type.python_type
        if kind is bytes:
            return None
        type_name = {int: "int", str: "str", bool: "bool"}[kind]
        test = f"type(v{index}) is not {type_name}"
        if kind is int and column.name.endswith("_pence"):
            test += f" or not -{_MONEY_MAX_PENCE} <= v{index} <= {_MONEY_MAX_PENCE}"
        if column.nullable:
            test = f"v{index} is not None and ({test})"
        lines += [f"    v{index} = row[{column.name!r}]", f"    if {test}:", "        return None"]
    lines.append(f"    return ({', '.join(f'v{i}' for i in range(len(table.columns)))},)")
    namespace: dict[str, Any] = {"KEYS": frozenset(column.name for column in table.columns)}
    exec(compile("\n".join(lines), f"<load fast path for {table.name}>", "exec"), namespace)
    return namespace["fast"]


class _BadValue(Exception):
    """A value that does not fit its column; the message is the reason."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def _checker(name: str, python_type: type, nullable: bool) -> Callable[[Any], Any]:
    """A function checking and converting one column's dumped value."""
    money = name.endswith("_pence")

    def absent(value: Any) -> Any:
        if nullable:
            return None
        raise _BadValue(name, "it must have a value (it is null)")

    def whole(value: Any) -> Any:
        if type(value) is not int:
            if value is None:
                return absent(value)
            raise _BadValue(name, f"expected a whole number, found {_found(value)}")
        if money and not -_MONEY_MAX_PENCE <= value <= _MONEY_MAX_PENCE:
            raise _BadValue(
                name, f"{_pounds(value)} is beyond the £1 trillion (either way) that JMG Desktop accepts"
            )
        if not -_INT64_MAX - 1 <= value <= _INT64_MAX:
            raise _BadValue(name, f"{_found(value)} is larger than any whole number a workspace can hold")
        return value

    def flag(value: Any) -> Any:
        if type(value) is not bool:
            if value is None:
                return absent(value)
            raise _BadValue(name, f"expected true or false, found {_found(value)}")
        return value

    def words(value: Any) -> Any:
        if type(value) is not str:
            if value is None:
                return absent(value)
            raise _BadValue(name, f"expected text, found {_found(value)}")
        if _SURROGATE.search(value):
            raise _BadValue(
                name, "the text holds a lone surrogate (\\ud800–\\udfff), which is not valid Unicode"
            )
        return value

    def binary(value: Any) -> Any:
        if value is None:
            return absent(value)
        if not (type(value) is dict and value.keys() == {"base64"} and type(value["base64"]) is str):
            raise _BadValue(name, 'expected binary data as {"base64": "…"}')
        try:
            return base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise _BadValue(name, "the binary data is not valid base64") from None

    if python_type is bool:
        return flag
    if python_type is int:
        return whole
    if python_type is bytes:
        return binary
    if python_type is str:
        return words
    raise TypeError(f"dump/load does not know how to check a {python_type.__name__} column ({name})")


def _found(value: Any) -> str:
    """A short description of a wrong value, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**100 else "more than 100"
        return str(value) if abs(value) < 10**30 else f"a number of {digits} digits"
    if isinstance(value, float):
        return f"the decimal number {value!r}"
    if isinstance(value, str):
        return f"the text {_printable(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _printable(text: str) -> str:
    """Text quoted for a message, shortened, with surrogates shown as escapes."""
    shown = text if len(text) <= 30 else text[:29] + "…"
    return "“" + shown.encode("utf-8", "backslashreplace").decode("utf-8") + "”"


def _pounds(pence: int) -> str:
    """An out-of-range amount in pounds, as far as it can sensibly be printed."""
    if abs(pence) >= 10**30:
        return "an amount of more than a thousand trillion trillion pounds"
    sign = "−" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"


class _Build:
    """A new workspace being filled beside its target; claimed by :meth:`finish`, else discarded."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temp: Path | None = None
        self.connection: sqlite3.Connection | None = None
        self.columns = {table.name: _Columns(table) for table in Base.metadata.sorted_tables}
        self.seen: set[str] = set()

    def __enter__(self) -> _Build:
        self.temp = build_beside(self.target, title=self.target.stem)
        try:
            connection = sqlite3.connect(self.temp, isolation_level=None)
            harden_connection(connection)
            # The file has no name yet and is thrown away on any failure: no need to journal it to
            # disk or sync each page. It is flushed to disk once, whole, before it takes its name.
            connection.execute("PRAGMA journal_mode = MEMORY")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("BEGIN IMMEDIATE")
            # Rows may refer forward (an agreement superseded by a later one): check at the end.
            connection.execute("PRAGMA defer_foreign_keys = ON")
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(f'DELETE FROM "{table.name}"')
            self.connection = connection
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self._discard()  # after finish() there is nothing left to discard

    def _discard(self) -> None:
        """Throw the unfinished file away."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.temp is not None:
            discard_partial(self.temp)
            self.temp = None

    def table(self, name: str, rows: Iterable[Any], where: Where) -> None:
        """Check and insert one table's rows, in batches."""
        columns = self.columns.get(name)
        if columns is None:
            raise DumpError(
                f"{where()}This dump has a table this version does not know: {_printable(name)[1:-1]}."
            )
        if name in self.seen:
            raise DumpError(f"{where()}The table {name} appears twice in this dump.")
        self.seen.add(name)
        batch: list[tuple[Any, ...]] = []
        first = 1
        for number, row in enumerate(rows, start=1):
            batch.append(columns.row_values(row, number, where))
            if len(batch) >= _BATCH_ROWS:
                self._insert(columns, batch, first)
                first, batch = number + 1, []
        if batch:
            self._insert(columns, batch, first)

    def _insert(self, columns: _Columns, batch: list[tuple[Any, ...]], first: int) -> None:
        """Insert a batch; if the database refuses it, find and name the row it refused."""
        assert self.connection is not None
        connection = self.connection
        connection.execute("SAVEPOINT batch")
        try:
            connection.executemany(columns.insert, batch)
        except (sqlite3.DatabaseError, OverflowError, UnicodeEncodeError):
            connection.execute("ROLLBACK TO batch")
            for offset, values in enumerate(batch):
                row = dict(zip(columns.names, values, strict=True))
                if columns.fast is not None:  # binary columns were decoded already: not again
                    columns.checked(row, first + offset, lambda: "")
                try:
                    connection.execute(columns.insert, values)
                except (sqlite3.DatabaseError, OverflowError, UnicodeEncodeError) as error:
                    raise DumpError(
                        f"Table {columns.table.name}, row {first + offset}{columns.ident(row)}: "
                        f"{_refusal(error, columns.table, row)}."
                    ) from None
            raise  # the batch failed but no single row did: not something a user can act on
        connection.execute("RELEASE batch")

    def finish(self) -> None:
        """Check references and the audit chain, commit, and give the file its name."""
        assert self.connection is not None and self.temp is not None
        missing = [name for name in self.columns if name not in self.seen]
        if missing:
            raise DumpError(
                f"This dump has no list of rows for the table {missing[0]} (a dump lists every table, "
                "even an empty one)."
            )
        connection = self.connection
        problems = connection.execute("PRAGMA foreign_key_check").fetchmany(1)
        if problems:
            table, rowid, parent, _fk = problems[0]
            which = f"the row with id {rowid}" if self.columns[table].has_id else f"row {rowid}"
            raise DumpError(f"Table {table}, {which} refers to a {parent} that the dump does not hold.")
        connection.execute("COMMIT")
        connection.close()
        self.connection = None
        problem = _audit_problem(self.temp)
        if problem:
            raise DumpError(f"{problem.rstrip('.')}; the dump was not loaded.")
        temp, self.temp = self.temp, None
        try:
            claim_new(temp, self.target)
        finally:
            discard_partial(temp)
        witness.reset_from_file(self.target)


def _audit_problem(path: Path) -> str:
    """What ``check`` would say of the file's audit chain, or "" when it is whole."""
    engine = make_engine(path, read_only=True)
    try:
        with closing(Session(engine)) as session:
            findings = audit.audit_findings(session)
    finally:
        engine.dispose()
    return findings[0] if findings else ""


_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
_CHECK = re.compile(r"CHECK constraint failed: (\w+)")


def _refusal(error: Exception, table: Table, row: dict[str, Any]) -> str:
    """Why the database refused a row, in our words: column names and values only, never SQL."""
    text = str(error)
    unique = _UNIQUE.search(text)
    if unique:
        columns = [part.strip().removeprefix(f"{table.name}.") for part in unique.group(1).split(",")]
        if columns == ["id"]:
            return "its id is the same as an earlier row's"
        joined = " and ".join(columns)
        return f"its {joined} {'is' if len(columns) == 1 else 'are'} the same as an earlier row's"
    check = _CHECK.search(text)
    if check:
        columns = _rule_columns(table, check.group(1))
        if columns:
            shown = " and ".join(
                f"{name} {_found(row.get(name))}".replace(" the text ", " ") for name in columns
            )
            return f"its {shown} {'is' if len(columns) == 1 else 'are'} not allowed by the workspace's rules"
        return "a value is not allowed by the workspace's rules"
    if "NOT NULL" in text:
        return "a column that must have a value is empty"
    return "the workspace refused the row"


def _rule_columns(table: Table, rule: str) -> list[str]:
    """The columns a CHECK rule of ``table`` (named as SQLite reports it) is about."""
    from sqlalchemy import CheckConstraint

    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint) and rule in {
            str(constraint.name),
            f"ck_{table.name}_{constraint.name}",
        }:
            words = set(re.findall(r"\w+", str(constraint.sqltext)))
            return [column.name for column in table.columns if column.name in words]
    return []
