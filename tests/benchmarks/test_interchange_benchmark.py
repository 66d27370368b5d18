"""Excel in and out at scale: a 100,000-row workbook imported and exported, peak memory, and a
1 MB zip bomb refused. Run with ``pytest tests/benchmarks/test_interchange_benchmark.py -s``.

Issue 14 budgets: import ≤ 3 s, export ≤ 3 s, memory < 400 MiB, zip bomb refused < 0.5 s. Each
figure is printed beside a floor measured in the same run (no timed assertions).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.parsers import expat

import pytest

from jmg_desktop.store.demo import build_demo
from jmg_desktop.store.workspace import Workspace
from tests.interchange.handmade import zip_bomb

LINES = 100_000


def _report(what: str, seconds: float, floor_name: str, floor: float) -> None:
    print(f"\n{what}: {seconds:.3f} s; floor ({floor_name}) {floor:.3f} s; ratio {seconds / floor:.2f}×")


def _big(path: Path) -> None:
    """The demo with 100,000 lines in Older People 2009/10."""
    build_demo(path).close()
    rows = [
        (1, 2009, f"Generated service {n:06d}", 1 + n % 9, 1 + n % 2, 1 + n % 3, n * 101 + 7, "note", 16 + n)
        for n in range(1, LINES - 16 + 1)
    ]
    with Workspace.open(path, backup=False) as workspace, workspace.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id,"
            " status_id, amount_pence, note, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


_CHILD = r"""
import json, resource, sys, time
from jmg_desktop.cli import main
start, cpu = time.perf_counter(), time.process_time()
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(args: list[str]) -> dict[str, float]:
    """A sub-command in a fresh process: its time (in-process) and peak memory."""
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, float]]:
    folder = tmp_path_factory.mktemp("xlsx-bench")
    _big(folder / "big.jmg")
    out = folder / "big.xlsx"
    result = _run(
        [
            "export-xlsx",
            str(folder / "big.jmg"),
            "-o",
            str(out),
            "--pool",
            "Older People",
            "--year",
            "2009/10",
        ]
    )
    assert result["code"] == 0
    return folder, out, result


def test_export_100k(exported: tuple[Path, Path, dict[str, float]]) -> None:
    folder, _out, result = exported
    rows = [
        (f"Generated service {n:06d}", "Care homes", "Council", "In pool", f"{n}.07", "note")
        for n in range(LINES)
    ]
    start = time.perf_counter()
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    with zipfile.ZipFile(folder / "floor.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
        archive.writestr("lines.csv", buffer.getvalue())
    floor = time.perf_counter() - start
    _report(
        "export-xlsx of 100,000 lines (budget 3 s)", result["seconds"], "the same rows as zipped CSV", floor
    )
    print(
        f"export CPU time {result['cpu']:.3f} s; peak memory {result['rss_mib']:.0f} MiB (budget 400 MiB); "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def test_import_100k(exported: tuple[Path, Path, dict[str, float]]) -> None:
    folder, out, _ = exported
    target = folder / "target.jmg"
    build_demo(target).close()
    start = time.perf_counter()
    with zipfile.ZipFile(out) as archive, archive.open("xl/worksheets/sheet1.xml") as stream:
        parser = expat.ParserCreate()
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    floor = time.perf_counter() - start
    result = _run(
        [
            "import-lines",
            str(target),
            str(out),
            "--pool",
            "Older People",
            "--year",
            "2009/10",
            "--map",
            "Financial year=ignore",
        ]
    )
    assert result["code"] == 0
    _report(
        "import-lines of 100,000 rows (budget 3 s)", result["seconds"], "bare expat parse of the sheet", floor
    )
    print(
        f"import CPU time {result['cpu']:.3f} s; peak memory {result['rss_mib']:.0f} MiB (budget 400 MiB); "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def test_zip_bomb_1mb(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", 1024 * 1024 * 1024)
    size = path.stat().st_size
    from jmg_desktop.interchange.errors import InterchangeError
    from jmg_desktop.interchange.sources import open_source

    start = time.perf_counter()
    with zipfile.ZipFile(path) as archive:
        archive.infolist()
    floor = time.perf_counter() - start
    start = time.perf_counter()
    with pytest.raises(InterchangeError):
        open_source(path)
    seconds = time.perf_counter() - start
    _report(
        f"{size / 1024 / 1024:.2f} MB zip bomb (1 GiB inflated) refused (budget 0.5 s)",
        seconds,
        "reading its zip directory",
        floor,
    )
