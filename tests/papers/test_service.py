"""Papers in a workspace: the demo paper's figures, the agreement sentence, finalising and versions,
the reconciliation gate, export and lookup."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update

from jmg_desktop.papers import accepting, service
from jmg_desktop.papers.document import SectionText
from jmg_desktop.papers.errors import PaperError, UnsupportedCharactersError
from jmg_desktop.papers.render import render_pdf
from jmg_desktop.store.models import Agreement, AgreementStep, Meeting, Paper, PoolLine
from jmg_desktop.store.workspace import Workspace

PROPOSED = [
    ("Day services – internal", "3.342"),
    ("Day services – external", "4.652"),
    ("Home support – internal", "8.050"),
    ("Home support – external", "13.710"),
    ("Intermediate care", "5.110"),
]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _set_line(workspace: Workspace, service_name: str, pence: int) -> None:
    with workspace.writing() as session:
        session.execute(
            update(PoolLine)
            .where(PoolLine.service == service_name, PoolLine.pool_id == 1)
            .values(amount_pence=pence)
        )


def test_demo_paper_prints_labels_title_every_line_totals_and_recommendations(
    paper_workspace: Workspace, paper_id: int, pdf_text: Callable[[bytes], str]
) -> None:
    text = _flat(pdf_text(service.paper_pdf(paper_workspace, paper_id)))
    for expected in ["ANNEX 1", "ANNEX 4(b)", "CABINET – 20 January 2009", "Older People’s Pooled Budget",
                     "is £50.436 million, or £58.228 million including the Physical Disabilities and Equipment",
                     "will be £86.946 million, or £94.836 million including",
                     "Net change to the Older People pool 36.510", "Net change including the linked pools 36.608",
                     "The Cabinet is RECOMMENDED to:", "(a) approve the addition of the five service budgets",
                     "(b) note the 2009/10 changes", "(c) authorise the Director", "Helen Marsh", "David Okafor", "Page 1 of 3"]:  # fmt: skip
        assert expected in text, expected
    for service_name, amount in PROPOSED:
        assert f"{service_name} To be added {amount}" in text, service_name
    # The base budget changes are not service budgets: they are listed apart, as changes.
    services = text.index("Service budgets to be added Day services – internal")
    changes = text.index(
        "Changes to budgets already in the pool 2009/10 base budget changes – inflation, growth and savings "
        "Increase 1.646"
    )
    assert services < text.index("Intermediate care To be added") < changes
    assert "savings To be added" not in text
    assert (
        "On 2 December 2008 the Older People Joint Management Group agreed in principle the proposal "
        "“Add five service budgets to the pool” (minute OP 08/12)."
    ) in text


def test_without_an_agreement_the_paper_says_so_and_cannot_be_made_final(
    paper_workspace: Workspace,
    paper_id: int,
    pdf_text: Callable[[bytes], str],
    remove_agreements: Callable[[Workspace], None],
) -> None:
    remove_agreements(paper_workspace)
    text = _flat(pdf_text(service.paper_pdf(paper_workspace, paper_id)))
    assert "No agreement in principle is recorded for the Older People pool for 2009/10" in text
    with pytest.raises(PaperError, match="while it shows a notice: No agreement in principle is recorded"):
        service.finalise_paper(paper_workspace, paper_id)


def test_agreement_sentence_comes_from_the_register(
    paper_workspace: Workspace, paper_id: int, pdf_text: Callable[[bytes], str]
) -> None:
    with paper_workspace.writing() as session:
        meeting = Meeting(body="Pool Board", held_on="2009-01-13", reference="PB 1")
        session.add(meeting)
        session.flush()
        for title, status in [
            ("Add the base budget changes", "recommended"),
            ("A withdrawn idea", "rejected"),
        ]:
            agreement = Agreement(
                meeting_id=meeting.id, title=title, pool_id=1, financial_year=2009, status=status
            )
            session.add(agreement)
            session.flush()
            session.add(AgreementStep(agreement_id=agreement.id, ordinal=1, status="agreed_in_principle",
                                      on_date="2009-01-13"))  # fmt: skip
    text = _flat(pdf_text(service.paper_pdf(paper_workspace, paper_id)))
    assert (
        "agreed in principle the proposal “Add five service budgets to the pool” (minute OP 08/12)."
    ) in text
    assert (
        "On 13 January 2009 the Pool Board agreed in principle the proposal “Add the base budget changes” (minute PB 1)."
        in text
    )
    assert "A withdrawn idea" not in text
    assert "No agreement in principle is recorded" not in text


def test_the_agreement_sentence_says_how_its_figures_moved_since(
    demo_workspace: Workspace, pdf_text: Callable[[bytes], str]
) -> None:
    annex = next(p.id for p in service.list_papers(demo_workspace) if p.title.startswith("Older People"))

    def since_then() -> list[str]:
        accepting.accept_differences(demo_workspace, annex)  # the changes below move the stated new value
        pdf = service.paper_pdf(demo_workspace, annex)
        text = _flat(pdf_text(pdf))
        return [
            text[m.start() : text.index(".", m.start() + 60) + 1] for m in re.finditer("Since then", text)
        ]

    # The demo's January agreement on the base budget changes has already moved by £46,000.
    assert since_then() == [
        "Since then, one of the lines it covers has changed, £0.046 million more than agreed."
    ]
    # Intermediate care, agreed in December at £5.110m, now stands £250,000 higher and another line £1 lower.
    _set_line(demo_workspace, "Intermediate care", 5_360_000_00)
    _set_line(demo_workspace, "Day services – internal", 3_341_999_00)
    assert since_then() == [
        "Since then, 2 of the lines it covers have changed, £0.250 million more than agreed.",
        "Since then, one of the lines it covers has changed, £0.046 million more than agreed.",
    ]


def test_export_is_byte_identical_and_leaves_only_the_pdf(
    paper_workspace: Workspace, paper_id: int, tmp_path: Path
) -> None:
    first, second = tmp_path / "out" / "a.pdf", tmp_path / "out" / "b.pdf"
    first.parent.mkdir()
    service.export_paper(paper_workspace, paper_id, first)
    service.export_paper(paper_workspace, paper_id, second)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in first.parent.iterdir()) == ["a.pdf", "b.pdf"]


def test_final_paper_is_frozen_read_only_and_revised_by_a_new_version(
    paper_workspace: Workspace, paper_id: int, tmp_path: Path, pdf_text: Callable[[bytes], str]
) -> None:
    service.finalise_paper(paper_workspace, paper_id)
    issued = service.paper_pdf(paper_workspace, paper_id)
    assert "DRAFT" not in pdf_text(issued)
    _set_line(paper_workspace, "Intermediate care", 600_000_000)
    assert service.paper_pdf(paper_workspace, paper_id) == issued
    _record, document = service.load_document(paper_workspace, paper_id)
    with pytest.raises(PaperError, match="is final and cannot be changed; make a new version"):
        service.save_document(paper_workspace, paper_id, document._replace(title="Changed"))
    with pytest.raises(PaperError, match="already final"):
        service.finalise_paper(paper_workspace, paper_id)

    revised = service.new_version(paper_workspace, paper_id)
    record, revised_document = service.load_document(paper_workspace, revised)
    assert (record.version, record.status, record.series_id) == (2, "draft", paper_id)
    assert revised_document == document
    accepting.accept_differences(paper_workspace, revised)  # the £6m line moved the stated new value
    text = _flat(pdf_text(service.paper_pdf(paper_workspace, revised)))
    assert "Intermediate care To be added 6.000" in text and "Version 2 – Draft" in text
    assert "Intermediate care To be added 5.110" in _flat(pdf_text(issued))


def test_stated_total_differences_gate_the_export_and_the_paper_prints_computed_figures(
    paper_workspace: Workspace, paper_id: int, tmp_path: Path, pdf_text: Callable[[bytes], str]
) -> None:
    assert service.paper_differences(paper_workspace, paper_id) == []
    _set_line(paper_workspace, "2009/10 base budget changes – inflation, growth and savings", 0)
    differences = service.paper_differences(paper_workspace, paper_id)
    assert len(differences) == 2  # the two stated new values
    assert {d.comparison.difference.pence for d in differences} == {-164_600_000}
    assert (
        "stated £86,946,000.00, computed from the lines £85,300,000.00, difference -£1,646,000.00"
        in " ".join(d.describe() for d in differences)
    )
    target = tmp_path / "paper.pdf"
    target.write_bytes(b"earlier export")
    with pytest.raises(service.ReconciliationRequired, match="2 stated totals differ"):
        service.export_paper(paper_workspace, paper_id, target)
    assert target.read_bytes() == b"earlier export"
    with pytest.raises(service.ReconciliationRequired):
        service.finalise_paper(paper_workspace, paper_id)
    # Accepted, the paper prints the computed figures (footnoted: see test_accepted_differences.py).
    accepting.accept_differences(paper_workspace, paper_id)
    service.export_paper(paper_workspace, paper_id, target)
    text = _flat(pdf_text(target.read_bytes()))
    assert "will be £85.300 million1, or £93.190 million2" in text
    assert "£86.946" not in text


def test_finalising_names_what_is_missing(paper_workspace: Workspace, paper_id: int) -> None:
    _record, document = service.load_document(paper_workspace, paper_id)
    service.save_document(paper_workspace, paper_id, document._replace(recommendations=(), authors=()))
    with pytest.raises(PaperError, match=r"no recommendations.*no author"):
        service.finalise_paper(paper_workspace, paper_id)
    with paper_workspace.reading() as session:
        assert session.execute(select(Paper.status).where(Paper.id == paper_id)).scalar_one() == "draft"


def test_characters_the_font_lacks_stop_export_before_anything_is_written(
    paper_workspace: Workspace, paper_id: int, tmp_path: Path
) -> None:
    _record, document = service.load_document(paper_workspace, paper_id)
    extra = SectionText("Nodyn", "Croeso – ŵ ŷ and a snowman ☃ and 日")
    service.save_document(paper_workspace, paper_id, document._replace(sections=(*document.sections, extra)))
    target = tmp_path / "paper.pdf"
    with pytest.raises(UnsupportedCharactersError) as caught:
        service.export_paper(paper_workspace, paper_id, target)
    assert caught.value.characters == ["☃", "日"]
    assert not target.exists()


def test_saving_is_audited_and_unchanged_saves_are_not(paper_workspace: Workspace, paper_id: int) -> None:
    _record, document = service.load_document(paper_workspace, paper_id)
    assert service.save_document(paper_workspace, paper_id, document) is False
    assert service.save_document(paper_workspace, paper_id, document._replace(item_code="CA9")) is True
    from jmg_desktop.store.models import AuditEvent

    with paper_workspace.reading() as session:
        event = session.execute(select(AuditEvent).order_by(AuditEvent.sequence.desc()).limit(1)).scalar_one()
        assert (event.action, event.entity, event.entity_id) == ("edit_paper", "paper", paper_id)
        assert '"item_code":"CA9"' in event.new and '"item_code":"CA6"' in event.old


def test_find_paper_by_id_or_title(paper_workspace: Workspace, paper_id: int) -> None:
    title = service.list_papers(paper_workspace)[0].title
    assert service.find_paper(paper_workspace, str(paper_id)).id == paper_id
    assert service.find_paper(paper_workspace, f"  {title.upper()} ").id == paper_id
    newer = service.new_version(paper_workspace, paper_id)
    assert service.find_paper(paper_workspace, title).id == newer
    with pytest.raises(PaperError, match="no paper with id 99"):
        service.find_paper(paper_workspace, "99")
    with pytest.raises(PaperError, match="no paper titled “Nothing”"):
        service.find_paper(paper_workspace, "Nothing")


def test_dump_and_load_keep_papers_and_snapshots(
    paper_workspace: Workspace, paper_id: int, tmp_path: Path
) -> None:
    from jmg_desktop.store.dump import dump_workspace, load_workspace

    service.finalise_paper(paper_workspace, paper_id)
    issued = service.paper_pdf(paper_workspace, paper_id)
    copy = load_workspace(dump_workspace(paper_workspace), tmp_path / "copy.jmg")
    try:
        assert service.paper_pdf(copy, paper_id) == issued
        assert service.list_papers(copy)[0].is_final
    finally:
        copy.close()


def test_text_pasted_from_word_exports_without_missing_glyphs(
    paper_workspace: Workspace, paper_id: int
) -> None:
    _record, document = service.load_document(paper_workspace, paper_id)
    pasted = document._replace(
        title="Widening\u2028the pool",
        sections=(
            *document.sections,
            SectionText("Pasted", "Line one\x0bline two\u2029\ufeffNext \u2011 para"),
        ),
    )
    service.save_document(paper_workspace, paper_id, pasted)
    view = service.paper_view(paper_workspace, paper_id)
    assert view.title == "Widening the pool"
    assert service.paper_pdf(paper_workspace, paper_id).startswith(b"%PDF-")


def test_final_paper_exports_the_pdf_kept_when_it_was_issued(
    paper_workspace: Workspace, paper_id: int
) -> None:
    from jmg_desktop.papers.render import render_pdf

    service.finalise_paper(paper_workspace, paper_id)
    issued = service.paper_pdf(paper_workspace, paper_id)
    with paper_workspace.reading() as session:
        kept = session.execute(select(Paper.issued_pdf).where(Paper.id == paper_id)).scalar_one()
    assert kept == issued
    # The snapshot renders to the same bytes today; the kept PDF stays authoritative if a later
    # version of the renderer ever draws differently.
    assert render_pdf(service.paper_view(paper_workspace, paper_id)) == issued
    with paper_workspace.writing() as session:
        session.execute(update(Paper).where(Paper.id == paper_id).values(issued_pdf=b"%PDF-as-issued"))
    assert service.paper_pdf(paper_workspace, paper_id) == b"%PDF-as-issued"


def test_projection_block_uses_a_stored_scenario_from_the_papers_year(
    paper_workspace: Workspace, paper_id: int, pdf_text: Callable[[bytes], str]
) -> None:
    from jmg_desktop.store.scenarios_repo import scenario_names

    with paper_workspace.reading() as session:
        names = scenario_names(session)
    assert names, "the demo has projection scenarios"
    _record, document = service.load_document(paper_workspace, paper_id)
    body = f'{{{{figures:projection scenario="{names[-1]}" years=3}}}}\n\n{{{{figures:projection years=0}}}}'
    extra = SectionText("Looking ahead", body)
    service.save_document(paper_workspace, paper_id, document._replace(sections=(*document.sections, extra)))
    # The preview still shows the paper, saying what is wrong with the second block.
    view = service.paper_view(paper_workspace, paper_id)
    text = _flat(pdf_text(render_pdf(view)))
    assert f"from 2009/10 to 2012/13 on the “{names[-1]}” assumptions" in text
    assert "Year (£m)" in text and "2012/13" in text
    assert "years must be a whole number from 1 to 20" in text
    message = (
        "Section 6 (“Looking ahead”), {{figures:projection years=0}}: "
        "The projection’s years must be a whole number from 1 to 20."
    )
    with pytest.raises(service.UnresolvedFiguresError, match="cannot be exported") as caught:
        service.paper_pdf(paper_workspace, paper_id)
    assert message in str(caught.value)
    with pytest.raises(service.UnresolvedFiguresError, match="cannot be made final") as caught:
        service.finalise_paper(paper_workspace, paper_id)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{{figures:totals}}", "{{figures:totals}}: There is no figures block called “totals”"),
        (
            '{{figures:projection scenario="Nowhere"}}',
            '{{figures:projection scenario="Nowhere"}}: The projection cannot be made: There is no scenario '
            "called “Nowhere”",
        ),
        (
            "The value is {{figures:new_value}} this year.",
            "{{figures:new_value}}: {{figures:new_value}} is inside a sentence: a figures block goes on a line "
            "of its own.",
        ),
    ],
)
def test_unresolved_figures_blocks_refuse_export_and_make_final_naming_section_and_block(
    paper_workspace: Workspace, paper_id: int, body: str, problem: str, tmp_path: Path
) -> None:
    _record, document = service.load_document(paper_workspace, paper_id)
    sections = (*document.sections[:2], SectionText("Risks", body), *document.sections[2:])
    service.save_document(paper_workspace, paper_id, document._replace(sections=sections))
    target = tmp_path / "paper.pdf"
    with pytest.raises(service.UnresolvedFiguresError) as caught:
        service.export_paper(paper_workspace, paper_id, target)
    assert f"Section 3 (“Risks”), {problem}" in str(caught.value)
    assert not target.exists()
    with pytest.raises(service.UnresolvedFiguresError, match="Section 3 "):
        service.finalise_paper(paper_workspace, paper_id)
    assert not service.list_papers(paper_workspace)[0].is_final
