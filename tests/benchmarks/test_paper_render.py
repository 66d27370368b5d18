"""Benchmarks for the paper renderer (DESIGN.md budgets): a 3-page annex ≤ 150 ms in-process and a
40-page annex with a 1,000-line table ≤ 2 s.

Run explicitly: ``pytest tests/benchmarks/test_paper_render.py -q -s``. Printed figures are the best
and the median of several rounds; the first render of a process (font loading) is timed separately.
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from jmg_desktop.core.money import Money
from jmg_desktop.papers.model import FigureTable, PaperView, Paragraph, Run, Section, TableRow
from jmg_desktop.papers.render import render_pdf
from jmg_desktop.papers.service import paper_view
from jmg_desktop.store.demo import build_demo

SMALL_BUDGET = 0.150
LARGE_BUDGET = 2.0
_PROSE = (
    "The Joint Management Group reviewed the pool’s spending against the plan for the year and "
    "agreed the actions below, which the partners will report on at each meeting until the year end. "
)


def _time(function: Callable[[], bytes], rounds: int) -> tuple[float, float, bytes]:
    timings, result = [], b""
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return min(timings), statistics.median(timings), result


def _demo_view(tmp_path: Path) -> PaperView:
    workspace = build_demo(tmp_path / "demo.jmg")
    try:
        return paper_view(workspace, 1)
    finally:
        workspace.close()


def _large_view(demo: PaperView) -> PaperView:
    rows = tuple(
        TableRow((f"Service line {n:04d} – {'home support' if n % 3 else 'care homes'}", Money(n * 123_457)))
        for n in range(1, 1001)
    )
    total = sum((row.cells[1] for row in rows), Money.zero())  # type: ignore[misc]
    table = FigureTable(("Service budget", "2009/10 £m"), (*rows, TableRow(("Total", total), total=True)))
    prose = tuple(
        Section(f"Commentary {n}", tuple(Paragraph((Run(_PROSE * 4),)) for _ in range(6)))
        for n in range(1, 8)
    )
    return PaperView(**{**{f: getattr(demo, f) for f in demo.__dataclass_fields__}, "sections": (
        *demo.sections, Section("Every line of the pool", (table,)), *prose)})  # fmt: skip


def test_three_page_annex(tmp_path: Path) -> None:
    view = _demo_view(tmp_path)
    start = time.perf_counter()
    render_pdf(view)
    first = time.perf_counter() - start
    best, median, data = _time(lambda: render_pdf(view), 15)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"\n3-page annex ({pages} pages): first {first * 1000:.0f} ms, best {best * 1000:.0f} ms, "
          f"median {median * 1000:.0f} ms (budget {SMALL_BUDGET * 1000:.0f} ms)")  # fmt: skip
    assert pages == 3


def test_forty_page_annex_with_a_thousand_line_table(tmp_path: Path) -> None:
    view = _large_view(_demo_view(tmp_path))
    best, median, data = _time(lambda: render_pdf(view), 5)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"\n{pages}-page annex, 1,000-line table: best {best:.2f} s, median {median:.2f} s "
          f"(budget {LARGE_BUDGET:.1f} s)")  # fmt: skip
    assert 38 <= pages <= 45


def test_whole_process_export_of_the_demo_paper(tmp_path: Path) -> None:
    demo = tmp_path / "demo.jmg"
    build_demo(demo).close()
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "jmg_desktop", "export-paper", str(demo), "--paper", "1", "-o", str(tmp_path / "a.pdf")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    print(f"\nexport-paper as a fresh process (imports, open, build, render, write): {elapsed:.2f} s")
