"""The demo's "Quarter 2 monitoring report to the Joint Management Group": its figures checked
against arithmetic done here (from the demo's source lines, its illustrative forecasts and its two
movements, with Decimal), the PDF it exports, and the blocks' refusals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest

from jmg_desktop.papers import service
from jmg_desktop.papers.model import BulletList, FigureTable, Notice, PaperView, Paragraph
from jmg_desktop.papers.render import template_data
from jmg_desktop.store.demo import load_demo_source
from jmg_desktop.store.monitoring_demo import DEMO_Q1, DEMO_Q2
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.workspace import Workspace

TITLE = "Quarter 2 monitoring report to the Joint Management Group"
MOVED = {
    "Care homes – residential placements": Decimal(-300_000),
    "Home support – external": Decimal(900_000),
}
THOUSANDS = Decimal(1)


def pounds(text: str) -> Decimal:
    """'£21,874,000.00' → Decimal('21874000.00')."""
    return Decimal(text.replace("£", "").replace(",", ""))


def k0(value: Decimal) -> str:
    """Pounds as the monitoring tables print them: whole £000, a half away from nil (Decimal's
    ROUND_HALF_UP), negatives in brackets."""
    rounded = (value / 1_000).quantize(THOUSANDS, rounding=ROUND_HALF_UP)
    return f"({abs(rounded):,})" if rounded < 0 else f"{abs(rounded):,}"


def rag_word(variance: Decimal, latest: Decimal) -> str:
    """Red beyond 3 % of the latest budget or above £250,000; amber beyond 1 %; else green."""
    share = abs(variance) / latest
    if share > Decimal("0.03") or abs(variance) > 250_000:
        return "Red"
    return "Amber" if share > Decimal("0.01") else "Green"


def source(forecasts: dict[str, tuple[str, str]], moved: dict[str, Decimal]) -> list[dict[str, object]]:
    """Each Older People line: service, category, partner, latest budget, forecast."""
    lines = []
    for line in load_demo_source()["lines"]:
        if line["pool"] != "Older People":
            continue
        original = pounds(line["amount"])
        movement = moved.get(line["service"], Decimal(0))
        latest = original + movement
        forecast = pounds(forecasts[line["service"]][0]) if line["service"] in forecasts else latest
        lines.append(
            {**line, "original": original, "movement": movement, "latest": latest, "forecast": forecast}
        )
    return lines


@pytest.fixture
def q2_view(demo_workspace: Workspace) -> PaperView:
    """The demo's quarter 2 report as it prints now."""
    paper = next(p for p in service.list_papers(demo_workspace) if p.title == TITLE)
    return service.paper_view(demo_workspace, paper.id)


def _tables(view: PaperView, heading: str) -> list[FigureTable]:
    section = next(s for s in view.sections if s.heading == heading)
    return [block for block in section.blocks if isinstance(block, FigureTable)]


def _printed(view: PaperView, heading: str) -> list[list[str]]:
    """The cells of the section's (only) table exactly as the template receives them."""
    section = next(s for s in template_data(view)["sections"] if s["heading"] == heading)
    (block,) = [block for block in section["blocks"] if block["type"] == "table"]
    return [row["cells"] for row in block["rows"]]


def _note(view: PaperView, heading: str) -> str:
    section = next(s for s in template_data(view)["sections"] if s["heading"] == heading)
    (block,) = [block for block in section["blocks"] if block["type"] == "table"]
    return str(block["note"])


def _adds_up(parts: list[Decimal], total: Decimal) -> bool:
    """Whether the parts, each rounded to £000 as printed, add up to the total rounded so."""
    whole = [(part / 1_000).quantize(THOUSANDS, rounding=ROUND_HALF_UP) for part in parts]
    return sum(whole) == (total / 1_000).quantize(THOUSANDS, rounding=ROUND_HALF_UP)


def test_category_table_matches_independent_sums(q2_view: PaperView) -> None:
    """Each category's original budget, movement, latest budget, forecast, variance and light, and
    the pool total, to the £000 as printed; the note states the unit and the rounding rule, and
    says the lines may not add up exactly only when, rounded, they do not."""
    heading = "Forecast position by category"
    printed = {row[0]: row[1:] for row in _printed(q2_view, heading)}
    sums: dict[str, list[Decimal]] = {}
    for line in source(DEMO_Q2, MOVED):
        totals = sums.setdefault(str(line["category"]), [Decimal(0)] * 4)
        for place, key in enumerate(("original", "movement", "latest", "forecast")):
            totals[place] += line[key]  # type: ignore[operator]

    def expected(original: Decimal, movement: Decimal, latest: Decimal, forecast: Decimal) -> list[str]:
        variance = forecast - latest
        return [
            k0(original),
            k0(movement),
            k0(latest),
            k0(forecast),
            k0(variance),
            rag_word(variance, latest),
        ]

    for category, figures in sums.items():
        assert printed[category] == expected(*figures), category
    pool = [sum((v[place] for v in sums.values()), Decimal(0)) for place in range(4)]
    assert printed["Pool total"] == expected(*pool)
    assert pool[3] - pool[2] == 826_000
    assert printed["Pool total"][4] == "826"
    assert list(printed)[-1] == "Pool total"
    note = _note(q2_view, heading)
    assert "Figures in £000: each rounded to the nearest £1,000 (a half away from nil)" in note
    columns = [[v[place] for v in sums.values()] for place in range(4)]
    columns.append([v[3] - v[2] for v in sums.values()])
    totals = [*pool, pool[3] - pool[2]]
    broken = not all(_adds_up(column, total) for column, total in zip(columns, totals, strict=True))
    assert ("may not add up exactly" in note) is broken


def test_the_cabinet_annex_keeps_its_tables_in_millions(demo_workspace: Workspace) -> None:
    """The widening annex's own table still prints £m to three places."""
    paper = next(p for p in service.list_papers(demo_workspace) if p.title != TITLE)
    view = service.paper_view(demo_workspace, paper.id)
    tables = [
        block
        for section in template_data(view)["sections"]
        for block in section["blocks"]
        if block["type"] == "table"
    ]
    assert tables and all(table["headers"][-1].endswith("£m") for table in tables)
    cells = [cell for table in tables for row in table["rows"] for cell in row["cells"]]
    assert "3.342" in cells  # Day Services – internal, £3,342,000


def test_reds_and_ambers_table_lists_exactly_those_lines(q2_view: PaperView) -> None:
    """Red: beyond 3 % of latest budget or above £250,000; amber: beyond 1 % — worked out here."""
    (table,) = _tables(q2_view, "Lines rated red or amber")
    expected = []
    for line in source(DEMO_Q2, MOVED):
        variance = line["forecast"] - line["latest"]  # type: ignore[operator]
        share = abs(variance) / line["latest"]  # type: ignore[operator]
        rag = (
            "red"
            if share > Decimal("0.03") or abs(variance) > 250_000
            else "amber"
            if share > Decimal("0.01")
            else ""
        )
        if rag:
            expected.append((line["service"], rag.capitalize()))
    assert [(row.cells[0], row.cells[-1]) for row in table.rows] == expected
    assert not any(row.total for row in table.rows)  # a filtered table has no misleading total
    section = next(s for s in q2_view.sections if s.heading == "Lines rated red or amber")
    commentary = next(block for block in section.blocks if isinstance(block, BulletList))
    first = "".join(run.text for run in commentary.items[0])
    assert first.startswith("Care homes – nursing placements (red, +£0.428m): Nursing placements")


def test_risk_share_matches_independent_arithmetic(q2_view: PaperView) -> None:
    """The council bears the first £250,000, then the rest by contributions (latest budgets),
    rounded half up to the penny; the PCT bears the remainder, so the two add up exactly."""
    lines = source(DEMO_Q2, MOVED)
    council = sum(line["latest"] for line in lines if line["partner"] == "Oxfordshire County Council")  # type: ignore[misc]
    pct = sum(line["latest"] for line in lines if line["partner"] == "Oxfordshire Primary Care Trust")  # type: ignore[misc]
    variance = sum(line["forecast"] - line["latest"] for line in lines)  # type: ignore[operator]
    council_share = 250_000 + ((variance - 250_000) * council / (council + pct)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    pct_share = variance - council_share
    section = next(s for s in q2_view.sections if s.heading == "Risk share")
    printed = _printed(q2_view, "Risk share")
    assert printed[0] == ["Oxfordshire County Council", k0(council), k0(council_share)]
    assert printed[1] == ["Oxfordshire Primary Care Trust", k0(pct), k0(pct_share)]
    assert printed[2] == ["Total", k0(council + pct), k0(variance)]
    assert printed[2][2] == "826"
    note = _note(q2_view, "Risk share")
    assert "Figures in £000" in note
    adds = _adds_up([council, pct], council + pct) and _adds_up([council_share, pct_share], variance)
    assert ("may not add up exactly" in note) is not adds
    reasons = next(block for block in section.blocks if isinstance(block, BulletList))
    texts = ["".join(run.text for run in item) for item in reasons.items]
    assert texts[0].startswith(
        f"Oxfordshire County Council: £{council_share:,.2f}. Of the £826,000.00 overspend"
    )
    assert texts[1].startswith(f"Oxfordshire Primary Care Trust: £{pct_share:,.2f}.")
    sentence = next(block for block in section.blocks if isinstance(block, Paragraph))
    assert (
        "The projected overspend of £0.826 million at quarter 2 (July–September 2009)"
        in sentence.runs[0].text
    )


def test_quarter_1_prints_as_frozen(q2_view: PaperView, demo_workspace: Workspace) -> None:
    """The closed quarter's table is its frozen figures: a later line edit moves quarter 2's
    latest budget by the edit, and leaves quarter 1's exactly as it was."""
    lines = source(DEMO_Q1, {})
    latest = sum(line["latest"] for line in lines)  # type: ignore[misc]
    forecast = sum(line["forecast"] for line in lines)  # type: ignore[misc]
    printed = _printed(q2_view, "Quarter 1")
    assert printed[-1][3:6] == [k0(latest), k0(forecast), k0(forecast - latest)]
    assert printed[-1][2] == "0"  # no movement in quarter 1
    from jmg_desktop.store.models import PoolLine

    with demo_workspace.writing() as session:
        session.query(PoolLine).filter(PoolLine.service == "Care homes – nursing placements").update(
            {PoolLine.amount_pence: PoolLine.amount_pence + 50_000_000}
        )
    paper = next(p for p in service.list_papers(demo_workspace) if p.title == TITLE)
    again = service.paper_view(demo_workspace, paper.id)
    assert _printed(again, "Quarter 1") == printed
    q2_latest = sum(line["latest"] for line in source(DEMO_Q2, MOVED)) + 500_000  # type: ignore[misc]
    assert _printed(again, "Forecast position by category")[-1][3] == k0(q2_latest)


def test_the_report_exports_as_an_accessible_pdf(
    demo_workspace: Workspace, pdf_text: Callable[[bytes], str], pdfua_findings: Callable[[bytes], list[str]]
) -> None:
    """The PDF says the forecasts are illustrative, prints the figures, and passes pdfua check."""
    paper = next(p for p in service.list_papers(demo_workspace) if p.title == TITLE)
    data = service.paper_pdf(demo_workspace, paper.id)
    text = " ".join(pdf_text(data).split())
    assert "The forecasts in this report are illustrative." in text
    assert "an overspend of £0.826 million" in text
    assert pdfua_findings(data) == []


def test_bad_block_options_print_a_notice(demo_workspace: Workspace) -> None:
    """period=9 on a quarterly pool, period=two and show=purple each print a plain notice."""
    from jmg_desktop.papers.markup import FigureRef
    from jmg_desktop.papers.monitoring_blocks import monitoring_resolver

    with demo_workspace.reading() as session:
        resolve = monitoring_resolver(session_rows(session), 1, 2009)
        nine = resolve(FigureRef("monitoring", (("period", "9"),)))
        word = resolve(FigureRef("risk_share", (("period", "two"),)))
        colour = resolve(FigureRef("monitoring", (("show", "purple"),)))
        other = resolve(FigureRef("projection"))
    assert isinstance(nine[0], Notice) and "There is no period 9" in nine[0].text
    assert isinstance(word[0], Notice) and "whole number" in word[0].text
    assert isinstance(colour[0], Notice) and "“purple”" in colour[0].text
    assert other is None


def test_a_final_keeps_its_tables_in_thousands(q2_view: PaperView) -> None:
    """The frozen form of the report (what a final paper keeps) reads back with its £000 tables
    and their widths, and prints the same cells."""
    from jmg_desktop.papers.snapshot import view_from_json, view_to_json

    again = view_from_json(view_to_json(q2_view))
    assert again == q2_view
    (table,) = _tables(again, "Forecast position by category")
    assert table.unit == "000" and table.widths[0] == 0
    heading = "Forecast position by category"
    assert _printed(again, heading) == _printed(q2_view, heading)
