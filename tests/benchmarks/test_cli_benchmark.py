"""Sub-commands as a user runs them, each a fresh whole process: start-up cost and 1M-line ``dump``.

``pytest tests/benchmarks/test_cli_benchmark.py -s``. Floors, measured in the same run:
``python -c pass`` (the interpreter's own start) for the quick commands; for ``dump``, a bare
``sqlite3`` read of every pool line of the same file in a child process (what no dump can avoid).
Wall time is what a user waits for; CPU time (user + system, the child only) is printed beside
it because the machine is shared and other jobs stretch wall times.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from jmg_desktop.store.demo import build_demo

_RAW_READ = (
    "import sqlite3, sys\n"
    "connection = sqlite3.connect(sys.argv[1])\n"
    "cursor = connection.execute('SELECT * FROM pool_line ORDER BY id')\n"
    "while cursor.fetchmany(2000):\n"
    "    pass\n"
)


def _medians(bench, args: list[str], runs: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Median wall seconds, CPU seconds and peak MiB of ``runs`` runs, each checked to succeed."""
    results = [bench.run_process(args) for _ in range(runs)]
    for result in results:
        assert result.returncode in (0, 1), result.stderr.decode()
    return (
        bench.median([r.seconds for r in results]),
        bench.median([r.cpu_seconds for r in results]),
        bench.median([r.peak_mib for r in results]),
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-bench") / "demo.jmg"
    build_demo(path).close()
    return path


@pytest.fixture(scope="module")
def interpreter_floor(bench) -> float:  # type: ignore[no-untyped-def]
    """``python -c pass``: the start of a bare interpreter."""
    return _medians(bench, [sys.executable, "-c", "pass"], bench.runs)[0]


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help(bench, interpreter_floor: float, flag: str) -> None:  # type: ignore[no-untyped-def]
    seconds, _, _ = _medians(bench, bench.cli(flag), bench.runs)
    bench.record(
        f"jmg-desktop {flag}",
        seconds,
        floor_name="python -c pass",
        floor=interpreter_floor,
        goal="≤ 3×",
        met=seconds <= 3 * interpreter_floor,
    )


@pytest.mark.parametrize("command", ["check", "papers", "export-paper"])
def test_quick_commands_on_the_demo(  # type: ignore[no-untyped-def]
    bench, interpreter_floor: float, demo: Path, tmp_path: Path, command: str
) -> None:
    args = [command, str(demo)]
    if command == "export-paper":
        args += ["--paper", "1", "-o", str(tmp_path / "paper.pdf"), "--accept-differences"]
    seconds, cpu, _ = _medians(bench, bench.cli(*args), bench.runs)
    bench.record(
        f"{command} on the demo (CPU {cpu:.3f} s)",
        seconds,
        floor_name="python -c pass",
        floor=interpreter_floor,
        goal="≤ 0.25 s",
        met=seconds <= 0.25,
    )


def test_dump_a_million_lines(bench, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = bench.big_workspace(1_000_000)
    floor, floor_cpu, _ = _medians(bench, [sys.executable, "-c", _RAW_READ, str(source)], bench.runs)
    out = tmp_path / "dump.json"
    seconds, cpu, peak = _medians(bench, bench.cli("dump", str(source), "-o", str(out)), bench.runs)
    with out.open("rb") as written:  # its end only: reading 535 MB here would be counted in the
        written.seek(-10, 2)  # next child's peak memory (a child starts with this process's pages)
        assert written.read() == b"\n  ]\n }\n}\n"
    bench.record(
        f"dump 1M lines -o FILE (CPU {cpu:.2f} s; floor CPU {floor_cpu:.2f} s)",
        seconds,
        floor_name="bare sqlite3 read of the lines",
        floor=floor,
        goal="≤ 8 s",
        met=seconds <= 8,
    )
    bench.record("dump 1M lines, peak memory", peak, goal="≤ 250 MiB", met=peak <= 250, unit="MiB")


def test_project_csv_a_million_lines_over_ten_years(bench, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = bench.big_workspace(1_000_000)
    floor, _, _ = _medians(bench, [sys.executable, "-c", _RAW_READ, str(source)], bench.runs)
    out = tmp_path / "projection.csv"
    args = ["project", str(source), "--pool", "Older People", "--from", "2009/10", "--years", "10"]
    seconds, cpu, peak = _medians(
        bench, bench.cli(*args, "--scenario", "High inflation", "-o", str(out)), bench.runs
    )
    with out.open(encoding="utf-8") as text:
        rows = sum(1 for _ in text) - 1
    assert rows >= 11 * 600_000  # every counted line, in each of the 11 years
    bench.record(
        f"project CSV 1M lines × 10 years, {rows:,} rows (CPU {cpu:.2f} s)",
        seconds,
        floor_name="bare sqlite3 read of the lines",
        floor=floor,
        goal="≤ 15 s",
        met=seconds <= 15,
    )
    bench.record(
        "project CSV 1M lines × 10 years, peak memory", peak, goal="≤ 300 MiB", met=peak <= 300, unit="MiB"
    )
