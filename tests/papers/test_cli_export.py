"""``jmg-desktop papers`` and ``export-paper``: exit codes, one-line messages, safe output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from jmg_desktop.cli import main
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.workspace import Workspace


def test_export_by_title_writes_the_demo_paper(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "annex.pdf"
    title = "older people’s pooled budget: widening its scope for 2009/10"
    assert main(["export-paper", str(demo_path), "--paper", title, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Wrote version 1 (draft)" in capsys.readouterr().out
    again = tmp_path / "again.pdf"
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_papers_lists_id_version_status_and_title(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["papers", str(demo_path)]) == 0
    assert capsys.readouterr().out.startswith("1\tversion 1\tdraft\t2009/10\tOlder People’s Pooled Budget")


@pytest.mark.parametrize(
    ("paper", "output", "message"),
    [
        ("42", "{tmp}/a.pdf", "There is no paper with id 42 in this workspace."),
        ("No such paper", "{tmp}/a.pdf", "There is no paper titled “No such paper”"),
        ("1", "{tmp}/missing/a.pdf", "does not exist"),
        ("1", "{tmp}", "is a folder"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], paper: str, output: str, message: str
) -> None:
    code = main(["export-paper", str(demo_path), "--paper", paper, "-o", output.format(tmp=tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_differences_exit_1_unless_accepted(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Workspace.open(demo_path) as workspace, workspace.writing() as session:
        session.execute(
            update(PoolLine).where(PoolLine.service == "Intermediate care").values(amount_pence=0)
        )
    out = tmp_path / "annex.pdf"
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "differ from the figures computed from the lines" in err and "--accept-differences" in err
    assert not out.exists()
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out), "--accept-differences"]) == 0
    assert out.exists()


def test_real_process_run(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "annex.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "jmg_desktop", "export-paper", str(demo_path), "--paper", "1", "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000


def test_an_unknown_figures_block_is_refused_with_exit_2_naming_section_and_block(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import dataclasses

    from jmg_desktop.papers import service
    from jmg_desktop.papers.document import SectionText

    with Workspace.open(demo_path) as workspace:
        _record, document = service.load_document(workspace, 1)
        sections = (*document.sections, SectionText("Outlook", "{{figures:forecast}}"))
        service.save_document(workspace, 1, dataclasses.replace(document, sections=sections))
    out = tmp_path / "annex.pdf"
    code = main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out), "--accept-differences"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert "Section 6 (“Outlook”), {{figures:forecast}}: There is no figures block called “forecast”" in err
    assert not out.exists()
