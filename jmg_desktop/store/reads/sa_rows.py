""":class:`~jmg_desktop.store.reads.rows.Rows` on a SQLAlchemy connection: the same reads for the
window and for shared (PostgreSQL) workspaces.

The SQL text is compiled for the connection's dialect by ``text()`` (so ``:name`` becomes what the
driver wants) and run on the driver's own cursor, inside the connection's transaction: the reads
map plain tuples themselves, and SQLAlchemy's row objects would cost a second per million rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from jmg_desktop.store.reads.rows import Params, expand, named_rows

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

__all__ = ["SaRows", "session_rows"]


class SaRows:
    """:class:`Rows` on a SQLAlchemy :class:`Connection`, in its current transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name

    def _execute(self, sql: str, params: Params | None) -> Any:
        """A driver cursor that has run ``sql`` with ``params``."""
        statement, values = expand(sql, params)
        compiled = text(statement).compile(dialect=self.connection.dialect)
        bound = {**compiled.params, **values}
        parameters: Any = (
            tuple(bound[name] for name in compiled.positiontup or ()) if compiled.positional else bound
        )
        cursor = self.connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(str(compiled), parameters)
        except BaseException:
            cursor.close()
            raise
        return cursor

    def all(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        """Every row of ``sql`` as a plain tuple."""
        cursor = self._execute(sql, params)
        try:
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def mappings(self, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
        """Every row of ``sql`` as a dict by column name."""
        cursor = self._execute(sql, params)
        try:
            return named_rows(cursor)
        finally:
            cursor.close()

    def batches(self, sql: str, params: Params | None = None, size: int = 10_000) -> Iterator[Sequence[Any]]:
        """The rows of ``sql``, ``size`` at a time."""
        cursor = self._execute(sql, params)
        try:
            while batch := cursor.fetchmany(size):
                yield batch
        finally:
            cursor.close()


def session_rows(session: Session) -> SaRows:
    """The reads' view of an ORM session: its connection, in the session's transaction (pending
    ORM changes are flushed first, so a read sees what the session wrote)."""
    session.flush()
    return SaRows(session.connection())
