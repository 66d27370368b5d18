"""The integrity check of a workspace about to be opened, started early on a thread of its own.

``PRAGMA quick_check`` reads every page of the file: the better part of a second for a million
lines, which SQLite spends with Python's lock released. The GUI starts it here as soon as it
knows which file it will open, so the check runs while the interpreter imports Qt and SQLAlchemy
on the other core. :func:`jmg_desktop.store.workspace_file.quick_check` then uses its answer
(waiting for it if need be) when the file is still exactly the one checked — same device, inode,
size and modification time, and no rollback journal beside it — and runs the check itself
otherwise. Only the integrity check is done early; the trust and schema checks, the lock and
everything else happen at opening, as they always have.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

from jmg_desktop.store.trust import harden_connection

__all__ = ["start_quick_check", "take_quick_check"]

_Identity = tuple[int, int, int, int]

_guard = threading.Lock()
_pending: dict[str, threading.Thread] = {}
_answers: dict[str, tuple[_Identity, list[tuple[object, ...]]]] = {}


def _identity(path: Path) -> _Identity | None:
    """Device, inode, size and modification time of a regular file with no journal; else None."""
    try:
        facts = os.stat(path)
        if not stat.S_ISREG(facts.st_mode) or os.path.lexists(path.with_name(path.name + "-journal")):
            return None
    except OSError:
        return None
    return (facts.st_dev, facts.st_ino, facts.st_size, facts.st_mtime_ns)


def _check(key: str, path: Path) -> None:
    """Run the integrity check read-only and keep its rows if the file did not change meanwhile."""
    before = _identity(path)
    if before is None:
        return
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            harden_connection(connection)
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return  # the opening runs the check itself and says what is wrong
    if _identity(path) == before:
        with _guard:
            _answers[key] = (before, rows)


def start_quick_check(path: str | Path) -> None:
    """Start checking ``path`` in the background (nothing happens for a file that is not a plain
    file, or one left with a rollback journal)."""
    path = Path(path)
    key = str(path.resolve())
    if _identity(path) is None:
        return
    with _guard:
        if key in _pending or key in _answers:
            return
        thread = threading.Thread(target=_check, args=(key, path), name="jmg-quick-check", daemon=True)
        _pending[key] = thread
    thread.start()


def take_quick_check(path: Path) -> list[tuple[object, ...]] | None:
    """The rows of ``PRAGMA quick_check`` found early for ``path`` if it is still the file that was
    checked (waiting for a check still running); None when it must be checked now. An answer is
    used once."""
    key = str(path.resolve())
    with _guard:
        thread = _pending.pop(key, None)
    if thread is not None:
        thread.join()
    with _guard:
        answer = _answers.pop(key, None)
    if answer is None or _identity(path) != answer[0]:
        return None
    return answer[1]
