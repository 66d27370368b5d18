"""Whole-process start-up: from launching ``python -m jmg_desktop FILE`` to the window on screen.

Not part of the default run: ``pytest tests/benchmarks/test_startup.py -s``. Each case launches
the real application headless (offscreen) with ``JMG_DESKTOP_STARTUP_PROBE=1``, which makes it
print three moments, then quit:

* ``shown`` — the main window has been shown;
* ``loaded`` — the first real paint of the lines table's viewport with the pool's rows in it (an
  event filter sees the paint, whatever caused it: nothing is forced), i.e. lines on screen;
* ``ready`` — every feature is installed (menus present; heavy pages wait for their first show).

Times are measured here, from just before the process is launched, and compared with floors
measured the same way in the same run:

* a bare PySide6 window: a process that imports QtWidgets, shows an empty QMainWindow and prints;
* SQLAlchemy Core load: a process that imports SQLAlchemy, opens the file and reads the ids of the
  pool's lines in display order (what any table of the pool needs before it can show a row).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

_BARE_WINDOW = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "import sys\n"
    "app = QApplication(sys.argv[:1])\n"
    "window = QMainWindow()\n"
    "window.resize(1200, 800)\n"
    "window.show()\n"
    "app.processEvents()\n"
    "import time\n"
    "print('shown', f'cpu={time.process_time():.4f}', file=sys.stderr, flush=True)\n"
)

_CORE_LOAD = (
    "import sys\n"
    "from sqlalchemy import create_engine, text\n"
    "engine = create_engine('sqlite:///' + sys.argv[1])\n"
    "with engine.connect() as connection:\n"
    "    ids = connection.execute(text('SELECT id FROM pool_line WHERE pool_id = 1 AND financial_year = 2009'\n"
    "                                  ' ORDER BY position, id')).scalars().all()\n"
    "import time\n"
    "print('loaded', f'cpu={time.process_time():.4f}', f'rows={len(ids)}', file=sys.stderr, flush=True)\n"
)


def _launch(args: list[str], tmp: Path) -> dict[str, float]:
    """Run a process; the time (from launch) at which each of its stderr probe words appeared,
    and the process's CPU time at that moment (``shown cpu`` and so on)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "JMG_DESKTOP_STARTUP_PROBE": "1",
        "JMG_DESKTOP_CONFIG_DIR": str(tmp / "config"),
        "JMG_DESKTOP_DATA_DIR": str(tmp / "data"),
    }
    start = time.perf_counter()
    process = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    moments: dict[str, float] = {}
    assert process.stderr is not None
    for line in process.stderr:
        word, _, rest = line.strip().partition(" ")
        if word in {"shown", "loaded", "ready"}:
            moments[word] = time.perf_counter() - start
            # CPU time of the whole process (every thread) up to that moment, as it printed it.
            cpu = [part for part in rest.split() if part.startswith("cpu=")]
            if cpu:
                moments[f"{word} cpu"] = float(cpu[0].removeprefix("cpu="))
            if word == "loaded":
                moments["rows"] = (
                    float(rest.split("rows=")[-1]) if "rows=" in rest else float(rest.split()[0])
                )
    assert process.wait(timeout=300) == 0
    return moments


def _app(path: Path) -> list[str]:
    return [sys.executable, "-m", "jmg_desktop", str(path)]


@pytest.fixture(scope="module")
def bare_runs(bench, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    """Runs of a bare PySide6 window shown."""
    tmp = tmp_path_factory.mktemp("bare")
    return [_launch([sys.executable, "-c", _BARE_WINDOW], tmp) for _ in range(bench.runs)]


@pytest.fixture(scope="module")
def bare_window(bench, bare_runs: list[dict[str, float]]) -> float:  # type: ignore[no-untyped-def]
    """Median seconds until a bare PySide6 window is shown."""
    return bench.median([run["shown"] for run in bare_runs])


def _cpu(bench, runs: list[dict[str, float]], moment: str) -> float:  # type: ignore[no-untyped-def]
    """Median CPU seconds of the process up to ``moment``."""
    return bench.median([run[f"{moment} cpu"] for run in runs])


def test_startup_demo(bench, bare_window: float, bare_runs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from jmg_desktop.store.demo import build_demo

    path = tmp_path / "demo.jmg"
    build_demo(path).close()
    runs = [_launch(_app(path), tmp_path) for _ in range(bench.runs)]
    assert all(run["rows"] == 16 for run in runs)
    shown = bench.median([run["shown"] for run in runs])
    loaded = bench.median([run["loaded"] for run in runs])
    ready = bench.median([run["ready"] for run in runs])
    floor = dict(floor_name="bare PySide6 window shown", floor=bare_window)
    bench.record("demo: window shown", shown, goal="≤ 1.5×", met=shown <= 1.5 * bare_window, **floor)
    bench.record("demo: lines on screen", loaded, goal="≤ 2.5×", met=loaded <= 2.5 * bare_window, **floor)
    bench.record(f"demo: every feature installed (lines {loaded:.3f} s)", ready, goal="–", **floor)
    # CPU beside wall: on a shared machine the wall times stretch with the other load.
    cpu_floor = dict(floor_name="bare PySide6 window shown, CPU", floor=_cpu(bench, bare_runs, "shown"))
    bench.record("demo: window shown, CPU", _cpu(bench, runs, "shown"), goal="(≤ 1.5× wall)", **cpu_floor)
    bench.record("demo: lines on screen, CPU", _cpu(bench, runs, "loaded"), goal="(≤ 2.5× wall)", **cpu_floor)


@pytest.mark.parametrize("lines", [100_000, 1_000_000], ids=["100k", "1M"])
def test_startup_big_pool(bench, tmp_path: Path, lines: int) -> None:  # type: ignore[no-untyped-def]
    source = bench.big_workspace(lines)
    path = bench.private_copy(source, tmp_path)  # opened for writing: its lock and backup stay here
    core_runs = [
        _launch([sys.executable, "-c", _CORE_LOAD, str(source)], tmp_path) for _ in range(bench.runs)
    ]
    core = bench.median([run["loaded"] for run in core_runs])
    runs = [_launch(_app(path), tmp_path) for _ in range(bench.runs)]
    assert all(run["rows"] == lines for run in runs)
    loaded = bench.median([run["loaded"] for run in runs])
    shown = bench.median([run["shown"] for run in runs])
    label = "100k" if lines == 100_000 else "1M"
    if lines == 100_000:
        goal, met = "≤ 1.2×", loaded <= 1.2 * core
    else:
        goal, met = "≤ 1.5 s", loaded <= 1.5
    bench.record(
        f"{label} lines: lines on screen (window shown {shown:.3f} s)",
        loaded,
        floor_name="SQLAlchemy Core load of the ids",
        floor=core,
        goal=goal,
        met=met,
    )
    bench.record(
        f"{label} lines: lines on screen, CPU (every thread)",
        _cpu(bench, runs, "loaded"),
        floor_name="SQLAlchemy Core load of the ids, CPU",
        floor=_cpu(bench, core_runs, "loaded"),
        goal=f"({goal} wall)",
    )
