"""The BCF figures blocks, in a paper built from the demo's BCF pool and from hand-made plans."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from jmg_desktop.core.bcf import BcfPlan, Condition, Income, Scheme
from jmg_desktop.core.money import Money
from jmg_desktop.interchange.planning import resolve_pool
from jmg_desktop.papers import service
from jmg_desktop.papers.bcf_blocks import bcf_blocks
from jmg_desktop.papers.document import SectionText
from jmg_desktop.papers.model import BulletList, FigureTable, Notice, Paragraph, plain_text
from jmg_desktop.store.workspace import Workspace

BCF = "Staffordshire Better Care Fund 2019/20 (illustrative)"


def _plan(planned: str) -> BcfPlan:
    scheme = Scheme(
        1,
        "S1",
        "Home care",
        "Home Care",
        "Social Care",
        "joint",
        6000,
        4000,
        "",
        1,
        "new",
        Money.from_pounds(planned),
    )
    return BcfPlan(
        ((1, "NHS minimum contribution"),),
        (Income(1, "NHS minimum contribution", "CCGs", Money.from_pounds("1000000")),),
        (scheme,),
        (Condition("NHS-commissioned", Money.from_pounds("700000"), stream_id=1, commissioner="nhs"),),
        ("Home Care",),
    )


def test_balances_block_names_an_overspent_stream_and_an_unmet_condition() -> None:
    blocks = bcf_blocks("bcf_balances", _plan("1000000.50"), "Test pool", "2019/20")
    first, table, conditions, checklist = blocks
    assert isinstance(first, Paragraph)
    assert (
        plain_text(first.runs) == "Planned expenditure exceeds income on NHS minimum contribution (by £0.50)."
    )
    assert isinstance(table, FigureTable)
    assert table.rows[0].cells == (
        "NHS minimum contribution",
        Money(100_000_000),
        Money(100_000_050),
        Money(-50),
    )
    assert table.rows[-1].total
    assert isinstance(conditions, BulletList)
    # 60% of £1,000,000.50 is £600,000.30 (half-up), £99,999.70 short of £700,000.
    assert (
        plain_text(conditions.items[0])
        == "NHS-commissioned: planned £0.600 million, short by £0.100 million."
    )
    assert isinstance(checklist, Paragraph) and plain_text(checklist.runs).startswith(
        "The plan is not yet complete: "
    )


def test_a_pool_without_bcf_data_gets_a_notice() -> None:
    empty = BcfPlan((), (), (), ())
    assert bcf_blocks("bcf_income", empty, "Older People", "2009/10") == [
        Notice("[Older People has no Better Care Fund income or schemes for 2009/10.]")
    ]


def test_the_demo_bcf_paper_prints_income_schemes_and_balances(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    pool = resolve_pool(demo_workspace, BCF)
    paper = service.create_starter_paper(demo_workspace, pool.id, 2019)
    _record, document = service.load_document(demo_workspace, paper)
    document = document._replace(
        sections=(
            SectionText("Income", "{{figures:bcf_income}}"),
            SectionText("Schemes", "{{figures:bcf_schemes}}"),
            SectionText("Balances", "{{figures:bcf_balances}}"),
        ),
    )
    assert service.save_document(demo_workspace, paper, document)
    pdf = service.paper_pdf(demo_workspace, paper)
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert f"The {BCF} has income of £142.250 million for 2019/20 from 7 funding streams" in text
    assert "16 schemes plan expenditure of £142.250 million in 2019/20." in text
    assert "Joint (60% NHS, 40% council)" in text
    assert "Every funding stream's income is planned in full: each balance is nil." in text
    assert "planned £38.500 million, met." in text
    assert "Every item of the completeness checklist is satisfied." in text
