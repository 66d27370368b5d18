"""Paste from a spreadsheet and copy back: one undo step, bad cells listed, nothing applied unasked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QGuiApplication

from jmg_desktop.ui.lines.clipboard import parse_tsv
from jmg_desktop.ui.lines.paste import PasteDialog, PastePlan, paste_text
from jmg_desktop.ui.main_window import MainWindow

AMOUNT, NOTE, SERVICE = 4, 5, 0


def _db_lines(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT * FROM pool_line ORDER BY id").fetchall()
    finally:
        connection.close()


def _current(window: MainWindow, row: int, column: int) -> None:
    window.lines_view.table.setCurrentIndex(window.lines_model.index(row, column))


def test_parse_tsv_as_excel_writes_it() -> None:
    text = 'Day care\t£1,234.56\r\n"Two\nlines"\t(1,234)\r\n"say ""hi"""\t\u00a01\u00a0\r\n\r\n'
    assert parse_tsv(text) == [
        ["Day care", "£1,234.56"],
        ["Two\nlines", "(1,234)"],
        ['say "hi"', "\u00a01\u00a0"],
    ]
    assert parse_tsv("a\tb\n") == [["a", "b"]]
    assert parse_tsv("") == []


def test_paste_block_onto_existing_lines_is_one_step(window: MainWindow, demo_path: Path) -> None:
    before = _db_lines(demo_path)
    _current(window, 0, AMOUNT)
    assert paste_text(window, "£1,234.56\tfirst\r\n(1,234)\tsecond\r\n\u00a02,000\u00a0\tthird\r\n")
    model = window.lines_model
    assert [model.data(model.index(r, AMOUNT)) for r in range(3)] == ["£1,234.56", "-£1,234.00", "£2,000.00"]
    assert [model.data(model.index(r, NOTE)) for r in range(3)] == ["first", "second", "third"]
    assert window.undo_stack.count() == 1
    assert window.undo_stack.undoText() == "Paste 6 Cells"
    window.undo_stack.undo()
    assert _db_lines(demo_path) == before


def test_paste_past_the_end_adds_lines(window: MainWindow, demo_path: Path) -> None:
    _current(window, 15, SERVICE)
    text = "Last line\tAll services\tOCC\tIn pool\t1\r\nReablement\t\tPCT\tProposed addition\t£250k\tnew\r\n"
    assert paste_text(window, text)
    model = window.lines_model
    assert model.rowCount() == 17
    assert [model.data(model.index(16, c)) for c in range(6)] == [
        "Reablement",
        "",
        "PCT",
        "Proposed addition",
        "£250,000.00",
        "new",
    ]
    assert window.undo_stack.undoText() == "Paste 3 Cells and 1 New Line"  # unchanged cells are not counted
    window.undo_stack.undo()
    assert model.rowCount() == 16


def test_paste_as_new_lines_skips_a_header_row(window: MainWindow) -> None:
    text = (
        "Service\tCategory\tPartner\tStatus\tAmount\r\nNight sitting\tHome support\tOCC\tIn pool\t£40,000\r\n"
    )
    assert paste_text(window, text, as_new_lines=True)
    model = window.lines_model
    assert model.rowCount() == 17
    assert model.data(model.index(16, SERVICE)) == "Night sitting"


def test_bad_cells_are_listed_and_nothing_applied_until_accepted(window: MainWindow, demo_path: Path) -> None:
    before = _db_lines(demo_path)
    _current(window, 0, AMOUNT)
    seen: list[PastePlan] = []

    def refuse(plan: PastePlan) -> bool:
        seen.append(plan)
        return False

    text = '12abc\tok\r\n--5\t=HYPERLINK("x")\r\n'
    assert not paste_text(window, text, confirm=refuse)
    assert _db_lines(demo_path) == before
    problems = [p.describe() for p in seen[0].problems]
    assert problems[0].startswith("Row 1, Amount: “12abc”")
    assert problems[1].startswith("Row 2, Amount: “--5” has more than one sign")
    assert problems[2].startswith("Row 2, Note: Note cannot start with “=”")
    assert window.undo_stack.count() == 0
    assert paste_text(window, text, confirm=lambda plan: True)
    assert window.lines_model.data(window.lines_model.index(0, NOTE)) == "ok"
    assert _db_lines(demo_path)[0][7] == before[0][7]


def test_review_dialog_lists_problems(window: MainWindow, qtbot) -> None:
    _current(window, 0, AMOUNT)
    captured: list[PasteDialog] = []

    def look(plan: PastePlan) -> bool:
        dialog = PasteDialog(plan, window)
        qtbot.addWidget(dialog)
        captured.append(dialog)
        return False

    paste_text(window, "oops\r\n", confirm=look)
    table = captured[0].problems
    cells = [table.item(0, column).text() for column in range(table.columnCount())]
    assert cells == [
        "Row 1",
        "Amount",
        "oops",
        "“oops” is not an amount: it should start with digits, like 3,342,000.",
    ]
    assert not captured[0].paste_button.isEnabled()


def test_problems_name_the_table_row_they_would_change(window: MainWindow) -> None:
    _current(window, 5, AMOUNT)  # the block lands on the sixth line
    seen: list[PastePlan] = []
    rows = window.lines_model.rowCount()
    text = "£1m\r\nabc\r\n" + "£2m\r\n" * (rows - 7) + "xyz\r\n"
    paste_text(window, text, confirm=lambda plan: seen.append(plan) or False)
    assert [p.describe().split(":")[0] for p in seen[0].problems] == ["Row 7, Amount", "New line 1, Amount"]


def test_a_refused_pasted_cell_is_corrected_in_the_preview(window: MainWindow, qtbot, monkeypatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

    from jmg_desktop.core.money import Money

    _current(window, 5, AMOUNT)
    window.resize(1366, 768)
    window.show()
    opened: list[PasteDialog] = []

    def run(dialog: PasteDialog) -> int:
        opened.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        table = dialog.problems
        table.setCurrentCell(0, 2)
        qtbot.keyClick(table, Qt.Key.Key_F2)
        editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
        editor.selectAll()
        qtbot.keyClicks(editor, "12q")  # still not an amount: refused beside the cell
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.wait(5)
        note = table.viewport().findChild(QWidget, "cellRefusal")
        assert note.isVisible() and "12q" in note.text()
        assert not dialog.paste_button.isEnabled()
        editor.selectAll()
        qtbot.keyClicks(editor, "£250k")
        assert not note.isVisible()
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.problems.rowCount() == 0)
        assert dialog.problems.rowCount() == 0 and dialog.paste_button.text() == "Paste"
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PasteDialog, "exec", run)
    assert paste_text(window, "abc\r\n")
    assert opened and window.lines_model.record(5).amount_pence == Money.parse("£250k").pence


def test_single_value_fills_the_selection(window: MainWindow) -> None:
    model = window.lines_model
    selection = window.lines_view.table.selectionModel()
    window.lines_view.table.setCurrentIndex(model.index(0, NOTE))
    for row in (1, 2):
        selection.select(model.index(row, NOTE), QItemSelectionModel.SelectionFlag.Select)
    assert paste_text(window, "checked\r\n")
    assert [model.data(model.index(r, NOTE)) for r in range(3)] == ["checked"] * 3


def test_copy_gives_tsv_that_pastes_back(window: MainWindow) -> None:
    model = window.lines_model
    selection = window.lines_view.table.selectionModel()
    window.lines_view.table.setCurrentIndex(model.index(0, SERVICE))
    selection.select(model.index(1, AMOUNT), QItemSelectionModel.SelectionFlag.Select)
    selection.select(model.index(0, AMOUNT), QItemSelectionModel.SelectionFlag.Select)
    selection.select(model.index(1, SERVICE), QItemSelectionModel.SelectionFlag.Select)
    text = window.line_actions.copy_selection()
    assert text == (
        "Care homes – residential placements\t21874000.00\r\nCare homes – nursing placements\t15962000.00\r\n"
    )
    assert QGuiApplication.clipboard().text() == text
    assert parse_tsv(text)[1] == ["Care homes – nursing placements", "15962000.00"]
