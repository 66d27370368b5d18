"""For comparison only: LibreOffice converting an equivalent document to PDF (issue 5 asks for the
ratio). Skipped when ``soffice`` is not installed.

The equivalent document is the same paper written as HTML (headings, numbered paragraphs, the
figures table) and converted with ``soffice --headless --convert-to pdf``, a fresh process each
time, which is how scripts use it. Run: ``pytest tests/benchmarks/test_paper_libreoffice.py -q -s``.
"""

from __future__ import annotations

import html
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from jmg_desktop.core.money import Money
from jmg_desktop.papers.model import (
    BulletList,
    FigureTable,
    Notice,
    NumberedList,
    PaperView,
    Paragraph,
    plain_text,
)
from jmg_desktop.papers.render import format_table_money, render_pdf
from jmg_desktop.papers.service import paper_view
from jmg_desktop.store.demo import build_demo

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _html(view: PaperView) -> str:
    """The paper as plain HTML with the same content and Arial 12pt."""
    out = ["<html><head><meta charset='utf-8'><style>body{font-family:Arial;font-size:12pt}"
           "td{border:1px solid #888}</style></head><body>"]  # fmt: skip
    out += [f"<p align='right'><b>{html.escape(label)}</b></p>" for label in view.annex_labels]
    out.append(f"<h2>{html.escape(view.title)}</h2><ol>")
    for section in view.sections:
        out.append(f"</ol><h3>{html.escape(section.heading)}</h3><ol>")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(f"<li>{html.escape(plain_text(block.runs))}</li>")
            elif isinstance(block, BulletList | NumberedList):
                out.append(
                    "<ul>" + "".join(f"<li>{html.escape(plain_text(i))}</li>" for i in block.items) + "</ul>"
                )
            elif isinstance(block, Notice):
                out.append(f"<p><i>{html.escape(block.text)}</i></p>")
            elif isinstance(block, FigureTable):
                rows = ["<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in block.headers) + "</tr>"]
                for row in block.rows:
                    cells = [
                        f"<td align='right'>{format_table_money(c)}</td>" if isinstance(c, Money) else f"<td>{html.escape(c)}</td>"
                        for c in row.cells
                    ]  # fmt: skip
                    rows.append("<tr>" + "".join(cells) + "</tr>")
                out.append("<table>" + "".join(rows) + "</table>")
    out.append("</ol><h3>RECOMMENDATIONS</h3><ol type='a'>")
    out += [f"<li>{html.escape(plain_text(item))}</li>" for item in view.recommendations]
    out.append("</ol></body></html>")
    return "".join(out)


def _soffice_seconds(source: Path, out_dir: Path, rounds: int = 3) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(
            [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{out_dir}/profile",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


@pytest.mark.parametrize("large", [False, True], ids=["3-page", "1000-line"])
def test_libreoffice_ratio(tmp_path: Path, large: bool) -> None:
    workspace = build_demo(tmp_path / "demo.jmg")
    try:
        view = paper_view(workspace, 1)
    finally:
        workspace.close()
    if large:
        from importlib.util import module_from_spec, spec_from_file_location

        spec = spec_from_file_location("paper_bench", Path(__file__).with_name("test_paper_render.py"))
        assert spec and spec.loader
        bench = module_from_spec(spec)
        spec.loader.exec_module(bench)
        view = bench._large_view(view)
    source = tmp_path / "paper.html"
    source.write_text(_html(view), encoding="utf-8")
    _soffice_seconds(source, tmp_path, rounds=1)  # first run creates the profile
    office = _soffice_seconds(source, tmp_path)
    render_pdf(view)
    start = time.perf_counter()
    for _ in range(3):
        render_pdf(view)
    ours = (time.perf_counter() - start) / 3
    print(f"\n{'1,000-line' if large else '3-page'} paper: LibreOffice {office:.2f} s per conversion "
          f"(fresh process), Typst in-process {ours * 1000:.0f} ms: ratio {office / ours:.0f}×")  # fmt: skip
