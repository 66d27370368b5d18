"""A new workspace being filled from a dump beside its target, claimed only when whole and checked.

The rows go into a workspace built under a temporary name beside the target (:func:`~jmg_desktop.
store.workspace.build_beside`); its references and its audit chain are checked, and only then is
it given the target's name with a hard link, which fails if the name exists (:mod:`jmg_desktop.
store.claim`). A process killed at any moment leaves either no file or the complete workspace, and
no lock. SQLite only: the bulk insert runs on the file's own driver connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from itertools import chain
from pathlib import Path
from typing import Any, Final

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Session

from jmg_desktop.store import audit, witness
from jmg_desktop.store.claim import claim_new
from jmg_desktop.store.errors import DumpError
from jmg_desktop.store.load_rows import Columns, Where, printable, refusal
from jmg_desktop.store.models import Base
from jmg_desktop.store.trust import harden_connection
from jmg_desktop.store.workspace import build_beside, discard_partial, make_engine

__all__ = ["Build"]

_BATCH_ROWS: Final = 2000
#: The most rows one INSERT takes (fewer if SQLite's limit on bound values says so).
_ROWS_PER_STATEMENT: Final = 1024


class Build:
    """A new workspace being filled beside its target; claimed by :meth:`finish`, else discarded."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temp: Path | None = None
        self.connection: sqlite3.Connection | None = None
        self.columns = {table.name: Columns(table) for table in Base.metadata.sorted_tables}
        self.seen: set[str] = set()
        self.indexes: list[str] = []
        self.per_statement = 1  # bound values one statement may take (SQLite's limit)

    def __enter__(self) -> Build:
        self.temp = build_beside(self.target, title=self.target.stem)
        try:
            connection = sqlite3.connect(self.temp, isolation_level=None)
            harden_connection(connection)
            # The file has no name yet and is thrown away on any failure: no need to journal it to
            # disk or sync each page. It is flushed to disk once, whole, before it takes its name.
            connection.execute("PRAGMA journal_mode = MEMORY")
            connection.execute("PRAGMA synchronous = OFF")
            # Rows may refer forward (an agreement superseded by a later one), so references are
            # checked once, by finish()'s foreign_key_check over every row, not as each is inserted.
            connection.execute("PRAGMA foreign_keys = OFF")
            connection.execute("BEGIN IMMEDIATE")
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(f'DELETE FROM "{table.name}"')
            # An index built once over a table's rows costs a fraction of one kept up row by row
            # (a million lines: 1.5 s against 2.7 s). Unique ones stay, so a duplicate is named
            # at its row; the others are made again, from the same statements, in finish().
            plain_indexes = connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE 'CREATE INDEX %'"
            ).fetchall()
            for name, statement in plain_indexes:
                connection.execute(f'DROP INDEX "{name}"')
                self.indexes.append(statement)
            self.per_statement = max(1, connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
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
        columns = self.begin_table(name, where)
        batch: list[tuple[Any, ...]] = []
        first = 1
        for number, row in enumerate(rows, start=1):
            batch.append(columns.row_values(row, number, where))
            if len(batch) >= _BATCH_ROWS:
                self.insert(columns, batch, first)
                first, batch = number + 1, []
        if batch:
            self.insert(columns, batch, first)

    def begin_table(self, name: str, where: Where) -> Columns:
        """How the rows of the table ``name`` are checked; refused if unknown or already loaded."""
        columns = self.columns.get(name)
        if columns is None:
            raise DumpError(
                f"{where()}This dump has a table this version does not know: {printable(name)[1:-1]}."
            )
        if name in self.seen:
            raise DumpError(f"{where()}The table {name} appears twice in this dump.")
        self.seen.add(name)
        return columns

    def insert(self, columns: Columns, batch: list[tuple[Any, ...]], first: int) -> None:
        """Insert a batch of checked rows (``first`` is the first one's position in its table);
        if the database refuses it, find and name the row it refused."""
        assert self.connection is not None
        connection = self.connection
        connection.execute("SAVEPOINT batch")
        try:
            self._insert_all(columns, batch)
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
                        f"{refusal(error, columns.table, row)}."
                    ) from None
            raise  # the batch failed but no single row did: not something a user can act on
        connection.execute("RELEASE batch")

    def _insert_all(self, columns: Columns, batch: list[tuple[Any, ...]]) -> None:
        """Insert the rows by a few statements of many rows each (within SQLite's limit on bound
        values).

        One ``INSERT … VALUES (…), (…), …`` per thousand-odd rows, not one statement run per row:
        SQLite builds the lookup table of a rule's ``IN (…)`` list once per statement run, and
        for pool_line's three such rules that was half of a million-line load's insert time.
        """
        assert self.connection is not None
        execute = self.connection.execute
        size = max(1, min(_ROWS_PER_STATEMENT, self.per_statement // max(1, len(columns.names))))
        start = 0
        while start < len(batch):
            # Statements of a few fixed sizes (the largest, then halves for the rest of a batch),
            # so each is prepared once and then found in the driver's statement cache: one made to
            # the batch's own length was prepared again for every batch, 17 M instructions each.
            while size > len(batch) - start:
                size //= 2
            execute(columns.insert_rows(size), list(chain.from_iterable(batch[start : start + size])))
            start += size

    def defer_checks(self) -> None:
        """Insert without SQLite's CHECK rules, to be verified by :meth:`checks_hold` once all
        rows are in: pool_line's two rules with three or more values build an ``IN`` lookup table
        again for every row of a multi-row INSERT (16,000 instructions a row under callgrind),
        and one query over the table builds it once."""
        assert self.connection is not None
        self.connection.execute("PRAGMA ignore_check_constraints = ON")

    def checks_hold(self) -> bool:
        """Whether every row holds to its table's CHECK rules (as SQLite judges them: a rule that
        is NULL holds). After :meth:`defer_checks` the build takes no more rows: a statement
        prepared meanwhile, which the driver may keep, was made without the rules."""
        assert self.connection is not None
        connection = self.connection
        for table in Base.metadata.sorted_tables:
            rules = [
                str(constraint.sqltext)
                for constraint in table.constraints
                if isinstance(constraint, CheckConstraint)
            ]
            if (
                rules
                and connection.execute(
                    f'SELECT 1 FROM "{table.name}" WHERE {" OR ".join(f"NOT ({rule})" for rule in rules)} LIMIT 1'
                ).fetchone()
            ):
                return False
        return True

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
        for statement in self.indexes:
            connection.execute(statement)
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
