"""``load`` under SIGKILL and under a race: no file or the complete workspace, never both winners.

A helper process (the "zygote") imports the store and builds one workspace to warm Alembic, then
forks a child per load, so each round costs the load itself rather than a Python start-up. The
kill loop kills a load at moments spread over its whole run (schema, rows, checks, claiming the
name) and demands after each: the target is absent, or it is the complete workspace (every line,
``check`` clean); never a lock file; and the next load clears what the killed ones left. The race
starts two loads of the same dump onto the same name at once: exactly one wins, the other is told
the file exists, and the winner's file is whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jmg_desktop.store import backups
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.dump import dump_workspace
from jmg_desktop.store.lock import lock_path
from jmg_desktop.store.workspace import Workspace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill and race harness forks children (POSIX)"),
]

KILLS = 30
RACES = 20
EXTRA_LINES = 8000

ZYGOTE = textwrap.dedent(
    """
    import os, sys, tempfile
    from pathlib import Path
    from jmg_desktop.store.load import load_file
    from jmg_desktop.store.workspace import Workspace

    with tempfile.TemporaryDirectory() as scratch:  # warm Alembic and SQLAlchemy before forking
        Workspace.create(Path(scratch) / "warm.jmg").close()

    def say(text):
        os.write(1, (text + "\\n").encode())

    def child(source, out, gate=None):
        try:
            if gate is not None:
                os.read(gate, 1)
            load_file(Path(source), Path(out))
            say("wrote")
        except BaseException as error:
            say("refused " + str(error))
        finally:
            os._exit(0)

    say("ready")
    for command in sys.stdin:
        verb, source, out = command.split()
        if verb == "load":
            pid = os.fork()
            if pid == 0:
                child(source, out)
            say(f"pid {pid}")
            os.waitpid(pid, 0)
        else:  # race: two children released together
            read, write = os.pipe()
            pids = []
            for _ in range(2):
                pid = os.fork()
                if pid == 0:
                    child(source, out, read)
                pids.append(pid)
            os.write(write, b"go")
            for pid in pids:
                os.waitpid(pid, 0)
        say("done")
    """
)


class Zygote:
    """The helper process: send it a command, read what its children say."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the zygote died"
        return line.strip()

    def _send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def load(self, source: Path, out: Path, kill_after: float | None = None) -> tuple[list[str], float]:
        """Load in a child, SIGKILL it ``kill_after`` seconds in (if given); its words and run time."""
        self._send(f"load {source} {out}")
        said: list[str] = []
        line = self._line()
        while not line.startswith("pid "):
            said.append(line)
            line = self._line()
        started = time.perf_counter()
        if kill_after is not None:
            time.sleep(kill_after)
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(line.split()[1]), signal.SIGKILL)
        while (line := self._line()) != "done":
            said.append(line)
        return said, time.perf_counter() - started

    def race(self, source: Path, out: Path) -> list[str]:
        """Two loads of ``source`` onto ``out`` at once; what each said."""
        self._send(f"race {source} {out}")
        said = []
        while (line := self._line()) != "done":
            said.append(line)
        return said

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def zygote(tmp_path: Path) -> Iterator[Zygote]:
    helper = Zygote({**os.environ, backups.DATA_DIR_ENV: str(tmp_path / "userdata")})
    try:
        yield helper
    finally:
        helper.close()


def _dump_file(demo_path: Path, target: Path, extra_lines: int) -> int:
    """The demo's dump with ``extra_lines`` more lines (of £0, so the totals still reconcile); the count."""
    with Workspace.open(demo_path, read_only=True) as workspace:
        data = dump_workspace(workspace)
    lines = data["tables"]["pool_line"]
    template, first = lines[0], max(row["id"] for row in lines) + 1
    lines += [
        {**template, "id": first + n, "position": 100 + n, "service": f"Service {n}", "amount_pence": 0}
        for n in range(extra_lines)
    ]
    target.write_text(json.dumps(data), encoding="utf-8")
    return len(lines)


def _line_count(path: Path) -> int:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM pool_line").fetchone()[0]
    finally:
        connection.close()


def _strays(folder: Path) -> list[str]:
    """Temporary files, journals or locks left in ``folder``."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.endswith((".partial", "-journal", ".lock")) or ".partial" in p.name
    )


def test_sigkill_at_any_moment_of_a_load_leaves_nothing_or_the_whole_workspace(
    tmp_path: Path, demo_path: Path, zygote: Zygote
) -> None:
    folder = tmp_path / "target"
    folder.mkdir()
    source = tmp_path / "big.json"
    expected = _dump_file(demo_path, source, EXTRA_LINES)
    out = folder / "loaded.jmg"
    said, full_time = zygote.load(source, out)
    assert said == ["wrote"]
    assert _line_count(out) == expected
    out.unlink()
    rng = random.Random(11)
    kills = complete = absent = rounds = 0
    while kills < KILLS:
        rounds += 1
        assert rounds <= KILLS * 3, "the loads kept finishing before they could be killed"
        said, _ = zygote.load(source, out, kill_after=rng.uniform(0.0, full_time * 1.15))
        if said != ["wrote"]:
            assert said == [], said  # killed: it said nothing at all
            kills += 1
        assert not lock_path(out).exists(), "a killed load left a lock"
        if out.exists():
            assert out.stat().st_size > 0
            assert _line_count(out) == expected, "a partial workspace took the name"
            # The added lines are not in the audit trail (check says so); nothing else is wrong.
            assert [f for f in run_checks(out) if f.check != "unaudited"] == []
            complete += 1
            out.unlink()
        else:
            absent += 1
    # The next load clears the temporary files the killed ones left, and leaves nothing else.
    said, _ = zygote.load(source, out)
    assert said == ["wrote"]
    assert _strays(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == ["loaded.jmg"]
    print(
        f"\nload kill loop: {kills} kills in {rounds} rounds; {absent} left no file, {complete} the whole one"
    )


def test_racing_loads_onto_one_name_have_exactly_one_winner(
    tmp_path: Path, demo_path: Path, zygote: Zygote
) -> None:
    source = tmp_path / "demo.json"
    expected = _dump_file(demo_path, source, 0)
    folder = tmp_path / "target"
    folder.mkdir()
    out = folder / "raced.jmg"
    for round_number in range(RACES):
        said = sorted(zygote.race(source, out))
        assert said[1] == "wrote", (round_number, said)
        assert said[0] == "refused “raced.jmg” already exists; choose another name.", (round_number, said)
        assert _line_count(out) == expected
        assert run_checks(out) == []
        assert _strays(folder) == []
        out.unlink()
    print(f"\nload races: {RACES} rounds, one winner each")
