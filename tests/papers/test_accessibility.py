"""Every kind of exported paper passes ``pdfua check`` and declares PDF/UA-1 and PDF/A-2a: the demo
draft, a final, and a 300-line paper. veraPDF runs too where Java and veraPDF are installed."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from jmg_desktop.core.money import Money
from jmg_desktop.papers import service
from jmg_desktop.papers.model import FigureTable, PaperView, Section, TableRow
from jmg_desktop.papers.render import render_pdf
from jmg_desktop.store.workspace import Workspace


def _declares_ua_and_a(data: bytes) -> None:
    """The XMP says PDF/UA-1 and PDF/A-2a, and the file is marked as tagged."""
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_metadata() as xmp:
        assert (xmp["pdfuaid:part"], xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("1", "2", "A")
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root


def _three_hundred_lines(make_view: Callable[..., PaperView]) -> bytes:
    """A paper whose table has 300 service lines and a total."""
    rows = [TableRow((f"Service line {n:03d}", "To be added", Money(n * 123_457))) for n in range(1, 301)]
    total = sum((row.cells[2] for row in rows), Money.zero())  # type: ignore[misc]
    table = FigureTable(
        ("Service budget", "Proposed change", "2009/10 £m"),
        (*rows, TableRow(("Net change", "", total), total=True)),
    )
    return render_pdf(make_view(sections=(Section("Every line", (table,)),)))


def test_demo_draft_passes_pdfua_check(
    paper_workspace: Workspace, paper_id: int, pdfua_findings: Callable[[bytes], list[str]]
) -> None:
    data = service.paper_pdf(paper_workspace, paper_id)
    _declares_ua_and_a(data)
    assert pdfua_findings(data) == []


def test_final_paper_passes_pdfua_check(
    paper_workspace: Workspace, paper_id: int, pdfua_findings: Callable[[bytes], list[str]]
) -> None:
    service.finalise_paper(paper_workspace, paper_id)
    data = service.paper_pdf(paper_workspace, paper_id)
    _declares_ua_and_a(data)
    assert pdfua_findings(data) == []


def test_three_hundred_line_paper_passes_pdfua_check(
    make_view: Callable[..., PaperView], pdfua_findings: Callable[[bytes], list[str]]
) -> None:
    data = _three_hundred_lines(make_view)
    _declares_ua_and_a(data)
    assert pdfua_findings(data) == []


VERAPDF = shutil.which("verapdf")


@pytest.mark.skipif(
    VERAPDF is None or shutil.which("java") is None, reason="veraPDF and Java are not installed"
)
def test_verapdf_finds_the_demo_draft_conforms(
    paper_workspace: Workspace, paper_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "demo.pdf"
    path.write_bytes(service.paper_pdf(paper_workspace, paper_id))
    for flavour in ("ua1", "2a"):
        result = subprocess.run(
            [str(VERAPDF), "--flavour", flavour, "--format", "text", str(path)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.stdout.startswith("PASS"), result.stdout
