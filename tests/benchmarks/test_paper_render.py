"""Paper export benchmarks (issue 10), each figure a fresh whole process, side by side in one run:

- ``export-paper`` on the demo against LibreOffice converting an equivalent .docx to PDF
  (``soffice --headless --convert-to pdf``): goal at least 10× faster, and at most 0.25 s;
- ``export-paper`` of a 40-page paper with a 1,000-line table: goal at most 0.6 s, beside the
  demo's export as its floor.

The .docx is the same paper (headings, numbered paragraphs, the figures table) written as HTML and
turned into .docx by LibreOffice once, untimed. LibreOffice's figures are skipped, with the reason,
where ``soffice`` is not installed. Run: ``pytest tests/benchmarks/test_paper_render.py -s``.
"""

from __future__ import annotations

import html
import json
import shutil
import sqlite3
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
from jmg_desktop.papers.render import format_table_money
from jmg_desktop.papers.service import paper_view
from jmg_desktop.store.demo import build_demo
from jmg_desktop.store.workspace import Workspace

SOFFICE = shutil.which("soffice")
_PROSE = (
    "The Joint Management Group reviewed the pool’s spending against the plan for the year and "
    "agreed the actions below, which the partners will report on at each meeting until the year end. "
)


def _html(view: PaperView) -> str:
    """The paper as plain HTML with the same content and Arial 12pt."""
    out = ["<html><head><meta charset='utf-8'><style>body{font-family:Arial;font-size:12pt}"
           "td{border:1px solid #888}</style></head><body>"]  # fmt: skip
    out += [f"<p align='right'><b>{html.escape(label)}</b></p>" for label in view.annex_labels]
    out.append(f"<h1>{html.escape(view.title)}</h1><ol>")
    for section in view.sections:
        out.append(f"</ol><h2>{html.escape(section.heading)}</h2><ol>")
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
    out.append("</ol><h2>RECOMMENDATIONS</h2><ol type='a'>")
    out += [f"<li>{html.escape(plain_text(item))}</li>" for item in view.recommendations]
    out.append("</ol></body></html>")
    return "".join(out)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paper") / "demo.jmg"
    build_demo(path).close()
    return path


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with 1,000 more proposed service budgets and seven sections of commentary: about
    40 pages, most of them the proposed-lines table."""
    path = tmp_path_factory.mktemp("paper") / "large.jmg"
    build_demo(path).close()
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id, status_id,"
            " amount_pence, note, position) VALUES (1, 2009, ?, 1, 1, 2, ?, '', ?)",
            ((f"Service line {n:04d} – {'home support' if n % 3 else 'care homes'}", n * 123_457, 100 + n)
             for n in range(1, 1001)),
        )  # fmt: skip
        content = json.loads(connection.execute("SELECT content FROM paper WHERE id = 1").fetchone()[0])
        for n in range(1, 8):
            content["sections"].append({"heading": f"Commentary {n}", "body": "\n\n".join([_PROSE * 4] * 6)})
        connection.execute("UPDATE paper SET content = ? WHERE id = 1", (json.dumps(content),))
    connection.close()
    return path


def _export_seconds(bench, path: Path, out: Path) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall and CPU seconds of ``export-paper`` as a fresh process."""
    args = bench.cli("export-paper", str(path), "--paper", "1", "-o", str(out), "--accept-differences")
    runs = [bench.run_process(args) for _ in range(bench.runs)]
    assert all(run.returncode == 0 for run in runs), runs[0].stderr
    return bench.median([run.seconds for run in runs]), bench.median([run.cpu_seconds for run in runs])


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_export_paper_against_libreoffice_on_an_equivalent_docx(bench, demo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Workspace.open(demo, read_only=True) as workspace:
        view = paper_view(workspace, 1)
    source = tmp_path / "paper.html"
    source.write_text(_html(view), encoding="utf-8")
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    soffice = [str(SOFFICE), "--headless", "--norestore", profile]
    made = bench.run_process(
        [*soffice, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path), str(source)]
    )
    docx = tmp_path / "paper.docx"
    assert made.returncode == 0 and docx.exists(), made.stderr
    convert = [*soffice, "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(docx)]
    office_runs = [bench.run_process(convert) for _ in range(bench.runs)]
    office = bench.median([run.seconds for run in office_runs])
    office_cpu = bench.median([run.cpu_seconds for run in office_runs])
    ours, cpu = _export_seconds(bench, demo, tmp_path / "ours.pdf")
    bench.record(
        f"export-paper on the demo (CPU {cpu:.3f} s), against LibreOffice .docx → PDF (CPU {office_cpu:.2f} s)",
        ours,
        floor_name="soffice --convert-to pdf",
        floor=office,
        goal="≤ 0.1× (10× faster) and ≤ 0.25 s",
        met=ours * 10 <= office and ours <= 0.25,
    )


def test_export_paper_of_forty_pages_with_a_thousand_line_table(
    bench, demo: Path, large: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    floor, _ = _export_seconds(bench, demo, tmp_path / "demo.pdf")
    seconds, cpu = _export_seconds(bench, large, tmp_path / "large.pdf")
    pages = len(PdfReader(tmp_path / "large.pdf").pages)
    assert 35 <= pages <= 50, pages
    bench.record(
        f"export-paper, {pages} pages with a 1,000-line table (CPU {cpu:.3f} s)",
        seconds,
        floor_name="export-paper on the demo",
        floor=floor,
        goal="≤ 0.6 s",
        met=seconds <= 0.6,
    )
