"""The BCF scheme columns in the lines editor: hidden until a pool uses them, edited in place with
real keys, refused beside the cell, undoable and audited, pasted from Excel."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from jmg_desktop.ui.lines.model import ALL_TITLES
from jmg_desktop.ui.lines.paste import paste_text
from jmg_desktop.ui.lines.scheme_columns import SCHEME_COLUMNS
from jmg_desktop.ui.main_window import MainWindow

BCF = "Staffordshire Better Care Fund 2019/20 (illustrative)"
COMMISSIONER, NHS, COUNCIL = (ALL_TITLES.index(t) for t in ("Commissioner", "% NHS", "% Council"))
SCHEME_TYPE, STREAM = ALL_TITLES.index("Scheme Type"), ALL_TITLES.index("Funding Stream")
S01, S04 = 0, 3  # NHS-commissioned; joint 50/50


def _open_bcf(qtbot, window: MainWindow) -> None:
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    rows = [window.pool_list.item(r).text() for r in range(window.pool_list.count())]
    window.pool_list.setCurrentRow(rows.index(BCF))
    assert window.lines_model.rowCount() == 16


def _shown(window: MainWindow) -> list[str]:
    table = window.lines_view.table
    return [ALL_TITLES[c] for c in SCHEME_COLUMNS if not table.isColumnHidden(c)]


def _cells(window: MainWindow, row: int, *columns: int) -> list[str]:
    model = window.lines_model
    return [model.index(row, column).data() for column in columns]


def _last_audit(path: Path) -> tuple[str, dict, dict]:
    connection = sqlite3.connect(path)
    try:
        action, old, new = connection.execute(
            "SELECT action, old, new FROM audit_event ORDER BY sequence DESC LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return action, json.loads(old or "null"), json.loads(new or "null")


def _editor(table) -> QLineEdit:
    focus = QApplication.focusWidget()
    if not isinstance(focus, QLineEdit):
        focus = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    return focus


def test_hidden_until_the_pool_uses_them_and_turned_on_from_the_view_menu(qtbot, window: MainWindow) -> None:
    window.resize(1366, 768)
    window.show()
    action = window.findChild(type(window.lines_view.scheme_columns.action), "actionSchemeColumns")
    assert action in window.menu_view.actions()
    assert _shown(window) == [] and not action.isChecked()  # Older People: no line is a scheme
    _open_bcf(qtbot, window)
    assert len(_shown(window)) == 10 and action.isChecked()
    assert _cells(window, S04, COMMISSIONER, NHS, COUNCIL, STREAM) == [
        "Joint",
        "50%",
        "50%",
        "NHS minimum contribution",
    ]
    window.pool_list.setCurrentRow(0)
    assert _shown(window) == []
    action.trigger()  # the user asks for them on a pool that has none yet
    assert len(_shown(window)) == 10
    window.pool_list.setCurrentRow(1)
    window.pool_list.setCurrentRow(0)
    assert len(_shown(window)) == 10, "the choice is kept for that pool while the window is open"


def test_a_share_typed_with_keys_fills_in_the_other_and_is_one_audited_undo_step(
    qtbot, window: MainWindow, demo_path: Path
) -> None:
    _open_bcf(qtbot, window)
    table = window.lines_view.table
    table.setCurrentIndex(window.lines_model.index(S04, NHS))
    table.setFocus()
    qtbot.keyClick(table, "7")
    qtbot.keyClicks(_editor(table), "0")
    qtbot.keyClick(_editor(table), Qt.Key.Key_Return)
    qtbot.wait(5)
    assert _cells(window, S04, NHS, COUNCIL) == ["70%", "30%"]
    action, old, new = _last_audit(demo_path)
    assert action == "edit_lines"
    assert old["updates"][0]["nhs_share_bp"] == 5000 and new["updates"][1]["council_share_bp"] == 3000
    assert window.undo_stack.undoText() == "Edit % NHS"
    window.action_undo.trigger()
    assert _cells(window, S04, NHS, COUNCIL) == ["50%", "50%"]
    assert _last_audit(demo_path)[0] == "undo_edit_lines"


def test_a_share_on_a_scheme_that_is_not_joint_is_refused_beside_the_cell(qtbot, window: MainWindow) -> None:
    _open_bcf(qtbot, window)
    table = window.lines_view.table
    table.setCurrentIndex(window.lines_model.index(S01, NHS))
    table.setFocus()
    qtbot.keyClick(table, "6")
    qtbot.keyClicks(_editor(table), "0")
    qtbot.keyClick(_editor(table), Qt.Key.Key_Return)
    qtbot.wait(5)
    assert table.state() == table.State.EditingState, "the editor stays open with what was typed"
    assert _editor(table).text() == "60"
    note = table.viewport().findChild(QWidget, "cellRefusal")
    assert note.isVisible()
    assert note.text() == "% NHS is for a jointly commissioned scheme: set Commissioner to Joint first."
    qtbot.keyClick(_editor(table), Qt.Key.Key_Escape)
    assert _cells(window, S01, COMMISSIONER, NHS) == ["NHS", ""]
    assert not window.undo_stack.canUndo()


def test_reference_columns_offer_their_lists_and_refuse_other_names(qtbot, window: MainWindow) -> None:
    _open_bcf(qtbot, window)
    model, table = window.lines_model, window.lines_view.table
    table.setCurrentIndex(model.index(S01, SCHEME_TYPE))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    combo = next(e for e in table.viewport().findChildren(QComboBox) if e.isVisible())
    entries = [combo.itemText(i) for i in range(combo.count())]
    assert entries[:3] == ["", "Assistive Technologies and Equipment", "Carers Services"]
    combo.setCurrentIndex(entries.index("Carers Services"))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.wait(5)
    assert _cells(window, S01, SCHEME_TYPE) == ["Carers Services"]
    # A name that is not on the list (typed through the model as a paste or a script would).
    assert model.refusal(model.index(S01, SCHEME_TYPE), "Magic beans") == (
        "“Magic beans” is not in the scheme type list (Tools ▸ Better Care Fund ▸ Reference Lists…)."
    )
    window.hide()  # the refusal's tooltip needs a real screen
    assert not model.setData(model.index(S01, SCHEME_TYPE), "Magic beans")
    assert window.lines_view.last_message.startswith("Scheme Type not changed: “Magic beans” is not")
    assert _cells(window, S01, SCHEME_TYPE) == ["Carers Services"]


def test_pasted_from_excel_commissioner_and_shares_are_checked_together(qtbot, window: MainWindow) -> None:
    _open_bcf(qtbot, window)
    model, table = window.lines_model, window.lines_view.table
    table.setCurrentIndex(model.index(S01, COMMISSIONER))
    refused: list[str] = []

    def decline(plan) -> bool:
        refused.extend(problem.describe() for problem in plan.problems)
        return False

    assert not paste_text(window, "Joint\t60%\t50%\r\n", confirm=decline)
    assert refused == ["Row 1, Commissioner: % NHS (60%) and % Council (50%) must add up to 100%."]
    assert _cells(window, S01, COMMISSIONER, NHS, COUNCIL) == ["NHS", "", ""]
    assert paste_text(window, "Joint\t0.6\t0.4\r\nLocal Authority\t\t\r\n")  # as Excel copies % cells
    assert _cells(window, S01, COMMISSIONER, NHS, COUNCIL) == ["Joint", "60%", "40%"]
    assert _cells(window, S01 + 1, COMMISSIONER, NHS, COUNCIL) == ["Council", "", ""]
    assert window.undo_stack.undoText() == "Paste 4 Cells"
    window.action_undo.trigger()
    assert _cells(window, S01, COMMISSIONER, NHS, COUNCIL) == ["NHS", "", ""]
    assert _cells(window, S01 + 1, COMMISSIONER) == ["NHS"]


def test_a_paste_skips_hidden_scheme_columns(qtbot, window: MainWindow) -> None:
    window.resize(1366, 768)
    window.show()
    model, table = window.lines_model, window.lines_view.table
    kind = ALL_TITLES.index("Kind")
    table.setCurrentIndex(model.index(0, kind))
    problems: list[str] = []

    def decline(plan) -> bool:
        problems.extend(problem.describe() for problem in plan.problems)
        return False

    assert not paste_text(window, "Service budget\tS99\r\n", confirm=decline)
    assert problems == ["Row 1, column 2: the table has no column here (it ends at Kind)."]
    assert model.index(0, ALL_TITLES.index("Scheme ID")).data() == ""
