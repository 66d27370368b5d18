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
import json
import os
import stat
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Final

from jmg_desktop import __version__
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
    "lock_path",
    "read_lock",
]

LOCK_SUFFIX: Final = ".lock"
HEARTBEAT_SECONDS: Final = 60
#: A lock from another machine not refreshed for this long is offered for take-over.
STALE_AFTER: Final = timedelta(minutes=10)
#: A heartbeat further ahead than this is not a clock running a little fast: the holder's clock (or
#: ours) is wrong, and the lock says nothing about whether anyone is there. It is treated as stale.
IMPLAUSIBLY_AHEAD: Final = timedelta(days=1)
_TAKEOVER_SUFFIX: Final = ".lock.takeover"
_TAKEOVER_MUTEX_STALE_SECONDS: Final = 30.0
_READ_RETRIES: Final = 5
_EMPTY_LOCK_GRACE_SECONDS: Final = 30.0
_RELEASE_ATTEMPTS: Final = 4


class LockState(Enum):
    """What a lock found beside a workspace means for someone who wants to write."""

    HELD = "held"  # a live process has it: open read-only
    DEAD = "dead"  # its process is gone from this machine: take over at once
    STALE = "stale"  # another machine's, not refreshed for a long time: offer take-over
    UNREADABLE = "unreadable"  # not a lock we can read: offer take-over


@dataclass(frozen=True, slots=True)
class LockInfo:
    """The contents of a lock file."""

    user: str
    host: str
    pid: int
    started_at: str
    heartbeat_at: str
    token: str
    app: str = "JMG Desktop"
    version: str = ""

    @property
    def since(self) -> datetime:
        """When the holder opened the workspace (UTC)."""
        return _parse_time(self.started_at)

    @property
    def heartbeat(self) -> datetime:
        """When the holder last showed it was alive (UTC)."""
        return _parse_time(self.heartbeat_at)

    def describe(self) -> str:
        """``alice on LAPTOP-7 since 23 Nov 2026 07:30`` (local time), for messages and the banner."""
        return f"{self.user} on {self.host} since {format_local(self.since)}"

    def is_this_machine(self) -> bool:
        """True when the lock was written on the machine we are running on."""
        return self.host.casefold() == _host().casefold()


class LockHeldError(Exception):
    """Someone else holds the lock; ``info`` says who (None if the lock file is unreadable)."""

    def __init__(self, info: LockInfo | None, state: LockState) -> None:
        self.info = info
        self.state = state
        who = info.describe() if info else "an unknown holder (its lock file cannot be read)"
        super().__init__(f"in use by {who}")


class LockLostError(Exception):
    """Our lock was removed or taken over by someone else while we held it."""


def lock_path(workspace: Path) -> Path:
    """``NAME.jmg.lock`` beside ``NAME.jmg``."""
    return workspace.with_name(workspace.name + LOCK_SUFFIX)


def format_local(moment: datetime) -> str:
    """A time as people read it: ``23 Nov 2026 07:30`` in the machine's local time zone."""
    return moment.astimezone().strftime("%d %b %Y %H:%M").lstrip("0")


def _now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    """A time as the lock file stores it (ISO 8601, seconds)."""
    return moment.isoformat(timespec="seconds")


def _parse_time(text: str) -> datetime:
    """A stored time back as an aware datetime (UTC when no zone was written)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _host() -> str:
    """This machine's name as other machines on the network see it."""
    uname = getattr(os, "uname", None)  # the same name, without importing socket (start-up)
    if uname is not None:
        return uname().nodename or "unknown"
    import socket

    return socket.gethostname() or "unknown"


def read_lock(path: Path) -> LockInfo | None:
    """The lock beside workspace ``path``; None when there is none.

    Raises :class:`ValueError` when a lock file exists but cannot be understood. A lock being
    written at that moment can look empty for an instant, so a few short retries come first.
    """
    target = lock_path(path)
    last_error: Exception | None = None
    for attempt in range(_READ_RETRIES):
        try:
            if not stat.S_ISREG(os.stat(target).st_mode):
                raise ValueError("the lock file is not a regular file (a pipe, socket or device)")
            raw = target.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise ValueError(f"the lock file cannot be read ({error.strerror or error})") from None
        try:
            data = json.loads(raw.decode("utf-8"))
            return LockInfo(
                user=str(data["user"]),
                host=str(data["host"]),
                pid=int(data["pid"]),
                started_at=str(data["started_at"]),
                heartbeat_at=str(data["heartbeat_at"]),
                token=str(data["token"]),
                app=str(data.get("app", "")),
                version=str(data.get("version", "")),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
            last_error = error
            time.sleep(0.02 * (attempt + 1))
    raise ValueError(f"the lock file is not one JMG Desktop can read ({last_error})")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: existence check, nothing is delivered
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    """On Windows ``os.kill`` would terminate the process, so ask the kernel instead."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def assess(info: LockInfo, *, now: datetime | None = None) -> LockState:
    """Classify someone else's lock: held, dead (take over), or stale (offer take-over)."""
    now = now or _now()
    try:
        heartbeat = info.heartbeat
    except ValueError:
        return LockState.UNREADABLE
    if info.is_this_machine() and not pid_alive(info.pid):
        return LockState.DEAD
    # On this machine the id may have been reused by an unrelated process after a crash long ago;
    # a heartbeat from the implausible future (clock skew) proves nothing either way.
    if now - heartbeat > STALE_AFTER or heartbeat - now > IMPLAUSIBLY_AHEAD:
        return LockState.STALE
    return LockState.HELD


class WorkspaceLock:
    """A lock we hold on one workspace. Get one with :meth:`acquire` or :meth:`take_over`."""

    def __init__(self, workspace: Path, info: LockInfo) -> None:
        self.workspace = workspace
        self.path = lock_path(workspace)
        self.info = info

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
        try:
            current = read_lock(self.workspace)
        except ValueError:
            return False
        return current is not None and current.token == self.info.token

    def refresh(self) -> None:
        """Move the heartbeat on; raise :class:`LockLostError` if the lock is no longer ours."""
        if not self.is_ours():
            raise LockLostError(self._lost_reason())
        info = LockInfo(**{**asdict(self.info), "heartbeat_at": _stamp(_now())})
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
        now = _stamp(_now())
        return LockInfo(
            user=current_actor(),
            host=_host(),
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
            _write_file(temp, _encode(info))
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
            os.write(handle, _encode(info))
            os.fsync(handle)
        except OSError:
            os.close(handle)
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        os.close(handle)
        return True


def _encode(info: LockInfo) -> bytes:
    """The lock's JSON, as bytes."""
    return (json.dumps(asdict(info), indent=1) + "\n").encode("utf-8")


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
        _write_file(temp, _encode(info))
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
