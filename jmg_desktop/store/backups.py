"""Automatic backups of workspaces into a per-user folder, thinned over time, and restoring them.

Where: ``backups/`` in the per-user data folder of :func:`jmg_desktop.userdirs.data_dir`
(``$JMG_DESKTOP_DATA_DIR`` when set: tests and CI set it, so they never touch a real home folder;
else ``~/.local/share/jmg-desktop`` or ``$XDG_DATA_HOME/jmg-desktop`` on Linux,
``%LOCALAPPDATA%\\JMG Desktop`` on Windows, ``~/Library/Application Support/JMG Desktop`` on macOS):
local to the machine, never on the shared drive beside the workspace.

Each workspace gets its own folder, ``<stem>-<hash of its full path>``. A backup is a complete
workspace file written through SQLite's backup API (a consistent snapshot even while the workspace
is being edited), named ``YYYYMMDDTHHMMSSffffffZ-<reason>.jmg``, with a ``.json`` sidecar written only
after the copy passed ``integrity_check``. A backup without a sidecar, or whose check failed, is
listed but never counted as the latest good one.

Thinning (:func:`thin`) keeps the newest :data:`KEEP_RECENT` backups and every one from the last
hour, then the newest of each hour for a day, the newest of each day for :data:`KEEP_DAILY_DAYS`
days, then the newest of each month; backups taken before a schema upgrade or a restore are kept
until removed by hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.trust import harden_connection
from jmg_desktop.userdirs import DATA_DIR_ENV
from jmg_desktop.userdirs import data_dir as _user_data_dir

__all__ = [
    "DATA_DIR_ENV",
    "KEEP_DAILY_DAYS",
    "KEEP_RECENT",
    "Backup",
    "BackupError",
    "KnownWorkspace",
    "backup_if_changed",
    "backups_dir",
    "change_counter",
    "data_dir",
    "known_workspaces",
    "latest_good",
    "list_backups",
    "restore",
    "take_backup",
    "thin",
]

KEEP_RECENT: Final = 10
KEEP_RECENT_WINDOW: Final = timedelta(hours=1)
KEEP_HOURLY_WINDOW: Final = timedelta(hours=24)
KEEP_DAILY_DAYS: Final = 31
#: Reasons whose backups thinning never removes.
PERMANENT_REASONS: Final = frozenset({"before-upgrade", "before-restore"})
_NAME = re.compile(r"^(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[a-z-]+)\.jmg$")
_TEMP_PREFIX: Final = ".partial-"
_TEMP_MAX_AGE_SECONDS: Final = 3600.0


class BackupError(WorkspaceError):
    """A backup could not be taken or restored; ``str`` is a one-sentence message."""


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file and what its sidecar says about it."""

    path: Path
    taken_at: datetime
    reason: str
    ok: bool
    detail: str = ""
    source: str = ""
    change_counter: int = -1
    size: int = 0

    def describe(self) -> str:
        """One line for lists: ``23 Nov 2026 07:30  opened  96 KB  ok``."""
        local = self.taken_at.astimezone().strftime("%d %b %Y %H:%M:%S")
        state = "ok" if self.ok else f"NOT USABLE ({self.detail or 'not verified'})"
        return f"{local}  {self.reason:<14} {_size_text(self.size):>8}  {state}"


def _size_text(size: int) -> str:
    """``96 KB`` or ``7.2 MB``."""
    return f"{max(1, round(size / 1024))} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"


# -- where -------------------------------------------------------------------------------------


def data_dir() -> Path:
    """The per-user folder for the application's own files (backups live under it)."""
    return _user_data_dir()


def backups_dir(workspace: Path) -> Path:
    """The folder holding ``workspace``'s backups (it may not exist yet)."""
    resolved = str(Path(workspace).resolve())
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:12]
    stem = re.sub(r"[^\w.-]+", "_", Path(workspace).stem)[:60] or "workspace"
    return data_dir() / "backups" / f"{stem}-{digest}"


def change_counter(path: Path) -> int:
    """SQLite's file change counter (header bytes 24–27): it moves on every committed change."""
    with open(path, "rb") as handle:
        header = handle.read(28)
    return int.from_bytes(header[24:28], "big") if len(header) == 28 else -1


# -- taking ------------------------------------------------------------------------------------


def take_backup(workspace: Path, *, reason: str, now: datetime | None = None) -> Backup:
    """Snapshot ``workspace`` now; the returned backup says whether it passed its integrity check.

    Raises :class:`BackupError` when no copy could be written at all (disk full, no folder).
    """
    workspace = Path(workspace)
    moment = now or datetime.now(UTC)
    folder = backups_dir(workspace)
    final = folder / f"{moment.strftime('%Y%m%dT%H%M%S%fZ')}-{reason}.jmg"
    temp = folder / f"{_TEMP_PREFIX}{os.getpid()}-{final.name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        counter = change_counter(workspace)
        _copy_database(workspace, temp)
        ok, detail = _verify(temp)
        os.replace(temp, final)
        backup = Backup(
            path=final,
            taken_at=moment,
            reason=reason,
            ok=ok,
            detail=detail,
            source=str(workspace.resolve()),
            change_counter=counter,
            size=final.stat().st_size,
        )
        _write_sidecar(backup)
    except (OSError, sqlite3.Error) as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise BackupError(
            f"A backup of “{workspace.name}” could not be written: {_reason_text(error)}."
        ) from None
    return backup


def backup_if_changed(workspace: Path, *, reason: str, now: datetime | None = None) -> Backup | None:
    """Take a backup unless the latest good one already holds the workspace as it is now."""
    latest = latest_good(workspace)
    if latest is not None and latest.change_counter == change_counter(workspace):
        return None
    backup = take_backup(workspace, reason=reason, now=now)
    thin(workspace, now=now)
    return backup


def _copy_database(source: Path, target: Path) -> None:
    """Copy through SQLite's backup API, reading the source read-only, and flush to disk."""
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        harden_connection(reader)
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode = DELETE")
        finally:
            writer.close()
    finally:
        reader.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def _verify(path: Path) -> tuple[bool, str]:
    """Run ``integrity_check`` on a copy; (True, "") when sound, else (False, why)."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check(5)").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return False, f"integrity check failed: {error}"
    if rows == [("ok",)]:
        return True, ""
    return False, f"integrity check failed: {rows[0][0]}"


def _write_sidecar(backup: Backup) -> None:
    """Record what is known of a backup beside it (through a temporary file and a rename)."""
    data = asdict(backup)
    data["path"] = backup.path.name
    data["taken_at"] = backup.taken_at.isoformat()
    sidecar = backup.path.with_suffix(".json")
    temp = sidecar.with_name(_TEMP_PREFIX + sidecar.name)
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, sidecar)


def _reason_text(error: BaseException) -> str:
    """The plain reason inside an OS or SQLite error, without a final full stop."""
    if isinstance(error, OSError):
        return (error.strerror or str(error)).rstrip(".").lower()
    return str(error).rstrip(".")


# -- listing -----------------------------------------------------------------------------------


def list_backups(workspace: Path) -> list[Backup]:
    """``workspace``'s backups, newest first (unusable ones included, marked not ok)."""
    folder = backups_dir(workspace)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        if entry.name.startswith(_TEMP_PREFIX):
            _remove_abandoned(entry)
            continue
        match = _NAME.match(entry.name)
        if match:
            found.append(_load(entry, match))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


@dataclass(frozen=True, slots=True)
class KnownWorkspace:
    """A workspace that has backups: where it was, how many backups, the newest one's time."""

    path: Path
    count: int
    newest: datetime

    @property
    def missing(self) -> bool:
        """True when no file is at the workspace's path any more (moved or deleted)."""
        return not self.path.exists()


def known_workspaces() -> list[KnownWorkspace]:
    """Every workspace with backups in this user's folder, most recently backed up first.

    This is how a workspace whose file was lost is found again: by the path its backups record.
    """
    root = data_dir() / "backups"
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        source = ""
        for sidecar in sorted(folder.glob("*.json"), reverse=True):  # newest first by name
            with contextlib.suppress(OSError, ValueError):
                source = str(json.loads(sidecar.read_text(encoding="utf-8")).get("source", ""))
            if source:
                break
        if not source:
            continue
        listed = list_backups(Path(source))
        if listed:
            found.append(KnownWorkspace(Path(source), len(listed), listed[0].taken_at))
    return sorted(found, key=lambda known: known.newest, reverse=True)


def _load(path: Path, match: re.Match[str]) -> Backup:
    """A backup as listed: its name gives the time and reason, its sidecar the rest."""
    taken_at = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    size = path.stat().st_size
    try:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        ok = bool(data["ok"]) and int(data["size"]) == size
        detail = str(data.get("detail", "")) or ("" if ok else "its size changed after it was taken")
        return Backup(
            path=path,
            taken_at=taken_at,
            reason=match["reason"],
            ok=ok,
            detail=detail,
            source=str(data.get("source", "")),
            change_counter=int(data.get("change_counter", -1)),
            size=size,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return Backup(path, taken_at, match["reason"], ok=False, detail="not verified", size=size)


def _remove_abandoned(entry: Path) -> None:
    """Remove a partial copy left by a backup that was killed half-way (not one in progress)."""
    with contextlib.suppress(OSError):
        if time.time() - entry.stat().st_mtime > _TEMP_MAX_AGE_SECONDS:
            entry.unlink()


def latest_good(workspace: Path) -> Backup | None:
    """The newest backup that passed its integrity check, if any."""
    return next((backup for backup in list_backups(workspace) if backup.ok), None)


# -- thinning ----------------------------------------------------------------------------------


def thin(workspace: Path, *, now: datetime | None = None) -> list[Path]:
    """Delete the backups the policy no longer keeps; return the removed files."""
    now = now or datetime.now(UTC)
    backups = list_backups(workspace)
    keep = _to_keep(backups, now)
    removed = []
    for backup in backups:
        if backup.path in keep:
            continue
        with contextlib.suppress(OSError):
            backup.path.with_suffix(".json").unlink(missing_ok=True)
            backup.path.unlink()
            removed.append(backup.path)
    return removed


def _to_keep(backups: list[Backup], now: datetime) -> set[Path]:
    """The policy: recent, then one an hour, one a day, one a month; never the newest good one."""
    keep: set[Path] = set()
    good = [backup for backup in backups if backup.ok]  # newest first
    if good:
        keep.add(good[0].path)
    for backup in backups:
        if backup.reason in PERMANENT_REASONS:
            keep.add(backup.path)
        elif not backup.ok and now - backup.taken_at < timedelta(days=1):
            keep.add(backup.path)  # kept a day for diagnosis; never counted as good
    seen: set[tuple[str, str]] = set()
    for index, backup in enumerate(good):
        age = now - backup.taken_at
        if index < KEEP_RECENT or age < KEEP_RECENT_WINDOW:
            keep.add(backup.path)
            continue
        if age < KEEP_HOURLY_WINDOW:
            bucket = ("hour", backup.taken_at.strftime("%Y-%m-%d %H"))
        elif age < timedelta(days=KEEP_DAILY_DAYS):
            bucket = ("day", backup.taken_at.strftime("%Y-%m-%d"))
        else:
            bucket = ("month", backup.taken_at.strftime("%Y-%m"))
        if bucket not in seen:  # the newest backup of each hour, day or month
            seen.add(bucket)
            keep.add(backup.path)
    return keep


# -- restoring ---------------------------------------------------------------------------------


def restore(backup: Path, destination: Path, *, overwrite: bool = False) -> None:
    """Write the workspace held in ``backup`` to ``destination``.

    Never overwrites silently: an existing ``destination`` is refused unless ``overwrite`` is True
    (the caller has asked the user), and even then a workspace someone has open is refused, and the
    file being replaced is itself backed up first. The copy is checked, then renamed into place.
    """
    from jmg_desktop.store.lock import LockState, assess, read_lock  # the lock module imports audit
    from jmg_desktop.store.workspace import inspect_file  # workspace imports this module

    backup, destination = Path(backup), Path(destination)
    inspect_file(backup)
    ok, detail = _verify(backup)
    if not ok:
        raise BackupError(f"“{backup.name}” cannot be restored: {detail}.")
    if destination.exists():
        if not overwrite:
            raise BackupError(
                f"“{destination.name}” already exists; choose another name or confirm replacing it."
            )
        try:
            holder = read_lock(destination)
        except ValueError:
            holder = None
        if holder is not None and assess(holder) is LockState.HELD:
            raise BackupError(f"“{destination.name}” is in use by {holder.describe()}; it was not replaced.")
        take_backup(destination, reason="before-restore")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder for “{destination.name}” does not exist.")
    temp = destination.with_name(f"{_TEMP_PREFIX}{os.getpid()}-{destination.name}")
    try:
        _copy_database(backup, temp)
        ok, detail = _verify(temp)
        if not ok:
            raise BackupError(f"The restored copy failed its check ({detail}); nothing was replaced.")
        if overwrite and destination.exists():
            os.chmod(temp, destination.stat().st_mode & 0o7777)
            os.replace(temp, destination)
        else:  # claimed with a link: a file that appeared meanwhile is never replaced
            from jmg_desktop.store.claim import claim_new

            try:
                claim_new(temp, destination)
            except WorkspaceError as error:
                raise BackupError(str(error)) from None
        from jmg_desktop.store import witness

        witness.reset_from_file(destination)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"“{destination.name}” could not be written: {_reason_text(error)}.") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
