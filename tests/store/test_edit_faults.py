"""A cell edit runs on SQLite's own connection (Workspace.editing), not through SQLAlchemy's
session: it must refuse, fail and recover exactly as every other write does. Each fault gives the
plain message, changes nothing (line and audit trail alike), leaves no lock behind, and the edit
goes through once the fault is gone."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from jmg_desktop.core.commands import FieldUpdate, edit_fields
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError, WriteFailedError
from jmg_desktop.store.lines_repo import LinesStore, StaleEditError, fetch_lines
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.store.workspace_file import connect_for_writes

LINE = 1  # the demo's first Older People line


def _amount(path: Path, line: int = LINE) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(
            connection.execute("SELECT amount_pence FROM pool_line WHERE id = ?", (line,)).fetchone()[0]
        )
    finally:
        connection.close()


def _events(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0])
    finally:
        connection.close()


def _edit(workspace: Workspace, new: int, *, old: int | None = None, field: str = "amount_pence") -> None:
    """Change line 1's ``field`` to ``new`` as the lines editor does (one audited change set)."""
    store = LinesStore(workspace)
    held = getattr(fetch_lines(workspace, [LINE])[LINE], field) if old is None else old
    edit_fields([FieldUpdate(LINE, field, held, new)]).apply(store)


def _assert_no_lock_left(path: Path) -> None:
    """Another writer can start at once: the failed edit left no transaction open."""
    connection = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    finally:
        connection.close()


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    opened = Workspace.open(demo_path, backup=False)
    try:
        yield opened
    finally:
        opened.close()


def test_an_edit_is_durable_audited_and_witnessed(workspace: Workspace, demo_path: Path) -> None:
    before = _events(demo_path)
    _edit(workspace, 123_456_78)
    assert _amount(demo_path) == 123_456_78  # read by another connection: committed
    assert _events(demo_path) == before + 1
    with workspace.reading() as session:
        assert verify_chain(session) is None
        assert session.info.get("audit_head") is None
    assert not demo_path.with_name(demo_path.name + "-journal").exists()
    assert not demo_path.with_name(demo_path.name + "-wal").exists()


def test_the_edit_connection_has_the_workspace_pragmas(demo_path: Path) -> None:
    connection = connect_for_writes(demo_path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert connection.execute("PRAGMA trusted_schema").fetchone() == (0,)
        with pytest.raises(sqlite3.Error, match="not authorized"):
            connection.execute("SELECT load_extension('/nonexistent')")
    finally:
        connection.close()


def test_a_stale_edit_changes_nothing_and_leaves_the_workspace_writable(
    workspace: Workspace, demo_path: Path
) -> None:
    amount, events = _amount(demo_path), _events(demo_path)
    with pytest.raises(StaleEditError, match="changed or deleted elsewhere since it was shown"):
        _edit(workspace, 1, old=amount + 1)
    assert (_amount(demo_path), _events(demo_path)) == (amount, events)
    _assert_no_lock_left(demo_path)
    assert not workspace.read_only
    _edit(workspace, 2)
    assert _amount(demo_path) == 2


def test_a_missing_partner_is_refused_by_the_foreign_key(workspace: Workspace, demo_path: Path) -> None:
    events = _events(demo_path)
    with pytest.raises(WorkspaceError, match="would break data that depends on it"):
        _edit(workspace, 999_999, field="partner_id")
    assert _events(demo_path) == events
    assert not workspace.read_only  # a refusal, not a fault
    _assert_no_lock_left(demo_path)


def test_a_journal_that_cannot_be_created_fails_plainly_then_recovers(
    workspace: Workspace, demo_path: Path
) -> None:
    amount, events = _amount(demo_path), _events(demo_path)
    obstruction = demo_path.with_name(demo_path.name + "-journal")
    obstruction.mkdir()  # as a folder that refuses new files would (reads fail too: pass the old value)
    with pytest.raises(WriteFailedError, match=r"^“demo\.jmg” could not be saved: .*now read-only\.$"):
        _edit(workspace, 7, old=amount)
    assert workspace.read_only
    with pytest.raises(ReadOnlyError):
        _edit(workspace, 8, old=amount)
    obstruction.rmdir()
    assert (_amount(demo_path), _events(demo_path)) == (amount, events)
    _assert_no_lock_left(demo_path)
    assert workspace.try_writable()
    _edit(workspace, 9)
    assert _amount(demo_path) == 9


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_an_edit_after_the_file_was_deleted_or_moved_is_refused(demo_path: Path, how: str) -> None:
    with Workspace.open(demo_path, backup=False) as workspace:
        _edit(workspace, 5)  # the edit connection is open before the file goes
        moved = demo_path.with_name("elsewhere.jmg")
        if how == "deleted":
            demo_path.unlink()
        else:
            demo_path.rename(moved)
        with pytest.raises(WriteFailedError, match="moved, renamed or deleted while open"):
            _edit(workspace, 6, old=5)
        assert workspace.read_only
    assert not demo_path.exists()  # nothing recreated at the old name
    if how == "moved":
        assert _amount(moved) == 5


def _fill(folder: Path) -> Path:
    """Fill the filesystem holding ``folder`` to the last byte."""
    filler = folder / "filler.bin"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while os.write(handle, b"\0" * size) == size:
                    pass
            except OSError:
                continue
    finally:
        os.close(handle)
    return filler


def test_an_edit_on_a_full_disk_fails_plainly_then_goes_through(demo_path: Path, tmp_path: Path) -> None:
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny filesystem needs root")
    size = demo_path.stat().st_size + 256 * 1024
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("mounting a tiny filesystem needs CAP_SYS_ADMIN, which this root process does not have")
    try:
        path = mountpoint / "demo.jmg"
        shutil.copyfile(demo_path, path)
        with Workspace.open(path, backup=False) as workspace:
            _edit(workspace, 11)
            amount, events = _amount(path), _events(path)
            filler = _fill(mountpoint)
            with pytest.raises(WriteFailedError, match=r"^“demo\.jmg” could not be saved: the disk"):
                _edit(workspace, 12)
            assert workspace.read_only
            assert (_amount(path), _events(path)) == (amount, events)
            filler.unlink()
            _assert_no_lock_left(path)
            assert workspace.try_writable()
            _edit(workspace, 13)
            assert _amount(path) == 13
            with workspace.reading() as session:
                assert verify_chain(session) is None
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)
