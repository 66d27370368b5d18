"""A refused entry cannot be missed: typed fast with real keys, the editor stays open on the cell
with the typed text and the reason beside it until corrected or Esc."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from jmg_desktop.core.money import Money
from jmg_desktop.ui.lines.model import COLUMN_AMOUNT, COLUMN_CATEGORY, COLUMN_SERVICE
from jmg_desktop.ui.main_window import MainWindow


def _start(qtbot, window: MainWindow, row: int, column: int) -> None:
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    table = window.lines_view.table
    table.setCurrentIndex(window.lines_model.index(row, column))
    table.setFocus()


def _editor(table=None) -> QLineEdit:
    """The open cell editor."""
    focus = QApplication.focusWidget()
    if not isinstance(focus, QLineEdit) and table is not None:
        focus = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    assert isinstance(focus, QLineEdit), focus
    return focus


def _type(qtbot, table, text: str) -> None:
    """Type on a cell as a user does: the first key opens the editor, the rest go into it."""
    qtbot.keyClick(table, text[0])
    qtbot.keyClicks(_editor(table), text[1:])


def _press(qtbot, widget: QWidget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key; the view acts on the next turn of the event loop, as for a user."""
    qtbot.keyClick(widget, key, modifier)
    qtbot.wait(5)


def _note(window: MainWindow) -> QWidget:
    return window.lines_view.table.viewport().findChild(QWidget, "cellRefusal")


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Tab])
def test_abc_in_an_amount_keeps_the_editor_open_with_the_reason(qtbot, window: MainWindow, key) -> None:
    model, table = window.lines_model, window.lines_view.table
    before = model.record(2).amount_pence
    _start(qtbot, window, 2, COLUMN_AMOUNT)
    _type(qtbot, table, "abc")  # typing on a cell starts editing it
    _press(qtbot, _editor(table), key)
    editor = _editor(table)
    assert editor.text() == "abc", "the typed text is kept"
    assert table.state() == table.State.EditingState
    assert table.currentIndex() == model.index(2, COLUMN_AMOUNT), "the cursor did not move on"
    note = _note(window)
    assert note is not None and note.isVisible()
    assert "abc" in note.text() and "amount" in note.text().lower()
    assert note.geometry().top() >= table.visualRect(model.index(2, COLUMN_AMOUNT)).bottom()
    assert model.record(2).amount_pence == before and window.undo_stack.count() == 0

    # Correcting the text clears the reason at once; Enter then commits and moves down.
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "£1.5m")
    assert not note.isVisible()
    _press(qtbot, editor, Qt.Key.Key_Return)
    assert model.record(2).amount_pence == Money.parse("£1.5m").pence
    assert table.state() != table.State.EditingState


def test_escape_gives_up_a_refused_entry(qtbot, window: MainWindow) -> None:
    model, table = window.lines_model, window.lines_view.table
    before = model.record(0).amount_pence
    _start(qtbot, window, 0, COLUMN_AMOUNT)
    _type(qtbot, table, "12x")
    _press(qtbot, _editor(table), Qt.Key.Key_Return)
    assert _note(window).isVisible()
    _press(qtbot, _editor(table), Qt.Key.Key_Escape)
    assert not _note(window).isVisible()
    assert table.state() != table.State.EditingState
    assert model.record(0).amount_pence == before


def test_clicking_another_cell_keeps_the_refused_entry(qtbot, window: MainWindow) -> None:
    model, table = window.lines_model, window.lines_view.table
    _start(qtbot, window, 1, COLUMN_SERVICE)
    _type(qtbot, table, "=SUM(A1)")  # a formula would run in a spreadsheet
    other = table.visualRect(model.index(5, COLUMN_AMOUNT)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=other)
    assert table.currentIndex() == model.index(1, COLUMN_SERVICE)
    assert _editor(table).text() == "=SUM(A1)"
    assert "formula" in _note(window).text()


def test_a_refused_new_category_name_keeps_the_list_open(qtbot, window: MainWindow) -> None:
    table = window.lines_view.table
    _start(qtbot, window, 0, COLUMN_CATEGORY)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    combo = next(c for c in table.viewport().findChildren(QComboBox) if c.isVisible())
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "@home")
    _press(qtbot, combo.lineEdit(), Qt.Key.Key_Return)
    assert table.state() == table.State.EditingState
    assert combo.currentText() == "@home"
    assert _note(window).isVisible() and "@" in _note(window).text()
