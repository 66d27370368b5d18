"""A projection as a paper's figures table, and that table printed in a PDF."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pypdf import PdfReader

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import BaseLine, project
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario
from jmg_desktop.papers.figures import ROUNDING_NOTE
from jmg_desktop.papers.model import BulletList, PaperView, Paragraph, Section, plain_text
from jmg_desktop.papers.projection_block import assumption_blocks
from jmg_desktop.papers.projection_table import projection_table
from jmg_desktop.papers.render import render_pdf

LINES = [
    BaseLine(
        1, "Day services – internal", "Day services", "Oxfordshire County Council", "current", 334_200_000
    ),
    BaseLine(2, "Continuing care", "Continuing care", "Oxfordshire PCT", "current", 1_248_000_000),
    BaseLine(3, "Equipment", "Equipment", "Oxfordshire County Council", "current", 187_800_000, linked=True),
]
CENTRAL = Scenario("Central", inflation=Decimal("0.025"), growth=Decimal("0.02"), savings=Decimal("0.015"))


def test_years_down_partners_across_with_total() -> None:
    table = projection_table(project(LINES, CENTRAL, FinancialYear(2009), 10))
    assert table.headers == ("Year (£m)", "Oxfordshire County Council", "Oxfordshire PCT", "Total")
    assert [row.cells[0] for row in table.rows] == [f"{2009 + n}/{(10 + n) % 100:02d}" for n in range(11)]
    base, first = table.rows[0], table.rows[1]
    assert base.cells[1:] == (
        Money.from_pounds("3342000"),
        Money.from_pounds("12480000"),
        Money.from_pounds("15822000"),
    )
    # 3,342,000 × 1.025 × 1.02 × 0.985 = 3,441,650.085 → £3,441,650.09.
    assert first.cells[1] == Money.from_pounds("3441650.09")
    assert first.cells[3] == first.cells[1] + first.cells[2]
    linked = projection_table(project(LINES, CENTRAL, FinancialYear(2009), 2), include_linked=True)
    assert linked.rows[0].cells[-1] == Money.from_pounds("17700000")


def test_rounding_note_only_when_rounded_parts_do_not_add() -> None:
    flat = projection_table(project(LINES, Scenario("Flat"), FinancialYear(2009), 1))
    assert flat.note == ""
    # £0.0004m twice rounds to 0.000 each, but their total £0.0008m rounds to 0.001.
    odd = [
        BaseLine(1, "A", None, "Council", "current", 40_000),
        BaseLine(2, "B", None, "PCT", "current", 40_000),
    ]
    assert projection_table(project(odd, Scenario("Flat"), FinancialYear(2009), 1)).note == ROUNDING_NOTE


def _blocks(projection, scenario: Scenario) -> list:
    """The projection block as a paper prints it: the assumptions, then the table."""
    stated = assumption_blocks(
        scenario, projection.years[0], projection.years[-1], "the Older People pool", None
    )
    return [*stated, projection_table(projection)]


def _words(blocks: list) -> str:
    texts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            texts.append(plain_text(block.runs))
        elif isinstance(block, BulletList):
            texts.extend(plain_text(item) for item in block.items)
    return " ".join(texts)


def test_blocks_state_the_assumptions_and_print_in_a_pdf() -> None:
    blocks = _blocks(project(LINES, CENTRAL, FinancialYear(2009), 5), CENTRAL)
    text = _words(blocks)
    assert "from 2009/10 to 2014/15" in text and "inflation of 2.5%" in text and "savings of 1.5%" in text
    assert "No rate is overridden and there are no adjustments." in text
    assert "Lines proposed for addition are counted, as if approved" in text
    view = PaperView(
        title="Older People pool: budget projection",
        created=datetime(2009, 1, 13, 9, 0),
        sections=(Section("Projection", tuple(blocks)),),
    )
    pdf = render_pdf(view)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0].extract_text()
    for expected in ("2014/15", "3.442", "Oxfordshire", "Total", "18.326"):
        assert expected in page


def test_every_assumption_in_force_is_stated_and_redoing_the_sums_from_them_gives_the_printed_figures() -> (
    None
):
    scenario = Scenario(
        "Mixed",
        inflation=Decimal("0.03"),
        growth=Decimal("0.01"),
        savings=Decimal("0.02"),
        overrides=(
            RateOverride("inflation", Decimal("0.05"), category="Day services"),
            RateOverride("savings", Decimal("0.04"), year=FinancialYear(2011)),
        ),
        additions_approved=False,
        adjustments=(
            Adjustment(
                Money.from_pounds("100000"), FinancialYear(2010), True, service="Day services – internal"
            ),
        ),
    )
    lines = [*LINES[:2], BaseLine(4, "Reablement", "Day services", "Oxfordshire PCT", "addition", 50_000_000)]
    projection = project(lines, scenario, FinancialYear(2009), 3)
    blocks = _blocks(projection, scenario)
    text = _words(blocks)
    for stated in (
        "inflation of 3%, demographic growth of 1% and efficiency savings of 2% a year",
        "(1 + inflation) × (1 + growth) × (1 − savings), rounded half up to the penny",
        "inflation of 5% for Day services;",
        "efficiency savings of 4% in 2011/12;",
        "£100,000.00 added to Day services – internal from 2010/11 onwards, joining the base and uplifted",
        "Lines proposed for addition are not counted (not yet approved)",
        "lines proposed for removal are left out, as if approved",
    ):
        assert stated in text, stated

    # Independently, from the printed assumptions only (not core.projection): each partner's total.
    def step(pence: Decimal, inflation: str, growth: str, savings: str) -> Decimal:
        exact = pence * (1 + Decimal(inflation)) * (1 + Decimal(growth)) * (1 - Decimal(savings))
        return exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)

    day, care = Decimal(334_200_000), Decimal(1_248_000_000)  # Reablement is not counted
    expected = [(day, care)]
    for year in (2010, 2011, 2012):
        savings = "0.04" if year == 2011 else "0.02"
        day = step(day, "0.05", "0.01", savings) + (10_000_000 if year == 2010 else 0)
        care = step(care, "0.03", "0.01", savings)
        expected.append((day, care))
    table = blocks[-1]
    printed = [(row.cells[1].pence, row.cells[2].pence) for row in table.rows]
    assert printed == [(int(a), int(b)) for a, b in expected]
