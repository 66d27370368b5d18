"""Automatic backups: where they go, when they are taken, thinning, bad backups, restoring."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jmg_desktop.store import backups
from jmg_desktop.store.backups import (
    BackupError,
    backups_dir,
    latest_good,
    list_backups,
    restore,
    take_backup,
    thin,
)
from jmg_desktop.store.lock import lock_path
from jmg_desktop.store.models import Category
from jmg_desktop.store.workspace import Workspace

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own per-user folder, so counts of backups are exact."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(folder))
    return folder


def _categories(path: Path) -> set[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM category")}
    finally:
        connection.close()


def _add_category(workspace: Workspace, name: str) -> None:
    with workspace.writing() as session:
        session.add(Category(name=name, position=50))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_opening_a_changed_workspace_backs_it_up_in_the_per_user_folder(
    demo_path: Path, data_dir: Path
) -> None:
    with Workspace.open(demo_path) as workspace:
        workspace.wait_for_backup()  # it runs in the background so opening is not held up
        first = workspace.opening_backup
        assert first is not None and first.ok and first.reason == "opened"
        assert first.path.parent == backups_dir(demo_path)
        assert data_dir in first.path.parents
        assert first.path.parent != demo_path.parent  # never beside the workspace on the shared drive
    with Workspace.open(demo_path) as workspace:
        workspace.wait_for_backup()
        assert workspace.opening_backup is None  # nothing changed since the last backup
        _add_category(workspace, "Added after the first backup")
        interval = workspace.backup_now()
        assert interval is not None and interval.reason == "interval"
        assert workspace.backup_now() is None  # and again nothing changed
    assert "Added after the first backup" in _categories(interval.path)
    assert "Added after the first backup" not in _categories(first.path)
    assert [b.path for b in list_backups(demo_path)] == [interval.path, first.path]


def test_a_backup_that_fails_its_check_is_never_the_latest_good(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = take_backup(demo_path, reason="manual", now=NOW - timedelta(minutes=5))
    with monkeypatch.context() as patch:
        patch.setattr(backups, "_verify", lambda _path: (False, "integrity check failed: page 3"))
        bad = take_backup(demo_path, reason="manual", now=NOW)
    assert not bad.ok
    listed = list_backups(demo_path)
    assert [b.path for b in listed] == [bad.path, good.path]
    assert latest_good(demo_path) == listed[1]
    assert "NOT USABLE (integrity check failed: page 3)" in listed[0].describe()


def test_a_backup_without_its_verified_sidecar_is_not_counted(demo_path: Path) -> None:
    good = take_backup(demo_path, reason="manual", now=NOW - timedelta(minutes=5))
    interrupted = take_backup(demo_path, reason="manual", now=NOW)
    interrupted.path.with_suffix(".json").unlink()  # as if killed between the copy and its sidecar
    assert latest_good(demo_path).path == good.path  # type: ignore[union-attr]
    shrunk = take_backup(demo_path, reason="manual", now=NOW + timedelta(minutes=1))
    with open(shrunk.path, "r+b") as handle:
        handle.truncate(4096)  # a copy damaged afterwards no longer matches its sidecar
    assert latest_good(demo_path).path == good.path  # type: ignore[union-attr]


def test_changed_workspace_is_backed_up_again_only_when_changed(demo_path: Path) -> None:
    assert backups.backup_if_changed(demo_path, reason="interval", now=NOW) is not None
    assert backups.backup_if_changed(demo_path, reason="interval", now=NOW + timedelta(minutes=10)) is None
    with Workspace.open(demo_path, backup=False) as workspace:
        _add_category(workspace, "Changed")
    later = backups.backup_if_changed(demo_path, reason="interval", now=NOW + timedelta(minutes=20))
    assert later is not None and later.ok


def test_thinning_keeps_recent_then_hourly_daily_monthly(demo_path: Path) -> None:
    moments = (
        [NOW - timedelta(minutes=5 * i) for i in range(15)]  # the last 70 minutes, every 5
        + [NOW - timedelta(hours=5, minutes=m) for m in (5, 20, 40)]  # three in one hour, today
        + [NOW - timedelta(days=d, hours=h) for d in range(2, 5) for h in (1, 5)]  # two a day
        + [NOW - timedelta(days=40 + d) for d in range(0, 62, 6)]  # older: several a month
    )
    for moment in moments:
        take_backup(demo_path, reason="interval", now=moment)
    upgrade = take_backup(demo_path, reason="before-upgrade", now=NOW - timedelta(days=400))
    removed = thin(demo_path, now=NOW)
    kept = {b.taken_at for b in list_backups(demo_path)}
    recent = {m for m in moments if NOW - m < timedelta(hours=1)}
    assert len(recent) == 12 and recent <= kept  # every backup of the last hour
    assert NOW - timedelta(minutes=60) in kept  # one of the ten newest, though over an hour old
    assert NOW - timedelta(hours=5, minutes=5) in kept  # the newest of its hour, today
    assert NOW - timedelta(hours=5, minutes=20) not in kept
    assert NOW - timedelta(hours=5, minutes=40) not in kept
    for day in range(2, 5):  # one a day (the newest of the day), not two
        assert NOW - timedelta(days=day, hours=1) in kept
        assert NOW - timedelta(days=day, hours=5) not in kept
    old_kept = sorted(m for m in kept if NOW - m > timedelta(days=31) and m != upgrade.taken_at)
    months = [m.strftime("%Y-%m") for m in old_kept]
    assert months == sorted(set(months))  # exactly one per month
    assert len(months) == len({m.strftime("%Y-%m") for m in moments if NOW - m > timedelta(days=31)})
    assert upgrade.taken_at in kept  # backups before an upgrade are never thinned
    assert removed and all(not path.exists() for path in removed)
    assert all(not path.with_suffix(".json").exists() for path in removed)


def test_thinning_never_removes_the_only_good_backup(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_good = take_backup(demo_path, reason="interval", now=NOW - timedelta(days=90))
    with monkeypatch.context() as patch:
        patch.setattr(backups, "_verify", lambda _path: (False, "integrity check failed"))
        for minutes in range(12):
            take_backup(demo_path, reason="interval", now=NOW - timedelta(minutes=minutes))
    thin(demo_path, now=NOW)
    good = latest_good(demo_path)
    assert good is not None and good.path == old_good.path


def test_restore_to_a_new_file_gives_the_workspace_back(demo_path: Path, tmp_path: Path) -> None:
    with Workspace.open(demo_path) as workspace:
        workspace.wait_for_backup()
        backup = workspace.opening_backup
        _add_category(workspace, "After the backup")
    assert backup is not None
    out = tmp_path / "restored.jmg"
    restore(backup.path, out)
    assert "After the backup" not in _categories(out)
    with Workspace.open(out) as restored:
        assert not restored.read_only


def test_restore_never_overwrites_without_being_told(demo_path: Path, tmp_path: Path) -> None:
    backup = take_backup(demo_path, reason="manual", now=NOW)
    existing = tmp_path / "existing.jmg"
    Workspace.create(existing).close()
    before = _digest(existing)
    with pytest.raises(BackupError, match=r"“existing\.jmg” already exists"):
        restore(backup.path, existing)
    assert _digest(existing) == before
    restore(backup.path, existing, overwrite=True)
    assert _categories(existing) == _categories(demo_path)
    saved = [b for b in list_backups(existing) if b.reason == "before-restore"]
    assert len(saved) == 1 and _categories(saved[0].path) == set()  # the replaced file was kept


def test_restore_refuses_to_replace_a_workspace_in_use(demo_path: Path, tmp_path: Path) -> None:
    backup = take_backup(demo_path, reason="manual", now=NOW)
    target = tmp_path / "busy.jmg"
    Workspace.create(target).close()
    now = datetime.now(UTC).isoformat()
    lock_path(target).write_text(
        json.dumps(
            {
                "user": "carol",
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "started_at": now,
                "heartbeat_at": now,
                "token": "x",
            }
        )
    )
    before = _digest(target)
    with pytest.raises(BackupError, match="is in use by carol on "):
        restore(backup.path, target, overwrite=True)
    assert _digest(target) == before


def test_restore_refuses_a_damaged_backup(demo_path: Path, tmp_path: Path) -> None:
    backup = take_backup(demo_path, reason="manual", now=NOW)
    data = bytearray(backup.path.read_bytes())
    for offset in range(2 * 4096, 5 * 4096, 5):
        data[offset] = 0x5A
    backup.path.write_bytes(bytes(data))
    out = tmp_path / "out.jmg"
    with pytest.raises(BackupError, match="cannot be restored"):
        restore(backup.path, out)
    assert not out.exists()
    assert not list(tmp_path.glob(".partial-*"))


def test_a_backup_that_cannot_be_written_does_not_stop_the_opening(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backups folder should be")
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(blocker))
    with Workspace.open(demo_path) as workspace:
        assert not workspace.read_only
        workspace.wait_for_backup()
        assert workspace.opening_backup is None
        assert workspace.backup_problem.startswith("A backup of “demo.jmg” could not be written: ")
        _add_category(workspace, "Still editable")


def test_known_workspaces_include_one_whose_file_was_lost(demo_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.jmg"
    Workspace.create(other).close()
    take_backup(other, reason="manual", now=NOW - timedelta(days=1))
    take_backup(demo_path, reason="manual", now=NOW - timedelta(hours=1))
    take_backup(demo_path, reason="manual", now=NOW)
    demo_path.unlink()
    known = backups.known_workspaces()
    assert [(k.path, k.count, k.newest, k.missing) for k in known] == [
        (demo_path.resolve(), 2, NOW, True),
        (other.resolve(), 1, NOW - timedelta(days=1), False),
    ]
