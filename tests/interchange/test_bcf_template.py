"""The BCF demo pool, and the planning template's shape in and out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from jmg_desktop.cli import main
from jmg_desktop.core.money import Money
from jmg_desktop.store.bcf_repo import bcf_plan
from jmg_desktop.store.models import Pool
from jmg_desktop.store.totals import stated_comparisons
from jmg_desktop.store.workspace import Workspace

BCF = "Staffordshire Better Care Fund 2019/20 (illustrative)"


def _pool_id(workspace: Workspace, name: str = BCF) -> int:
    with workspace.reading() as session:
        return session.execute(select(Pool.id).where(Pool.name == name)).scalar_one()


def test_the_demo_bcf_pool_adds_up_and_reconciles_with_its_stated_totals(demo_workspace: Workspace) -> None:
    pool = _pool_id(demo_workspace)
    with demo_workspace.reading() as session:
        plan = bcf_plan(session, pool, 2019)
        stated = stated_comparisons(session, pool, 2019)
    assert plan.total_income == Money.from_pounds("142250000") == plan.total_planned
    assert all(b.balance == Money(0) for b in plan.balances) and len(plan.balances) == 7
    assert all(check.ok for check in plan.checks)
    assert [(s.stated.amount, s.reconciles) for s in stated] == [
        (Money.from_pounds("123000000"), True),
        (Money.from_pounds("142250000"), True),
    ]


def _template(path: Path) -> Path:
    """A planning workbook as an area might keep it (written with openpyxl): a title and a guidance
    row above each header, £000 on the Income sheet, a merged banner, percentages as % cells."""
    book = Workbook()
    income = book.active
    income.title = "2. Income"
    income["A1"] = "Better Care Fund 2020-21 planning template"
    income.merge_cells("A1:D1")
    income["A2"] = "Enter each funding source and its contributor"
    income.append(["Funding Source", "Contributor", "Income £000", "Comments"])
    income.append(
        [
            "NHS minimum contribution",
            "Staffordshire Clinical Commissioning Groups (illustrative)",
            Decimal("600.5"),
            "",
        ]
    )
    income.append(["Disabled Facilities Grant", "SCC", 200, ""])
    income.append(["Local one-off grant", "SCC", "99.5", "new stream"])
    income.append(["Total", None, "=SUM(C4:C6)", None])
    spend = book.create_sheet("3. Expenditure")
    spend["A1"] = "Planned expenditure"
    spend.append([])
    spend.append(
        [
            "Scheme ID",
            "Scheme Name",
            "Scheme Type",
            "Sub Types",
            "Area of Spend",
            "Commissioner",
            "% NHS (if Joint Commissioner)",
            "% LA (if Joint Commissioner)",
            "Provider",
            "Source of Funding",
            "Expenditure (£)",
            "New/ Existing Scheme",
        ]
    )
    spend.append(
        [
            "A1",
            "Community teams",
            "Community Based Schemes",
            "",
            "Community Health",
            "CCG",
            None,
            None,
            "NHS trust",
            "NHS minimum contribution",
            400_000.5,
            "Existing",
        ]
    )
    spend.append(
        [
            "A2",
            "Carers",
            "Carers Services",
            "",
            "Social Care",
            "Joint",
            0.6,
            0.4,
            "Charity",
            "NHS minimum contribution",
            Decimal("200000.00"),
            "New",
        ]
    )
    spend.append(
        [
            "A3",
            "Adaptations",
            "DFG Related Schemes",
            "",
            "Social Care",
            "Local Authority",
            None,
            None,
            "Districts",
            "Disabled Facilities Grant",
            200_000,
            "Existing",
        ]
    )
    spend.append(
        [
            "A4",
            "One-off project",
            "Other",
            "",
            "Other",
            "Local Authority",
            None,
            None,
            "Council",
            "Local one-off grant",
            99_500,
            "New",
        ]
    )
    for row in (5,):
        for column in ("G", "H"):
            spend[f"{column}{row}"].number_format = "0%"
    book.save(path)
    return path


def test_a_template_workbook_is_imported_whole(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _template(tmp_path / "plan.xlsx")
    args = ["import-lines", str(demo_path), str(path), "--pool", BCF, "--year", "2020/21", "--bcf"]
    assert main(args) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "Income sheet “2. Income”: 3 rows totalling £900,000.00" in out
    assert "New funding streams: Local one-off grant." in out
    with Workspace.open(demo_path, read_only=True) as workspace, workspace.reading() as session:
        plan = bcf_plan(session, _pool_id(workspace), 2020)
    assert [(b.stream, b.income.pence, b.planned.pence) for b in plan.balances] == [
        ("NHS minimum contribution", 60_050_000, 60_000_050),
        ("Disabled Facilities Grant", 20_000_000, 20_000_000),
        ("Local one-off grant", 9_950_000, 9_950_000),
    ]
    carers = next(s for s in plan.schemes if s.scheme_ref == "A2")
    assert (carers.commissioner, carers.nhs_share_bp, carers.council_share_bp) == ("joint", 6000, 4000)
    assert {s.scheme_ref: s.commissioner for s in plan.schemes} == {
        "A1": "nhs",
        "A2": "joint",
        "A3": "council",
        "A4": "council",
    }
    assert [c.text for c in plan.checks if not c.ok] == [
        "Income not yet planned: NHS minimum contribution (£499.50 unallocated)"
    ]


def test_template_export_has_the_shape_lists_and_checklist_and_imports_back_exactly(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bcf.xlsx"
    assert (
        main(["export-xlsx", str(demo_path), "-o", str(out), "--pool", BCF, "--year", "2019/20", "--bcf"])
        == 0
    )
    book = load_workbook(out)
    assert book.sheetnames == ["Income", "Expenditure", "Balances", "Conditions", "Checklist", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    spend = book["Expenditure"]
    assert [c.value for c in spend[1]][:12] == [
        "Scheme ID",
        "Scheme name",
        "Scheme type",
        "Sub type",
        "Area of spend",
        "Commissioner",
        "% NHS",
        "% LA",
        "Provider",
        "Source of funding",
        "Expenditure (£)",
        "New/Existing",
    ]
    lists = {str(v.sqref)[0]: v.formula1 for v in spend.data_validations.dataValidation}
    assert lists["C"] == "Lists!$B$2:$B$12" and lists["F"] == "Lists!$E$2:$E$4"
    assert all(row[1] == "yes" for row in book["Checklist"].iter_rows(min_row=2, values_only=True))
    assert main(["import-lines", str(demo_path), str(out), "--pool", BCF, "--year", "2021/22", "--bcf"]) == 0
    with Workspace.open(demo_path, read_only=True) as workspace, workspace.reading() as session:
        pool = _pool_id(workspace)
        before, after = bcf_plan(session, pool, 2019), bcf_plan(session, pool, 2021)

    def shape(plan):  # type: ignore[no-untyped-def]
        return (
            [(i.stream, i.partner, i.amount) for i in plan.income],
            [
                (
                    s.scheme_ref,
                    s.name,
                    s.scheme_type,
                    s.area_of_spend,
                    s.commissioner,
                    s.nhs_share_bp,
                    s.council_share_bp,
                    s.provider,
                    s.stream_id,
                    s.new_or_existing,
                    s.amount,
                )
                for s in plan.schemes
            ],
        )

    assert shape(after) == shape(before)


def test_a_bcf_import_with_a_refused_cell_changes_nothing(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _template(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    book["3. Expenditure"]["F4"] = "Somebody"
    book.save(path)
    assert main(["import-lines", str(demo_path), str(path), "--pool", BCF, "--year", "2020/21", "--bcf"]) == 2
    captured = capsys.readouterr()
    assert (
        "Row 4, column F (Commissioner): “Somebody” is not a commissioner: write Council (or Local Authority), "
        "NHS (or CCG) or Joint." in captured.out
    )
    with Workspace.open(demo_path, read_only=True) as workspace, workspace.reading() as session:
        assert not bcf_plan(session, _pool_id(workspace), 2020).is_bcf
