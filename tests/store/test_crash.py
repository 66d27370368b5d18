"""SIGKILL at random moments while a child process edits a workspace: nothing acknowledged is lost.

A helper process (the "zygote") imports the store once, then forks one child per round, so each
round costs milliseconds instead of a Python start-up. The child opens the workspace (taking over
the dead lock the previous round left, and backing it up), then runs a stream of edits generated
from the round's seed: single-line inserts, five-line pastes in one transaction, deletions, a
counter update, a roll-forward of a pool's year (16 lines, through the lines store), and
backups, each with its audit event in the same transaction. After each commit
it writes ``ack N``. The test kills it at a random moment, then opens the file as the application
would and demands: ``integrity_check`` ok, the audit chain whole, and the rows exactly those of the
acknowledged edits, plus possibly the whole of the one edit in flight (never part of it).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jmg_desktop.store import backups
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.workspace import Workspace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the crash harness forks children (POSIX)"),
]

ROUNDS = 60
MIGRATION_ROUNDS = 12
MAX_DELAY_S = 0.04  # about two edits' time on a slow disk: kills land anywhere inside one
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema0001.jmg"
DEMO_LINES_2009 = 16  # the demo's Older People lines for 2009/10, each roll-forward copies them all

ZYGOTE = textwrap.dedent(
    """
    import os, random, sys
    from jmg_desktop.store import migrate
    from jmg_desktop.store.audit import record_event
    from jmg_desktop.store.models import PoolLine, WorkspaceSetting
    from jmg_desktop.store.workspace import Workspace
    from jmg_desktop.store.lines_repo import LinesStore
    from jmg_desktop.core.commands import FieldUpdate, edit_fields, insert_lines, roll_forward
    from decimal import Decimal
    from sqlalchemy import delete

    migrate.schema_version()  # warm Alembic's script cache before forking

    def say(text):
        os.write(1, (text + "\\n").encode())

    def edit_stream(path, seed):
        ops = operations(seed)
        workspace = Workspace.open(path)
        say("ready")
        for index, op in enumerate(ops):
            kind = op[0]
            if kind == "backup":
                workspace.backup_now(reason="interval")
            elif kind == "amount":  # a cell edit, through the store as the lines editor makes it
                with workspace.reads() as rows:
                    line, old = rows.all("SELECT id, amount_pence FROM pool_line WHERE service = :s",
                        {"s": op[1]})[0]
                edit_fields([FieldUpdate(line, "amount_pence", old, op[2])]).apply(LinesStore(workspace))
            elif kind == "roll":  # Copy Lines to Next Year, through the same store path as the GUI
                store = LinesStore(workspace)
                records = store.lines_in_block(1, 2009)
                copies = roll_forward(records, store.allocate_line_ids(len(records)), to_year=op[1],
                    first_position=1, uplift_percent=Decimal("2.5"), settle_status={})
                store.apply_changes(insert_lines(copies).changes, action="roll_forward")
            else:
                with workspace.writing() as session:
                    if kind == "lines":
                        for service, pence in op[1]:
                            session.add(PoolLine(pool_id=1, financial_year=2030, service=service,
                                category_id=None, partner_id=1, status_id=1, amount_pence=pence,
                                note="", position=1))
                    elif kind == "delete":
                        session.execute(delete(PoolLine).where(PoolLine.service == op[1]))
                    elif kind == "counter":
                        session.merge(WorkspaceSetting(key="crash_counter", value=str(op[1])))
                    record_event(session, action=kind, entity="pool_line", entity_id=None,
                                 new={"op": index})
            say(f"ack {index}")
        say("finished")

    OPERATIONS_SOURCE

    for command in sys.stdin:
        verb, *args = command.split()
        pid = os.fork()
        if pid == 0:
            try:
                if verb == "edits":
                    edit_stream(args[0], int(args[1]))
                else:
                    Workspace.open(args[0]).close()
                    say("opened")
            except BaseException as error:
                say(f"error {type(error).__name__}: {error}")
            finally:
                os._exit(0)
        say(f"pid {pid}")
        os.waitpid(pid, 0)
        say(f"exit {pid}")
    """
)

OPERATIONS_SOURCE = textwrap.dedent(
    """
    def operations(seed):
        rng = random.Random(seed)
        ops, alive, serial = [], [], 0
        for index in range(400):
            roll = rng.random()
            if roll < 0.45:
                serial += 1
                name = f"s{seed}-{serial}"
                ops.append(("lines", [(name, rng.randrange(1, 10**9))]))
                alive.append(name)
            elif roll < 0.65:
                serial += 1
                batch = [(f"s{seed}-{serial}-{j}", rng.randrange(1, 10**9)) for j in range(5)]
                ops.append(("lines", batch))
                alive.extend(name for name, _ in batch)
            elif roll < 0.72 and alive:
                ops.append(("delete", alive.pop(rng.randrange(len(alive)))))
            elif roll < 0.84 and alive:
                ops.append(("amount", rng.choice(alive), rng.randrange(1, 10**9)))
            elif roll < 0.92:
                ops.append(("counter", index))
            elif roll < 0.96:
                ops.append(("roll", 2100 + (seed * 400 + index) % 890))
            else:
                ops.append(("backup",))
        return ops
    """
)
_namespace: dict[str, object] = {"random": random}
exec(OPERATIONS_SOURCE, _namespace)
operations = _namespace["operations"]


@dataclass
class State:
    """The rows the edits own: line service → pence, the counter setting, and how many lines each
    rolled-forward year holds."""

    lines: dict[str, int]
    counter: str | None
    rolled: dict[int, int]

    def apply(self, op: tuple) -> State:
        lines, counter, rolled = dict(self.lines), self.counter, dict(self.rolled)
        if op[0] == "lines":
            lines.update(op[1])
        elif op[0] == "delete":
            lines.pop(op[1], None)
        elif op[0] == "amount":
            lines[op[1]] = op[2]
        elif op[0] == "counter":
            counter = str(op[1])
        elif op[0] == "roll":
            rolled[op[1]] = rolled.get(op[1], 0) + DEMO_LINES_2009
        return State(lines, counter, rolled)


class Zygote:
    """The helper process: send it a command, read the lines it and its child write."""

    def __init__(self, env: dict[str, str]) -> None:
        source = ZYGOTE.replace("OPERATIONS_SOURCE", OPERATIONS_SOURCE.strip().replace("\n", "\n    "))
        self.process = subprocess.Popen(
            [sys.executable, "-c", source],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            bufsize=1,
        )

    def run(self, command: str, delay: float, *, after: str = "") -> list[str]:
        """Start a child with ``command``, SIGKILL it ``delay`` seconds after it starts (or after it
        writes the line ``after``), and return everything it wrote."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        lines: list[str] = []
        pid = None
        while pid is None:
            line = self.process.stdout.readline().strip()
            assert line, "the zygote died"
            if line.startswith("pid "):
                pid = int(line.split()[1])
            else:
                lines.append(line)
        while after and after not in lines:
            line = self.process.stdout.readline().strip()
            assert line, "the zygote died"
            lines.append(line)
            if line.startswith(("error", "exit")):
                break
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):  # it may have finished already
            os.kill(pid, signal.SIGKILL)
        while True:
            line = self.process.stdout.readline().strip()
            assert line, "the zygote died"
            if line == f"exit {pid}":
                return lines
            lines.append(line)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def zygote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Zygote]:
    data = tmp_path / "userdata"
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(data))
    helper = Zygote({**os.environ, backups.DATA_DIR_ENV: str(data)})
    try:
        yield helper
    finally:
        helper.close()


def _read_state(workspace: Workspace) -> State:
    with workspace.engine.connect() as connection:
        lines = dict(
            connection.exec_driver_sql(
                "SELECT service, amount_pence FROM pool_line WHERE financial_year = 2030"
            ).fetchall()
        )
        counter = connection.exec_driver_sql(
            "SELECT value FROM workspace_setting WHERE key = 'crash_counter'"
        ).scalar()
        rolled = dict(
            connection.exec_driver_sql(
                "SELECT financial_year, COUNT(*) FROM pool_line WHERE financial_year >= 2100 "
                "GROUP BY financial_year"
            ).fetchall()
        )
        connection.rollback()
    return State(lines, counter, rolled)


def _integrity(path: Path) -> list[tuple[str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def test_sigkill_during_edits_loses_nothing_acknowledged(demo_path: Path, zygote: Zygote) -> None:
    rng = random.Random(20261123)
    state = State({}, None, {})
    kills = acknowledged = lost = in_flight_applied = 0
    for round_number in range(ROUNDS):
        seed = 1000 + round_number
        ops = operations(seed)
        if round_number % 5 == 0:  # now and then during the opening (lock take-over, backup)
            output = zygote.run(f"edits {demo_path} {seed}", rng.uniform(0.0, 0.3))
        else:  # mostly at a random moment of the edit after a random number of acknowledged ones
            after = f"ack {rng.randrange(0, 12)}" if rng.random() < 0.8 else "ready"
            output = zygote.run(f"edits {demo_path} {seed}", rng.uniform(0.0, MAX_DELAY_S), after=after)
        errors = [line for line in output if line.startswith("error")]
        assert not errors, errors
        acked = [int(line.split()[1]) for line in output if line.startswith("ack ")]
        assert acked == list(range(len(acked))), "acknowledgements out of order"
        if "finished" not in output:
            kills += 1
        acknowledged += len(acked)
        expected = state
        for op in ops[: len(acked)]:
            expected = expected.apply(op)
        with_next = expected.apply(ops[len(acked)]) if len(acked) < len(ops) else expected

        with Workspace.open(demo_path, backup=False) as workspace:  # recovers, takes the dead lock over
            assert not workspace.read_only, workspace.read_only_reason
            assert _integrity(demo_path) == [("ok",)], f"round {round_number}"
            with workspace.reading() as session:
                assert verify_chain(session) is None, f"round {round_number}"
            found = _read_state(workspace)
        if found not in (expected, with_next):  # count what is missing before failing below
            lost += sum(1 for name, pence in expected.lines.items() if found.lines.get(name) != pence)
            lost += sum(1 for year, count in expected.rolled.items() if found.rolled.get(year) != count)
            lost += int(found.counter != expected.counter)
        assert found in (expected, with_next), f"round {round_number}: not the acknowledged state"
        in_flight_applied += found == with_next != expected
        state = found
        latest = backups.latest_good(demo_path)
        if latest is not None:
            assert _integrity(latest.path) == [("ok",)]
    print(
        f"\ncrash test: {ROUNDS} rounds, {kills} kills, {acknowledged} acknowledged edits checked, "
        f"{lost} lost, {in_flight_applied} in-flight edits found whole"
    )
    assert kills >= 50
    assert lost == 0


def test_sigkill_during_a_migration_leaves_old_or_new_never_half(tmp_path: Path, zygote: Zygote) -> None:
    rng = random.Random(75)
    outcomes = {"old": 0, "new": 0}
    for round_number in range(MIGRATION_ROUNDS):
        path = tmp_path / f"old-{round_number}.jmg"
        path.write_bytes(FIXTURE.read_bytes())
        output = zygote.run(f"open {path}", rng.uniform(0.0, 0.6))
        assert not [line for line in output if line.startswith("error")], output
        connection = sqlite3.connect(path)  # the first connection rolls back an interrupted upgrade
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            lines = connection.execute("SELECT COUNT(*) FROM pool_line").fetchone()[0]
        finally:
            connection.close()
        assert lines == 3
        outcomes["old" if version == 1 else "new"] += 1
        with Workspace.open(path, backup=False) as workspace:  # and it opens (upgrading if need be)
            assert not workspace.read_only
    print(
        f"\nmigration kills: {MIGRATION_ROUNDS}, left old: {outcomes['old']}, left upgraded: {outcomes['new']}"
    )
