"""What workspace safety costs: the checks before each write, opening (quick_check, lock, the
background backup), a backup, and ``run_checks``, on the demo and on a 100,000-line workspace.
Run with ``pytest tests/benchmarks/test_workspace_safety_benchmark.py -s``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from jmg_desktop.store import backups
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.demo import build_demo
from jmg_desktop.store.models import WorkspaceSetting
from jmg_desktop.store.workspace import Workspace

LINES = 100_000


def _median_ms(action: Callable[[int], object], runs: int) -> float:
    times = []
    for n in range(runs):
        start = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _grow(path: Path, lines: int) -> None:
    with Workspace.open(path, backup=False) as workspace, workspace.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id, status_id,"
            " amount_pence, note, position) VALUES (1, 2009, ?, 1, 1, 1, ?, '', ?)",
            [(f"Generated service {n:06d}", n * 100, 1000 + n) for n in range(lines)],
        )


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "userdata"
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(folder))
    return folder


@pytest.mark.parametrize("lines", [0, LINES])
def test_safety_costs(tmp_path: Path, lines: int) -> None:
    path = tmp_path / "bench.jmg"
    build_demo(path).close()
    if lines:
        _grow(path, lines)
    size_mb = path.stat().st_size / 1e6

    with Workspace.open(path) as workspace:
        workspace.wait_for_backup()
        checks = _median_ms(lambda _n: workspace._ensure_writable_still(), 500)

        def edit(n: int) -> None:
            with workspace.writing() as session:
                session.merge(WorkspaceSetting(key="bench", value=str(n)))

        write = _median_ms(edit, 40)
    timings = [_open_after_change(path, n) for n in range(5)]
    open_changed = statistics.median(t[0] for t in timings)
    open_close_changed = statistics.median(t[1] for t in timings)
    open_unchanged = _median_ms(lambda _n: Workspace.open(path).close(), 5)
    backup = _median_ms(lambda _n: backups.take_backup(path, reason="manual"), 3)
    check = _median_ms(lambda _n: run_checks(path), 3)
    print(
        f"\n{lines:,} extra lines ({size_mb:.1f} MB): checks before a write {checks:.3f} ms; "
        f"one small edit committed {write:.1f} ms; open of a changed file {open_changed:.0f} ms "
        f"(+ background backup: open to closed {open_close_changed:.0f} ms), open unchanged {open_unchanged:.0f} ms; backup {backup:.0f} ms; "
        f"run_checks {check:.0f} ms"
    )


def _open_after_change(path: Path, n: int) -> tuple[float, float]:
    """Change the workspace (untimed), then time opening it, with its backup, and closing it."""
    with Workspace.open(path, backup=False) as workspace, workspace.writing() as session:
        session.merge(WorkspaceSetting(key="bench-open", value=str(n)))
    start = time.perf_counter()
    workspace = Workspace.open(path)
    opened = time.perf_counter()
    workspace.close()
    return (opened - start) * 1000, (time.perf_counter() - start) * 1000
