"""The workspace file: one SQLite database per workspace, extension ``.jmg``.

File facts other tools rely on (documented in the README): ``PRAGMA application_id`` is
1246578500 ("JMGD"); ``PRAGMA user_version`` holds the schema version, also kept in Alembic's
``alembic_version`` table; rollback journal (never WAL) with ``synchronous=FULL``; money as
INTEGER pence. Every edit is its own transaction, committed at once.

Opening for writing takes the lock beside the file (:mod:`jmg_desktop.store.lock`); when someone
else holds it, or the file or folder cannot be written, the workspace opens read-only and says why
(:attr:`Workspace.read_only_reason`), and the store itself refuses writes (SQLite ``mode=ro``).
A changed workspace is backed up on opening (:mod:`jmg_desktop.store.backups`). A write that the
disk refuses (full, I/O error, file moved or deleted, folder made read-only) rolls back whole and
leaves the workspace open read-only with a plain message.

SQLAlchemy is imported only when something first needs the engine or a session (a write, or a
read through the ORM): :meth:`Workspace.reads` reads through plain ``sqlite3`` connections, so the
window can show its first screen before SQLAlchemy is imported.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from jmg_desktop.store import backups, migrate
from jmg_desktop.store.claim import claim_new, new_file_mode
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lock import LockHeldError, LockInfo, LockState, WorkspaceLock
from jmg_desktop.store.reads.rows import first
from jmg_desktop.store.reads.snapshot import Readers
from jmg_desktop.store.workspace_build import build_beside, build_empty, discard_partial
from jmg_desktop.store.workspace_file import (
    APPLICATION_ID,
    FILE_SUFFIX,
    FileFacts,
    expected_version,
    file_identity,
    inspect_file,
    make_engine,
    quick_check,
)
from jmg_desktop.store.workspace_writes import StateListener, WorkspaceWrites

if TYPE_CHECKING:  # imported when first needed (see the module's docstring)
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from jmg_desktop.store.witness import Recorder

__all__ = [
    "APPLICATION_ID",
    "FILE_SUFFIX",
    "FileFacts",
    "Workspace",
    "build_beside",
    "build_empty",
    "discard_partial",
    "expected_version",
    "inspect_file",
    "make_engine",
]


class Workspace(WorkspaceWrites):
    """An open workspace file. Use :meth:`create` or :meth:`open`; close with :meth:`close`.

    ``read_only`` and ``read_only_reason`` say whether (and why) changes are refused; when the
    reason is another holder's lock, ``lock_holder`` says who, where and since when, and
    ``can_take_over`` whether :meth:`take_over_lock` may be offered.
    """

    #: Which database holds it: ``"sqlite"`` here, ``"postgresql"`` for a shared workspace.
    backend = "sqlite"

    def __init__(
        self,
        path: Path,
        engine: Engine | None = None,
        *,
        read_only: bool,
        read_only_reason: str = "",
        lock: WorkspaceLock | None = None,
        lock_holder: LockInfo | None = None,
        lock_state: LockState | None = None,
    ) -> None:
        """A workspace on ``path`` (its checks passed); ``engine`` is made when first needed if
        not given (read-only or not, as the workspace is)."""
        self.path = path
        self._engine = engine
        self._engine_read_only = read_only
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.lock_holder = lock_holder
        self.lock_state = lock_state
        #: The backup taken when the workspace was opened, if one was needed.
        #: (Set by a background thread: call :meth:`wait_for_backup` before relying on it.)
        self.opening_backup: backups.Backup | None = None
        #: Why a backup could not be taken, if it could not (the workspace still opens).
        self.backup_problem = ""
        self._backup_thread: threading.Thread | None = None
        #: Called with the workspace whenever ``read_only`` or its reason changes.
        self.state_listeners: list[StateListener] = []
        self._lock = lock
        self._identity = file_identity(path)
        self._sessions: sessionmaker[Session] | None = None
        try:
            self._readers = Readers(path)
        except sqlite3.Error:
            if lock is not None:
                lock.release()
            raise WorkspaceError(f"“{path.name}” cannot be opened: SQLite could not open it.") from None
        self._closed = False
        #: Where this workspace's heads are witnessed, and its identity: found on the first witness.
        self._witness_recorder: Recorder | None = None
        #: SQLite's connection for :meth:`editing`, opened on first use, and the thread using it.
        self._edit_driver: sqlite3.Connection | None = None
        self._edit_thread: int | None = None

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (made, and SQLAlchemy imported, on first use)."""
        if self._engine is None:
            self._engine = make_engine(self.path, read_only=self._engine_read_only)
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    def _replace_engine(self, *, read_only: bool) -> None:
        """From now on connect read-only or read-write; an engine in use is swapped for one."""
        self._close_edit_driver()
        old = self._engine
        self._engine_read_only = read_only
        self._engine = None if old is None else make_engine(self.path, read_only=read_only)
        self._sessions = None
        if old is not None:
            old.dispose()

    def _new_session(self) -> Session:
        """A session on the engine."""
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        return self._sessions()

    def prepare_for_writes(self) -> None:
        """Import SQLAlchemy and set up the ORM and the engine now, so that the first edit does not
        wait for them (the window calls this once its first screen is painted)."""
        from sqlalchemy.orm import configure_mappers

        from jmg_desktop.store import models  # noqa: F401  (the mapped classes, configured here)

        configure_mappers()
        self._new_session().close()
        if not self.read_only:
            self._edit_transaction().close()  # its connection opened now, on the thread that edits

    @property
    def display_name(self) -> str:
        """The workspace's short name for titles and messages (the file name)."""
        return self.path.name

    @property
    def location(self) -> str:
        """Where it is, in full, for the status bar and the recent list (the file's path)."""
        return str(self.path)

    def private_reader(self) -> Workspace:
        """A read-only handle with connections of its own, for another thread (paper previews)."""
        return Workspace(self.path, read_only=True, read_only_reason="preview")

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, *, title: str = "") -> Workspace:
        """Create a new, empty workspace at ``path``; refuse if something is already there.

        Built under a temporary name beside ``path`` and given its name only when complete, never
        over an existing file (see :mod:`jmg_desktop.store.claim`).
        """
        path = Path(path)
        temp = build_beside(path, title=title or path.stem)
        try:
            claim_new(temp, path)
        finally:
            discard_partial(temp)
        from jmg_desktop.store import witness

        witness.reset_from_file(path)
        return cls.open(path, backup=False)  # an empty new workspace has nothing to lose yet

    @classmethod
    def open(
        cls, path: Path | str, *, read_only: bool = False, backup: bool = True, recover: bool = True
    ) -> Workspace:
        """Open an existing workspace; refuse unusable files with a one-sentence explanation.

        Nothing is written to a file that is refused. Opening for writing takes the lock; if it is
        held, or the file or folder is read-only, the workspace opens read-only with the reason.
        A workspace of an older schema is backed up, then migrated in one transaction. With
        ``backup`` (the default) a writable workspace that changed since its last backup is backed
        up; a failed backup is reported in :attr:`backup_problem`, it does not stop the opening.
        Without ``recover`` (the read-only commands) a change interrupted by a crash is not rolled
        back: the file is refused, untouched, saying it needs recovering.
        """
        path = Path(path)
        facts = inspect_file(path)
        can_write = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        quick_check(
            path,
            recover=recover and can_write,
            refusal=""
            if not recover
            else (
                f"“{path.name}” holds a change interrupted by a crash and cannot be recovered from "
                "here because the file or its folder is read-only."
            ),
        )
        reason = ""
        holder: LockInfo | None = None
        state: LockState | None = None
        lock: WorkspaceLock | None = None
        if not read_only and not os.access(path, os.W_OK):
            read_only, reason = True, "the file is read-only"
        elif not read_only and not os.access(path.parent, os.W_OK):
            read_only, reason = True, "its folder is read-only"
        if not read_only:
            try:
                lock = WorkspaceLock.acquire(path)
            except LockHeldError as held:
                read_only, reason, holder, state = True, str(held), held.info, held.state
            except OSError as error:
                read_only = True
                reason = f"its lock file cannot be written ({(error.strerror or str(error)).lower()})"
        try:
            if facts.user_version < expected_version():
                if read_only:
                    raise WorkspaceError(
                        f"“{path.name}” was made by an older version and must be upgraded, but it is "
                        f"open read-only ({reason or 'as asked'})."
                    )
                cls._migrate(path, facts.user_version)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        workspace = cls(
            path,
            read_only=read_only,
            read_only_reason=reason,
            lock=lock,
            lock_holder=holder,
            lock_state=state,
        )
        if backup and not read_only:
            workspace._backup_on_open()
        return workspace

    def _backup_on_open(self) -> None:
        """Snapshot the workspace, if it changed since its last backup, in a background thread.

        A large workspace takes a noticeable time to copy and check; the window (or a command)
        carries on meanwhile, reading and even editing, which SQLite keeps consistent. :meth:`close`
        waits for it, so a short-lived command never leaves a backup half-written.
        """

        def work() -> None:
            """Take the backup; record the outcome on the workspace."""
            try:
                self.opening_backup = backups.backup_if_changed(self.path, reason="opened")
            except WorkspaceError as error:
                self.backup_problem = str(error)
            except Exception as error:  # a background thread must never die with a traceback
                self.backup_problem = f"A backup of “{self.path.name}” could not be taken ({error})."

        self._backup_thread = threading.Thread(target=work, name="jmg-backup-on-open", daemon=True)
        self._backup_thread.start()

    def wait_for_backup(self, timeout: float | None = None) -> None:
        """Wait until the backup taken on opening (if any) has finished."""
        if self._backup_thread is not None:
            self._backup_thread.join(timeout)

    @staticmethod
    def _migrate(path: Path, from_version: int) -> Path:
        """Back the file up, then upgrade it to the current schema in one transaction.

        The backup goes to the per-user backups folder (reason ``before-upgrade``, never thinned).
        If the upgrade fails, the transaction rolls back and the file is exactly as it was.
        """
        try:
            backup = backups.take_backup(path, reason="before-upgrade")
        except WorkspaceError as error:
            raise WorkspaceError(
                f"“{path.name}” needs upgrading but no backup copy could be taken first "
                f"({str(error).rstrip('.')}); it was left as it was."
            ) from None
        if not backup.ok:
            raise WorkspaceError(
                f"“{path.name}” needs upgrading but its backup copy failed its check; it was left as it was."
            )
        engine = make_engine(path)
        try:
            with engine.begin() as connection:
                migrate.upgrade(connection)
                connection.exec_driver_sql(f"PRAGMA user_version = {migrate.schema_version()}")
        except Exception as error:
            raise WorkspaceError(
                f"“{path.name}” could not be upgraded and was left as it was ({error})."
            ) from None
        finally:
            engine.dispose()
        return backup.path

    def close(self) -> None:
        """Release the lock and the database connections (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        self.wait_for_backup()
        self._close_edit_driver()
        if self._engine is not None:
            self._engine.dispose()
        self._readers.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- copies --------------------------------------------------------------------------------

    def save_copy(self, destination: Path | str) -> None:
        """Write a consistent copy through SQLite's backup API: to a temp file, then renamed.

        Works even after the file was deleted or moved while open (the way to rescue its data).
        """
        destination = Path(destination)
        if destination.resolve() == self.path.resolve():
            raise WorkspaceError("A copy cannot be saved over the workspace itself.")
        try:
            handle, temp_name = tempfile.mkstemp(
                prefix=".jmg-copy-", suffix=FILE_SUFFIX, dir=destination.parent
            )
        except OSError as error:
            raise WorkspaceError(
                f"“{destination.name}” cannot be written: {error.strerror or error}."
            ) from None
        os.close(handle)
        temp = Path(temp_name)
        try:
            # Through the workspace's own connection: if the file was deleted or moved while open,
            # that connection still reads it, so a copy can rescue the data.
            with self._readers.idle() as source:
                target = sqlite3.connect(temp)
                try:
                    source.backup(target)
                finally:
                    target.close()
            with open(temp, "rb+") as written:  # on disk before it takes the name
                os.fsync(written.fileno())
            # A copy is a new document: readable by colleagues as the umask allows (mkstemp: 0600).
            os.chmod(temp, new_file_mode())
            os.replace(temp, destination)
            from jmg_desktop.store import witness

            witness.reset_from_file(destination)  # the copy's history goes on apart from this one
        except (OSError, sqlite3.Error) as error:
            with suppress(OSError):
                temp.unlink()
            raise WorkspaceError(f"“{destination.name}” could not be written: {error}.") from None

    def backup_now(self, *, reason: str = "interval") -> backups.Backup | None:
        """Back the workspace up if it changed since its last backup (for the periodic timer).

        Raises :class:`WorkspaceError` (one sentence) when the backup cannot be written.
        """
        if not self.path.exists():
            return None
        return backups.backup_if_changed(self.path, reason=reason)

    # -- settings ------------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        """A workspace setting such as ``title``."""
        with self.reads() as rows:
            found = first(rows, "SELECT value FROM workspace_setting WHERE key = :k LIMIT 1", {"k": key})
        return default if found is None or found[0] is None else str(found[0])

    @property
    def title(self) -> str:
        """The workspace's title, shown in the window and on exports."""
        return self.setting("title", self.path.stem)
