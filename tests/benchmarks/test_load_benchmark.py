"""``jmg-desktop load`` of a 1M-line dump, as a user runs it: wall time, CPU and peak memory.

``pytest tests/benchmarks/test_load_benchmark.py -s``. The dump is the cached 1M-line workspace's
own (``jmg-desktop dump``). Floor, measured in the same run in a child process: the same rows parsed
with ``json.load`` and inserted by a bare ``sqlite3`` ``executemany`` into an empty table with no
checks, no indexes and no durability (what no load can avoid). Goal (DESIGN.md): ≤ 10 s and
≤ 300 MiB.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_RAW_LOAD = (
    "import json, sqlite3, sys\n"
    "rows = json.load(open(sys.argv[1], encoding='utf-8'))['tables']['pool_line']\n"
    "connection = sqlite3.connect(sys.argv[2])\n"
    "connection.execute('PRAGMA journal_mode = OFF')\n"
    "connection.execute('PRAGMA synchronous = OFF')\n"
    "names = list(rows[0])\n"
    "connection.execute(f'CREATE TABLE pool_line ({\", \".join(names)})')\n"
    'connection.executemany(f\'INSERT INTO pool_line VALUES ({", ".join("?" * len(names))})\','
    " (tuple(row.values()) for row in rows))\n"
    "connection.commit()\n"
)


@pytest.fixture(scope="module")
def million_dump(bench, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    workspace = bench.big_workspace(1_000_000)
    target = tmp_path_factory.mktemp("load-bench") / "million.json"
    result = bench.run_process(bench.cli("dump", str(workspace), "-o", str(target)))
    assert result.returncode == 0, result.stderr.decode()
    return target


def test_load_a_million_lines(bench, million_dump: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runs = max(1, min(bench.runs, 3))
    loads, floors = [], []
    for run in range(runs):
        out = tmp_path / f"loaded-{run}.jmg"
        result = bench.run_process(bench.cli("load", str(million_dump), "-o", str(out)))
        assert result.returncode == 0, result.stderr.decode()
        loads.append(result)
        floor = bench.run_process(
            [sys.executable, "-c", _RAW_LOAD, str(million_dump), str(tmp_path / f"raw-{run}.db")]
        )
        assert floor.returncode == 0, floor.stderr.decode()
        floors.append(floor)
        out.unlink()
    seconds = bench.median([r.seconds for r in loads])
    cpu = bench.median([r.cpu_seconds for r in loads])
    peak = bench.median([r.peak_mib for r in loads])
    bench.record(
        f"load of 1M lines (CPU {cpu:.2f} s)",
        seconds,
        floor_name="json.load + bare executemany",
        floor=bench.median([r.seconds for r in floors]),
        goal="≤ 10 s",
        met=seconds <= 10,
    )
    bench.record(
        "load of 1M lines, peak memory",
        peak,
        floor_name="json.load + bare executemany",
        floor=bench.median([r.peak_mib for r in floors]),
        goal="≤ 300 MiB",
        met=peak <= 300,
        unit="MiB",
    )
