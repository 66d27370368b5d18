"""A table given a viewport made in Python (jmg_desktop.ui.viewport) looks and behaves as one
with the viewport Qt makes: the same properties and attributes, the same pixels, clicks reach it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from jmg_desktop.ui.viewport import own_viewport


def _table(qtbot, own: bool) -> QTableView:  # type: ignore[no-untyped-def]
    table = QTableView()
    if own:
        own_viewport(table)
    model = QStandardItemModel(6, 3, table)
    for row in range(6):
        for column in range(3):
            model.setItem(row, column, QStandardItem(f"cell {row}.{column}"))
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.resize(420, 160)  # small enough for both scroll bars
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    return table


def test_an_own_viewport_is_like_qts(qtbot) -> None:  # type: ignore[no-untyped-def]
    qts, ours = _table(qtbot, own=False), _table(qtbot, own=True)
    assert ours.viewport().parent() is ours
    for name in (
        "objectName",
        "backgroundRole",
        "autoFillBackground",
        "acceptDrops",
        "hasMouseTracking",
        "focusPolicy",
        "contextMenuPolicy",
        "sizePolicy",
        "geometry",
        "isVisible",
    ):
        assert getattr(ours.viewport(), name)() == getattr(qts.viewport(), name)(), name
    assert ours.viewport().focusProxy() is ours
    assert qts.viewport().focusProxy() is qts
    for attribute in Qt.WidgetAttribute:
        assert ours.viewport().testAttribute(attribute) == qts.viewport().testAttribute(attribute), attribute
    assert ours.grab().toImage() == qts.grab().toImage()


def test_an_own_viewport_takes_clicks_and_scrolls(qtbot) -> None:  # type: ignore[no-untyped-def]
    table = _table(qtbot, own=True)
    index = table.model().index(2, 1)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    assert table.currentIndex() == index
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert table.rowAt(table.viewport().height() - 2) == 5  # the last row is now in sight
