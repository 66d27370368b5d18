"""``papers``, ``export-paper`` and ``check`` on a workspace file never import SQLAlchemy or Alembic.

Importing SQLAlchemy costs 0.3–0.4 s of CPU and its ORM 0.2 s more; these commands only read, so on
a file they read through ``sqlite3`` (``jmg_desktop/store/reads``) and must stay that quick. Each
runs in a fresh interpreter, as a user runs it, and the test checks what it did as well as what it
imported.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop.store.demo import build_demo

_FORBIDDEN = ("sqlalchemy", "alembic", "PySide6")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("light") / "demo.jmg"
    build_demo(path).close()
    return path


def _run(argv: list[str]) -> tuple[int, str, list[str]]:
    """Exit code, standard output and the forbidden packages imported by ``jmg-desktop ARGV``."""
    probe = (
        "import contextlib, io, json, sys\n"
        "from jmg_desktop.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main({argv!r})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({_FORBIDDEN!r}))\n"
        "print(json.dumps([code, out.getvalue(), heavy]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=dict(os.environ), timeout=120
    )
    assert result.returncode == 0, result.stderr
    code, out, heavy = json.loads(result.stdout.strip().splitlines()[-1])
    return code, out, heavy


def test_papers_lists_the_demo_papers_without_sqlalchemy(demo: Path) -> None:
    code, out, heavy = _run(["papers", str(demo)])
    assert code == 0
    assert heavy == []
    assert out.splitlines() == [
        "1\tversion 1\tdraft\t2009/10\tOlder People’s Pooled Budget: Widening its Scope for 2009/10",
        "2\tversion 1\tdraft\t2009/10\tQuarter 2 monitoring report to the Joint Management Group",
    ]


@pytest.mark.parametrize("paper", [1, 2], ids=["annex", "monitoring-report"])
def test_export_paper_reads_the_file_without_sqlalchemy_and_prints_the_same_pdf(
    demo: Path, tmp_path: Path, paper: int
) -> None:
    """The light path (sqlite3) and the window's path (SQLAlchemy session) give the same bytes."""
    from jmg_desktop.papers import service
    from jmg_desktop.store.workspace import Workspace

    out = tmp_path / "paper.pdf"
    code, said, heavy = _run(
        ["export-paper", str(demo), "--paper", str(paper), "-o", str(out), "--accept-differences"]
    )
    assert (code, heavy) == (0, [])
    assert said.startswith("Wrote version 1 (draft) of “") and said.rstrip().endswith(str(out))
    with Workspace.open(demo, read_only=True) as workspace:
        through_the_orm = service.paper_pdf(workspace, paper)
    assert out.read_bytes() == through_the_orm
    assert b"jmg-audit-head:" in through_the_orm


def test_export_paper_gate_still_refuses_on_the_light_path(demo: Path, tmp_path: Path) -> None:
    """A stated total the lines no longer add up to refuses the export (exit 1, nothing written)."""
    changed = tmp_path / "changed.jmg"
    shutil.copyfile(demo, changed)
    connection = sqlite3.connect(changed)
    with connection:
        connection.execute("UPDATE pool_line SET amount_pence = 0 WHERE service = 'Intermediate care'")
    connection.close()
    out = tmp_path / "refused.pdf"
    code, _said, heavy = _run(["export-paper", str(changed), "--paper", "1", "-o", str(out)])
    assert (code, heavy) == (1, [])
    assert not out.exists()
    # Accepting writes (audited) through a writable workspace, opened for that step alone...
    code, said, heavy = _run(
        ["export-paper", str(changed), "--paper", "1", "-o", str(out), "--accept-differences"]
    )
    assert (code, heavy) == (0, ["sqlalchemy"])
    assert said.startswith("Accepted 2 differences as ")
    accepted = out.read_bytes()
    # ...and once accepted, the export reads the file through sqlite3 again, footnotes and all.
    again = tmp_path / "again.pdf"
    code, said, heavy = _run(["export-paper", str(changed), "--paper", "1", "-o", str(again)])
    assert (code, heavy) == (0, [])
    assert again.read_bytes() == accepted
    from pypdf import PdfReader

    from jmg_desktop.papers import service
    from jmg_desktop.store.workspace import Workspace

    with Workspace.open(changed, read_only=True) as workspace:  # the window's path: the same bytes
        assert service.paper_pdf(workspace, 1) == accepted

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(again).pages).split())
    assert "Published as £86,946,000.00 (the new value). The lines give £81,836,000.00" in text


def test_check_reads_the_file_without_sqlalchemy_and_still_finds_problems(demo: Path, tmp_path: Path) -> None:
    code, said, heavy = _run(["check", str(demo)])
    assert (code, heavy) == (0, [])
    assert said == f"{demo}: no problems found\n"
    changed = tmp_path / "changed.jmg"
    shutil.copyfile(demo, changed)
    connection = sqlite3.connect(changed)
    with connection:
        connection.execute("UPDATE pool_line SET amount_pence = amount_pence + 1 WHERE id = 1")
    connection.close()
    code, said, heavy = _run(["check", str(changed)])
    assert (code, heavy) == (1, [])
    assert "Line 1's amount is " in said and "(changed outside JMG Desktop)" in said
    assert "Totals: Older People 2009/10" in said  # the published figure no longer reconciles, by a penny
