"""An edit's transaction run straight on SQLite's own connection, without SQLAlchemy's session.

A cell edit changes one line and appends one audit event, four statements that already run on the
driver (:mod:`jmg_desktop.store.raw_writes`). Around them SQLAlchemy's session, connection pool and
transaction events cost about 0.1 ms of CPU per edit, as much as the statements themselves: a third
of the software's share of a committed edit. :meth:`Workspace.editing` runs such a change here
instead, on a connection the workspace keeps for it with the same pragmas as the engine's
(:func:`jmg_desktop.store.workspace_file.connect_for_writes`), under the same checks, commit, fault
handling and witness as :meth:`Workspace.writing`.

The object answers what :func:`jmg_desktop.store.audit.record_event` and the lines store's cell
updates ask of a session (``info``, ``flush()``, ``connection()``) and what the workspace's
transaction asks of one (``commit()``, ``rollback()``, ``close()``); anything needing the ORM takes
:meth:`Workspace.writing`. A driver error is raised as SQLAlchemy's own, as the session would.
"""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["EditTransaction"]


def _execute(driver: sqlite3.Connection, sql: str) -> None:
    """Run one transaction statement; a driver error becomes SQLAlchemy's, as through a session."""
    try:
        driver.execute(sql)
    except sqlite3.Error as error:
        from sqlalchemy.exc import DBAPIError

        raise DBAPIError.instance(sql, (), error, sqlite3.Error) from None


class EditTransaction:
    """One write transaction on ``driver``, begun (``BEGIN IMMEDIATE``, taking the write lock up
    front as the engine does) when first asked for its connection."""

    __slots__ = ("_begun", "_driver", "info")

    def __init__(self, driver: sqlite3.Connection) -> None:
        self._driver = driver
        self._begun = False
        #: What the change leaves for the workspace to do once committed (as ``Session.info``).
        self.info: dict[str, Any] = {}

    def connection(self) -> sqlite3.Connection:
        """SQLite's connection, inside this transaction."""
        if not self._begun:
            _execute(self._driver, "BEGIN IMMEDIATE")
            self._begun = True
        return self._driver

    def flush(self) -> None:
        """Nothing waits to be written: every statement ran when it was given."""

    def commit(self) -> None:
        """Make the change durable (``synchronous=FULL``: on disk when this returns)."""
        if self._begun:
            self._begun = False
            _execute(self._driver, "COMMIT")

    def rollback(self) -> None:
        """Undo whatever this transaction wrote."""
        self._begun = False
        if self._driver.in_transaction:
            _execute(self._driver, "ROLLBACK")

    def close(self) -> None:
        """End the transaction, rolling back anything not committed (the connection stays open)."""
        self._begun = False
        # After a disk fault the rollback may fail too, or the workspace has closed the connection
        # on going read-only; the fault itself was already raised. (A try, not contextlib's
        # suppress: this runs after every edit.)
        try:
            if self._driver.in_transaction:
                self._driver.execute("ROLLBACK")
        except sqlite3.Error:
            pass
