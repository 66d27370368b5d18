"""``jmg-desktop papers`` and ``export-paper``: exit codes, one-line messages, safe output."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
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


def _zero_the_uplift(path: Path) -> None:
    """Zero the demo's uplift line: both stated new values then differ from the lines by £1,646,000."""
    with Workspace.open(path, backup=False) as workspace, workspace.writing() as session:
        session.execute(
            update(PoolLine)
            .where(PoolLine.service.startswith("2009/10 base budget changes"), PoolLine.pool_id == 1)
            .values(amount_pence=0)
        )


def _acceptances(path: Path) -> list[tuple[int, int, str, str]]:
    """The stored acceptances: stated and computed pence, who and when."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT stated_pence, computed_pence, accepted_by, accepted_at FROM difference_acceptance ORDER BY id"
        ).fetchall()
    finally:
        connection.close()


def test_differences_exit_1_until_accepted_then_the_acceptance_is_recorded_and_footnoted(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "helen.marsh")
    monkeypatch.setenv("USER", "helen.marsh")
    _zero_the_uplift(demo_path)
    out = tmp_path / "annex.pdf"
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "2 stated totals differ from the figures computed from the lines" in err
    assert "Nothing was written (--accept-differences records your acceptance and exports)." in err
    assert not out.exists() and _acceptances(demo_path) == []

    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out), "--accept-differences"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Accepted 2 differences as helen.marsh (recorded in the audit trail).\n")
    stored = _acceptances(demo_path)
    assert [row[:3] for row in stored] == [
        (86_946_000_00, 85_300_000_00, "helen.marsh"),
        (94_836_000_00, 93_190_000_00, "helen.marsh"),
    ]
    day = datetime.fromisoformat(stored[0][3]).astimezone(UTC)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert (
        "Published as £86,946,000.00 (the new value). The lines give £85,300,000.00, £1,646,000.00 less; "
        f"this paper prints the figure from the lines. Difference accepted by helen.marsh on {day.day} {day:%B %Y}."
    ) in text
    first = out.read_bytes()
    # Already accepted: nothing more is recorded, and the same paper comes out.
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out), "--accept-differences"]) == 0
    assert "Accepted" not in capsys.readouterr().out and len(_acceptances(demo_path)) == 2
    assert out.read_bytes() == first
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out)]) == 0
    # The lines move again: the acceptance no longer covers them.
    with Workspace.open(demo_path, backup=False) as workspace, workspace.writing() as session:
        session.execute(
            update(PoolLine).where(PoolLine.service == "Intermediate care").values(amount_pence=0)
        )
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out)]) == 1
    assert "2 stated totals differ" in capsys.readouterr().err
    assert out.read_bytes() == first


def test_accepting_is_refused_while_someone_has_the_workspace_open_for_changes(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _zero_the_uplift(demo_path)
    out = tmp_path / "annex.pdf"
    with Workspace.open(demo_path, backup=False) as holder:  # the window, open for changes
        assert not holder.read_only
        code = main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out), "--accept-differences"])
    assert code == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.startswith(f"jmg-desktop: “{demo_path.name}” is in use by ")
    assert err.endswith(
        "so the differences were not accepted and nothing was written; try again once it is closed there."
    )
    assert captured.out == ""
    assert not out.exists() and _acceptances(demo_path) == []


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

    from jmg_desktop.papers import service
    from jmg_desktop.papers.document import SectionText

    with Workspace.open(demo_path) as workspace:
        _record, document = service.load_document(workspace, 1)
        sections = (*document.sections, SectionText("Outlook", "{{figures:forecast}}"))
        service.save_document(workspace, 1, document._replace(sections=sections))
    out = tmp_path / "annex.pdf"
    code = main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out), "--accept-differences"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert "Section 6 (“Outlook”), {{figures:forecast}}: There is no figures block called “forecast”" in err
    assert not out.exists()
