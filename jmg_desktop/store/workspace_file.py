"""The workspace file below the :class:`~jmg_desktop.store.workspace.Workspace` object: what a
candidate file's header says, the checks run before anything reads it, and the engine every
connection goes through (the pragmas of DESIGN.md). SQLite only: another backend has its own.

File facts other tools rely on (documented in the README): ``PRAGMA application_id`` is
1246578500 ("JMGD"); ``PRAGMA user_version`` holds the schema version, also kept in Alembic's
``alembic_version`` table; rollback journal (never WAL) with ``synchronous=FULL``; money as
INTEGER pence.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import struct
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from jmg_desktop.core.records import Record
from jmg_desktop.store import migrate
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.precheck import take_quick_check
from jmg_desktop.store.trust import harden_connection, untrusted_objects

if TYPE_CHECKING:  # SQLAlchemy is imported when an engine is made: the light reads never need it
    from sqlalchemy import Engine

__all__ = [
    "APPLICATION_ID",
    "FAULTS",
    "FILE_SUFFIX",
    "FileFacts",
    "expected_version",
    "fault_text",
    "file_identity",
    "inspect_file",
    "make_engine",
    "needs_recovery",
    "primary_code",
    "quick_check",
    "utc_now",
]

APPLICATION_ID: Final = 1246578500  # b"JMGD" as a big-endian int
FILE_SUFFIX: Final = ".jmg"
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_HEADER_SIZE: Final = 100
_BUSY_TIMEOUT_MS: Final = 5000


class FileFacts(Record):
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
        facts = os.stat(path)
        if stat.S_ISDIR(facts.st_mode):
            raise WorkspaceError(f"“{name}” is a folder, not a workspace file.")
        if not stat.S_ISREG(facts.st_mode):
            raise WorkspaceError(f"“{name}” is {_special_kind(facts.st_mode)}, not a workspace file.")
        _refuse_special_lock(path)
        # Non-blocking, and checked again on the open handle: a FIFO put there meanwhile must not
        # leave us waiting forever for a writer.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                raise WorkspaceError(f"“{name}” is not a regular file, so it is not a workspace file.")
            header = os.read(handle, _HEADER_SIZE)
            size = os.fstat(handle).st_size
        finally:
            os.close(handle)
    except FileNotFoundError:
        raise WorkspaceError(f"“{name}” does not exist.") from None
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
    if header[18] == 2 or header[19] == 2:
        raise WorkspaceError(
            f"“{name}” was switched to write-ahead logging, which JMG Desktop never uses: another "
            "program has altered it, so it was not opened."
        )
    if user_version < 1:
        raise WorkspaceError(
            f"“{name}” has no schema version JMG Desktop writes (it says {user_version}): it was not "
            "finished being made, or another program has altered it, so it was not opened."
        )
    newest = expected_version()
    if user_version > newest:
        raise WorkspaceError(
            f"“{name}” was made by a newer version of JMG Desktop (schema {user_version}; this version "
            f"reads up to {newest}): please update JMG Desktop to open it."
        )
    return FileFacts(size=size, application_id=application_id, user_version=user_version)


def _special_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _refuse_special_lock(path: Path) -> None:
    """Refuse a workspace whose ``.lock`` is a pipe, socket or device: reading it could hang."""
    lock = path.with_name(path.name + ".lock")
    try:
        mode = os.stat(lock).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise WorkspaceError(
            f"“{path.name}” was not opened: its lock “{lock.name}” is {_special_kind(mode)}, not a lock "
            "file; remove it, then try again."
        )


def expected_version() -> int:
    """The schema version this application writes (see :func:`jmg_desktop.store.migrate.schema_version`:
    read from the migration files, without importing Alembic)."""
    return migrate.schema_version()


def quick_check(path: Path, *, recover: bool = False, refusal: str = "") -> None:
    """Run ``PRAGMA quick_check``, the trust check and the schema check; raise if the file is unusable.

    The connection is read-only, except that with ``recover`` a file left with a rollback journal
    (a crash mid-edit) is opened read-write so SQLite can roll that unfinished change back: the
    file returns to its last committed state, which is what every later reader must see. Without
    ``recover`` such a file is refused, untouched, with ``refusal`` or a sentence saying it needs
    recovering.
    A file holding triggers, views or virtual tables the application did not create, or whose
    schema differs in any way from the one this version makes, is refused before anything else
    reads it: it has been altered by something other than JMG Desktop.
    """
    journal = path.with_name(path.name + "-journal")
    mode = "rw" if recover and journal.exists() else "ro"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
        harden_connection(connection)
    except sqlite3.Error:
        raise WorkspaceError(f"“{path.name}” cannot be opened: SQLite could not open it.") from None
    try:
        # The GUI may have checked the file already while it started (see store.precheck).
        early = take_quick_check(path) if mode == "ro" else None
        rows = early if early is not None else connection.execute("PRAGMA quick_check").fetchall()
        strangers = untrusted_objects(connection)
        differences: list[str] = []
        if not strangers and connection.execute("PRAGMA user_version").fetchone()[0] == expected_version():
            from jmg_desktop.store.sqlite_schema import differences_from_expected

            differences = differences_from_expected(connection)
    except sqlite3.DatabaseError as error:
        if primary_code(error) == sqlite3.SQLITE_BUSY:
            raise WorkspaceError(
                f"“{path.name}” is busy (another program is writing to it); try again in a moment."
            ) from None
        if primary_code(error) in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
            # A hot journal (a crash mid-edit) needs write access to be rolled back.
            raise WorkspaceError(refusal or needs_recovery(path)) from None
        raise WorkspaceError(
            f"“{path.name}” is damaged and cannot be opened (its pages cannot be read)."
        ) from None
    finally:
        connection.close()
    if rows != [("ok",)]:
        raise WorkspaceError(
            f"“{path.name}” is damaged and cannot be opened (the integrity check found {len(rows)} problem(s))."
        )
    if strangers:
        raise WorkspaceError(
            f"“{path.name}” was not opened: it contains {strangers[0]} that JMG Desktop did not create, "
            "so it may have been tampered with."
        )
    if differences:
        more = f", and {len(differences) - 1} more difference(s)" if len(differences) > 1 else ""
        raise WorkspaceError(
            f"“{path.name}” was not opened: its structure is not the one JMG Desktop made "
            f"({differences[0]}{more}), so it may have been altered by another program."
        )


def needs_recovery(path: Path) -> str:
    """The sentence for a file holding a change interrupted by a crash, which we may not recover."""
    return (
        f"“{path.name}” holds a change interrupted by a crash that has not been recovered yet; open it "
        "in JMG Desktop to recover it, then try again (nothing was changed)."
    )


def primary_code(error: BaseException) -> int:
    """SQLite's primary result code for a driver error (extended codes carry it in the low byte)."""
    code = getattr(error, "sqlite_errorcode", None)
    return -1 if code is None else int(code) & 0xFF


def _configure_connection(dbapi_connection: sqlite3.Connection, read_only: bool) -> None:
    """The pragmas every connection gets (DESIGN.md: the workspace file)."""
    # Autocommit at the driver level: SQLAlchemy's begin event issues BEGIN itself, so that the
    # transaction boundaries are exactly ours (the pysqlite default defers BEGIN unpredictably).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    harden_connection(dbapi_connection)
    try:
        cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = DELETE")
            cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()


def _uri(path: Path, *, read_only: bool) -> str:
    """The URI a connection opens ``path`` by (read-only connections cannot write at all)."""
    return path.resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rw")


def connect_for_writes(path: Path) -> sqlite3.Connection:
    """A read-write driver connection to ``path`` with the pragmas every engine connection gets,
    for edits run without SQLAlchemy (:mod:`jmg_desktop.store.edit_transaction`)."""
    connection = sqlite3.connect(_uri(path, read_only=False), uri=True, check_same_thread=False)
    try:
        _configure_connection(connection, False)
    except BaseException:
        connection.close()
        raise
    return connection


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``path`` with the workspace pragmas; read-only engines cannot write at all."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    uri = _uri(path, read_only=read_only)
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=NullPool if read_only else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        """Apply the workspace pragmas to each new connection."""
        _configure_connection(dbapi_connection, read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: object) -> None:
        """Start each transaction ourselves (see below)."""
        # IMMEDIATE takes the write lock up front, so two processes never deadlock mid-edit.
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")  # type: ignore[attr-defined]

    return engine


def utc_now() -> str:
    """Now in UTC, as the workspace settings store it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


#: What a refused write means, by SQLite's primary result code, in words for the message.
FAULTS: Final = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_IOERR: "the disk or network reported an error",
    sqlite3.SQLITE_READONLY: "the file or its folder has become read-only",
    sqlite3.SQLITE_CANTOPEN: "the file or its folder can no longer be written",
    sqlite3.SQLITE_PERM: "permission to write it was refused",
    sqlite3.SQLITE_CORRUPT: "the file appears to be damaged",
    sqlite3.SQLITE_NOTADB: "the file appears to be damaged",
}


def file_identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode: they change when it is replaced, and vanish when deleted."""
    try:
        facts = os.stat(path)
    except OSError:
        return None
    return facts.st_dev, facts.st_ino


def fault_text(error: BaseException | None) -> str:
    """The plain reason for a disk-caused driver error, or "" for any other error."""
    return "" if error is None else FAULTS.get(primary_code(error), "")
