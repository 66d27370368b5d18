"""Load and faults on a shared workspace (slow; run in CI): eight clients editing the same lines at
once lose nothing and overwrite nothing; a server killed mid-edit is survived; a client killed
mid-transaction leaves nothing behind."""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from jmg_desktop.core.commands import FieldUpdate, edit_fields
from jmg_desktop.store import pg_server as servers
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.errors import ReadOnlyError, WriteFailedError
from jmg_desktop.store.lines_repo import LinesStore, StaleEditError, fetch_lines
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.pg_copy import push
from jmg_desktop.store.pg_workspace import SharedWorkspace

pytestmark = pytest.mark.slow

CLIENTS = 8
EDITS = 500
HOT_LINES = 12  # few enough that the clients keep colliding


def _hot_lines(workspace: SharedWorkspace) -> list[int]:
    with workspace.reading() as session:
        return list(session.execute(select(PoolLine.id).order_by(PoolLine.id).limit(HOT_LINES)).scalars())


def _client(address: str, lines: list[int], seed: int, out: dict) -> None:
    """One person editing amounts of the hot lines as fast as they can, re-reading when refused."""
    rng = random.Random(seed)
    acknowledged, refused, latencies = [], 0, []
    with SharedWorkspace.open(address) as workspace:
        store = LinesStore(workspace)
        table = {line: record.amount_pence for line, record in fetch_lines(workspace, lines).items()}
        for _ in range(EDITS):
            line = rng.choice(lines)
            shown = table[line]  # what this person's table shows
            new = rng.randrange(1, 10**9) * 100
            command = edit_fields([FieldUpdate(line, "amount_pence", shown, new)])
            started = time.perf_counter()
            try:
                store.apply_changes(command.changes, action="edit_lines")
            except StaleEditError as error:
                assert "was changed by" in str(error) and "the table now shows their change" in str(error)
                refused += 1
                workspace.mark_seen()  # the table re-reads, as a window does
                table = {line: record.amount_pence for line, record in fetch_lines(workspace, lines).items()}
                continue
            latencies.append(time.perf_counter() - started)
            table[line] = new
            acknowledged.append((max(workspace._own), line, shown, new))
    out[seed] = {"acknowledged": acknowledged, "refused": refused, "latencies": latencies}


def test_eight_clients_editing_the_same_lines_lose_and_overwrite_nothing(
    pg_demo_template, pg_database
) -> None:
    address = pg_database(pg_demo_template)
    with SharedWorkspace.open(address) as workspace:
        lines = _hot_lines(workspace)
        first_event = workspace.newest_event()
    results: dict = {}
    threads = [
        threading.Thread(target=_client, args=(address, lines, seed, results)) for seed in range(CLIENTS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert sorted(results) == list(range(CLIENTS)), "a client died"

    acknowledged = sorted(ack for result in results.values() for ack in result["acknowledged"])
    refused = sum(result["refused"] for result in results.values())
    assert len(acknowledged) + refused == CLIENTS * EDITS
    with SharedWorkspace.open(address, read_only=True) as workspace, workspace.reading() as session:
        assert verify_chain(session) is None
        events = {
            row.sequence: row
            for row in session.execute(
                text(
                    "SELECT sequence, entity_id, old, new FROM audit_event WHERE sequence > :s ORDER BY sequence"
                ),
                {"s": first_event},
            )
        }
        final = dict(
            session.execute(select(PoolLine.id, PoolLine.amount_pence).where(PoolLine.id.in_(lines))).all()
        )
    # Every acknowledged edit is in the trail, exactly as made; nothing else was written.
    assert sorted(events) == [sequence for sequence, *_ in acknowledged]
    for sequence, line, shown, new in acknowledged:
        event = events[sequence]
        assert (event.entity_id, json.loads(event.old), json.loads(event.new)) == (
            line,
            {"amount_pence": shown},
            {"amount_pence": new},
        )
    # No edit overwrote another unseen: each starts from the value the one before it left.
    last: dict[int, int] = {}
    for sequence, line, shown, new in acknowledged:
        if line in last:
            assert shown == last[line], f"event {sequence} overwrote a change it had not seen"
        last[line] = new
    assert {line: final[line] for line in last} == last
    latencies = sorted(lat for result in results.values() for lat in result["latencies"])
    print(
        f"\n{CLIENTS} clients × {EDITS} edits on {HOT_LINES} lines: {len(acknowledged)} committed, "
        f"{refused} refused as conflicts, in {elapsed:.1f} s; commit median "
        f"{statistics.median(latencies) * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms"
    )


@pytest.fixture
def own_server(demo_path: Path):
    """A server of this test's own (it gets killed), holding the demo."""
    folder = Path(tempfile.mkdtemp(prefix="jmg-kill-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        server = servers.start(folder / "server")  # durable: it is killed, and must lose nothing
    except servers.ServerError as error:
        pytest.skip(f"no PostgreSQL server could be started here: {error}")
    push(demo_path, server.admin_url())
    try:
        yield server
    finally:
        servers.stop(server.folder, immediate=True)
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def test_a_server_killed_mid_edit_turns_the_workspace_read_only_and_it_comes_back(own_server) -> None:
    workspace = SharedWorkspace.open(own_server.admin_url())
    try:
        store = LinesStore(workspace)
        line = _hot_lines(workspace)[0]
        shown = fetch_lines(workspace, [line])[line].amount_pence
        store.apply_changes(
            edit_fields([FieldUpdate(line, "amount_pence", shown, 111)]).changes, action="edit_lines"
        )
        states: list[bool] = []
        workspace.state_listeners.append(lambda w: states.append(w.read_only))

        servers.stop(own_server.folder, immediate=True)  # as if the server machine lost power
        with pytest.raises(WriteFailedError) as lost:
            store.apply_changes(
                edit_fields([FieldUpdate(line, "amount_pence", 111, 222)]).changes, action="edit_lines"
            )
        assert "The connection to the server" in str(
            lost.value
        ) and "was lost; the change was not made" in str(lost.value)
        assert workspace.read_only and workspace.read_only_reason == "the connection to the server was lost"
        with pytest.raises(ReadOnlyError):
            store.apply_changes(
                edit_fields([FieldUpdate(line, "amount_pence", 111, 333)]).changes, action="edit_lines"
            )
        workspace.heartbeat()  # still down: stays read-only
        assert workspace.read_only

        servers.start(own_server.folder)
        workspace.heartbeat()  # the window's timer: the server answers again
        assert not workspace.read_only and states == [True, False]
        assert fetch_lines(workspace, [line])[line].amount_pence == 111  # the acknowledged edit survived
        store.apply_changes(
            edit_fields([FieldUpdate(line, "amount_pence", 111, 444)]).changes, action="edit_lines"
        )
        with workspace.reading() as session:
            assert verify_chain(session) is None
    finally:
        workspace.close()


_HALF_DONE = """
import sys, time
from sqlalchemy import text
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.pg_workspace import SharedWorkspace
workspace = SharedWorkspace.open(sys.argv[1])
with workspace.writing() as session:
    session.execute(text("UPDATE pool_line SET amount_pence = 1 WHERE id = :id"), {"id": int(sys.argv[2])})
    record_event(session, action="edit_lines", entity="pool_line", entity_id=int(sys.argv[2]))
    session.flush()
    print("written", flush=True)
    time.sleep(60)  # killed here, mid-transaction, holding the audit lock
"""


def test_a_client_killed_mid_transaction_leaves_nothing_behind(pg_demo_template, pg_database) -> None:
    address = pg_database(pg_demo_template)
    with SharedWorkspace.open(address) as workspace:
        line = _hot_lines(workspace)[0]
        before = fetch_lines(workspace, [line])[line]
        newest = workspace.newest_event()
    child = subprocess.Popen(
        [sys.executable, "-c", _HALF_DONE, address, str(line)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "written"
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    with SharedWorkspace.open(address) as workspace:
        # The server rolls the dead client's transaction back and frees its lock: the next edit goes
        # through at once, and nothing of the half-done one is there.
        started = time.perf_counter()
        LinesStore(workspace).apply_changes(
            edit_fields([FieldUpdate(line, "note", before.note, "after the crash")]).changes,
            action="edit_lines",
        )
        assert time.perf_counter() - started < 10
        after = fetch_lines(workspace, [line])[line]
        assert (after.amount_pence, after.note) == (before.amount_pence, "after the crash")
        with workspace.reading() as session:
            assert verify_chain(session) is None
            assert workspace.newest_event() == newest + 1
