"""The lock beside a workspace: second opener read-only, dead and stale locks, take-over, release."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from jmg_desktop.store import lock as lock_module
from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError, WriteFailedError
from jmg_desktop.store.lock import LockState, lock_path, read_lock
from jmg_desktop.store.models import Category
from jmg_desktop.store.workspace import Workspace


def _write_lock(workspace: Path, **fields: object) -> dict[str, object]:
    """Put a lock file beside ``workspace`` as another process would have written it."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    data: dict[str, object] = {
        "app": "JMG Desktop",
        "version": "0.1.0",
        "user": "alice",
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started_at": now,
        "heartbeat_at": now,
        "token": "their-token",
    }
    data.update(fields)
    lock_path(workspace).write_text(json.dumps(data), encoding="utf-8")
    return data


def _dead_pid() -> int:
    """The id of a process that has just exited (so nothing on this machine has it)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _add_category(workspace: Workspace, name: str) -> None:
    with workspace.writing() as session:
        session.add(Category(name=name, position=99))


def test_lock_file_records_who_where_since_and_is_removed_on_close(demo_path: Path) -> None:
    workspace = Workspace.open(demo_path)
    try:
        assert not workspace.read_only
        data = json.loads(lock_path(demo_path).read_text(encoding="utf-8"))
        assert lock_path(demo_path).name == "demo.jmg.lock"
        assert data["pid"] == os.getpid()
        assert data["host"] == socket.gethostname()
        assert data["user"]
        assert datetime.fromisoformat(data["started_at"]) <= datetime.fromisoformat(data["heartbeat_at"])
    finally:
        workspace.close()
    assert not lock_path(demo_path).exists()


def test_second_process_gets_it_read_only_and_told_by_whom(demo_path: Path) -> None:
    """A real second process holds the workspace; this one must open it read-only."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from jmg_desktop.store.workspace import Workspace
                ws = Workspace.open({str(demo_path)!r})
                print("ready" if not ws.read_only else "readonly", flush=True)
                sys.stdin.readline()
                ws.close()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        workspace = Workspace.open(demo_path)
        try:
            assert workspace.read_only
            assert workspace.lock_holder is not None
            assert workspace.lock_holder.pid == holder.pid
            assert workspace.lock_state is LockState.HELD
            assert workspace.read_only_reason.startswith(f"in use by {workspace.lock_holder.user} on ")
            assert socket.gethostname() in workspace.read_only_reason
            assert " since " in workspace.read_only_reason
            assert not workspace.can_take_over
            with pytest.raises(ReadOnlyError, match="open read-only \\(in use by "):
                _add_category(workspace, "Refused")
            # Enforced below the session too: the connection itself is read-only.
            with pytest.raises(OperationalError, match="readonly"), workspace.engine.begin() as connection:
                connection.execute(text("DELETE FROM category"))
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert holder.wait(timeout=30) == 0
            # The holder has gone: trying again makes this one writable.
            assert workspace.try_writable()
            _add_category(workspace, "Now allowed")
        finally:
            workspace.close()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_lock_of_a_dead_process_on_this_machine_is_taken_over_silently(demo_path: Path) -> None:
    _write_lock(demo_path, pid=_dead_pid())
    with Workspace.open(demo_path) as workspace:
        assert not workspace.read_only
        current = read_lock(demo_path)
        assert current is not None and current.pid == os.getpid() and current.token != "their-token"
        _add_category(workspace, "After take-over")


def test_stale_lock_from_another_machine_is_offered_for_take_over(demo_path: Path) -> None:
    old = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")
    _write_lock(demo_path, host="FINANCE-PC-07", pid=4242, started_at=old, heartbeat_at=old)
    workspace = Workspace.open(demo_path)
    try:
        assert workspace.read_only
        assert workspace.lock_state is LockState.STALE
        assert workspace.can_take_over
        assert "in use by alice on FINANCE-PC-07 since " in workspace.read_only_reason
        seen: list[bool] = []
        workspace.state_listeners.append(lambda ws: seen.append(ws.read_only))
        workspace.take_over_lock()
        assert seen == [False]
        assert not workspace.read_only and workspace.read_only_reason == ""
        _add_category(workspace, "Taken over")
        current = read_lock(demo_path)
        assert current is not None and current.host == socket.gethostname()
    finally:
        workspace.close()
    assert not lock_path(demo_path).exists()


def test_fresh_lock_from_another_machine_is_not_offered(demo_path: Path) -> None:
    _write_lock(demo_path, host="FINANCE-PC-07", pid=4242)
    with Workspace.open(demo_path) as workspace:
        assert workspace.read_only and workspace.lock_state is LockState.HELD
        assert not workspace.can_take_over
        with pytest.raises(WorkspaceError, match="cannot be taken over"):
            workspace.take_over_lock()
    # Closing a read-only workspace never removes someone else's lock.
    assert read_lock(demo_path) is not None


def test_take_over_is_refused_when_the_holder_came_back_meanwhile(demo_path: Path) -> None:
    old = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")
    _write_lock(demo_path, host="FINANCE-PC-07", started_at=old, heartbeat_at=old)
    with Workspace.open(demo_path) as workspace:
        assert workspace.can_take_over
        _write_lock(demo_path, host="FINANCE-PC-07", token="a-new-session")  # alice reopened it
        with pytest.raises(WorkspaceError, match="in use by alice on FINANCE-PC-07"):
            workspace.take_over_lock()
        assert workspace.read_only
        assert read_lock(demo_path).token == "a-new-session"  # type: ignore[union-attr]


def test_unreadable_lock_opens_read_only_and_can_be_taken_over(demo_path: Path) -> None:
    lock_path(demo_path).write_bytes(b"\x00garbage")
    with Workspace.open(demo_path) as workspace:
        assert workspace.read_only and workspace.lock_state is LockState.UNREADABLE
        assert "cannot be read" in workspace.read_only_reason
        workspace.take_over_lock()
        assert not workspace.read_only


def test_a_lost_lock_stops_the_next_write(demo_path: Path) -> None:
    with Workspace.open(demo_path) as workspace:
        _write_lock(demo_path, host="FINANCE-PC-07", user="bob", token="bob-token")
        with pytest.raises(WriteFailedError, match="taken over by bob on FINANCE-PC-07"):
            _add_category(workspace, "Must not land")
        assert workspace.read_only
        with workspace.reading() as session:
            assert session.query(Category).filter_by(name="Must not land").count() == 0
    # bob's lock survives our close
    assert read_lock(demo_path).token == "bob-token"  # type: ignore[union-attr]


def test_heartbeat_moves_on_and_notices_a_removed_lock(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Workspace.open(demo_path) as workspace:
        first = read_lock(demo_path)
        assert first is not None
        later = datetime.now(UTC) + timedelta(minutes=5)
        monkeypatch.setattr(lock_module, "_now", lambda: later)
        workspace.heartbeat()
        refreshed = read_lock(demo_path)
        assert refreshed is not None and refreshed.heartbeat > first.heartbeat
        assert refreshed.started_at == first.started_at
        lock_path(demo_path).unlink()
        workspace.heartbeat()
        assert workspace.read_only
        assert workspace.read_only_reason == "its lock file was removed by someone else"


def test_opening_read_only_by_request_takes_no_lock(demo_path: Path) -> None:
    with Workspace.open(demo_path, read_only=True) as workspace:
        assert workspace.read_only and workspace.read_only_reason == ""
        assert not lock_path(demo_path).exists()


def test_stale_state_is_judged_by_heartbeat_age() -> None:
    now = datetime.now(UTC)
    base = {
        "user": "alice",
        "pid": 1,
        "started_at": now.isoformat(),
        "token": "t",
    }
    fresh = lock_module.LockInfo(host="ELSEWHERE", heartbeat_at=now.isoformat(), **base)  # type: ignore[arg-type]
    old = lock_module.LockInfo(
        host="ELSEWHERE",
        heartbeat_at=(now - lock_module.STALE_AFTER - timedelta(seconds=1)).isoformat(),
        **base,  # type: ignore[arg-type]
    )
    assert lock_module.assess(fresh, now=now) is LockState.HELD
    assert lock_module.assess(old, now=now) is LockState.STALE


def test_an_empty_lock_left_by_a_crash_is_taken_over_once_old(demo_path: Path) -> None:
    lock_path(demo_path).write_bytes(b"")
    with Workspace.open(demo_path) as workspace:  # fresh: its creator may be writing it right now
        assert workspace.read_only and workspace.lock_state is LockState.UNREADABLE
    old = datetime.now(UTC).timestamp() - 120
    os.utime(lock_path(demo_path), (old, old))
    with Workspace.open(demo_path) as workspace:
        assert not workspace.read_only
        assert read_lock(demo_path).pid == os.getpid()  # type: ignore[union-attr]
