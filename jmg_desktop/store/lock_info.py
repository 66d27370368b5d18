"""What the lock file beside a workspace says and means: its contents (:class:`LockInfo`), reading
it (:func:`read_lock`), and whether its holder is still there (:func:`assess`). Holding a lock is
:class:`jmg_desktop.store.lock.WorkspaceLock`, which re-exports these names (see that module for
the file's format and rules)."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Final

__all__ = [
    "IMPLAUSIBLY_AHEAD",
    "LOCK_SUFFIX",
    "STALE_AFTER",
    "LockInfo",
    "LockState",
    "assess",
    "encode",
    "format_local",
    "lock_path",
    "now_utc",
    "pid_alive",
    "read_bytes",
    "read_lock",
    "stamp",
    "this_host",
]

LOCK_SUFFIX: Final = ".lock"
#: A lock from another machine not refreshed for this long is offered for take-over.
STALE_AFTER: Final = timedelta(minutes=10)
#: A heartbeat further ahead than this is not a clock running a little fast: the holder's clock (or
#: ours) is wrong, and the lock says nothing about whether anyone is there. It is treated as stale.
IMPLAUSIBLY_AHEAD: Final = timedelta(days=1)
_READ_RETRIES: Final = 5
#: More than any lock file JMG Desktop writes (a few hundred bytes).
_MOST_BYTES: Final = 65536
#: How :func:`read_bytes` opens the lock (asked before every edit, so worked out once).
_READ_FLAGS: Final = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


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
        return self.host.casefold() == this_host().casefold()


def lock_path(workspace: Path) -> Path:
    """``NAME.jmg.lock`` beside ``NAME.jmg``."""
    return workspace.with_name(workspace.name + LOCK_SUFFIX)


def format_local(moment: datetime) -> str:
    """A time as people read it: ``23 Nov 2026 07:30`` in the machine's local time zone."""
    return moment.astimezone().strftime("%d %b %Y %H:%M").lstrip("0")


def now_utc() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """A time as the lock file stores it (ISO 8601, seconds)."""
    return moment.isoformat(timespec="seconds")


def _parse_time(text: str) -> datetime:
    """A stored time back as an aware datetime (UTC when no zone was written)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def this_host() -> str:
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
    now = now or now_utc()
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


def encode(info: LockInfo) -> bytes:
    """The lock's JSON, as bytes: exactly what is written to the file."""
    return (json.dumps(asdict(info), indent=1) + "\n").encode("utf-8")


def read_bytes(path: Path) -> bytes | None:
    """The bytes of the lock file ``path``; None when it is missing, unreadable or not a regular
    file. Opened without blocking, so a pipe put in its place cannot hang the caller."""
    try:
        handle = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        return os.read(handle, _MOST_BYTES)
    except OSError:
        return None
    finally:
        os.close(handle)
