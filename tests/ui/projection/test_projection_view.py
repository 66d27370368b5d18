"""``projectionView``: scenario picker and editor, the table and charts, comparison, exports."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QWidget

from jmg_desktop.core.money import Money
from jmg_desktop.core.projection_export import projection_csv
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.projection.scenario_editor import ScenarioEditor
from jmg_desktop.ui.projection.table_model import GroupBy
from jmg_desktop.ui.projection.view import ProjectionView

OLDER_PEOPLE = 1
COUNCIL = "Oxfordshire County Council"


@pytest.fixture
def view(qtbot, demo_workspace: Workspace) -> Iterator[ProjectionView]:
    widget = ProjectionView()
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.set_workspace(demo_workspace)
    widget.set_selection(OLDER_PEOPLE, 2009)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def m(text: str) -> Money:
    return Money.from_pounds(text)


def test_named_and_showing_the_demo_by_partner(view: ProjectionView) -> None:
    assert view.objectName() == "projectionView"
    assert isinstance(view.findChild(QWidget, "projectionTable"), QWidget)
    assert [view.scenario_picker.itemText(i) for i in range(view.scenario_picker.count())] == [
        "Central",
        "High inflation",
        "Savings plan",
    ]
    model = view.model
    assert model.columnCount() == 1 + 11  # label and 2009/10 … 2019/20
    assert model.headerData(1, _horizontal()) == "2009/10"
    assert model.index(0, 0).data() == COUNCIL
    # The base year is the published new value of the council's contribution: £86.946m.
    assert model.amount(0, 1) == m("86946000")
    assert model.index(0, 1).data() == "£86.946m"
    assert model.index(model.rowCount() - 1, 0).data() == "Total"
    assert model.amount(model.rowCount() - 1, 1) == m("104293000")
    assert "Central: inflation 2.5%, growth 2%, savings 1.5%" in view.summary_label.text()


def _horizontal():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_rows_by_category_and_by_line_with_linked_pools(view: ProjectionView) -> None:
    view.group_picker.setCurrentText(GroupBy.LINES.value)
    assert view.model.rowCount() == 16 + 1 + 1  # the pool's lines, the home support adjustment, Total
    view.linked_box.setChecked(True)
    assert view.model.rowCount() == 16 + 1 + 7 + 1
    assert view.model.amount(view.model.rowCount() - 1, 1) == m("114130000")
    view.group_picker.setCurrentText(GroupBy.CATEGORIES.value)
    labels = [view.model.index(row, 0).data() for row in range(view.model.rowCount())]
    assert labels[0] == "Care homes" and labels[-1] == "Total"


def test_two_scenarios_compared(view: ProjectionView) -> None:
    view.select_scenario("Central", compare_with="High inflation")
    comparison = view.comparison
    assert comparison is not None
    assert comparison.difference[0] == Money(0)  # same base year
    assert all(later.pence > 0 for later in comparison.difference[1:])
    assert comparison.total_difference == sum(comparison.difference, Money(0))
    title = view.compare_chart.chart().title()
    assert (
        title.startswith("High inflation against Central: +")
        and comparison.total_difference.format_m() in title
    )
    table = view.compare_table
    assert table.rowCount() == 3 and table.columnCount() == 12  # eleven years and the total
    assert table.verticalHeaderItem(2).text() == "Difference (High inflation − Central)"
    assert table.item(2, 0).text() == "£0.000m"
    assert table.item(2, 11).text() == f"+{comparison.total_difference.format_m()}"
    assert table.item(2, 11).toolTip() == comparison.total_difference.format_full()
    view.compare_picker.setCurrentIndex(0)
    assert view.comparison is None
    assert table.rowCount() == 0


def test_years_ahead_changes_the_columns(view: ProjectionView) -> None:
    view.years_spin.setValue(3)
    assert view.model.columnCount() == 1 + 4
    assert view.projection is not None and view.projection.years[-1].label == "2012/13"


def test_export_csv_and_xlsx(view: ProjectionView, tmp_path: Path) -> None:
    csv_path = tmp_path / "out.csv"
    assert view.export_csv_to(csv_path)
    assert view.projection is not None
    assert csv_path.read_text(encoding="utf-8") == projection_csv(view.projection)
    xlsx_path = tmp_path / "out.xlsx"
    assert view.export_xlsx_to(xlsx_path)
    book = load_workbook(xlsx_path)
    sheet = book["Projection"]
    assert [cell.value for cell in sheet[1]] == ["financial_year", "service", "category", "partner", "amount"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 11 * 17  # 16 lines and the adjustment row, 11 years
    by_key = {(r[0], r[1]): r[4] for r in rows}
    # 3,342,000 × 1.025 × 1.02 × 0.985 = 3,441,650.085 → £3,441,650.09, written as exact digits.
    assert Decimal(str(by_key[("2010/11", "Day services – internal")])) == Decimal("3441650.09")
    totals = book["Totals"]
    assert totals["A3"].value == "Older People pool including linked pools"
    assert Decimal(str(totals["B3"].value)) == Decimal("114130000")
    assert book["Assumptions"]["B2"].value == "2.5%"


def test_a_failed_export_says_so_and_leaves_the_old_file(
    view: ProjectionView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no such folder" / "out.csv"
    assert not view.export_csv_to(missing)
    assert "not written" in view.message_label.text() and "does not exist" in view.message_label.text()
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "keep.xlsx"
    target.write_bytes(b"previous")

    def refuse(_source: object, _target: object) -> None:
        raise PermissionError("refused")

    monkeypatch.setattr("jmg_desktop.store.safe_write.os.replace", refuse)
    assert not view.export_xlsx_to(target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in folder.iterdir()] == ["keep.xlsx"]  # no temporary file left behind
    assert "permission was refused" in view.message_label.text()


def test_editing_a_scenario_saves_it_and_bad_input_keeps_the_editor_open(
    view: ProjectionView, demo_workspace: Workspace, qtbot
) -> None:
    editor = view.edit_scenario(new=False)
    assert isinstance(editor, ScenarioEditor)
    qtbot.addWidget(editor)
    assert editor.rate_edits["inflation"].text() == "2.5"
    assert editor.overrides.rowCount() == 1 and editor.adjustments.rowCount() == 2
    editor.rate_edits["inflation"].setText("lots")
    editor.accept()
    assert editor.isVisible()
    assert "Inflation “lots” is not a percentage" in editor.error_label.text()
    editor.rate_edits["inflation"].setText("3")
    editor.name_edit.setText("Central revised")
    editor.accept()
    assert not editor.isVisible()
    assert view.scenario_picker.currentText() == "Central revised"
    scenario = view.current_scenario()
    assert scenario is not None and scenario.inflation == Decimal("0.03")
    assert len(scenario.adjustments) == 2 and scenario.overrides[0].category == "Care homes"


def test_a_duplicate_name_is_refused_with_a_message(view: ProjectionView) -> None:
    scenario = view.current_scenario()
    assert scenario is not None
    from dataclasses import replace

    assert not view.store_scenario(replace(scenario, name="High inflation"))
    assert "already exists" in view.message_label.text()


def test_deleting_a_scenario(view: ProjectionView) -> None:
    view.select_scenario("Savings plan")
    assert view.delete_current(confirm=False)
    assert view.scenario_picker.findText("Savings plan") == -1


def test_read_only_workspace_cannot_change_scenarios(qtbot, demo_path: Path) -> None:
    workspace = Workspace.open(demo_path, read_only=True)
    try:
        widget = ProjectionView()
        qtbot.addWidget(widget)
        widget.set_workspace(workspace)
        widget.set_selection(OLDER_PEOPLE, 2009)
        widget.reload()
        assert widget.projection is not None
        assert not widget.new_button.isEnabled()
        assert not widget.edit_button.isEnabled()
        assert "read-only" in widget.edit_button.toolTip()
    finally:
        workspace.close()


def test_a_hidden_view_does_no_work_until_shown(qtbot, demo_workspace: Workspace) -> None:
    widget = ProjectionView()
    qtbot.addWidget(widget)
    widget.set_workspace(demo_workspace)
    widget.set_selection(OLDER_PEOPLE, 2009)
    assert widget.projection is None
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.projection is not None


def test_screenshot_of_the_view(view: ProjectionView, tmp_path: Path) -> None:
    view.select_scenario("Central", compare_with="High inflation")
    path = tmp_path / "projection-view.png"
    assert view.grab().save(str(path))
    assert path.stat().st_size > 10_000


def test_chart_ticks_are_round_and_labelled_exactly(qtbot) -> None:
    from jmg_desktop.ui.projection.charts import PartnerStackChart, nice_axis_max, tick_step

    assert [tick_step(v) for v in (2.15, 1.6, 0.3, 20.9, 10)] == [2.5, 2, 0.5, 25, 10]
    assert [nice_axis_max(v) for v in (104.3, 0.9, 7)] == [120, 1, 8]
    chart = PartnerStackChart()
    qtbot.addWidget(chart)
    chart.set_totals(["2009/10", "2010/11"], {"Council": (m("300000"), m("420000"))})
    assert chart.axis_y.tickInterval() == 0.1  # £0.3m to £0.42m: ticks every £0.1m …
    assert chart.axis_y.labelFormat() == "%.1f"  # … labelled 0.1, 0.2, never a rounded "0"
    assert chart.axis_y.max() >= 0.42
    chart.set_totals(["2009/10"], {"Council": (m("104293000"),)})
    assert (chart.axis_y.tickInterval(), chart.axis_y.labelFormat(), chart.axis_y.max()) == (25, "%.0f", 125)
    chart.set_totals(["2009/10"], {"Council": (m("8100000"),)})  # £8.1m: ticks every £2m
    assert (chart.axis_y.tickInterval(), chart.axis_y.labelFormat()) == (2, "%.0f")
    chart.set_totals(["2009/10"], {"Council": (m("11000000"),)})  # £11m: every £2.5m, one decimal
    assert (chart.axis_y.tickInterval(), chart.axis_y.labelFormat()) == (2.5, "%.1f")
