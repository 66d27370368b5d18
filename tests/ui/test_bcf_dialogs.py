"""Editing the BCF reference data in the window: funding streams and scheme lists, a pool's income
by stream and its minimum-spend conditions. Every change audited and undoable; bad input refused in
one sentence naming the field, with nothing changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from jmg_desktop.ui.bcf.dialogs import BcfDialog
from jmg_desktop.ui.bcf.install import open_bcf_dialog
from jmg_desktop.ui.lines.model import ALL_TITLES
from jmg_desktop.ui.main_window import MainWindow

BCF = "Staffordshire Better Care Fund 2019/20 (illustrative)"
SCHEME_TYPE = ALL_TITLES.index("Scheme Type")


def _open_bcf(qtbot, window: MainWindow) -> None:
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    rows = [window.pool_list.item(r).text() for r in range(window.pool_list.count())]
    window.pool_list.setCurrentRow(rows.index(BCF))


def _dialog(qtbot, window: MainWindow, which: str) -> BcfDialog:
    dialog = open_bcf_dialog(window, which, modal=False)
    assert isinstance(dialog, BcfDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _column(model, title: str) -> list[str]:
    column = next(
        c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == title
    )
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _audit(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [r[0] for r in connection.execute("SELECT action FROM audit_event ORDER BY sequence")]
    finally:
        connection.close()


def _panel(window: MainWindow) -> dict[str, str]:
    return dict(window.totals_panel.rows())


def test_the_menu_offers_the_three_dialogs(qtbot, window: MainWindow) -> None:
    menu = window.findChild(QWidget, "menuBcf")
    assert [a.text() for a in menu.actions()] == [
        "&Reference Lists…",
        "&Income by Stream…",
        "&Minimum-Spend Conditions…",
    ]
    _open_bcf(qtbot, window)
    assert all(a.isEnabled() for a in menu.actions())


def test_a_stream_is_added_renamed_and_undone_each_step_audited(
    qtbot, window: MainWindow, demo_path: Path
) -> None:
    _open_bcf(qtbot, window)
    dialog = _dialog(qtbot, window, "lists")
    table, model = dialog.current()
    assert dialog.tabs.tabText(0) == "Funding Streams"
    assert _column(model, "Name")[:3] == [
        "NHS minimum contribution",
        "Improved Better Care Fund (iBCF)",
        "Disabled Facilities Grant",
    ]
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    qtbot.keyClicks(editor, "Better Care Support Grant")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(10)  # the view commits on the next turn of the event loop
    assert _column(model, "Name")[-1] == "Better Care Support Grant"
    assert _audit(demo_path)[-2:] == ["edit_bcf_stream", "edit_bcf_stream"]
    assert window.lines_model.scheme_lists.streams[-1][1] == "Better Care Support Grant"
    window.action_undo.trigger()
    window.action_undo.trigger()
    assert len(_column(model, "Name")) == 7
    assert _audit(demo_path)[-1] == "undo_edit_bcf_stream"


def test_bad_entries_are_refused_beside_the_cell_naming_the_field(
    qtbot, window: MainWindow, demo_path: Path
) -> None:
    _open_bcf(qtbot, window)
    dialog = _dialog(qtbot, window, "lists")
    table, model = dialog.current()
    before = _audit(demo_path)
    table.setCurrentIndex(model.index(1, 0))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    qtbot.keyClicks(editor, "disabled facilities grant")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(10)
    assert table.refusal_text == "Funding stream “disabled facilities grant” is already in the list."
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert model.refusal(model.index(0, 0), "  ") == "Name cannot be empty."
    assert _audit(demo_path) == before, "nothing was changed"


def test_removing_a_stream_in_use_is_refused_with_what_uses_it(
    qtbot, window: MainWindow, demo_path: Path
) -> None:
    _open_bcf(qtbot, window)
    dialog = _dialog(qtbot, window, "lists")
    table, model = dialog.current()
    table.setCurrentIndex(model.index(0, 0))
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == (
        "“NHS minimum contribution” is used by 5 lines, 1 income entry and 2 minimum-spend conditions, "
        "so it was not removed."
    )
    assert len(_column(model, "Name")) == 7


def test_renaming_a_scheme_type_renames_it_on_its_lines_in_one_undo_step(qtbot, window: MainWindow) -> None:
    _open_bcf(qtbot, window)
    dialog = _dialog(qtbot, window, "lists")
    dialog.tabs.setCurrentIndex(1)
    _table, model = dialog.current()
    row = _column(model, "Name").index("Intermediate Care Services")
    assert model.setData(model.index(row, 0), "Intermediate care")
    lines = window.lines_model
    types = {lines.index(r, SCHEME_TYPE).data() for r in range(lines.rowCount())}
    assert "Intermediate care" in types and "Intermediate Care Services" not in types
    assert window.lines_model.scheme_lists.subtypes_of("Intermediate care") == (
        "Reablement in a person's own home",
        "Bed-based intermediate care",
    )
    assert window.undo_stack.undoText() == "Rename Scheme Type"
    window.action_undo.trigger()
    assert lines.index(4, SCHEME_TYPE).data() == "Intermediate Care Services"
    # An entry that lines still name cannot be removed.
    assert not model.remove_row(row)
    assert dialog.message.text() == "“Intermediate Care Services” is used by 3 lines, so it was not removed."


def test_income_edits_change_the_totals_panel_and_bad_amounts_change_nothing(
    qtbot, window: MainWindow
) -> None:
    _open_bcf(qtbot, window)
    assert _panel(window)["Income"] == "£142.250m"
    dialog = _dialog(qtbot, window, "income")
    _table, model = dialog.current()
    assert _column(model, "Funding Stream")[2] == "Disabled Facilities Grant"
    amount = 2
    assert not model.setData(model.index(2, amount), "lots")
    assert dialog.message.text().startswith("Income Entry not changed: Amount: ")
    assert not model.setData(model.index(2, 0), "Winter pressures grant")
    assert dialog.message.text() == (
        "Income Entry not changed: That stream already has an income entry held by that partner: "
        "change its amount instead."
    )
    assert _panel(window)["Income"] == "£142.250m"
    assert model.setData(model.index(2, amount), "£9m")
    assert _panel(window)["Income"] == "£142.750m"
    assert "✗ Income not yet planned: Disabled Facilities Grant (£500,000.00 unallocated)" in _panel(window)
    window.action_undo.trigger()
    assert _panel(window)["Income"] == "£142.250m"


def test_a_condition_is_edited_and_a_bad_commissioner_refused(qtbot, window: MainWindow) -> None:
    _open_bcf(qtbot, window)
    dialog = _dialog(qtbot, window, "conditions")
    _table, model = dialog.current()
    assert _column(model, "Commissioned by") == ["Any", "NHS"]
    assert model.refusal(model.index(0, 4), "Mayor") == "Commissioner must be Any, Council or NHS."
    assert model.setData(model.index(1, 1), "40,000,000")
    assert "Conditions not met" in " ".join(_panel(window))
    window.action_undo.trigger()
    assert "✓ Every minimum-spend condition is met" in _panel(window)


def test_double_clicking_a_bcf_row_of_the_totals_panel_opens_its_dialog(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open_bcf(qtbot, window)
    opened: list[str] = []
    monkeypatch.setattr(BcfDialog, "exec", lambda self: opened.append(self.objectName()) or 0)
    tree = window.totals_panel.tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    for label in ("BCF income by stream", "BCF minimum-spend conditions"):
        item = next(i for i in items if i.text(0) == label)
        tree.itemDoubleClicked.emit(item, 0)
    assert opened == ["bcfIncomeDialog", "bcfConditionsDialog"]


def test_each_reference_list_says_what_uses_every_entry(qtbot, window: MainWindow) -> None:
    """The lists' last column counts the lines, income entries and conditions using an entry,
    read-only; a scheme type renamed on its lines keeps its count, and undo gives it back."""
    _open_bcf(qtbot, window)
    dialog = _dialog(qtbot, window, "lists")
    _table, model = dialog.current()
    streams = dict(zip(_column(model, "Name"), _column(model, "Used by"), strict=True))
    assert streams["NHS minimum contribution"] == "5 lines, 1 income entry and 2 minimum-spend conditions"
    used_by = model.columnCount() - 1
    assert not model.flags(model.index(0, used_by)) & Qt.ItemFlag.ItemIsEditable
    dialog.tabs.setCurrentIndex(1)
    _table, types = dialog.current()
    counts = dict(zip(_column(types, "Name"), _column(types, "Used by"), strict=True))
    assert "Not used" in counts.values()
    row = _column(types, "Name").index("Intermediate Care Services")
    before = counts["Intermediate Care Services"]
    assert before != "Not used"
    assert types.setData(types.index(row, 0), "Intermediate care")
    assert _column(types, "Used by")[row] == before
    dialog.tabs.setCurrentIndex(3)
    table, areas = dialog.current()
    uses = dict(zip(_column(areas, "Name"), _column(areas, "Used by"), strict=True))
    assert uses["Social Care"] == "13 lines and 1 minimum-spend condition"
    assert uses["Acute"] == "Not used"
    # The condition naming an area by its text stops its removal too, as the column says.
    table.setCurrentIndex(areas.index(_column(areas, "Name").index("Social Care"), 0))
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == (
        "“Social Care” is used by 13 lines and 1 minimum-spend condition, so it was not removed."
    )
