"""Editing through the window: every change one undo step, durable, audited, exactly reversible."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt

from jmg_desktop.ui.main_window import MainWindow

AMOUNT, NOTE, SERVICE = 4, 5, 0


def _db_lines(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT * FROM pool_line ORDER BY id").fetchall()
    finally:
        connection.close()


def _audit_actions(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT action FROM audit_event ORDER BY sequence")]
    finally:
        connection.close()


def _select_rows(window: MainWindow, rows: list[int]) -> None:
    view = window.lines_view
    selection = view.table.selectionModel()
    selection.setCurrentIndex(
        window.lines_model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    selection.clearSelection()
    for row in rows:
        selection.select(
            window.lines_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_edit_then_undo_and_redo(window: MainWindow, demo_path: Path) -> None:
    model = window.lines_model
    before = _db_lines(demo_path)
    assert model.setData(model.index(0, AMOUNT), "£22m")
    assert window.undo_stack.undoText() == "Edit Amount"
    assert window.action_undo.text() == "&Undo Edit Amount"
    assert _db_lines(demo_path)[0][7] == 2_200_000_000
    window.action_undo.trigger()
    assert _db_lines(demo_path) == before
    assert model.data(model.index(0, AMOUNT)) == "£21,874,000.00"
    window.action_redo.trigger()
    assert model.data(model.index(0, AMOUNT)) == "£22,000,000.00"
    assert _audit_actions(demo_path)[-3:] == ["edit_lines", "undo_edit_lines", "edit_lines"]


def test_totals_follow_every_edit(window: MainWindow) -> None:
    model = window.lines_model
    rows = dict(window.totals_panel.rows())
    assert rows["Pool now"] == "£67.783m"
    model.setData(model.index(0, AMOUNT), "21,875,000")
    assert dict(window.totals_panel.rows())["Pool now"] == "£67.784m"
    window.undo_stack.undo()
    assert dict(window.totals_panel.rows())["Pool now"] == "£67.783m"


def test_multi_delete_is_one_step_and_undo_restores_positions(window: MainWindow, demo_path: Path) -> None:
    before = _db_lines(demo_path)
    _select_rows(window, [1, 4, 9])
    assert window.line_actions.delete_selected()
    assert window.lines_model.rowCount() == 13
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Delete 3 Lines"
    window.undo_stack.undo()
    assert _db_lines(demo_path) == before
    assert window.lines_model.rowCount() == 16


def test_delete_key_deletes_selected_lines(window: MainWindow, qtbot) -> None:
    _select_rows(window, [0, 1])
    window.lines_view.table.setFocus()
    qtbot.keyClick(window.lines_view.table, Qt.Key.Key_Delete)
    assert window.lines_model.rowCount() == 14


def test_add_duplicate_and_move(window: MainWindow, demo_path: Path) -> None:
    before = _db_lines(demo_path)
    model = window.lines_model
    window.lines_view.table.setCurrentIndex(model.index(2, SERVICE))
    assert window.line_actions.add_new_line()
    assert model.data(model.index(3, SERVICE)) == "New line"
    window.lines_view.table.closePersistentEditor(model.index(3, SERVICE))
    _select_rows(window, [0])
    assert window.line_actions.duplicate_lines()
    assert model.data(model.index(1, SERVICE)) == model.data(model.index(0, SERVICE))
    _select_rows(window, [1])
    assert window.line_actions.move_selected(1)
    assert model.data(model.index(2, SERVICE)) == "Care homes – residential placements"
    assert window.lines_view.selected_line_ids() == [model.line_id(2)]
    assert window.undo_stack.undoText() == "Move Line Down"
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert _db_lines(demo_path) == before


def test_a_hundred_levels_of_undo(window: MainWindow, demo_path: Path) -> None:
    before = _db_lines(demo_path)
    model = window.lines_model
    for n in range(1, 121):
        assert model.setData(model.index(n % 16, NOTE), f"note {n}")
    assert window.undo_stack.count() == 120
    for _ in range(120):
        window.undo_stack.undo()
    assert _db_lines(demo_path) == before


def test_undo_of_a_line_changed_elsewhere_is_refused_and_dropped(window: MainWindow, demo_path: Path) -> None:
    model = window.lines_model
    model.setData(model.index(0, NOTE), "mine")
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute("UPDATE pool_line SET note = 'theirs' WHERE id = ?", (model.line_id(0),))
    connection.close()
    window.undo_stack.undo()
    assert "changed or deleted elsewhere" in window.statusBar().currentMessage()
    assert _db_lines(demo_path)[model.line_id(0) - 1][8] == "theirs"
    assert model.data(model.index(0, NOTE)) == "theirs"  # the table shows what is stored now
    assert not window.undo_stack.canUndo()  # the refused step is gone from the history


def test_undo_of_a_delete_selects_the_lines_that_came_back(window: MainWindow) -> None:
    model = window.lines_model
    ids = [model.line_id(r) for r in (3, 4)]
    _select_rows(window, [3, 4])
    window.line_actions.delete_selected()
    window.undo_stack.undo()
    assert window.lines_view.selected_line_ids() == ids


def test_edited_cells_stay_put_while_sorted(window: MainWindow) -> None:
    model = window.lines_model
    model.sort(AMOUNT, Qt.SortOrder.DescendingOrder)
    top = model.line_id(0)
    assert model.setData(model.index(0, AMOUNT), "£1")
    assert model.line_id(0) == top  # not re-sorted under the user's cursor
    assert model.data(model.index(0, AMOUNT)) == "£1.00"


def test_edit_of_a_line_changed_elsewhere_is_refused_and_the_table_refreshed(
    window: MainWindow, demo_path: Path
) -> None:
    model = window.lines_model
    assert model.data(model.index(0, NOTE)) == ""  # read into the table before the other change
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute("UPDATE pool_line SET note = 'theirs' WHERE id = ?", (model.line_id(0),))
    connection.close()
    assert not model.setData(model.index(0, NOTE), "mine")
    assert window.statusBar().currentMessage().startswith("Edit Note was not made: The line was changed")
    assert model.data(model.index(0, NOTE)) == "theirs"
    assert window.undo_stack.count() == 0
