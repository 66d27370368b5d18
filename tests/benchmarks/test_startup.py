"""Whole-process start-up: from launching ``python -m jmg_desktop FILE`` to the window on screen.

Not part of the default run: ``pytest tests/benchmarks/test_startup.py -s``. Each case launches
the real application headless (offscreen) with ``JMG_DESKTOP_STARTUP_PROBE=1``, which makes it
print three moments, then quit:

* ``shown`` — the main window has been shown;
* ``loaded`` — the first real paint of the lines table's viewport with the pool's rows in it (an
  event filter sees the paint, whatever caused it: nothing is forced), i.e. lines on screen;
* ``ready`` — every feature is installed (menus present; heavy pages wait for their first show).

Times are measured here, from just before the process is launched.

DESIGN.md budgets (2-core machine): shown ≤ 0.8 s on the demo, ≤ 1.5 s on a 100,000-line pool.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

RUNS = 5


def _launch(args: list[str], tmp: Path) -> tuple[float, float, str, float]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "JMG_DESKTOP_STARTUP_PROBE": "1",
        "JMG_DESKTOP_CONFIG_DIR": str(tmp / "config"),
        "JMG_DESKTOP_DATA_DIR": str(tmp / "data"),
    }
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "jmg_desktop", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    shown = loaded = ready = float("nan")
    detail = ""
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("shown "):
            shown = time.perf_counter() - start
        elif line.startswith("loaded "):
            loaded = time.perf_counter() - start
            detail = line.split(" ", 2)[-1].strip()
        elif line.startswith("ready "):
            ready = time.perf_counter() - start
    process.wait(timeout=120)
    return shown, loaded, detail, ready


def _generate(path: Path, lines: int) -> None:
    from jmg_desktop.store.demo import build_demo
    from jmg_desktop.store.workspace import Workspace

    build_demo(path).close()
    with Workspace.open(path) as workspace, workspace.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id, status_id,"
            " amount_pence, note, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (1, 2009, f"Generated service {n:06d}", 1 + n % 9, 1 + n % 2, 1 + n % 3, n * 100, "", 16 + n)
                for n in range(1, lines - 16 + 1)
            ],
        )


def _report(name: str, runs: list[tuple[float, float, str, float]], budget: float) -> None:
    shown = statistics.median(r[0] for r in runs)
    loaded = statistics.median(r[1] for r in runs)
    ready = statistics.median(r[3] for r in runs)
    print(
        f"\n{name}: window shown median {shown:.3f} s (budget {budget} s; runs "
        f"{', '.join(f'{r[0]:.3f}' for r in runs)}); lines on screen median {loaded:.3f} s "
        f"({runs[0][2]}); all features ready median {ready:.3f} s"
    )


@pytest.mark.parametrize("kind", ["demo file", "--demo"])
def test_startup_demo(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "demo.jmg"
    from jmg_desktop.store.demo import build_demo

    build_demo(path).close()
    args = [str(path)] if kind == "demo file" else ["--demo"]
    runs = [_launch(args, tmp_path) for _ in range(RUNS)]
    _report(f"start-up, {kind}", runs, 0.8)
    assert all(r[2] == "rows=16" for r in runs)


def test_startup_100k_lines(tmp_path: Path) -> None:
    path = tmp_path / "big.jmg"
    _generate(path, 100_000)
    runs = [_launch([str(path)], tmp_path) for _ in range(RUNS)]
    _report("start-up, 100,000-line pool", runs, 1.5)
    assert all(r[2] == "rows=100000" for r in runs)
