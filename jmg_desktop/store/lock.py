"""The lock file beside a workspace: who has it open for writing, where, and since when.

``NAME.jmg`` open for writing has ``NAME.jmg.lock`` beside it: a small JSON object
``{"app", "version", "user", "host", "pid", "started_at", "heartbeat_at", "token"}`` (times in UTC,
ISO 8601). The holder refreshes ``heartbeat_at`` while it works (:data:`HEARTBEAT_SECONDS`) and
deletes the file when it closes. Another process finding the lock opens the workspace read-only,
except that a lock whose process no longer exists on this machine is taken over at once, and a lock
from another machine whose heartbeat is older than :data:`STALE_AFTER` may be taken over if the user
says so (:meth:`WorkspaceLock.take_over`).

SQLite's own locking keeps each transaction whole whatever happens; this lock is about people: two
officers must never unknowingly edit the same pool at once.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Final

from jmg_desktop import __version__
from jmg_desktop.store.lock_info import (
    IMPLAUSIBLY_AHEAD,
    LOCK_SUFFIX,
    STALE_AFTER,
    LockInfo,
    LockState,
    assess,
    encode,
    format_local,
    lock_path,
    pid_alive,
    read_bytes,
    read_lock,
    stamp,
    this_host,
)
from jmg_desktop.store.lock_info import now_utc as _now  # a module global, so tests can move the clock
from jmg_desktop.store.reads.audit import current_actor

__all__ = [
    "HEARTBEAT_SECONDS",
    "IMPLAUSIBLY_AHEAD",
    "LOCK_SUFFIX",
    "STALE_AFTER",
    "LockHeldError",
    "LockInfo",
    "LockLostError",
    "LockState",
    "WorkspaceLock",
    "assess",
    "format_local",
    "lock_path",
    "pid_alive",
    "read_lock",
]

HEARTBEAT_SECONDS: Final = 60
_TAKEOVER_SUFFIX: Final = ".lock.takeover"
_TAKEOVER_MUTEX_STALE_SECONDS: Final = 30.0
_EMPTY_LOCK_GRACE_SECONDS: Final = 30.0
_RELEASE_ATTEMPTS: Final = 4


class LockHeldError(Exception):
    """Someone else holds the lock; ``info`` says who (None if the lock file is unreadable)."""

    def __init__(self, info: LockInfo | None, state: LockState) -> None:
        self.info = info
        self.state = state
        who = info.describe() if info else "an unknown holder (its lock file cannot be read)"
        super().__init__(f"in use by {who}")


class LockLostError(Exception):
    """Our lock was removed or taken over by someone else while we held it."""


class WorkspaceLock:
    """A lock we hold on one workspace. Get one with :meth:`acquire` or :meth:`take_over`."""

    def __init__(self, workspace: Path, info: LockInfo) -> None:
        self.workspace = workspace
        self.path = lock_path(workspace)
        self.info = info

    @property
    def info(self) -> LockInfo:
        """What our lock file says."""
        return self._info

    @info.setter
    def info(self, info: LockInfo) -> None:
        self._info = info
        self._written = encode(info)  # the file's exact bytes while it is still ours

    # -- getting it ----------------------------------------------------------------------------

    @classmethod
    def acquire(cls, workspace: Path) -> WorkspaceLock:
        """Take the lock; a dead holder's lock is taken over silently.

        Raises :class:`LockHeldError` when a live (or possibly live) holder has it, and
        :class:`OSError` when the lock file cannot be written (e.g. a read-only folder).
        """
        info = cls._new_info()
        for _attempt in range(3):
            if cls._create_exclusive(lock_path(workspace), info):
                return cls(workspace, info)
            try:
                current = read_lock(workspace)
            except ValueError:
                if _abandoned_empty(lock_path(workspace)):
                    return cls.take_over(workspace, None)
                raise LockHeldError(None, LockState.UNREADABLE) from None
            if current is None:
                continue  # released between our attempt and our read: try again
            state = assess(current)
            if state is LockState.DEAD:
                return cls.take_over(workspace, current)
            raise LockHeldError(current, state)
        raise LockHeldError(None, LockState.UNREADABLE)

    @classmethod
    def take_over(cls, workspace: Path, expected: LockInfo | None) -> WorkspaceLock:
        """Replace the lock ``expected`` (what the user was shown) with ours.

        Refuses with :class:`LockHeldError` if the lock changed meanwhile (its holder came back,
        or someone else took it over first): the user must decide again on what is there now.
        """
        target = lock_path(workspace)
        mutex = workspace.with_name(workspace.name + _TAKEOVER_SUFFIX)
        _clear_stale_mutex(mutex)
        try:
            handle = os.open(mutex, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise LockHeldError(expected, LockState.HELD) from None
        os.close(handle)
        try:
            try:
                current = read_lock(workspace)
            except ValueError:
                current = None
                if expected is not None:
                    raise LockHeldError(expected, LockState.UNREADABLE) from None
            if (current.token if current else None) != (expected.token if expected else None):
                if current is None:  # released meanwhile: an ordinary acquire will do
                    return cls.acquire(workspace)
                raise LockHeldError(current, assess(current))
            info = cls._new_info()
            _write_atomically(target, info)
            return cls(workspace, info)
        finally:
            with contextlib.suppress(OSError):
                mutex.unlink()

    # -- holding it ----------------------------------------------------------------------------

    def is_ours(self) -> bool:
        """True while the lock file beside the workspace is still the one we wrote."""
        # Asked before every edit: the very bytes we wrote are ours without parsing them (they hold
        # our token); anything else is read and judged in full.
        if read_bytes(self.path) == self._written:
            return True
        try:
            current = read_lock(self.workspace)
        except ValueError:
            return False
        return current is not None and current.token == self.info.token

    def refresh(self) -> None:
        """Move the heartbeat on; raise :class:`LockLostError` if the lock is no longer ours."""
        if not self.is_ours():
            raise LockLostError(self._lost_reason())
        info = LockInfo(**{**asdict(self.info), "heartbeat_at": stamp(_now())})
        _write_atomically(self.path, info)
        self.info = info

    def lost_reason(self) -> str:
        """Why :meth:`is_ours` is False, in words for the banner."""
        return self._lost_reason()

    def _lost_reason(self) -> str:
        """Who or what replaced our lock, in words."""
        try:
            current = read_lock(self.workspace)
        except ValueError:
            return "its lock file was replaced by one that cannot be read"
        if current is None:
            return "its lock file was removed by someone else"
        return f"it was taken over by {current.user} on {current.host} at {format_local(current.since)}"

    def release(self) -> None:
        """Delete the lock file if it is still ours (never someone else's).

        On Windows a file another process is reading at that instant cannot be deleted, and a lock
        left behind would keep colleagues read-only until it went stale: so try a few times.
        """
        for attempt in range(_RELEASE_ATTEMPTS):
            try:
                if self.is_ours():
                    self.path.unlink()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.05 * (attempt + 1))

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _new_info() -> LockInfo:
        """A fresh lock for this process: who, where, now, and a random token."""
        now = stamp(_now())
        return LockInfo(
            user=current_actor(),
            host=this_host(),
            pid=os.getpid(),
            started_at=now,
            heartbeat_at=now,
            token=uuid.uuid4().hex,
            version=__version__,
        )

    @staticmethod
    def _create_exclusive(path: Path, info: LockInfo) -> bool:
        """Create the lock file only if there is none; False if one exists.

        The content is written to a temporary file first and hard-linked into place, which is
        atomic and fails if the lock exists: a crash can never leave an empty lock behind. Where
        hard links are not supported, an exclusive create followed by the write is used.
        """
        temp = _temp_beside(path)
        try:
            _write_file(temp, encode(info))
            try:
                os.link(temp, path)
                return True
            except FileExistsError:
                return False
            except OSError:
                pass  # no hard links here (some network or FAT file systems)
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        try:
            os.write(handle, encode(info))
            os.fsync(handle)
        except OSError:
            os.close(handle)
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        os.close(handle)
        return True


def _temp_beside(path: Path) -> Path:
    """A temporary name beside ``path``, unique to this process and call."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and flush it to disk."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_atomically(path: Path, info: LockInfo) -> None:
    """Write the lock through a temporary file and a rename, so no reader sees half of it."""
    temp = _temp_beside(path)
    try:
        _write_file(temp, encode(info))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _abandoned_empty(path: Path) -> bool:
    """An empty lock file some seconds old: its creator died between creating and writing it."""
    try:
        facts = path.stat()
    except OSError:
        return False
    return facts.st_size == 0 and time.time() - facts.st_mtime > _EMPTY_LOCK_GRACE_SECONDS


def _clear_stale_mutex(mutex: Path) -> None:
    """A take-over interrupted by a crash leaves its mutex behind; clear it after a while."""
    with contextlib.suppress(OSError):
        if time.time() - mutex.stat().st_mtime > _TAKEOVER_MUTEX_STALE_SECONDS:
            mutex.unlink()
