"""Shared benchmark machinery: cached big workspaces, timed child processes, and the summary table.

``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/benchmarks -s`` runs every benchmark
and ends with one table: each figure beside the floor measured in the same run, the ratio and the
goal (``JMG_BENCH_RUNS`` sets the runs per figure, 5 by default; medians are reported).

Bytecode: before timing whole processes the package is byte-compiled (``compileall``), so start-up
figures are those of an installed copy, whose ``.pyc`` files pip writes, and not of a tree run with
``PYTHONDONTWRITEBYTECODE=1`` that recompiles every module on every start. The table's heading says
which was measured.

Big workspaces (100,000 and 1,000,000 lines in the demo's Older People pool for 2009/10) are built
once and kept under ``$TMPDIR/jmg-bench-cache`` (named by line count and schema version); delete the
folder to rebuild them.
"""

from __future__ import annotations

import compileall
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

import jmg_desktop

RUNS = int(os.environ.get("JMG_BENCH_RUNS", "5"))
_FIXTURE_GENERATION = 1  # bump when the generated rows change


@dataclass(frozen=True)
class Row:
    """One line of the summary table."""

    figure: str
    value: float
    floor_name: str
    floor: float | None
    goal: str
    unit: str = "s"
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        """The figure over its floor."""
        return None if not self.floor else self.value / self.floor


_ROWS: list[Row] = []


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.2f} ms"
    return f"{value:.0f} {unit}"


def record(
    figure: str,
    value: float,
    *,
    floor_name: str = "",
    floor: float | None = None,
    goal: str = "",
    met: bool | None = None,
    unit: str = "s",
) -> Row:
    """Print one benchmark result with its floor and ratio, and keep it for the summary table."""
    row = Row(figure, value, floor_name, floor, goal, unit, met)
    _ROWS.append(row)
    ratio = f" = {row.ratio:.2f}×" if row.ratio is not None else ""
    floor_text = f" against {floor_name} {_format(floor, unit)}{ratio}" if floor_name else ""
    verdict = "" if met is None else (" — goal met" if met else " — GOAL NOT MET")
    print(f"\n{figure}: {_format(value, unit)}{floor_text} (goal {goal}){verdict}")
    return row


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """The table of every figure recorded in this run."""
    if not _ROWS:
        return
    write = terminalreporter.write_line
    write("")
    write(
        f"Benchmarks: medians of {RUNS} runs; package byte-compiled before timing processes "
        f"(PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')} in the environment); "
        "load average at the end: " + " ".join(f"{load:.2f}" for load in os.getloadavg())
    )
    header = ("figure", "value", "floor", "floor value", "ratio", "goal", "met")
    table = [
        (
            row.figure,
            _format(row.value, row.unit),
            row.floor_name or "–",
            _format(row.floor, row.unit),
            "–" if row.ratio is None else f"{row.ratio:.2f}×",
            row.goal,
            "–" if row.met is None else ("yes" if row.met else "NO"),
        )
        for row in _ROWS
    ]
    widths = [max(len(str(line[i])) for line in [header, *table]) for i in range(len(header))]
    for line in [header, tuple("-" * width for width in widths), *table]:
        write("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))


def median(values: Sequence[float]) -> float:
    """The median (a name for the reader: every figure in these benchmarks is one)."""
    return statistics.median(values)


def timed_ms(action: Callable[[int], object], runs: int) -> list[float]:
    """Each of ``runs`` calls of ``action(n)``, in milliseconds."""
    times = []
    for n in range(runs):
        start = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - start) * 1000)
    return times


@dataclass(frozen=True)
class ProcessRun:
    """A child process's wall time, peak resident memory, exit code and standard error."""

    seconds: float
    cpu_seconds: float
    peak_mib: float
    returncode: int
    stderr: bytes


def run_process(
    args: Sequence[str], *, env: dict[str, str] | None = None, stdout_to: Path | None = None
) -> ProcessRun:
    """Run ``args`` to completion: wall time, CPU time and peak RSS (Linux ``wait4``).

    The peak counts the pages the child had from this process before it exec'd (Linux keeps the
    high-water mark across exec), so it is never below this process's resident size: keep big
    data out of the benchmark process itself.
    """
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    with open(stdout_to or os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(args), stdout=out, stderr=err, env=full_env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return ProcessRun(
            seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, err.read()
        )


def cli(*args: str) -> list[str]:
    """The ``jmg-desktop`` command as a child process runs it."""
    return [sys.executable, "-m", "jmg_desktop", *args]


@pytest.fixture(scope="session", autouse=True)
def _byte_compiled() -> None:
    """Compile the package once, as an installed copy is, so no process pays for compiling."""
    compileall.compile_dir(Path(jmg_desktop.__file__).parent, quiet=1)


def _cache_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "jmg-bench-cache"
    folder.mkdir(exist_ok=True)
    return folder


def big_workspace(lines: int) -> Path:
    """A demo workspace whose Older People 2009/10 pool holds ``lines`` lines, built once and cached.

    Rows are inserted by bare SQL (no audit events: a dump or projection benchmark measures the
    lines, not an audit trail of how they were typed). Return a path to the cached file; copy it
    before changing it.
    """
    from jmg_desktop.store import migrate
    from jmg_desktop.store.demo import build_demo

    path = _cache_dir() / f"lines-{lines}-schema{migrate.schema_version()}-g{_FIXTURE_GENERATION}.jmg"
    if path.exists():
        return path
    partial = path.with_suffix(".part")
    partial.unlink(missing_ok=True)
    build_demo(partial).close()
    connection = sqlite3.connect(partial)
    with connection:
        connection.executemany(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id, status_id,"
            " amount_pence, note, position) VALUES (1, 2009, ?, ?, ?, ?, ?, '', ?)",
            (
                (f"Generated service {n:07d}", 1 + n % 9, 1 + n % 2, 1 + n % 3, n * 100, 16 + n)
                for n in range(1, lines - 16 + 1)
            ),
        )
    connection.close()
    partial.rename(path)
    return path


def private_copy(source: Path, folder: Path) -> Path:
    """A copy of a cached workspace that a benchmark may open for writing."""
    target = folder / source.name.replace(".jmg", "-copy.jmg")
    shutil.copyfile(source, target)
    return target


class Bench:
    """The helpers above, handed to benchmark modules as the ``bench`` fixture."""

    runs = RUNS
    record = staticmethod(record)
    median = staticmethod(median)
    timed_ms = staticmethod(timed_ms)
    run_process = staticmethod(run_process)
    cli = staticmethod(cli)
    big_workspace = staticmethod(big_workspace)
    private_copy = staticmethod(private_copy)


@pytest.fixture(scope="session")
def bench() -> Bench:
    """Benchmark helpers: :func:`record`, :func:`run_process`, :func:`big_workspace` and the rest."""
    return Bench()
