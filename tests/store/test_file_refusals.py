"""Files that are not workspaces, or workspaces altered behind the application's back.

Each case goes through what a user runs (``jmg-desktop check`` and ``dump`` in-process, and
:meth:`Workspace.open` as the window does), with the file's SHA-256 compared before and after:
refused at once, in one sentence, and byte-for-byte untouched, with no journal, ``-wal`` or
``-shm`` left beside it. Also: check and dump never roll back a crashed change; a zeroed journal
is not a crash; a file another program is editing is checked on a consistent snapshot and the
report says who has it open; a lock from the implausible future is stale; new files honour the
umask.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store import migrate
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lock import LockState, lock_path
from jmg_desktop.store.workspace import APPLICATION_ID, Workspace


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging forever (the bug this guards against is a block on a FIFO)."""

    def expire(_signum: int, _frame: object) -> None:
        raise AssertionError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _companions(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path)


# -- 6. pipes, sockets and devices ------------------------------------------------------------------

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and Unix sockets are POSIX")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the socket file stays


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


SPECIALS: list[tuple[str, Callable[[Path], None], str]] = [
    ("fifo", _fifo, "is a named pipe (FIFO), not a workspace file."),
    ("socket", _socket, "is a socket, not a workspace file."),
    ("device", _device, "is a device, not a workspace file."),
]


@posix_only
@pytest.mark.parametrize(("what", "make", "expected"), SPECIALS, ids=[case[0] for case in SPECIALS])
def test_a_pipe_socket_or_device_at_the_path_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, make: Callable[[Path], None], expected: str
) -> None:
    path = tmp_path / "odd.jmg"
    make(path)
    with _deadline(20):
        for command in ("check", "dump"):
            code, out, err = _command(capsys, command, str(path))
            assert (code, out) == (2, "")
            assert err == f"jmg-desktop: “odd.jmg” {expected}\n"
        with pytest.raises(WorkspaceError, match="not a workspace file"):
            Workspace.open(path)


@posix_only
@pytest.mark.parametrize(("what", "make", "expected"), SPECIALS[:2], ids=[case[0] for case in SPECIALS[:2]])
def test_a_pipe_or_socket_at_the_lock_is_refused_at_once(
    demo_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    make: Callable[[Path], None],
    expected: str,
) -> None:
    make(lock_path(demo_path))
    before = _digest(demo_path)
    kind = expected.removeprefix("is ").split(",")[0]
    with _deadline(20):
        with pytest.raises(WorkspaceError) as refused:
            Workspace.open(demo_path)
        assert str(refused.value) == (
            f"“demo.jmg” was not opened: its lock “demo.jmg.lock” is {kind}, not a lock file; "
            "remove it, then try again."
        )
        code, _out, err = _command(capsys, "check", str(demo_path))
        assert code == 2 and "its lock “demo.jmg.lock” is" in err
    assert _digest(demo_path) == before


# -- 7. the schema, whole ---------------------------------------------------------------------------


def _rewrite_schema(path: Path, table: str, old: str, new: str) -> None:
    """Edit a table's CREATE statement in place, as a tool with ``writable_schema`` would."""
    connection = sqlite3.connect(path)
    try:
        sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        assert old in sql
        version = connection.execute("PRAGMA schema_version").fetchone()[0]
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (sql.replace(old, new), table))
        connection.execute(f"PRAGMA schema_version = {version + 1}")
        connection.commit()
    finally:
        connection.close()


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _money_real(path: Path) -> None:
    _rewrite_schema(path, "pool_line", "amount_pence INTEGER NOT NULL", "amount_pence REAL NOT NULL")


def _hand_check(path: Path) -> None:
    _rewrite_schema(
        path,
        "stated_total",
        "CONSTRAINT ck_stated_total_basis",
        "CHECK (amount_pence > 0), CONSTRAINT ck_stated_total_basis",
    )


def _expression_index(path: Path) -> None:
    _sql(path, "CREATE INDEX ix_sneaky ON pool_line (amount_pence * 2)")


def _dropped_index(path: Path) -> None:
    _sql(path, "DROP INDEX ix_pool_line_totals")


def _no_tables(path: Path) -> None:
    path.unlink()
    _sql(
        path, f"PRAGMA application_id = {APPLICATION_ID}", f"PRAGMA user_version = {migrate.schema_version()}"
    )


def _user_version(value: int) -> Callable[[Path], None]:
    return lambda path: _sql(path, f"PRAGMA user_version = {value}")


def _wal(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


ALTERED: list[tuple[str, Callable[[Path], None], str, str]] = [
    (
        "money as REAL",
        _money_real,
        "its structure is not the one JMG Desktop made (the column pool_line.amount_pence is declared REAL, "
        "not INTEGER)",
        "Schema: the column pool_line.amount_pence is declared REAL, not INTEGER.",
    ),
    (
        "a hand-added CHECK",
        _hand_check,
        "(the table stated_total has 1 CHECK rule(s) JMG Desktop did not create)",
        "Schema: the table stated_total has 1 CHECK rule(s) JMG Desktop did not create.",
    ),
    (
        "an expression index",
        _expression_index,
        "(an index ix_sneaky on pool_line that JMG Desktop did not create)",
        "Schema: an index ix_sneaky on pool_line that JMG Desktop did not create.",
    ),
    (
        "a dropped index",
        _dropped_index,
        "(the index ix_pool_line_totals on pool_line is missing)",
        "Schema: the index ix_pool_line_totals on pool_line is missing.",
    ),
    (
        "the id but no tables",
        _no_tables,
        "(the table agreement is missing",
        "Schema: the table agreement is missing.",
    ),
]


@pytest.mark.parametrize(("what", "alter", "refusal", "finding"), ALTERED, ids=[case[0] for case in ALTERED])
def test_an_altered_schema_is_refused_on_opening_and_reported_by_check(
    demo_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    alter: Callable[[Path], None],
    refusal: str,
    finding: str,
) -> None:
    alter(demo_path)
    before = _digest(demo_path)
    for read_only in (False, True):
        with pytest.raises(WorkspaceError) as refused:
            Workspace.open(demo_path, read_only=read_only)
        message = str(refused.value)
        assert message.startswith(
            "“demo.jmg” was not opened: its structure is not the one JMG Desktop made ("
        )
        assert refusal in message
        assert message.endswith("so it may have been altered by another program.")
    code, out, _err = _command(capsys, "check", str(demo_path))
    assert code == 1
    assert finding in out.splitlines()
    assert _digest(demo_path) == before
    assert _companions(demo_path) == []


VERSIONS: list[tuple[str, Callable[[Path], None], str]] = [
    ("negative", _user_version(-5), "has no schema version JMG Desktop writes (it says -5)"),
    ("zero", _user_version(0), "has no schema version JMG Desktop writes (it says 0)"),
    ("future", _user_version(9999), "was made by a newer version of JMG Desktop (schema 9999"),
    ("write-ahead log", _wal, "was switched to write-ahead logging, which JMG Desktop never uses"),
]


@pytest.mark.parametrize(("what", "alter", "expected"), VERSIONS, ids=[case[0] for case in VERSIONS])
def test_impossible_schema_versions_are_refused_untouched(
    demo_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    alter: Callable[[Path], None],
    expected: str,
) -> None:
    alter(demo_path)
    before = _digest(demo_path)
    with pytest.raises(WorkspaceError, match=re.escape(expected)):
        Workspace.open(demo_path)
    for command in ("check", "dump"):
        code, _out, err = _command(capsys, command, str(demo_path))
        assert code == 2 and expected in err
    assert _digest(demo_path) == before
    assert _companions(demo_path) == []


def test_a_migrated_old_file_has_exactly_the_schema_of_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "old.jmg"
    path.write_bytes((Path(__file__).resolve().parents[1] / "fixtures" / "schema0001.jmg").read_bytes())
    Workspace.open(path, backup=False).close()
    assert [f for f in run_checks(path) if f.check == "schema"] == []


# -- 8 and 9. check and dump never change the file; no false alarms -------------------------------


def _hot_journal(path: Path) -> Path:
    """Leave a real change half-done, as a crash mid-commit does: the journal holds the old pages."""
    script = textwrap.dedent(
        f"""
        import os, sqlite3
        connection = sqlite3.connect({str(path)!r}, isolation_level=None)
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA cache_size = 1")  # spill changed pages to the file before commit
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE pool_line SET note = hex(randomblob(2000))")
        os._exit(0)  # die holding the transaction: the journal stays hot
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.read_bytes()[:8] != b"\0" * 8
    return journal


def test_check_and_dump_do_not_roll_back_a_crashed_change(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = _hot_journal(demo_path)
    before = (_digest(demo_path), _digest(journal))
    for command in ("check", "dump", "papers"):
        code, out, err = _command(capsys, command, str(demo_path))
        assert (code, out) == (2, "")
        assert "holds a change interrupted by a crash that has not been recovered yet" in err
        assert "open it in JMG Desktop to recover it" in err
    assert (_digest(demo_path), _digest(journal)) == before
    assert _companions(demo_path) == ["demo.jmg-journal"]
    # Opening it for changes, as the window does, recovers it: then check is clean.
    Workspace.open(demo_path, backup=False).close()
    assert not journal.exists()
    assert run_checks(demo_path) == []


def test_a_journal_with_a_zeroed_header_is_not_a_crash(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = demo_path.with_name(demo_path.name + "-journal")
    journal.write_bytes(b"\0" * 4096)  # what journal_mode=PERSIST, or a commit cut short, leaves
    before = (_digest(demo_path), _digest(journal))
    code, out, _err = _command(capsys, "check", str(demo_path))
    assert (code, out) == (0, f"{demo_path}: no problems found\n")
    assert _command(capsys, "dump", str(demo_path))[0] == 0
    assert (_digest(demo_path), _digest(journal)) == before


EDITOR = textwrap.dedent(
    """
    import sys
    from jmg_desktop.store.workspace import Workspace
    workspace = Workspace.open(sys.argv[1], backup=False)
    raw = workspace.engine.raw_connection()
    raw.driver_connection.execute("BEGIN IMMEDIATE")
    raw.driver_connection.execute("UPDATE pool_line SET amount_pence = amount_pence + 1")  # not committed
    print("editing", flush=True)
    sys.stdin.readline()
    raw.driver_connection.execute("ROLLBACK")
    raw.close()
    workspace.close()
    """
)


def test_a_file_being_edited_is_checked_on_a_snapshot_saying_who_has_it(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(demo_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert editor.stdout is not None and editor.stdout.readline().strip() == "editing"
        assert demo_path.with_name("demo.jmg-journal").exists()  # mid-transaction, as during any edit
        code, out, err = _command(capsys, "check", str(demo_path))
        lines = out.splitlines()
        assert (code, err) == (0, "")
        assert lines[0].startswith("(checked as it stood at one moment: it is open for changes by ")
        assert lines[1] == f"{demo_path}: no problems found"
    finally:
        assert editor.stdin is not None
        editor.stdin.write("done\n")
        editor.stdin.close()
        editor.wait(timeout=30)


# -- 10. clock skew ---------------------------------------------------------------------------------


def _foreign_lock(path: Path, heartbeat: datetime) -> None:
    stamp = heartbeat.isoformat(timespec="seconds")
    lock_path(path).write_text(
        json.dumps(
            {
                "user": "bob",
                "host": "CLOCK-SKEW-PC",
                "pid": 77,
                "started_at": stamp,
                "heartbeat_at": stamp,
                "token": "t",
            }
        ),
        encoding="utf-8",
    )


def test_a_lock_heartbeat_from_the_implausible_future_is_offered_for_take_over(demo_path: Path) -> None:
    _foreign_lock(demo_path, datetime.now(UTC) + timedelta(days=3))
    with Workspace.open(demo_path) as workspace:
        assert workspace.read_only and workspace.lock_state is LockState.STALE
        assert workspace.can_take_over
        workspace.take_over_lock()
        assert not workspace.read_only


def test_a_heartbeat_a_little_ahead_is_still_held(demo_path: Path) -> None:
    _foreign_lock(demo_path, datetime.now(UTC) + timedelta(hours=2))
    with Workspace.open(demo_path) as workspace:
        assert workspace.read_only and workspace.lock_state is LockState.HELD
        assert not workspace.can_take_over


# -- 11. permissions --------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="Unix permissions")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_new_workspaces_and_copies_honour_the_umask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], umask: int, mode: int
) -> None:
    previous = os.umask(umask)
    try:
        Workspace.create(tmp_path / "new.jmg").close()
        assert _command(capsys, "demo", str(tmp_path / "demo.jmg"))[0] == 0
        with Workspace.open(tmp_path / "demo.jmg", backup=False) as workspace:
            workspace.save_copy(tmp_path / "copy.jmg")
    finally:
        os.umask(previous)
    for name in ("new.jmg", "demo.jmg", "copy.jmg"):
        assert (tmp_path / name).stat().st_mode & 0o777 == mode, name
