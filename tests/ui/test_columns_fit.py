"""Columns share the width by content, cut cells give their full text, editors are not clipped,
and the window fits the screen it is on."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyleOptionComboBox, QWidget

from jmg_desktop.ui.columns import cell_is_elided, cell_tooltip, share_widths
from jmg_desktop.ui.lines.model import COLUMN_CATEGORY, COLUMN_NOTE, COLUMN_SERVICE, COLUMN_STATUS
from jmg_desktop.ui.main_window import MainWindow
from jmg_desktop.ui.window_geometry import clamp_to, first_run_geometry


def test_share_widths_gives_fixed_columns_their_width_and_shares_the_rest() -> None:
    # Room for everything: the spare goes to the flexible columns in proportion to what they want.
    assert share_widths([100, 50, 200], [1, 0, 1], 450, [40, 40, 40]) == [133, 50, 267]
    # Short of room: the short text keeps its width, the long one gives way, the fixed one stays.
    widths = share_widths([80, 120, 600], [1, 0, 1], 500, [40, 40, 40])
    assert widths[0] == 80 and widths[1] == 120 and sum(widths) <= 500 and widths[2] >= 290
    # A weight of two takes twice the share of a long rival.
    widths = share_widths([600, 600], [2, 1], 600, [40, 40])
    assert abs(widths[0] - 2 * widths[1]) <= 2 and sum(widths) <= 600
    # Never below the floor: the table scrolls instead.
    assert share_widths([300, 300], [1, 1], 100, [90, 90]) == [90, 90]


def _shown(qtbot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(30)


def _row(model, prefix: str) -> int:
    return next(r for r in range(model.rowCount()) if str(model.index(r, 0).data()).startswith(prefix))


def test_pool_lines_note_and_category_read_in_full_at_1366(qtbot, window: MainWindow) -> None:
    _shown(qtbot, window, 1366, 768)
    table, model = window.lines_view.table, window.lines_model
    day = _row(model, "Day services – internal")
    base = _row(model, "2009/10 base")
    assert model.index(day, COLUMN_NOTE).data() == "Draft budget for 2009/10"
    for row, column in ((day, COLUMN_NOTE), (base, COLUMN_CATEGORY), (day, COLUMN_STATUS)):
        assert not cell_is_elided(table, model.index(row, column)), model.index(row, column).data()
    # The longest service name may be cut at 1366 px, but then its tooltip gives it in full.
    service = model.index(base, COLUMN_SERVICE)
    assert service.data() in (cell_tooltip(table, service) or "") or not cell_is_elided(table, service)


def test_cut_cell_tooltip_leads_with_the_full_text(qtbot, window: MainWindow) -> None:
    _shown(qtbot, window, 1100, 700)
    table, model = window.lines_view.table, window.lines_model
    note = model.index(_row(model, "2009/10 base"), COLUMN_NOTE)
    table.horizontalHeader().resizeSection(COLUMN_NOTE, 60)
    assert cell_is_elided(table, note)
    assert cell_tooltip(table, note).startswith(
        model.index(note.row(), COLUMN_NOTE).data(Qt.ItemDataRole.EditRole)
    )


def test_register_title_and_detail_pools_are_readable(qtbot, window: MainWindow) -> None:
    _shown(qtbot, window, 1280, 720)  # 1920x1080 at 150 %
    window.pages.setCurrentIndex(3)
    qtbot.wait(50)
    view = window.findChild(QWidget, "agreementsView")
    table = view.table
    title = view.proxy.index(0, 1)
    chars = QFontMetrics(table.font()).averageCharWidth()
    assert table.columnWidth(1) >= 30 * chars, "the agreement title gets the most room"
    assert title.data() in (cell_tooltip(table, title) or "")
    view.table.selectRow(0)
    qtbot.wait(50)
    figures = view.detail.figures
    pools = [figures.item(r, 1).text() for r in range(figures.rowCount() - 1)]
    assert pools == ["Older People", "Physical Disabilities", "Equipment"]
    for row in range(len(pools)):
        assert not cell_is_elided(figures, figures.model().index(row, 1)), pools[row]


def test_status_editor_shows_proposed_addition_in_full(qtbot, window: MainWindow) -> None:
    _shown(qtbot, window, 1366, 768)
    table, model = window.lines_view.table, window.lines_model
    row = _row(model, "Day services – internal")
    table.setCurrentIndex(model.index(row, COLUMN_STATUS))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    while editor is not None and not isinstance(editor, QComboBox):
        editor = editor.parentWidget()
    assert isinstance(editor, QComboBox) and editor.currentText() == "Proposed addition"
    option = QStyleOptionComboBox()
    editor.initStyleOption(option)
    room = editor.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, editor
    )
    assert QFontMetrics(editor.font()).horizontalAdvance("Proposed addition") <= room.width()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)


def test_first_run_fills_a_small_screen_and_centres_on_a_large_one() -> None:
    laptop = QRect(0, 0, 1366, 728)  # 768 less a 40-pixel task bar
    assert first_run_geometry(laptop, QSize(1440, 900)) == laptop
    big = first_run_geometry(QRect(0, 0, 1920, 1040), QSize(1440, 900))
    assert big == QRect(240, 70, 1440, 900)


def test_a_restored_geometry_is_clamped_to_the_screen() -> None:
    laptop = QRect(0, 0, 1366, 728)
    # Saved on a docking station's monitor at 150 %: 2038x1170, or placed off to the right.
    assert clamp_to(QRect(40, 30, 2038, 1170), laptop) == laptop
    assert clamp_to(QRect(1900, 500, 800, 600), laptop) == QRect(566, 128, 800, 600)
    assert clamp_to(QRect(100, 50, 800, 600), laptop) == QRect(100, 50, 800, 600)


def test_the_window_never_opens_taller_than_its_screen(qtbot) -> None:
    from jmg_desktop.ui.settings import app_settings

    available = QApplication.primaryScreen().availableGeometry()
    first = MainWindow()
    qtbot.addWidget(first)
    assert first.height() <= available.height()
    first.resize(first.width(), available.height() * 2)
    first.move(available.right() + 500, 0)
    first.close()  # saves its geometry
    assert app_settings().value("mainWindow/geometry") is not None
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.height() <= available.height()
    assert available.intersects(again.geometry())
