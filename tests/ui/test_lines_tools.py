"""Roll forward, reference lists, drag to reorder and spreadsheet keys."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from jmg_desktop.ui.lines.references import ReferenceListModel
from jmg_desktop.ui.lines.roll_forward import parse_uplift, run_roll_forward
from jmg_desktop.ui.main_window import MainWindow

AMOUNT, NOTE, SERVICE, STATUS = 4, 5, 0, 3


def _db_lines(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT * FROM pool_line ORDER BY id").fetchall()
    finally:
        connection.close()


def test_uplift_parsing() -> None:
    assert parse_uplift("") == Decimal(0)
    assert parse_uplift(" 2.5 % ") == Decimal("2.5")
    assert parse_uplift("-1") == Decimal(-1)
    assert parse_uplift("abc") == "“abc” is not a percentage; type a number such as 2.5."
    assert parse_uplift("150") == "The uplift must be between -100% and 100%."


def test_roll_forward_is_one_step_and_shows_next_year(window: MainWindow, demo_path: Path) -> None:
    before = _db_lines(demo_path)
    assert run_roll_forward(window, Decimal("2"), settle=True)
    assert window.current_year() == 2010
    assert window.year_selector.currentText() == "2010/11"
    model = window.lines_model
    assert model.rowCount() == 16  # no proposed removals in the demo
    assert model.data(model.index(0, AMOUNT)) == "£22,311,480.00"  # £21,874,000 × 1.02
    assert {model.data(model.index(r, STATUS)) for r in range(16)} == {"In pool"}
    assert dict(window.totals_panel.rows())["Pool now"] == "£106.379m"  # £104.293m × 1.02, rounded per line
    assert window.undo_stack.undoText() == "Copy Lines to 2010/11"
    window.undo_stack.undo()
    assert _db_lines(demo_path) == before


def test_reference_lists_pass_qt_checks(qtmodeltester, window: MainWindow) -> None:
    for table in ("partner", "pool", "category"):
        qtmodeltester.check(ReferenceListModel(window, table), force_py=True)


def test_category_rename_add_remove_and_refusal(window: MainWindow, qtbot) -> None:
    model = ReferenceListModel(window, "category")
    assert model.data(model.index(0, 0)) == "Care homes"
    assert model.data(model.index(0, 1)) == "5"
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.remove_entry(0)
    assert blocker.args == ["“Care homes” is used by 5 lines, so it was not removed."]
    assert model.setData(model.index(0, 0), "Care homes (residential and nursing)")
    assert window.lines_model.data(window.lines_model.index(0, 1)) == "Care homes (residential and nursing)"
    assert window.undo_stack.undoText() == "Rename Category"
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.setData(model.index(1, 0), "care homes (RESIDENTIAL and nursing)")
    assert "already in the list" in blocker.args[0]
    assert model.add_entry("Reablement")
    assert model.data(model.index(model.rowCount() - 1, 0)) == "Reablement"
    assert model.remove_entry(model.rowCount() - 1)
    assert "Reablement" not in [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    window.undo_stack.undo()
    model.reload()
    assert model.data(model.index(model.rowCount() - 1, 0)) == "Reablement"


def test_partner_removal_says_everything_that_uses_it(window: MainWindow, qtbot) -> None:
    model = ReferenceListModel(window, "partner")
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.remove_entry(0)
    assert blocker.args == [
        "“Oxfordshire County Council” is used by 18 lines, 4 stated totals, 3 pools it hosts, "
        "3 agreements it must approve, 1 recorded approval, 2 papers, 1 scenario adjustment and "
        "1 risk-share term, so it was not removed."
    ]
    assert model.setData(model.index(1, 1), "CCG")
    assert window.lines_model.data(window.lines_model.index(7, 2)) == "CCG"
    assert not model.setData(model.index(1, 2), "charity")


def test_pools_can_be_added_and_renamed(window: MainWindow) -> None:
    model = ReferenceListModel(window, "pool")
    before = window.pool_list.count()  # the demo's pools
    assert model.add_entry("Mental Health")
    assert window.pool_list.count() == before + 1
    assert model.setData(model.index(before, 0), "Mental Health and Wellbeing")
    assert window.pool_list.item(before).text() == "Mental Health and Wellbeing"
    assert model.data(model.index(before, 1)) == "Oxfordshire County Council"
    assert model.remove_entry(before)
    assert window.pool_list.count() == before


def test_drag_and_drop_moves_lines(window: MainWindow) -> None:
    model = window.lines_model
    first, second, third = model.line_id(0), model.line_id(1), model.line_id(2)
    data = model.mimeData([model.index(0, 0)])
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, 3, 0, model.index(-1, -1))
    # False tells the view not to remove the dragged rows: the model has already moved them.
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, model.index(-1, -1))
    assert [model.line_id(r) for r in range(3)] == [second, third, first]
    assert window.undo_stack.undoText() == "Move Line"
    model.sort(AMOUNT)
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, 3, 0, model.index(-1, -1))
    model.sort(-1)
    window.undo_stack.undo()
    assert model.line_id(0) == first


def test_keyboard_enter_moves_down_and_f2_edits(window: MainWindow, qtbot) -> None:
    table = window.lines_view.table
    window.show()
    table.setFocus()
    table.setCurrentIndex(window.lines_model.index(0, AMOUNT))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex().column() == NOTE
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert table.state() == table.State.EditingState
    editor = table.findChild(QLineEdit, "editor5")
    editor.selectAll()
    qtbot.keyClicks(editor, "typed in place")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits on the next turn of the event loop
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    assert window.lines_model.data(window.lines_model.index(1, NOTE)) == "typed in place"
    assert table.currentIndex().row() == 2


def test_line_keys_act_only_on_the_lines_page(window: MainWindow, qtbot) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)  # shortcuts only reach an active window
    table = window.lines_view.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentIndex(window.lines_model.index(0, SERVICE))
    qtbot.keyClick(table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.lines_model.rowCount() == 17
    window.pool_list.setFocus()
    qtbot.waitUntil(window.pool_list.hasFocus)
    qtbot.keyClick(window.pool_list, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.lines_model.rowCount() == 17  # not on the pool list


def test_year_list_offers_the_year_after_the_last(window: MainWindow) -> None:
    years = [window.year_selector.itemText(i) for i in range(window.year_selector.count())]
    assert years == ["2009/10", "2010/11"]
    assert window.year_selector.currentText() == "2009/10"


def test_dragging_a_row_number_moves_the_line(window: MainWindow) -> None:
    model = window.lines_model
    order = [model.line_id(r) for r in range(5)]
    header = window.lines_view.table.verticalHeader()
    header.moveSection(0, 3)  # what a drag of row 1's number to row 4 does
    assert [model.line_id(r) for r in range(5)] == [order[1], order[2], order[3], order[0], order[4]]
    assert header.visualIndex(0) == 0  # the header itself is put straight back
    header.moveSection(3, 1)
    assert [model.line_id(r) for r in range(5)] == [order[1], order[0], order[2], order[3], order[4]]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert [model.line_id(r) for r in range(5)] == order


def test_a_new_workspace_from_nothing_to_a_pool_with_lines(qtbot, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.new_workspace_at(tmp_path / "fresh.jmg")
    partners = ReferenceListModel(window, "partner")
    assert partners.add_entry("Anyshire County Council")
    assert partners.setData(partners.index(0, 1), "ACC")
    assert partners.setData(partners.index(0, 2), "council")
    pools = ReferenceListModel(window, "pool")
    assert pools.add_entry("Better Care Fund")
    assert window.pool_list.count() == 1
    assert window.current_pool_id() == pools.rows[0]["id"]
    assert window.line_actions.add_line.isEnabled()
    assert window.line_actions.add_new_line()
    model = window.lines_model
    window.lines_view.table.closePersistentEditor(model.index(0, SERVICE))
    assert model.setData(model.index(0, SERVICE), "Reablement at home")
    assert model.setData(model.index(0, AMOUNT), "£1.25m")
    assert dict(window.totals_panel.rows())["Pool now"] == "£1.250m"
    assert window.undo_stack.count() == 7
