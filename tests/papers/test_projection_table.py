"""A projection as a paper's figures table, and that table printed in a PDF."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from pypdf import PdfReader

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import BaseLine, project
from jmg_desktop.core.scenario import Scenario
from jmg_desktop.papers.figures import ROUNDING_NOTE
from jmg_desktop.papers.model import FigureTable, PaperView, Paragraph, Section, plain_text
from jmg_desktop.papers.projection_table import projection_blocks, projection_table
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


def test_blocks_state_the_assumptions_and_print_in_a_pdf() -> None:
    blocks = projection_blocks(project(LINES, CENTRAL, FinancialYear(2009), 5), "Older People")
    sentence, table = blocks
    assert isinstance(sentence, Paragraph) and isinstance(table, FigureTable)
    text = plain_text(sentence.runs)
    assert "from 2009/10 to 2014/15" in text and "inflation of 2.5%" in text and "savings of 1.5%" in text
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
