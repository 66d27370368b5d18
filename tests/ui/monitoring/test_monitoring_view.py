"""The Monitoring page in the main window, on the demo: typing and pasting forecasts, refusals
beside the cell, undo, closing a period, the partners' totals, the risk share and the chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QWidget

from jmg_desktop.ui.main_window import MainWindow
from jmg_desktop.ui.monitoring.model import COLUMN_ACTUAL, COLUMN_COMMENTARY, COLUMN_FORECAST
from jmg_desktop.ui.monitoring.view import MonitoringView


@pytest.fixture
def window(qtbot, demo_path: Path) -> MainWindow:
    """The main window on the demo, shown at laptop size."""
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_path(demo_path)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    return win


def _open(window: MainWindow) -> MonitoringView:
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    window.pages.setCurrentIndex(titles.index("Monitoring"))
    view = window.findChild(QWidget, "monitoringView")
    assert isinstance(view, MonitoringView)
    return view


def _row(view: MonitoringView, service: str) -> int:
    return next(r for r in range(view.model.rowCount()) if view.model.row_figures(r).service == service)


def test_the_page_opens_on_quarter_2_with_its_figures(window: MainWindow) -> None:
    """The first open period is shown: £826,000 overspend, split with the host bearing £250,000 first."""
    page = window.monitoring_page  # type: ignore[attr-defined]
    assert not page.has_content()  # nothing heavy until the tab is opened
    view = _open(window)
    assert view.period() == 2
    assert view.period_picker.itemText(0).endswith("— closed")
    assert view.report is not None and view.report.table.pool.variance == 82_600_000
    shares = view.panel.shares
    assert shares.item(0, 0).text() == "OCC"
    assert shares.item(0, 0).toolTip().startswith("Oxfordshire County Council\nOf the £826,000.00 overspend")
    assert shares.item(0, 1).text() == "£730,742.24"
    assert shares.item(1, 1).text() == "£95,257.76"
    assert "first £250,000.00" in view.panel.rule.text()
    assert view.chart.points[:3] == [
        # Quarter 1 as frozen: 104,293,000 + 200,000 + 270,000 + 80,000 − 36,000 over budget.
        (1, 10_429_300_000, 10_480_700_000),
        (2, 10_489_300_000, 10_571_900_000),
        (3, 10_489_300_000, None),  # no forecasts yet: nothing drawn
    ]
    assert view.movements_table.rowCount() == 2
    assert view.movements_table.item(1, 3).text() == "Cabinet (above limit)"


def test_typing_a_forecast_updates_totals_and_undo_puts_it_back(qtbot, window: MainWindow) -> None:
    """Type £2,300,000 for respite care (no forecast yet): +£86,000; Ctrl+Z restores on budget."""
    view = _open(window)
    row = _row(view, "Respite care")
    view.table.setCurrentIndex(view.model.index(row, COLUMN_FORECAST))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    editor = view.table.findChild(QLineEdit, f"monitoringEditor{COLUMN_FORECAST}")
    assert editor is not None and editor.text() == ""  # no forecast yet: the editor starts empty
    qtbot.keyClicks(editor, "2,300,000")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits on the next turn of the event loop
    qtbot.waitUntil(lambda: view.table.state() != view.table.State.EditingState)
    assert view.table.currentIndex().row() == row + 1  # Enter moves down, as in a spreadsheet
    figures = view.model.row_figures(row)
    assert (figures.forecast, figures.variance, figures.rag) == (230_000_000, 8_600_000, "red")
    assert view.report.table.pool.variance == 82_600_000 + 8_600_000
    assert view.panel.partners.item(2, 3).text() == "£912,000"
    assert window.undo_stack.undoText() == "Edit Forecast"
    window.undo_stack.undo()
    figures = view.model.row_figures(row)
    assert (figures.has_forecast, figures.variance) == (False, 0)
    assert view.report.table.pool.variance == 82_600_000


def test_a_refused_entry_keeps_its_editor_open_with_the_reason(qtbot, window: MainWindow) -> None:
    """Typing "lots" and Enter keeps the editor open with the reason beside the cell; correcting
    it commits; nothing was stored in between."""
    view = _open(window)
    row = _row(view, "Respite care")
    view.table.setCurrentIndex(view.model.index(row, COLUMN_FORECAST))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    editor = view.table.findChild(QLineEdit, f"monitoringEditor{COLUMN_FORECAST}")
    qtbot.keyClicks(editor, "lots")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits on the next turn of the event loop
    qtbot.waitUntil(lambda: "“lots” is not an amount" in view.table.refusal_text)
    assert view.table.state() == view.table.State.EditingState
    assert window.undo_stack.count() == 0
    editor.selectAll()
    qtbot.keyClicks(editor, "£2.25m")
    assert view.table.refusal_text == ""  # the note clears as soon as the text is good
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.table.state() != view.table.State.EditingState)
    assert view.model.row_figures(row).forecast == 225_000_000


def test_bad_input_is_refused_beside_the_cell_and_changes_nothing(qtbot, window: MainWindow) -> None:
    """Letters for a forecast, or a commentary without a forecast, are refused in a sentence."""
    view = _open(window)
    row = _row(view, "Respite care")
    assert not view.model.setData(view.model.index(row, COLUMN_FORECAST), "lots")
    assert "Respite care, Forecast:" in view.last_message and "not an amount" in view.last_message
    assert not view.model.setData(view.model.index(row, COLUMN_COMMENTARY), "A note")
    assert "Enter the forecast outturn first" in view.last_message
    assert window.undo_stack.count() == 0


def test_paste_from_excel_checks_every_cell_first(window: MainWindow) -> None:
    """A pasted block fills forecast, actual and commentary; one bad cell and nothing is pasted."""
    view = _open(window)
    row = _row(view, "Respite care")
    view.table.setCurrentIndex(view.model.index(row, COLUMN_FORECAST))
    assert not view.paste_from_clipboard("2,250,000\t1,100,000\tOK\r\n2,000,000\tbad\t\r\n")
    assert "Nothing was pasted: row 2, column 2: “bad” is not an amount" in view.last_message
    assert view.cell_note.isVisible() and view.cell_note.text() == view.last_message
    assert not view.model.row_figures(row).has_forecast
    assert view.paste_from_clipboard("2,250,000\t1,100,000\tWinter respite beds\r\n1,700,000\t\t\r\n")
    first, second = view.model.row_figures(row), view.model.row_figures(row + 1)
    assert (first.forecast, first.actual, first.commentary) == (
        225_000_000,
        110_000_000,
        "Winter respite beds",
    )
    assert second.forecast == 170_000_000
    assert window.undo_stack.undoText() == "Paste Forecasts"
    window.undo_stack.undo()
    assert not view.model.row_figures(row).has_forecast


def test_a_closed_period_takes_no_edits(window: MainWindow) -> None:
    """Quarter 1 is frozen: its cells are not editable and the buttons that change it are off."""
    view = _open(window)
    view.period_picker.setCurrentIndex(0)
    assert view.report.closed and "frozen" in view.state_label.text()
    index = view.model.index(0, COLUMN_ACTUAL)
    assert not view.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not view.close_button.isEnabled() and not view.movement_button.isEnabled()


def test_closing_quarter_2_asks_first_and_freezes_it(qtbot, window: MainWindow) -> None:
    """Close Period… asks; OK closes; a later line edit does not move the closed report; Undo reopens."""
    view = _open(window)
    box = view.close_period()
    assert isinstance(box, QMessageBox) and "Close Quarter 2" in box.text()
    box.accept()
    assert view.report.closed and view.period_picker.itemText(1).endswith("— closed")
    lines = window.lines_model
    nursing = next(
        r
        for r in range(lines.rowCount())
        if lines.data(lines.index(r, 0)) == "Care homes – nursing placements"
    )
    assert lines.setData(lines.index(nursing, 4), "17,000,000")
    view.reload(2)
    assert view.report.table.pool.variance == 82_600_000
    window.undo_stack.undo()  # the line edit
    window.undo_stack.undo()  # the closing
    assert not view.report.closed


def test_reds_and_ambers_only_and_by_category(window: MainWindow) -> None:
    """The filter keeps only red and amber lines; the category view sums them."""
    view = _open(window)
    view.reds_only.setChecked(True)
    rags = {view.model.row_figures(r).rag for r in range(view.model.rowCount())}
    assert rags == {"red", "amber"} and view.model.rowCount() == 8  # 3 red, 5 amber in the demo
    # An edit while filtered changes the row shown (the list keeps its place until re-filtered).
    row = 3
    figures = view.model.row_figures(row)
    wanted = figures.latest + 100
    assert view.model.setData(view.model.index(row, COLUMN_FORECAST), str(wanted / 100))
    after = view.model.row_figures(row)
    assert (after.line_id, after.forecast, after.variance) == (figures.line_id, wanted, 100)
    assert view.report.table.pool.variance == 82_600_000 - figures.variance + 100
    window.undo_stack.undo()
    assert view.model.row_figures(row).forecast == figures.forecast
    view.reds_only.setChecked(False)
    view.grouping.setCurrentIndex(1)
    assert view.stack.currentWidget() is view.category_table
    last = view.categories.rowCount() - 1
    assert view.categories.data(view.categories.index(last, 5)) == "£826,000"


def test_dialogs_refuse_in_words_and_record_a_virement(qtbot, window: MainWindow) -> None:
    """A virement that does not add up is refused inside the dialog; a good one is recorded."""
    view = _open(window)
    dialog = view.record_movement()
    assert isinstance(dialog, QDialog)
    dialog.legs.item(0, 1).setText("-50,000")
    dialog.legs.item(1, 1).setText("40,000")
    dialog.reason.setText("Rebalance")
    assert not dialog.try_accept()
    assert "add up to nil" in dialog.problem.text()
    dialog.legs.item(1, 1).setText("50,000")
    dialog.legs.cellWidget(1, 0).setCurrentIndex(4)
    assert dialog.try_accept()
    assert view.movements_table.rowCount() == 3
    window.undo_stack.undo()
    assert view.movements_table.rowCount() == 2
    setup = view.edit_setup()
    setup.green.setText("5")
    setup.amber.setText("2")
    assert not setup.try_accept() and "green is the smaller" in setup.problem.text()
    setup.reject()
    rules = view.edit_rules()
    rules.over.method.setCurrentIndex(1)
    rules.over.host_first.setText("")
    rules.over.table.item(0, 1).setText("60")
    rules.over.table.item(1, 1).setText("30")
    assert not rules.try_accept() and "add up to 100 %" in rules.problem.text()
    rules.over.table.item(1, 1).setText("40")
    assert rules.try_accept()
    assert view.panel.shares.item(0, 1).text() == "£495,600"  # 60 % of £826,000
