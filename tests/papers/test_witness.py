"""A published paper pins the audit head it was exported after; ``check FILE --against PAPER.pdf``
says whether the workspace's history still leads there."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.papers import service
from jmg_desktop.papers.witness import AuditHead, current_head, pinned_head
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.workspace import Workspace


def _export(path: Path, out: Path) -> bytes:
    assert main(["export-paper", str(path), "--paper", "1", "-o", str(out), "--accept-differences"]) == 0
    return out.read_bytes()


def _head(path: Path) -> AuditHead:
    with Workspace.open(path, read_only=True) as workspace, workspace.reading() as session:
        return current_head(session_rows(session))


def _sql(path: Path, statement: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(statement)
    connection.close()


def test_the_pdf_records_the_audit_head_and_the_untouched_history_leads_to_it(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = _export(demo_path, tmp_path / "paper.pdf")
    head = _head(demo_path)
    assert head.sequence > 0 and len(head.hash) == 64
    assert pinned_head(pdf) == head
    capsys.readouterr()
    assert main(["check", str(demo_path), "--against", str(tmp_path / "paper.pdf")]) == 0
    assert f"still leads to audit event {head.sequence}" in capsys.readouterr().out


def test_later_edits_keep_the_history_leading_to_the_papers_head(demo_path: Path, tmp_path: Path) -> None:
    _export(demo_path, tmp_path / "paper.pdf")
    with Workspace.open(demo_path) as workspace:
        service.new_version(workspace, 1)  # an audited change after publication
    assert _head(demo_path).sequence > pinned_head((tmp_path / "paper.pdf").read_bytes()).sequence  # type: ignore[union-attr]
    assert main(["check", str(demo_path), "--against", str(tmp_path / "paper.pdf")]) == 0


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE audit_event SET actor = 'someone else' WHERE sequence = 3",
         "The history behind the paper has been changed: audit event 3, from before it was published, was altered."),
        ("DELETE FROM audit_event WHERE sequence = 2",
         "The history behind the paper has been changed: audit event 2 of the"),
    ],
)  # fmt: skip
def test_changing_or_removing_an_event_before_the_paper_exits_1_with_one_sentence(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], statement: str, message: str
) -> None:
    _export(demo_path, tmp_path / "paper.pdf")
    _sql(demo_path, statement)
    capsys.readouterr()
    assert main(["check", str(demo_path), "--against", str(tmp_path / "paper.pdf")]) == 1
    out = capsys.readouterr().out.strip()
    assert out.startswith(message) and "\n" not in out


def test_a_history_cut_back_before_the_paper_or_rewritten_after_it_is_reported(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _export(demo_path, tmp_path / "paper.pdf")
    head = _head(demo_path)
    cut = tmp_path / "cut.jmg"
    cut.write_bytes(demo_path.read_bytes())
    _sql(cut, f"DELETE FROM audit_event WHERE sequence = {head.sequence}")
    assert main(["check", str(cut), "--against", str(tmp_path / "paper.pdf")]) == 1
    assert f"stops at event {head.sequence - 1}" in capsys.readouterr().out
    # A whole new chain of the same length (each hash recomputed) is not the published history.
    with Workspace.open(demo_path) as workspace, workspace.writing() as session:
        from sqlalchemy import delete

        from jmg_desktop.store.audit import record_event
        from jmg_desktop.store.models import AuditEvent

        session.execute(delete(AuditEvent).where(AuditEvent.sequence == head.sequence))
        record_event(session, action="forged", entity="paper", entity_id=1)
    assert main(["check", str(demo_path), "--against", str(tmp_path / "paper.pdf")]) == 1
    assert "has been rewritten" in capsys.readouterr().out


def test_a_pdf_without_a_head_or_missing_is_bad_input(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.7\n%%EOF\n")
    assert main(["check", str(demo_path), "--against", str(other)]) == 2
    assert "records no audit head" in capsys.readouterr().err
    assert main(["check", str(demo_path), "--against", str(tmp_path / "none.pdf")]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_a_final_keeps_the_head_it_was_issued_after(paper_workspace: Workspace, paper_id: int) -> None:
    with paper_workspace.reading() as session:
        before = current_head(session_rows(session))
    service.finalise_paper(paper_workspace, paper_id)
    issued = service.paper_pdf(paper_workspace, paper_id)
    assert pinned_head(issued) == before
    assert service.paper_pdf(paper_workspace, paper_id) == issued  # stored bytes, every time
