"""A big pool shown in its own order is read a block at a time: rows match the stored order
wherever the user scrolls or jumps, lines are found by row and rows by line, and the selection,
sorting and undo behave as on a small pool."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.lines.model import PoolLinesModel
from jmg_desktop.ui.lines.rows import BLOCK_SIZE, MAX_BLOCKS
from jmg_desktop.ui.main_window import MainWindow

from .conftest import fill_pool

SERVICE, AMOUNT = 0, 4
LINES = 16 + 3 * MAX_BLOCKS * BLOCK_SIZE // 2  # more rows than the model ever holds at once


def _stored_order(path: Path) -> list[int]:
    """The pool's line ids in its own order, read straight from the file."""
    connection = sqlite3.connect(path)
    try:
        return [
            row[0]
            for row in connection.execute(
                "SELECT id FROM pool_line WHERE pool_id = 1 AND financial_year = 2009 ORDER BY position, id"
            )
        ]
    finally:
        connection.close()


@pytest.fixture
def paged_path(demo_path: Path) -> Path:
    """The demo with 18,000 more lines in Older People 2009/10, some sharing a position across
    a block boundary (the order then falls back to the line id)."""
    fill_pool(demo_path, LINES - 16)
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute(
            "UPDATE pool_line SET position = 5000 WHERE pool_id = 1 AND financial_year = 2009"
            " AND position BETWEEN 4990 AND 5010"
        )
    connection.close()
    return demo_path


@pytest.fixture
def paged(qtbot, paged_path: Path):  # type: ignore[no-untyped-def]
    workspace = Workspace.open(paged_path)
    model = PoolLinesModel()
    model.set_workspace(workspace)
    model.set_pool(1, 2009)
    yield model
    model.set_workspace(None)
    workspace.close()


def test_opening_reads_only_the_count(paged: PoolLinesModel) -> None:
    assert paged.rowCount() == LINES
    assert paged.loaded_row_count() == 0


def test_rows_follow_the_stored_order_scrolled_and_jumped(paged: PoolLinesModel, paged_path: Path) -> None:
    order = _stored_order(paged_path)
    # Scrolling down from the top, past the tied positions and past what the model holds.
    assert [paged.line_id(row) for row in range(LINES)] == order
    assert paged.loaded_row_count() <= MAX_BLOCKS * BLOCK_SIZE
    # Jumping about (to blocks dropped long ago, and to ones never read in sequence).
    for row in (LINES - 1, 7, 5_003, 12_345, 4_999, 0, 9_000):
        assert paged.line_id(row) == order[row]
        assert paged.data(paged.index(row, SERVICE)) is not None
    assert paged.line_id(LINES) == -1


def test_lines_are_found_by_row_and_rows_by_line(paged: PoolLinesModel, paged_path: Path) -> None:
    order = _stored_order(paged_path)
    paged.line_id(0)  # only the first block is held
    far = [order[row] for row in (17_999, 5_000, 4_995, 200, 13_000)]
    assert [paged.row_of(line) for line in far] == [17_999, 5_000, 4_995, 200, 13_000]
    many = order[::500]
    assert paged.rows_for([*many, 10**9]) == list(range(0, LINES, 500))
    assert paged.row_of(10**9) == -1


def test_an_edit_far_down_shows_at_once(paged: PoolLinesModel, paged_path: Path) -> None:
    assert paged.setData(paged.index(15_000, AMOUNT), "£5")
    assert paged.data(paged.index(15_000, AMOUNT)) == "£5.00"
    line = paged.line_id(15_000)
    connection = sqlite3.connect(paged_path)
    try:
        assert connection.execute("SELECT amount_pence FROM pool_line WHERE id = ?", (line,)).fetchone() == (
            500,
        )
    finally:
        connection.close()


def test_sorting_and_back_keeps_the_selected_lines(qtbot, paged_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(paged_path)
    model, table = window.lines_model, window.lines_view.table
    chosen = [model.line_id(row) for row in (3, 9_000, 17_500)]
    window.lines_view.select_line_ids(chosen)
    table.sortByColumn(AMOUNT, Qt.SortOrder.DescendingOrder)
    assert sorted(window.lines_view.selected_line_ids()) == sorted(chosen)
    amounts = [model.record(row).amount_pence for row in range(50)]
    assert amounts == sorted(amounts, reverse=True)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == LINES
    assert window.lines_view.selected_line_ids() == chosen
    assert [model.row_of(line) for line in chosen] == [3, 9_000, 17_500]


def test_deleting_far_down_and_undoing_restores_every_row(qtbot, paged_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(paged_path)
    model, table = window.lines_model, window.lines_view.table
    before = _stored_order(paged_path)
    selection = table.selectionModel()
    table.setFocus()
    selection.setCurrentIndex(model.index(12_000, SERVICE), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    selection.select(
        model.index(12_002, SERVICE),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    gone = {before[12_000], before[12_002]}
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert model.rowCount() == LINES - 2
    assert model.line_id(12_000) == before[12_001]
    assert gone.isdisjoint(model.line_id(row) for row in range(11_990, 12_010))
    window.action_undo.trigger()  # Edit ▸ Undo
    assert model.rowCount() == LINES
    assert _stored_order(paged_path) == before
    assert [model.line_id(row) for row in range(11_900, 12_100)] == before[11_900:12_100]
    assert sorted(window.lines_view.selected_line_ids()) == sorted(gone)


def test_a_line_removed_by_another_program_leaves_an_empty_row_until_reread(
    paged: PoolLinesModel, paged_path: Path
) -> None:
    last = paged.line_id(LINES - 1)
    paged.reload()  # nothing held: the next read of the last block finds one line fewer
    connection = sqlite3.connect(paged_path)
    with connection:
        connection.execute("DELETE FROM pool_line WHERE id = ?", (last,))
    connection.close()
    assert paged.data(paged.index(LINES - 1, SERVICE)) is None
    assert paged.line_id(LINES - 1) == -1
    assert paged.data(paged.index(LINES - 2, SERVICE)) is not None
    paged.reload()
    assert paged.rowCount() == LINES - 1
    assert paged.row_of(last) == -1
