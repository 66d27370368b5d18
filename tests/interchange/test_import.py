"""Importing lines from workbooks written by openpyxl (another library than our reader) and CSV."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from jmg_desktop.cli import main
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.interchange.import_lines import import_command
from jmg_desktop.interchange.planning import make_defaults, plan_source, resolve_pool
from jmg_desktop.interchange.sources import open_source
from jmg_desktop.store.lines_repo import LinesStore, load_references
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.workspace import Workspace


def _template_shaped(path: Path) -> Path:
    """An expenditure sheet as officers keep it: a merged title, notes, the header on row 5 with
    units in the headings, a formula total at the foot (openpyxl saves formulas without values)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Expenditure"
    sheet["A1"] = "Better Care Fund 2019/20 – planned expenditure"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Figures in thousands of pounds unless stated"
    sheet.append([])
    sheet.append([])
    sheet.append(["Scheme ID", "Scheme name", "Contributor", "Budget £000", "Planned (£m)", "Comments"])
    sheet.append([1, "Home First reablement", "OCC", Decimal("3342"), None, "recurrent"])
    sheet.append([2, "Care home quality", "Oxfordshire Primary Care Trust", 1250.5, None, ""])
    sheet.append([3, "Home care recruitment", "occ", "2,000", None, None])
    sheet.append([None, "Total", None, "=SUM(D6:D8)", None, None])
    book.save(path)
    return path


def _plan(workspace: Workspace, path: Path, year: str = "2019/20", **options: object):  # type: ignore[no-untyped-def]
    refs = load_references(workspace)
    pool = resolve_pool(workspace, "Older People")
    defaults = make_defaults(workspace, refs, pool, FinancialYear.parse(year), None, None)
    return plan_source(open_source(path), refs, defaults, **options)  # type: ignore[arg-type]


def test_template_shape_with_units_header_below_title_and_a_total_row(
    tmp_path: Path, demo_workspace: Workspace
) -> None:
    plan = _plan(demo_workspace, _template_shaped(tmp_path / "bcf.xlsx"))
    assert plan.sheet == "Expenditure"
    assert plan.header_row == 5
    # "Budget £000" is the first amount heading; "Planned (£m)" is left unmapped.
    assert plan.mapping == {0: "scheme_ref", 1: "service", 2: "partner", 3: "amount", 5: "note"}
    assert [line.extra["scheme_ref"] for line in plan.lines] == ["1", "2", "3"]
    assert [(line.service, line.amount.pence) for line in plan.lines] == [
        ("Home First reablement", 334_200_000),
        ("Care home quality", 125_050_000),
        ("Home care recruitment", 200_000_000),
    ]
    assert plan.refusals == []
    assert plan.skipped == ["Row 9 (“Total”) looks like a total and was not imported."]


def test_refused_cells_are_listed_by_row_column_and_reason(tmp_path: Path, demo_workspace: Workspace) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Lines"
    sheet.append(["Service", "Partner", "Amount (£)", "Category"])
    sheet.append(["Day services", "OCC", "=B9*2", "Day services"])
    sheet.append(["Home support", "Nobody", 100, "Home support"])
    sheet.append(["Meals", "PCT", "12.345", "Day services"])
    sheet.append(["Transport", "PCT", 99, "Taxis"])
    sheet.append(["Good line", "PCT", Decimal("1000.10"), ""])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    plan = _plan(demo_workspace, path)
    assert [r.sentence() for r in plan.refusals] == [
        "Row 2, column C (Amount (£)): is a formula saved without its value: open the workbook in Excel, "
        "save it, and import it again.",
        "Row 3, column B (Partner): “Nobody” is not a partner in this workspace (add it with Tools ▸ Partners…).",
        "Row 4, column C (Amount (£)): “12.345”: the amount has a fraction of a penny; give at most two decimal places.",
        "Row 5, column D (Category): “Taxis” is not a category in this workspace (add it with Tools ▸ Categories…).",
    ]
    assert [(line.row, line.amount.pence) for line in plan.lines] == [(6, 100_010)]


def test_the_command_previews_then_imports_one_audited_change(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _template_shaped(tmp_path / "bcf.xlsx")
    args = ["import-lines", str(demo_path), str(path), "--pool", "Older People", "--year", "2019/20"]
    assert main([*args, "--dry-run"]) == 0
    assert "Would import 3 lines totalling £6,592,500.00" in capsys.readouterr().out
    assert main(args) == 0
    assert (
        "Imported 3 lines totalling £6,592,500.00 into “Older People” 2019/20 from bcf.xlsx."
        in capsys.readouterr().out
    )
    with Workspace.open(demo_path, read_only=True) as workspace:
        lines = LinesStore(workspace).lines_in_block(1, 2019)
        with workspace.reading() as session:
            last = session.execute(
                select(AuditEvent.action, AuditEvent.new).order_by(AuditEvent.sequence.desc())
            ).first()
    assert [(line.service, line.amount_pence, line.note) for line in lines] == [
        ("Home First reablement", 334_200_000, "recurrent"),
        ("Care home quality", 125_050_000, ""),
        ("Home care recruitment", 200_000_000, ""),
    ]
    assert last is not None and last.action == "import_lines" and "Home First reablement" in last.new


def test_import_is_undone_as_one_command(tmp_path: Path, demo_workspace: Workspace) -> None:
    plan = _plan(demo_workspace, _template_shaped(tmp_path / "bcf.xlsx"))
    store = LinesStore(demo_workspace)
    command = import_command(store, plan, 1, 2019, "bcf.xlsx")
    assert command.text == "Import 3 Lines from bcf.xlsx"
    command.apply(store)
    assert len(store.lines_in_block(1, 2019)) == 3
    command.revert(store)
    assert store.lines_in_block(1, 2019) == []


def test_csv_with_semicolons_and_a_map_option(tmp_path: Path, demo_workspace: Workspace) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "Budget line;Who pays;Value £m\nDay services;OCC;3.342\nHome support;PCT;(0.5)\n",
        encoding="utf-8-sig",
    )
    plan = _plan(demo_workspace, path, map_options=["Who pays=partner"])
    assert [(line.service, line.amount.pence, line.partner_id) for line in plan.lines] == [
        ("Day services", 334_200_000, 1),
        ("Home support", -50_000_000, 2),
    ]


def test_round_trip_export_then_import_is_exact_to_the_penny(tmp_path: Path, demo_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert (
        main(["export-xlsx", str(demo_path), "-o", str(out), "--pool", "Older People", "--year", "2009/10"])
        == 0
    )
    with Workspace.open(demo_path) as workspace:
        store = LinesStore(workspace)
        before = store.lines_in_block(1, 2009)
        # Make a penny-awkward amount first, to be sure nothing rounds on the way.
        from jmg_desktop.core.commands import FieldUpdate, delete_lines, edit_fields

        edit_fields(
            [FieldUpdate(before[0].id, "amount_pence", before[0].amount_pence, 123_456_789_01)]
        ).apply(store)
        before = store.lines_in_block(1, 2009)
    assert (
        main(["export-xlsx", str(demo_path), "-o", str(out), "--pool", "Older People", "--year", "2009/10"])
        == 0
    )
    with Workspace.open(demo_path) as workspace:
        store = LinesStore(workspace)
        delete_lines(before).apply(store)
    assert (
        main(["import-lines", str(demo_path), str(out), "--pool", "Older People", "--year", "2009/10"]) == 0
    )
    with Workspace.open(demo_path, read_only=True) as workspace:
        after = LinesStore(workspace).lines_in_block(1, 2009)

    def shape(lines):  # type: ignore[no-untyped-def]
        return [(x.service, x.category_id, x.partner_id, x.status_id, x.amount_pence, x.note) for x in lines]

    assert shape(after) == shape(before)
    assert after[0].amount_pence == 123_456_789_01


def test_a_formula_is_imported_from_its_saved_value_and_one_without_is_refused(
    tmp_path: Path, demo_workspace: Workspace
) -> None:
    """Formulas as Excel saves them (a cached value beside the formula), written by hand as XML:
    openpyxl cannot write a saved value."""
    from tests.interchange.handmade import cell_xml, row_xml, sheet_xml, write_xlsx

    rows = [
        row_xml(1, [cell_xml("A1", "Service"), cell_xml("B1", "Partner"), cell_xml("C1", "Budget £000")]),
        row_xml(2, [cell_xml("A2", "Day services"), cell_xml("B2", "OCC"), cell_xml("C2", Decimal("3342"))]),
        row_xml(
            3,
            [
                cell_xml("A3", "Uplift 2%"),
                cell_xml("B3", "OCC"),
                cell_xml("C3", Decimal("66.84"), formula="C2*0.02"),
            ],
        ),
        row_xml(
            4,
            [
                cell_xml("A4", "Not yet worked out"),
                cell_xml("B4", "PCT"),
                cell_xml("C4", None, formula="C2*0"),
            ],
        ),
    ]
    path = write_xlsx(tmp_path / "formulas.xlsx", {"Budget": sheet_xml(rows)})
    plan = _plan(demo_workspace, path)
    assert [(line.service, line.amount.pence) for line in plan.lines] == [
        ("Day services", 334_200_000),
        ("Uplift 2%", 6_684_000),  # £66.84 thousand, from the value Excel saved, to the penny
    ]
    assert [r.sentence() for r in plan.refusals] == [
        "Row 4, column C (Budget £000): is a formula saved without its value: open the workbook in Excel, "
        "save it, and import it again."
    ]


def test_number_cells_become_exact_pence_up_to_a_trillion_pounds(
    tmp_path: Path, demo_workspace: Workspace
) -> None:
    """Plain numbers are read from their decimal text to the penny (pounds, pence, negatives, a
    £000 heading), and one past £1 trillion is refused with the reason, naming its row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Service", "Amount £", "Budget £000"])
    sheet.append(["Pence", Decimal("12.3"), None])
    sheet.append(["Refund", Decimal("-0.05"), None])
    sheet.append(["The most", 1_000_000_000_000, None])
    sheet.append(["Too much", Decimal("1000000000000.01"), None])
    sheet.append(["Thousands", None, Decimal("1.5")])
    book.save(tmp_path / "numbers.xlsx")
    plan = _plan(demo_workspace, tmp_path / "numbers.xlsx", map_options=["Budget £000=ignore"])
    assert [(line.service, line.amount.pence) for line in plan.lines] == [
        ("Pence", 1_230),
        ("Refund", -5),
        ("The most", 100_000_000_000_000),
    ]
    assert [r.sentence() for r in plan.refusals] == [
        "Row 5, column B (Amount £): is too large: the most this application accepts is £1 trillion.",
        "Row 6, column B (Amount £): has no amount.",
    ]
    plan = _plan(
        demo_workspace, tmp_path / "numbers.xlsx", map_options=["Amount £=ignore", "Budget £000=amount"]
    )
    assert [(line.service, line.amount.pence) for line in plan.lines] == [("Thousands", 150_000)]
