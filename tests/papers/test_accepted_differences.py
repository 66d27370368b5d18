"""An accepted difference leaves a trace: a stated total that differs from the lines gates export and
Make Final until someone accepts it (audited, undoable); the paper then footnotes the figure with the
published figure, the computed one, the difference, who accepted it and when. A later change to the
lines or to the stated total gates it again."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from jmg_desktop.cli import main
from jmg_desktop.papers import accepting, service
from jmg_desktop.papers.document import SectionText
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.models import AuditEvent, DifferenceAcceptance, PoolLine, StatedTotal
from jmg_desktop.store.workspace import Workspace

UPLIFT = "2009/10 base budget changes – inflation, growth and savings"
ACCEPTED_AT = "2026-12-02T09:15:00+00:00"
# What the demo's stated new values are, and what the lines give once the uplift line is zeroed.
STATED_ALONE, COMPUTED_ALONE = "£86,946,000.00", "£85,300,000.00"
STATED_LINKED, COMPUTED_LINKED = "£94,836,000.00", "£93,190,000.00"


def _flat(text: str) -> str:
    """Text with every run of white space (no-break spaces too) as one space."""
    return " ".join(text.split())


def _pages(data: bytes) -> list[str]:
    """Each page's text, flattened."""
    return [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def _set_line(workspace: Workspace, service_name: str, pence: int) -> None:
    with workspace.writing() as session:
        session.execute(
            update(PoolLine)
            .where(PoolLine.service == service_name, PoolLine.pool_id == 1)
            .values(amount_pence=pence)
        )


@pytest.fixture
def differing(paper_workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The demo paper with its uplift line zeroed (both stated new values now differ by £1,646,000),
    the person at the keyboard Helen Marsh's login, and a fixed acceptance moment."""
    monkeypatch.setenv("LOGNAME", "helen.marsh")
    monkeypatch.setenv("USER", "helen.marsh")
    monkeypatch.setattr(accepting, "_now", lambda: ACCEPTED_AT)
    _set_line(paper_workspace, UPLIFT, 0)
    return paper_workspace


def test_the_footnote_gives_both_figures_the_difference_who_and_when(
    differing: Workspace, paper_id: int, pdfua_findings: Callable[[bytes], list[str]]
) -> None:
    with pytest.raises(service.ReconciliationRequired, match="2 stated totals differ"):
        service.paper_pdf(differing, paper_id)
    accepted = accepting.accept_differences(differing, paper_id)
    assert [(a.stated.pence, a.computed.pence, a.accepted_by) for a in accepted] == [
        (86_946_000_00, 85_300_000_00, "helen.marsh"),
        (94_836_000_00, 93_190_000_00, "helen.marsh"),
    ]
    data = service.paper_pdf(differing, paper_id)
    pages = _pages(data)
    text = " ".join(pages)
    # The sentence prints the computed figures, each with its footnote mark.
    assert "will be £85.300 million1, or £93.190 million2 including the" in text
    assert (
        f"Published as {STATED_ALONE} (the new value). The lines give {COMPUTED_ALONE}, £1,646,000.00 less; "
        "this paper prints the figure from the lines. Difference accepted by helen.marsh on 2 December 2026."
    ) in text
    assert (
        f"Published as {STATED_LINKED} (the new value including the linked pools). The lines give "
        f"{COMPUTED_LINKED}, £1,646,000.00 less"
    ) in text
    # Each footnote is on the page of the figure it is about.
    page = next(p for p in pages if "£85.300 million1" in p)
    assert f"Published as {STATED_ALONE}" in page and f"Published as {STATED_LINKED}" in page
    assert pdfua_findings(data) == []
    assert service.paper_pdf(differing, paper_id) == data  # the same draft, the same bytes


def test_the_footnotes_are_tagged_notes_inside_the_paragraph_of_their_figure(
    differing: Workspace, paper_id: int
) -> None:
    accepting.accept_differences(differing, paper_id)
    pdf = pikepdf.open(io.BytesIO(service.paper_pdf(differing, paper_id)))
    notes: list[tuple[str, str]] = []

    def walk(node: object, parent: str) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, parent)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            tag = str(node.S)
            if tag == "/Note":
                notes.append((parent, tag))
            if "/K" in node:
                walk(node.K, tag)

    walk(pdf.Root.StructTreeRoot.K, "")
    assert notes == [("/P", "/Note"), ("/P", "/Note")]  # real notes in the reading order, not artifacts


def test_a_later_change_to_the_lines_or_the_stated_total_asks_again(
    differing: Workspace, paper_id: int, tmp_path: Path
) -> None:
    accepting.accept_differences(differing, paper_id)
    target = tmp_path / "annex.pdf"
    service.export_paper(differing, paper_id, target)
    first = target.read_bytes()
    _set_line(differing, UPLIFT, 1_00)  # a pound more: no longer the figures accepted
    with pytest.raises(service.ReconciliationRequired, match="2 stated totals differ"):
        service.export_paper(differing, paper_id, target)
    with pytest.raises(service.ReconciliationRequired):
        service.finalise_paper(differing, paper_id)
    assert target.read_bytes() == first  # nothing written
    view, _differences = service.draft_preview(differing, paper_id)  # the preview drops the footnotes
    assert not [
        run
        for section in view.sections
        for block in section.blocks
        for run in getattr(block, "runs", ())
        if run.notes
    ]
    _set_line(differing, UPLIFT, 0)  # back to exactly the figures accepted: the acceptance stands again
    assert service.paper_pdf(differing, paper_id) == first
    with differing.writing() as session:  # the published figure corrected by a penny
        session.execute(
            update(StatedTotal)
            .where(StatedTotal.amount_pence == 86_946_000_00)
            .values(amount_pence=86_945_999_99)
        )
    waiting = [d for d in service.paper_differences(differing, paper_id) if not d.accepted]
    assert [d.comparison.stated.amount.pence for d in waiting] == [86_945_999_99]
    with pytest.raises(service.ReconciliationRequired, match="1 stated total differs"):
        service.paper_pdf(differing, paper_id)


def test_accepting_is_audited_and_undone_and_redone_through_the_trail(
    differing: Workspace, paper_id: int
) -> None:
    seen = service.paper_differences(differing, paper_id)
    accepted = accepting.accept_differences(differing, paper_id, seen)
    with differing.reading() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.actor, AuditEvent.new).where(
                AuditEvent.entity == "difference_acceptance"
            )
        ).all()
    assert [(action, actor) for action, actor, _new in events] == [("Accept Difference", "helen.marsh")] * 2
    assert json.loads(events[0].new)["stated_pence"] == 86_946_000_00
    accepting.withdraw_acceptances(differing, accepted)
    assert not any(d.accepted for d in service.paper_differences(differing, paper_id))
    with pytest.raises(service.ReconciliationRequired):
        service.paper_pdf(differing, paper_id)
    accepting.restore_acceptances(differing, accepted)
    assert all(d.accepted for d in service.paper_differences(differing, paper_id))
    assert "Published as £86,946,000.00" in _flat(" ".join(_pages(service.paper_pdf(differing, paper_id))))


def test_figures_that_changed_while_shown_are_not_accepted(differing: Workspace, paper_id: int) -> None:
    seen = service.paper_differences(differing, paper_id)
    _set_line(differing, UPLIFT, 5_00)
    with pytest.raises(
        PaperError, match="The figures changed while the differences were shown; nothing was accepted"
    ):
        accepting.accept_differences(differing, paper_id, seen)
    with differing.reading() as session:
        assert session.query(DifferenceAcceptance).count() == 0


def test_a_final_shows_the_footnote_as_issued_and_keeps_it(differing: Workspace, paper_id: int) -> None:
    accepted = accepting.accept_differences(differing, paper_id)
    service.finalise_paper(differing, paper_id)
    issued = service.paper_pdf(differing, paper_id)
    text = " ".join(_pages(issued))
    assert "DRAFT" not in text and "Difference accepted by helen.marsh on 2 December 2026." in text
    snapshot = service.paper_view(differing, paper_id)
    notes = [
        note
        for section in snapshot.sections
        for block in section.blocks
        for run in getattr(block, "runs", ())
        for note in run.notes
    ]
    assert len(notes) == 2 and notes[0].startswith(f"Published as {STATED_ALONE}")
    _set_line(differing, UPLIFT, 9_99)  # the lines move on; the issued paper does not
    assert service.paper_pdf(differing, paper_id) == issued
    with pytest.raises(PaperError, match="is final"):
        accepting.withdraw_acceptances(differing, accepted)
    # A new version starts with nothing accepted: it asks again.
    revised = service.new_version(differing, paper_id)
    assert [d.accepted for d in service.paper_differences(differing, revised)] == [False, False]


def test_a_figure_the_paper_does_not_print_is_footnoted_at_the_end(
    differing: Workspace, paper_id: int
) -> None:

    _record, document = service.load_document(differing, paper_id)
    sections = tuple(s._replace(body=s.body.replace("{{figures:new_value}}", "")) for s in document.sections)
    service.save_document(
        differing,
        paper_id,
        document._replace(sections=(*sections, SectionText("Closing", "The end."))),
    )
    accepting.accept_differences(differing, paper_id)
    text = " ".join(_pages(service.paper_pdf(differing, paper_id)))
    assert "will be £85.300 million" not in text
    assert "The end. The figures in this paper are computed from the lines.1,2" in text
    assert f"Published as {STATED_ALONE} (the new value)." in text


def test_check_names_an_acceptance_changed_or_forged_outside_the_application(
    differing: Workspace, paper_id: int
) -> None:
    accepting.accept_differences(differing, paper_id)
    path = differing.path
    assert [f.message for f in run_checks(path) if f.check == "acceptances"] == []
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE difference_acceptance SET computed_pence = 8694600000 WHERE id = 1")
        connection.execute(
            "INSERT INTO difference_acceptance (paper_id, stated_total_id, stated_pence, computed_pence, accepted_by, "
            "accepted_at) VALUES (1, 1, 5, 6, 'mallory', '2026-12-01T00:00:00+00:00')"
        )
    connection.close()
    messages = [f.message for f in run_checks(path) if f.check == "acceptances"]
    assert messages[:2] == [
        "Accepted difference 1 (paper 1)'s computed is £86,946,000.00 but its recorded acceptance set "
        "£85,300,000.00 (changed outside JMG Desktop).",
        "Accepted difference 3 (paper 1) is in no recorded change (added outside JMG Desktop).",
    ]


def test_check_says_when_a_draft_s_acceptance_no_longer_covers_its_figures(
    differing: Workspace, paper_id: int
) -> None:
    accepting.accept_differences(differing, paper_id)
    _set_line(differing, UPLIFT, 1_00)
    messages = [f.message for f in run_checks(differing.path) if f.check == "acceptances"]
    assert len(messages) == 2
    assert messages[0].startswith("Paper 1 (version 1 of “Older People’s Pooled Budget")
    assert (
        "accepted by helen.marsh for stated total 3 was between £86,946,000.00 stated and £85,300,000.00"
        in messages[0]
    )
    assert "now £86,946,000.00 and £85,300,001.00, so exporting it asks again." in messages[0]


def test_acceptances_round_trip_through_dump_and_load(
    differing: Workspace, paper_id: int, tmp_path: Path
) -> None:
    accepting.accept_differences(differing, paper_id)
    dumped = tmp_path / "dump.json"
    assert main(["dump", str(differing.path), "-o", str(dumped)]) == 0
    rows = json.loads(dumped.read_text(encoding="utf-8"))["tables"]["difference_acceptance"]
    assert [(r["stated_pence"], r["computed_pence"], r["accepted_by"]) for r in rows] == [
        (86_946_000_00, 85_300_000_00, "helen.marsh"),
        (94_836_000_00, 93_190_000_00, "helen.marsh"),
    ]
    copy = tmp_path / "copy.jmg"
    assert main(["load", str(dumped), "-o", str(copy)]) == 0
    with Workspace.open(copy, read_only=True) as loaded:
        assert all(d.accepted for d in service.paper_differences(loaded, paper_id))
        assert "Difference accepted by helen.marsh" in " ".join(_pages(service.paper_pdf(loaded, paper_id)))


def test_deleting_a_draft_withdraws_its_acceptances_in_the_trail(differing: Workspace, paper_id: int) -> None:
    accepting.accept_differences(differing, paper_id)
    service.delete_draft(differing, paper_id)
    with differing.reading() as session:
        assert session.query(DifferenceAcceptance).count() == 0
        actions = (
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "difference_acceptance")
                .order_by(AuditEvent.sequence)
            )
            .scalars()
            .all()
        )
    assert actions == ["Accept Difference"] * 2 + ["Withdraw Accepted Difference"] * 2
    assert [f.message for f in run_checks(differing.path) if f.check == "acceptances"] == []
