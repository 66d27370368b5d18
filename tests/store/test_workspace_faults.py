"""Faults while a workspace is open: disk full, I/O errors, a moved file, a read-only folder, and
untrusted files refused before use. Each must give a plain message, write nothing partial, and
leave the workspace readable (read-only)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError

from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError, WriteFailedError
from jmg_desktop.store.lock import lock_path
from jmg_desktop.store.models import Category, PoolLine
from jmg_desktop.store.workspace import Workspace


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _category_count(workspace: Workspace) -> int:
    with workspace.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Category)) or 0)


def _add_categories(workspace: Workspace, count: int, *, prefix: str = "Bulk", size: int = 2000) -> None:
    """One transaction adding ``count`` bulky rows: big enough to need new pages."""
    with workspace.writing() as session:
        for index in range(count):
            session.add(Category(name=f"{prefix} {index} " + "x" * size, position=100 + index))
            session.flush()


def _integrity(path: Path) -> list[tuple[str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def _assert_no_lock_left(path: Path) -> None:
    """Another writer can start at once: the failed transaction left no lock behind."""
    connection = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB filesystem (needs root to mount; skipped elsewhere)."""
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny filesystem needs root")
    if not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mountpoint)):
        pytest.skip("mounting a tiny filesystem needs CAP_SYS_ADMIN, which this root process does not have")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


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


@pytest.fixture
def ro_capable(tmp_path: Path) -> Iterator[Path]:
    """A folder that :func:`_make_read_only` can really make read-only, even for root."""
    folder = tmp_path / "share"
    folder.mkdir()
    mounted = os.geteuid() == 0 and _mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder))
    if os.geteuid() == 0 and not mounted:
        pytest.skip(
            "running as root, which ignores permission bits, and mounting a filesystem that can be "
            "made read-only needs CAP_SYS_ADMIN, which this process does not have"
        )
    try:
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        else:
            folder.chmod(0o755)
            for child in folder.iterdir():
                child.chmod(0o644)


def _make_read_only(folder: Path) -> None:
    """Root ignores permission bits, so as root the folder's filesystem is remounted read-only."""
    if os.geteuid() == 0:
        assert _mount("-o", "remount,ro", str(folder))
    else:
        for child in folder.iterdir():
            child.chmod(0o444)
        folder.chmod(0o555)


# -- disk full ---------------------------------------------------------------------------------


def test_disk_full_injected_gives_a_message_writes_nothing_and_stays_readable(
    empty_workspace: Workspace,
) -> None:
    # SQLite reports a full disk as SQLITE_FULL; capping the page count makes it report exactly that.
    with empty_workspace.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        connection.rollback()
    before = _category_count(empty_workspace)
    with pytest.raises(WriteFailedError) as raised:
        _add_categories(empty_workspace, 40)
    assert str(raised.value) == (
        "“empty.jmg” could not be saved: the disk is full. The change was not made; the workspace is now read-only."
    )
    assert empty_workspace.read_only and empty_workspace.read_only_reason == "the disk is full"
    assert _category_count(empty_workspace) == before
    with pytest.raises(ReadOnlyError):
        _add_categories(empty_workspace, 1)
    assert _integrity(empty_workspace.path) == [("ok",)]
    _assert_no_lock_left(empty_workspace.path)


def test_disk_full_on_a_tiny_filesystem_then_space_freed(tiny_fs: Path) -> None:
    workspace = Workspace.create(tiny_fs / "full.jmg")
    try:
        _add_categories(workspace, 3, prefix="Before")
        filler = _fill(tiny_fs)
        with pytest.raises(WriteFailedError, match="could not be saved: the disk"):
            _add_categories(workspace, 60, prefix="Too much")
        assert workspace.read_only
        assert _category_count(workspace) == 3  # the reads still work, and nothing partial landed
        assert _integrity(workspace.path) == [("ok",)]
        filler.unlink()
        assert workspace.try_writable()
        _add_categories(workspace, 2, prefix="After")
        assert _category_count(workspace) == 5
    finally:
        workspace.close()


# -- I/O error ---------------------------------------------------------------------------------


def test_io_error_mid_transaction_rolls_back_the_whole_change(empty_workspace: Workspace) -> None:
    calls = {"n": 0}

    def fail_on_third(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            calls["n"] += 1
            if calls["n"] == 3:
                error = sqlite3.OperationalError("disk I/O error")
                error.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE
                raise error

    engine = empty_workspace.engine  # replaced by a read-only engine once the fault is seen
    event.listen(engine, "before_cursor_execute", fail_on_third)
    try:
        with pytest.raises(WriteFailedError, match="the disk or network reported an error"):
            _add_categories(empty_workspace, 5, size=10)
    finally:
        event.remove(engine, "before_cursor_execute", fail_on_third)
    assert calls["n"] == 3  # two rows were written inside the transaction before the failure
    assert _category_count(empty_workspace) == 0  # and neither survived
    assert empty_workspace.read_only
    assert _integrity(empty_workspace.path) == [("ok",)]
    _assert_no_lock_left(empty_workspace.path)


def test_an_ordinary_constraint_error_is_not_a_fault(demo_workspace: Workspace) -> None:
    with demo_workspace.reading() as session:
        existing = session.scalars(select(Category.name)).first()
    with pytest.raises(IntegrityError), demo_workspace.writing() as session:
        session.add(Category(name=existing, position=1))
    assert not demo_workspace.read_only


# -- the file moved or deleted, the folder made read-only ---------------------------------------


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_file_deleted_or_moved_while_open_is_detected(demo_path: Path, how: str) -> None:
    workspace = Workspace.open(demo_path)
    try:
        before = _category_count(workspace)
        if how == "deleted":
            demo_path.unlink()
        else:
            demo_path.rename(demo_path.with_name("elsewhere.jmg"))
        with pytest.raises(WriteFailedError, match="moved, renamed or deleted while open"):
            _add_categories(workspace, 1)
        assert workspace.read_only
        assert _category_count(workspace) == before  # still readable from the open connection
        assert not workspace.try_writable()
        rescued = demo_path.with_name("rescued.jmg")
        workspace.save_copy(rescued)  # Save a Copy As… still works: the data can be rescued
    finally:
        workspace.close()
    assert not demo_path.exists()  # nothing recreated at the old name
    assert _integrity(rescued) == [("ok",)]
    with Workspace.open(rescued) as copy:
        assert _category_count(copy) == before


def test_file_replaced_while_open_is_noticed_by_the_heartbeat(demo_path: Path, tmp_path: Path) -> None:
    with Workspace.open(demo_path) as workspace:
        other = tmp_path / "other.jmg"
        shutil.copy(demo_path, other)
        os.replace(other, demo_path)  # someone copied another version over it
        workspace.heartbeat()
        assert workspace.read_only
        assert workspace.read_only_reason == "the file was moved, renamed or deleted while open"


def test_journal_that_cannot_be_created_is_a_clear_failure(demo_path: Path) -> None:
    """SQLite writes its rollback journal beside the file; when it cannot, nothing is changed."""
    with Workspace.open(demo_path) as workspace:
        before = _category_count(workspace)
        obstruction = demo_path.with_name(demo_path.name + "-journal")
        obstruction.mkdir()  # as a folder that refuses new files would
        with pytest.raises(WriteFailedError, match="could not be saved: "):
            _add_categories(workspace, 2, size=10)
        assert workspace.read_only
        obstruction.rmdir()
        assert _category_count(workspace) == before
        assert workspace.try_writable()
        _add_categories(workspace, 2, size=10)
        assert _category_count(workspace) == before + 2


def test_read_only_folder_opens_read_only_with_that_reason(ro_capable: Path) -> None:
    path = ro_capable / "ro.jmg"
    Workspace.create(path).close()
    _make_read_only(ro_capable)
    with Workspace.open(path) as workspace:
        assert workspace.read_only
        assert workspace.read_only_reason == "the file is read-only"
        with pytest.raises(ReadOnlyError, match=r"open read-only \(the file is read-only\)"):
            _add_categories(workspace, 1)
        assert not lock_path(path).exists()
        assert _category_count(workspace) == 0


# -- untrusted files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "what"),
    [
        (
            "CREATE TRIGGER t_skim AFTER UPDATE ON pool_line BEGIN "
            "UPDATE pool_line SET amount_pence = amount_pence - 1 WHERE id = NEW.id; END",
            "a trigger “t_skim” on pool_line",
        ),
        ("CREATE VIEW v_all AS SELECT * FROM pool_line", "a view “v_all”"),
        ("CREATE VIRTUAL TABLE vt USING fts5(x)", "a virtual table “vt”"),
    ],
)
def test_hand_added_schema_objects_are_refused_before_use(demo_path: Path, statement: str, what: str) -> None:
    connection = sqlite3.connect(demo_path)
    connection.execute(statement)
    connection.commit()
    connection.close()
    before = _digest(demo_path)
    with pytest.raises(WorkspaceError) as raised:
        Workspace.open(demo_path)
    assert str(raised.value) == (
        f"“demo.jmg” was not opened: it contains {what} that JMG Desktop did not create, "
        "so it may have been tampered with."
    )
    assert _digest(demo_path) == before
    assert not lock_path(demo_path).exists()


def test_connections_distrust_the_schema_and_load_no_extensions(demo_workspace: Workspace) -> None:
    with demo_workspace.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA trusted_schema").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        with pytest.raises(Exception, match="not authorized"):
            connection.execute(text("SELECT load_extension('/nonexistent')"))
        connection.rollback()


def test_writes_still_reach_the_lines_after_checks(demo_workspace: Workspace) -> None:
    """The checks before each write must not stop ordinary edits."""
    with demo_workspace.writing() as session:
        line = session.get(PoolLine, 1)
        assert line is not None
        line.note = "checked"
    with demo_workspace.reading() as session:
        assert session.get(PoolLine, 1).note == "checked"  # type: ignore[union-attr]


# -- a crash mid-transaction ---------------------------------------------------------------------


def _crash_mid_transaction(path: Path) -> None:
    """A process writes a large change (spilling pages into the file) and dies before committing."""
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA cache_size = 1')\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        'c.execute("UPDATE pool_line SET note = hex(randomblob(400))")\n'
        "c.executemany('INSERT INTO category (name, position) VALUES (?, 1)', "
        "[('junk %d' % i + 'x' * 300,) for i in range(400)])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)


def test_an_interrupted_change_is_rolled_back_even_when_opening_read_only(demo_path: Path) -> None:
    with Workspace.open(demo_path, read_only=True) as workspace:
        committed = _category_count(workspace)
        with workspace.reading() as session:
            notes = {row[0]: row[1] for row in session.execute(select(PoolLine.id, PoolLine.note))}
    _crash_mid_transaction(demo_path)
    journal = demo_path.with_name(demo_path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    with Workspace.open(demo_path, read_only=True) as workspace:  # e.g. `jmg-desktop dump` after a crash
        assert _category_count(workspace) == committed
        with workspace.reading() as session:
            assert {row[0]: row[1] for row in session.execute(select(PoolLine.id, PoolLine.note))} == notes
    assert _integrity(demo_path) == [("ok",)]
    assert not journal.exists() or journal.stat().st_size == 0


# -- a real write error from the operating system, without root ----------------------------------

_FILE_LIMIT_CHILD = """
import os, resource, signal, sys
from sqlalchemy import func, select
from jmg_desktop.store.errors import WriteFailedError
from jmg_desktop.store.models import Category
from jmg_desktop.store.workspace import Workspace

workspace = Workspace.open(sys.argv[1], backup=False)
# From here on the kernel refuses to grow any file past this size (EFBIG), as a full quota would.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = os.path.getsize(sys.argv[1]) + 8192
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
try:
    with workspace.writing() as session:
        for index in range(200):
            session.add(Category(name=f"Refused {index} " + "y" * 1500, position=1))
            session.flush()
    print("written")
except WriteFailedError as error:
    print(error)
with workspace.reading() as session:
    print(session.scalar(select(func.count()).select_from(Category).where(Category.name.like("Refused%"))))
print(workspace.read_only)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_operating_system_write_error_mid_transaction(demo_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _FILE_LIMIT_CHILD, str(demo_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    message, count, read_only = result.stdout.splitlines()
    assert message == (
        "“demo.jmg” could not be saved: the disk or network reported an error. The change was not "
        "made; the workspace is now read-only."
    )
    assert (count, read_only) == ("0", "True")  # still readable, nothing partial
    assert _integrity(demo_path) == [("ok",)]
    with Workspace.open(demo_path) as workspace:
        assert not workspace.read_only  # the next session can write again


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="needs POSIX permissions that bind (root ignores them, and cannot remount a busy filesystem)",
)
def test_folder_made_read_only_while_open(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    workspace = Workspace.create(folder / "team.jmg")
    try:
        _add_categories(workspace, 2, size=10)
        folder.chmod(0o555)  # the share turned read-only under us: no journal can be created
        with pytest.raises(WriteFailedError, match="could not be saved: "):
            _add_categories(workspace, 1, size=10)
        assert workspace.read_only
        assert _category_count(workspace) == 2
        assert not workspace.try_writable()
        assert workspace.read_only_reason == "the file or its folder is read-only"
        folder.chmod(0o755)
        assert workspace.try_writable()
    finally:
        folder.chmod(0o755)
        workspace.close()
