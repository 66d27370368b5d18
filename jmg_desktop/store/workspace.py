"""The workspace file: one SQLite database per workspace, extension ``.jmg``.

File facts other tools rely on (documented in the README): ``PRAGMA application_id`` is
1246578500 ("JMGD"); ``PRAGMA user_version`` holds the schema version, also kept in Alembic's
``alembic_version`` table; rollback journal (never WAL) with ``synchronous=FULL``; money as
INTEGER pence. Every edit is its own transaction, committed at once.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from jmg_desktop import __version__
from jmg_desktop.store import migrate
from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError

__all__ = [
    "APPLICATION_ID",
    "FILE_SUFFIX",
    "FileFacts",
    "Workspace",
    "inspect_file",
]

APPLICATION_ID: Final = 1246578500  # b"JMGD" as a big-endian int
FILE_SUFFIX: Final = ".jmg"
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_HEADER_SIZE: Final = 100
_BUSY_TIMEOUT_MS: Final = 5000


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the first 100 bytes of a SQLite file say, read without opening it as a database."""

    size: int
    application_id: int
    user_version: int


def inspect_file(path: Path) -> FileFacts:
    """Read a candidate workspace's header; raise :class:`WorkspaceError` if it is not one we can use.

    Only reads bytes: never creates, locks or modifies the file.
    """
    name = path.name
    try:
        if not path.exists():
            raise WorkspaceError(f"“{name}” does not exist.")
        if path.is_dir():
            raise WorkspaceError(f"“{name}” is a folder, not a workspace file.")
        with path.open("rb") as handle:
            header = handle.read(_HEADER_SIZE)
        size = path.stat().st_size
    except PermissionError:
        raise WorkspaceError(f"“{name}” cannot be read: permission was refused.") from None
    except OSError as error:
        raise WorkspaceError(f"“{name}” cannot be read: {error.strerror or error}.") from None
    if size == 0:
        raise WorkspaceError(f"“{name}” is empty: it is not a JMG Desktop workspace.")
    if len(header) < _HEADER_SIZE or not header.startswith(_SQLITE_MAGIC):
        raise WorkspaceError(f"“{name}” is not a JMG Desktop workspace (it is not a database file).")
    user_version, application_id = (
        struct.unpack(">i", header[60:64])[0],
        struct.unpack(">i", header[68:72])[0],
    )
    if application_id != APPLICATION_ID:
        raise WorkspaceError(f"“{name}” is a database of another application, not a JMG Desktop workspace.")
    newest = migrate.schema_version()
    if user_version > newest:
        raise WorkspaceError(
            f"“{name}” was made by a newer version of JMG Desktop (schema {user_version}; this version "
            f"reads up to {newest}): please update JMG Desktop to open it."
        )
    return FileFacts(size=size, application_id=application_id, user_version=user_version)


def _quick_check(path: Path) -> None:
    """Run ``PRAGMA quick_check`` on a read-only connection; raise if the file is damaged."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise WorkspaceError(f"“{path.name}” cannot be opened: {error}.") from None
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        raise WorkspaceError(f"“{path.name}” is damaged and cannot be opened ({error}).") from None
    finally:
        connection.close()
    if rows != [("ok",)]:
        raise WorkspaceError(
            f"“{path.name}” is damaged and cannot be opened (the integrity check found {len(rows)} problem(s))."
        )


def _configure_connection(dbapi_connection: sqlite3.Connection, read_only: bool) -> None:
    """The pragmas every connection gets (DESIGN.md: the workspace file)."""
    # Autocommit at the driver level: SQLAlchemy's begin event issues BEGIN itself, so that the
    # transaction boundaries are exactly ours (the pysqlite default defers BEGIN unpredictably).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA trusted_schema = OFF")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = DELETE")
            cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``path`` with the workspace pragmas; read-only engines cannot write at all."""
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool if read_only else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        _configure_connection(dbapi_connection, read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: object) -> None:
        # IMMEDIATE takes the write lock up front, so two processes never deadlock mid-edit.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")  # type: ignore[attr-defined]

    return engine


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Workspace:
    """An open workspace file. Use :meth:`create` or :meth:`open`; close with :meth:`close`."""

    def __init__(self, path: Path, engine: Engine, *, read_only: bool, read_only_reason: str = "") -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, *, title: str = "") -> Workspace:
        """Create a new, empty workspace at ``path``; refuse if something is already there."""
        path = Path(path)
        if path.exists():
            raise WorkspaceError(f"“{path.name}” already exists; choose another name.")
        if not path.parent.is_dir():
            raise WorkspaceError(f"The folder for “{path.name}” does not exist.")
        try:
            handle, temp_name = tempfile.mkstemp(prefix=".jmg-new-", suffix=FILE_SUFFIX, dir=path.parent)
        except OSError as error:
            raise WorkspaceError(f"“{path.name}” cannot be created: {error.strerror or error}.") from None
        os.close(handle)
        temp = Path(temp_name)
        try:
            engine = make_engine(temp)
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                    migrate.upgrade(connection)
                    connection.exec_driver_sql(f"PRAGMA user_version = {migrate.schema_version()}")
                    connection.execute(
                        text("INSERT INTO workspace_setting (key, value) VALUES (:k, :v)"),
                        [
                            {"k": "title", "v": title or path.stem},
                            {"k": "created_at", "v": _utc_now()},
                            {"k": "created_by_version", "v": __version__},
                        ],
                    )
            finally:
                engine.dispose()
            os.replace(temp, path)
        except BaseException:
            with suppress(OSError):
                temp.unlink()
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False) -> Workspace:
        """Open an existing workspace; refuse unusable files with a one-sentence explanation.

        Nothing is written to a file that is refused. A workspace of an older schema is copied
        to a backup beside it, then migrated in one transaction.
        """
        path = Path(path)
        facts = inspect_file(path)
        _quick_check(path)
        reason = ""
        if not read_only and not os.access(path, os.W_OK):
            read_only, reason = True, "the file is read-only"
        elif not read_only and not os.access(path.parent, os.W_OK):
            read_only, reason = True, "its folder is read-only"
        if facts.user_version < migrate.schema_version():
            if read_only:
                raise WorkspaceError(
                    f"“{path.name}” was made by an older version and must be upgraded, but it is read-only."
                )
            cls._migrate(path, facts.user_version)
        engine = make_engine(path, read_only=read_only)
        return cls(path, engine, read_only=read_only, read_only_reason=reason)

    @staticmethod
    def _migrate(path: Path, from_version: int) -> Path:
        """Back the file up beside itself, then upgrade it to the current schema in one transaction."""
        backup = path.with_name(f"{path.stem}.schema{from_version}-backup{FILE_SUFFIX}")
        counter = 1
        while backup.exists():
            counter += 1
            backup = path.with_name(f"{path.stem}.schema{from_version}-backup-{counter}{FILE_SUFFIX}")
        try:
            shutil.copy2(path, backup)
        except OSError as error:
            raise WorkspaceError(
                f"“{path.name}” needs upgrading but its backup copy could not be written: "
                f"{error.strerror or error}."
            ) from None
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
        return backup

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; nothing it does is committed."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose changes are committed as one transaction when the block ends."""
        if self.read_only:
            why = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise ReadOnlyError(f"This workspace is open read-only{why}; the change was not made.")
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- copies --------------------------------------------------------------------------------

    def save_copy(self, destination: Path | str) -> None:
        """Write a consistent copy through SQLite's backup API: to a temp file, then renamed."""
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
            source = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            target = sqlite3.connect(temp)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            os.replace(temp, destination)
        except (OSError, sqlite3.Error) as error:
            with suppress(OSError):
                temp.unlink()
            raise WorkspaceError(f"“{destination.name}” could not be written: {error}.") from None

    # -- settings ------------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        """A workspace setting such as ``title``."""
        with self.engine.connect() as connection:
            value = connection.execute(
                text("SELECT value FROM workspace_setting WHERE key = :k"), {"k": key}
            ).scalar()
            connection.rollback()
        return default if value is None else str(value)

    @property
    def title(self) -> str:
        """The workspace's title, shown in the window and on exports."""
        return self.setting("title", self.path.stem)
