"""A workspace's writes: its read-only state (the lock beside it, a moved file, a refused write)
and its transactions (:meth:`~WorkspaceWrites.writing`, :meth:`~WorkspaceWrites.editing`), the
part of :class:`jmg_desktop.store.workspace.Workspace` that every edit runs through, kept in its
own module (the workspace's was past the size the project keeps modules to)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from jmg_desktop.store.edit_transaction import EditTransaction
from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError, WriteFailedError
from jmg_desktop.store.lock import LockHeldError, LockInfo, LockLostError, LockState, WorkspaceLock
from jmg_desktop.store.reads.rows import Rows
from jmg_desktop.store.reads.snapshot import Readers
from jmg_desktop.store.workspace_file import (
    FAULTS,
    connect_for_writes,
    file_identity,
    primary_code,
    quick_check,
)

if TYPE_CHECKING:  # imported when first needed (see jmg_desktop.store.workspace)
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import Session

    from jmg_desktop.store.witness import Recorder

__all__ = ["StateListener", "WorkspaceWrites"]

StateListener = Callable[["WorkspaceWrites"], None]
_Transaction = TypeVar("_Transaction", bound="Session | EditTransaction")
#: SQLAlchemy's DBAPIError once the first write has imported it: the import statement, run on
#: every edit, cost as much as a tenth of the edit's own Python work.
_DBAPI_ERROR: list[type[DBAPIError]] = []


def _load_dbapi_error() -> type[DBAPIError]:
    """SQLAlchemy's DBAPIError, imported on the first write (SQLAlchemy is imported late)."""
    from sqlalchemy.exc import DBAPIError

    _DBAPI_ERROR.append(DBAPIError)
    return DBAPIError


class WorkspaceWrites:
    """The read-only state and the transactions of a :class:`~jmg_desktop.store.workspace.Workspace`
    (which sets these attributes and provides the engine, sessions and reads)."""

    backend: str
    path: Path
    read_only: bool
    read_only_reason: str
    lock_holder: LockInfo | None
    lock_state: LockState | None
    state_listeners: list[StateListener]
    _lock: WorkspaceLock | None
    _identity: tuple[int, int] | None
    _closed: bool
    _readers: Readers
    _witness_recorder: Recorder | None
    _edit_driver: sqlite3.Connection | None
    _edit_thread: int | None

    if TYPE_CHECKING:

        def _replace_engine(self, *, read_only: bool) -> None: ...
        def _new_session(self) -> Session: ...

    # -- read-only state -----------------------------------------------------------------------

    @property
    def can_take_over(self) -> bool:
        """True when the lock keeping us read-only looks abandoned and may be taken over."""
        return self.read_only and self.lock_state in (LockState.STALE, LockState.UNREADABLE)

    def take_over_lock(self) -> None:
        """Take over an abandoned lock the user was shown, and become writable.

        Raises :class:`WorkspaceError` when the holder has come back, someone else got there
        first, or the file cannot be written; the workspace then stays read-only.
        """
        if not self.can_take_over:
            raise WorkspaceError("This workspace's lock cannot be taken over.")
        try:
            lock = WorkspaceLock.take_over(self.path, self.lock_holder)
        except LockHeldError as held:
            self.lock_holder, self.lock_state = held.info, held.state
            self._set_read_only(str(held))
            raise WorkspaceError(f"“{self.path.name}” is {held}; it was not taken over.") from None
        except OSError as error:
            raise WorkspaceError(
                f"“{self.path.name}” cannot be taken over: {error.strerror or error}."
            ) from None
        self._become_writable(lock)

    def try_writable(self) -> bool:
        """Try again to make a read-only workspace writable (the holder closed it, space was freed).

        Returns True when it is now writable. Never changes anything if it is not possible; the
        reason is updated to what stands in the way now.
        """
        if not self.read_only or self._closed:
            return not self.read_only
        if file_identity(self.path) != self._identity:
            self._set_read_only("the file was moved, renamed or deleted while open")
            return False
        if not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK):
            self._set_read_only("the file or its folder is read-only")
            return False
        if self._lock is not None and not self._lock.is_ours():
            self._set_read_only(self._lock.lost_reason())
            return False
        lock = self._lock
        if lock is None:
            try:
                lock = WorkspaceLock.acquire(self.path)
            except LockHeldError as held:
                self.lock_holder, self.lock_state = held.info, held.state
                self._set_read_only(str(held))
                return False
            except OSError as error:
                self._set_read_only(f"its lock file cannot be written ({error.strerror or error})")
                return False
        try:
            quick_check(self.path, recover=True)
        except WorkspaceError as error:
            self._set_read_only(str(error).rstrip("."))
            if lock is not self._lock:
                lock.release()
            return False
        self._become_writable(lock)
        return True

    def heartbeat(self) -> None:
        """Called regularly while open: refresh the lock and notice a moved file or a lost lock.

        Any problem turns the workspace read-only (listeners are told); nothing is raised.
        """
        if self.read_only or self._closed:
            return
        try:
            self._ensure_writable_still()
            if self._lock is not None:
                self._lock.refresh()
        except WriteFailedError:
            pass  # already read-only, with the reason set
        except LockLostError as lost:
            self._set_read_only(str(lost))
        except OSError as error:
            self._set_read_only(f"its lock could not be refreshed ({error.strerror or error})")

    def _become_writable(self, lock: WorkspaceLock) -> None:
        """Switch to a read-write engine under ``lock``."""
        self._replace_engine(read_only=False)
        self._lock = lock
        self._identity = file_identity(self.path)
        self.lock_holder = self.lock_state = None
        self.read_only, self.read_only_reason = False, ""
        self._notify()

    def _set_read_only(self, reason: str) -> None:
        """Refuse writes from now on, for ``reason`` (shown in the banner)."""
        changed = not self.read_only or reason != self.read_only_reason
        self.read_only, self.read_only_reason = True, reason
        if changed:
            self._notify()

    def _notify(self) -> None:
        """Tell each listener that the read-only state changed."""
        for listener in list(self.state_listeners):
            listener(self)

    def _ensure_writable_still(self) -> None:
        """Before a write: is the file still where we opened it, and the lock still ours?"""
        if file_identity(self.path) != self._identity:
            self._fail("the file was moved, renamed or deleted while open")
        if self._lock is not None and not self._lock.is_ours():
            self._fail(self._lock.lost_reason())

    def _fail(self, reason: str) -> None:
        """Go read-only for ``reason`` and raise the message a user sees."""
        if file_identity(self.path) == self._identity:
            # Reads go on through a read-only connection (plain BEGIN, no write lock wanted);
            # a file moved or deleted keeps the old engine, whose open connection still reads it.
            self._replace_engine(read_only=True)
        self._set_read_only(reason)
        raise WriteFailedError(
            f"“{self.path.name}” could not be saved: {reason}. The change was not made; the "
            "workspace is now read-only."
        )

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def reads(self) -> Iterator[Rows]:
        """The reads' view of the workspace as it stands now (:mod:`jmg_desktop.store.reads`):
        one read transaction on a plain read-only ``sqlite3`` connection, no SQLAlchemy."""
        with self._readers.snapshot() as rows:
            yield rows

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        session = self._new_session()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def writing(self) -> AbstractContextManager[Session]:
        """A session whose changes are committed as one transaction when the block ends.

        Raises :class:`ReadOnlyError` when the workspace is read-only, and
        :class:`WriteFailedError` when the disk refuses the change (full, I/O error, moved file):
        then nothing of the change is saved and the workspace becomes read-only.
        """
        return self._transaction(self._new_session)

    def editing(self) -> AbstractContextManager[Session | EditTransaction]:
        """:meth:`writing` for a change that needs only :func:`~jmg_desktop.store.audit.record_event`
        and statements run through :mod:`~jmg_desktop.store.raw_writes` (a cell edit, its undo
        and redo): run on SQLite's own connection, without SQLAlchemy's session
        (:mod:`jmg_desktop.store.edit_transaction`). Same checks, durability and faults.
        Another database's workspace gives its :meth:`writing`."""
        if self.backend != "sqlite":
            return self.writing()
        return self._transaction(self._edit_transaction)

    @contextmanager
    def _transaction(self, begin: Callable[[], _Transaction]) -> Iterator[_Transaction]:
        """The body of :meth:`writing` and :meth:`editing`: one transaction from ``begin``."""
        if self.read_only:
            why = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise ReadOnlyError(f"This workspace is open read-only{why}; the change was not made.")
        self._ensure_writable_still()
        dbapi_error = _DBAPI_ERROR[0] if _DBAPI_ERROR else _load_dbapi_error()
        session = begin()
        try:
            yield session
            session.commit()
            head = session.info.pop("audit_head", None)
            if head is not None:
                self._witness(*head)
        except dbapi_error as error:
            with suppress(Exception):  # SQLite may already have rolled back after an I/O error
                session.rollback()
            with suppress(Exception):  # hand the connection back before any engine is replaced
                session.close()
            self._raise_for_fault(error)
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _edit_transaction(self) -> Session | EditTransaction:
        """A transaction for :meth:`editing`: on the workspace's own driver connection, or a
        session from another thread than the one that edits (a connection is one thread's)."""
        if self._edit_driver is None:
            try:
                self._edit_driver = connect_for_writes(self.path)
            except sqlite3.Error:
                return self._new_session()  # its engine says what the matter is, as ever
            self._edit_thread = threading.get_ident()
        if threading.get_ident() != self._edit_thread:
            return self._new_session()
        return EditTransaction(self._edit_driver)

    def _close_edit_driver(self) -> None:
        """Close :meth:`editing`'s connection (the engine is being replaced, or the workspace closed)."""
        driver, self._edit_driver = self._edit_driver, None
        if driver is not None:
            with suppress(sqlite3.Error):
                driver.close()

    def _witness(self, sequence: int, digest: str) -> None:
        """Record the head this change left outside the file (see :mod:`jmg_desktop.store.witness`)."""
        recorder = self._witness_recorder
        if recorder is None:  # the first change: find the file and read the identity, once
            from jmg_desktop.store import witness

            with self.reads() as rows:
                identity = witness.identity_of(rows)
            recorder = self._witness_recorder = witness.Recorder(witness.file_for(self.path), identity)
        recorder.record(sequence, digest)

    def _raise_for_fault(self, error: DBAPIError) -> None:
        """Turn a driver error the disk caused into a plain message and a read-only workspace."""
        code = primary_code(error.orig)
        if code == sqlite3.SQLITE_BUSY:
            raise WriteFailedError(
                f"“{self.path.name}” was kept busy by another program; the change was not made. "
                "Try again in a moment."
            ) from None
        reason = FAULTS.get(code)
        if reason is None and file_identity(self.path) != self._identity:
            reason = "the file was moved, renamed or deleted while open"
        if reason is not None:
            self._fail(reason)
