"""The Service column stays in sight when the lines table is scrolled sideways (the BCF scheme
columns make it wider than the window): the names are laid over the table's left edge, scroll up
and down with it, select and edit the table's own cells, and never hide the cell being worked on."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from jmg_desktop.ui.lines.model import ALL_TITLES, COLUMN_SERVICE
from jmg_desktop.ui.main_window import MainWindow

BCF = "Staffordshire Better Care Fund 2019/20 (illustrative)"
PROVIDER = ALL_TITLES.index("Provider")


def _open_bcf(qtbot, window: MainWindow, height: int = 768) -> None:
    window.resize(1366, height)
    window.show()
    qtbot.waitExposed(window)
    rows = [window.pool_list.item(r).text() for r in range(window.pool_list.count())]
    window.pool_list.setCurrentRow(rows.index(BCF))
    qtbot.wait(20)


def _scroll_right(table) -> None:
    bar = table.horizontalScrollBar()
    assert bar.maximum() > 0, "the scheme columns make the table wider than the window"
    bar.setValue(bar.maximum())


def _centre(view, row: int) -> QPoint:
    return view.visualRect(view.model().index(row, COLUMN_SERVICE)).center()


def test_names_stay_in_sight_and_follow_the_rows(qtbot, window: MainWindow) -> None:
    _open_bcf(qtbot, window, height=480)
    table = window.lines_view.table
    overlay = table.frozen.overlay
    table.horizontalScrollBar().setValue(0)  # the first scheme column was brought into view
    assert not overlay.isVisible(), "unscrolled, the Service column is the table's own"
    _scroll_right(table)
    assert overlay.isVisible()
    service = table.visualRect(table.model().index(0, COLUMN_SERVICE))
    assert service.right() < 0, "the table's own Service cells are scrolled off"
    assert overlay.geometry().left() == table.viewport().geometry().left()
    assert overlay.horizontalHeader().isVisible()
    shown = overlay.model().headerData(COLUMN_SERVICE, Qt.Orientation.Horizontal)
    assert shown == "Service"
    # Scrolled down, the overlay's top row is the table's top row.
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    top_table = table.indexAt(QPoint(table.viewport().width() // 2, 2)).row()
    top_overlay = overlay.indexAt(QPoint(4, 2)).row()
    assert top_table > 0 and top_overlay == top_table
    table.horizontalScrollBar().setValue(0)
    assert not overlay.isVisible()


def test_a_click_selects_the_line_without_scrolling_back_and_a_double_click_edits_it(
    qtbot, window: MainWindow
) -> None:
    _open_bcf(qtbot, window)
    view = window.lines_view
    table, overlay = view.table, view.table.frozen.overlay
    _scroll_right(table)
    where = table.horizontalScrollBar().value()
    qtbot.mouseClick(overlay.viewport(), Qt.MouseButton.LeftButton, pos=_centre(overlay, 3))
    assert table.currentIndex().row() == 3 and table.currentIndex().column() == COLUMN_SERVICE
    assert view.selected_line_ids() == [window.lines_model.line_id(3)]
    assert table.horizontalScrollBar().value() == where, "the table stays where the user scrolled it"
    assert QApplication.focusWidget() is table
    qtbot.mouseDClick(overlay.viewport(), Qt.MouseButton.LeftButton, pos=_centre(overlay, 3))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.parent() is table.viewport()
    assert editor.geometry().left() >= 0, "the name is edited in sight, in the table itself"
    editor.selectAll()
    qtbot.keyClicks(editor, "Protecting adult social care (renamed)")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(10)
    assert window.lines_model.index(3, COLUMN_SERVICE).data() == "Protecting adult social care (renamed)"
    window.action_undo.trigger()
    assert window.lines_model.index(3, COLUMN_SERVICE).data() != "Protecting adult social care (renamed)"


def test_moving_left_never_leaves_the_cell_under_the_names(qtbot, window: MainWindow) -> None:
    _open_bcf(qtbot, window)
    table = window.lines_view.table
    overlay = table.frozen.overlay
    _scroll_right(table)
    table.setFocus()
    table.setCurrentIndex(table.model().index(2, PROVIDER))
    for _ in range(PROVIDER - COLUMN_SERVICE - 1):
        qtbot.keyClick(table, Qt.Key.Key_Left)
        current = table.currentIndex()
        if overlay.isVisible():
            assert table.visualRect(current).left() >= overlay.width(), ALL_TITLES[current.column()]
    qtbot.keyClick(table, Qt.Key.Key_Left)
    assert table.currentIndex().column() == COLUMN_SERVICE
    assert table.visualRect(table.currentIndex()).left() >= 0
    assert table.horizontalScrollBar().value() == 0 and not overlay.isVisible()
