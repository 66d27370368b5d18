"""Dialogs that protect the user: Enter saves linked pools; Copy Lines to Next Year brings the
linked pools along when asked; "Compare with" never offers the scenario shown; Record Agreement
says what it covers; labels show their mnemonics, not an "&"."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from jmg_desktop.ui.lines.linked_pools import LinkedPoolsDialog
from jmg_desktop.ui.lines.roll_forward import RollForwardDialog, run_roll_forward
from jmg_desktop.ui.main_window import MainWindow

OLDER, DISABILITIES, EQUIPMENT = 1, 2, 3


def _page(window: MainWindow, title: str) -> None:
    """Show a page as a user clicks its tab (lazy pages are built then)."""
    window.show()
    window.pages.setCurrentIndex(
        next(i for i in range(window.pages.count()) if window.pages.tabText(i) == title)
    )


def _lines(path: Path, pool: int, year: int) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT COUNT(*) FROM pool_line WHERE pool_id = ? AND financial_year = ?", (pool, year)
        ).fetchone()[0]
    finally:
        connection.close()


def test_enter_in_linked_pools_saves_the_ticks(qtbot, window: MainWindow, demo_path: Path) -> None:
    dialog = LinkedPoolsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.save_button.isDefault()
    dialog.set_checked([EQUIPMENT])
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert window.undo_stack.undoText() == "Change Linked Pools"
    connection = sqlite3.connect(demo_path)
    try:
        assert connection.execute("SELECT * FROM pool_link").fetchall() == [(OLDER, EQUIPMENT)]
    finally:
        connection.close()


def test_copy_lines_to_next_year_offers_the_linked_pools(qtbot, window: MainWindow, demo_path: Path) -> None:
    dialog = RollForwardDialog(window.lines_model, window)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Copy Lines to 2010/11"
    assert dialog.copy_links.isChecked(), "the linked pools have no 2010/11 lines yet"
    assert "Physical Disabilities" in dialog.copy_links.text() and "Equipment" in dialog.copy_links.text()
    assert dialog.linked_pool_ids() == [DISABILITIES, EQUIPMENT]
    before = {pool: _lines(demo_path, pool, 2009) for pool in (OLDER, DISABILITIES, EQUIPMENT)}
    assert run_roll_forward(window, Decimal(0), settle=False, linked_pool_ids=dialog.linked_pool_ids())
    for pool, count in before.items():
        assert _lines(demo_path, pool, 2010) == count, pool
    assert "of them from the linked pools" in window.statusBar().currentMessage()
    window.undo_stack.undo()  # one step takes all three back
    assert all(_lines(demo_path, pool, 2010) == 0 for pool in before)
    dialog.copy_links.setChecked(False)
    assert dialog.linked_pool_ids() == []


def test_compare_with_never_offers_the_scenario_shown(window: MainWindow) -> None:
    _page(window, "Projection")
    view = window.findChild(QWidget, "projectionView")
    offered = lambda: [view.compare_picker.itemText(i) for i in range(view.compare_picker.count())]  # noqa: E731
    for index in range(view.scenario_picker.count()):
        view.scenario_picker.setCurrentIndex(index)
        shown = view.scenario_picker.currentText()
        assert shown not in offered(), shown
        assert len(offered()) == view.scenario_picker.count()  # "None" and every other one


def test_record_agreement_from_the_register_says_what_it_covers(window: MainWindow) -> None:
    model = window.lines_model
    table = window.lines_view.table
    table.selectRow(10)
    table.selectionModel().select(
        model.index(11, 0),
        table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows,
    )
    _page(window, "Agreements")
    view = window.findChild(QWidget, "agreementsView")
    view.record_button.click()
    dialog = view.active_dialog
    box = dialog.findChild(QWidget, "agreementCovers") or next(
        w for w in dialog.findChildren(QWidget) if getattr(w, "title", lambda: "")().startswith("Covers")
    )
    assert box.title() == "Covers: the 2 lines selected on the Pool lines page (Older People 2009/10)"
    meeting = next(label for label in dialog.findChildren(QLabel) if label.text() == "&Meeting:")
    assert meeting.buddy() is dialog.form.meeting
    dialog.reject()
    table.clearSelection()
    table.setCurrentIndex(model.index(-1, -1))
    view.record_button.click()
    assert view.active_dialog.findChildren(QWidget)  # a fresh dialog
    box = next(
        w
        for w in view.active_dialog.findChildren(QWidget)
        if getattr(w, "title", lambda: "")().startswith("Covers")
    )
    assert (
        box.title()
        == "Covers: every line of Older People 2009/10 (no lines are selected on the Pool lines page)"
    )
