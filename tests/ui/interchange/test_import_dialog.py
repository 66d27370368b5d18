"""File ▸ Import Lines… and Export to Excel…, and the BCF sections of the totals panel, driven as a
user would (the file dialogs are the only part skipped: a test gives the path)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from jmg_desktop.ui.interchange.import_dialog import ImportLinesDialog
from jmg_desktop.ui.interchange.install import export_to_excel, open_import_dialog
from jmg_desktop.ui.main_window import MainWindow

BCF = "Staffordshire Better Care Fund 2019/20 (idllustrative)".replace("idll", "ill")


def _workbook(path: Path) -> Path:
    """A sheet written with openpyxl: a merged title, the header on row 3, amounts in £000, one
    partner the workspace does not know."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Budget"
    sheet["A1"] = "Draft additions 2009/10"
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(["Service budget", "Paid by", "Budget £000"])
    sheet.append(["Extra care housing", "OCC", Decimal("1250.5")])
    sheet.append(["Night sitting", "PCT", 300])
    sheet.append(["Mystery service", "Nobody", 10])
    book.save(path)
    return path


def _dialog(qtbot, window: MainWindow, path: Path) -> ImportLinesDialog:
    dialog = open_import_dialog(window, path)
    assert isinstance(dialog, ImportLinesDialog)
    qtbot.addWidget(dialog)
    dialog.resize(1300, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _shot(widget, name: str) -> None:
    folder = os.environ.get("JMG_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_the_dialog_maps_previews_and_refuses_until_the_user_agrees(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, window, _workbook(tmp_path / "additions.xlsx"))
    _shot(dialog, "import-dialog-refusals")
    assert dialog.header_spin.value() == 3 and dialog.header_note.text() == "found by its headings"
    assert dialog.mapping() == {0: "service", 1: "partner", 2: "amount"}
    assert dialog.mapping_table.item(2, 1).text() == "Budget £000  (× 1,000)"
    assert dialog.refusal_table.rowCount() == 1
    assert [dialog.refusal_table.item(0, c).text() for c in range(3)] == ["6", "B", "Paid by"]
    assert "“Nobody” is not a partner" in dialog.refusal_table.item(0, 3).text()
    assert dialog.preview_table.item(0, 4).text() == "£1,250,500.00"
    assert not dialog.import_button.isEnabled()
    before = window.lines_model.rowCount()
    dialog.skip_refused.setFocus()
    qtbot.keyClick(dialog.skip_refused, Qt.Key.Key_Space)
    assert dialog.skip_refused.isChecked()
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.lines_model.rowCount() == before + 2
    assert window.undo_stack.undoText() == "Import 2 Lines from additions.xlsx"
    undo = next(a for a in window.menu_edit.actions() if a.text().startswith("&Undo"))
    undo.trigger()  # Edit ▸ Undo: the whole import goes in one step
    assert window.lines_model.rowCount() == before


def test_choosing_another_mapping_replans(qtbot, window: MainWindow, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, window, _workbook(tmp_path / "additions.xlsx"))
    dialog.choose("Paid by", "note")  # the partner column read as a note: every row takes the host
    assert dialog.refusal_table.rowCount() == 0
    assert dialog.import_button.isEnabled()
    assert dialog.summary.text().startswith("3 lines to add, totalling £1,560,500.00.")
    dialog.choose("Budget £000", "ignore")
    assert dialog.summary.text() == "No column of sheet “Budget” is mapped to the amount."
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_hostile_file_is_refused_in_one_sentence_and_no_dialog_opens(
    window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_text("Service,Amount\n", encoding="utf-8")
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    assert open_import_dialog(window, path) is None
    assert any(m.startswith("“renamed.xlsx” is a text file named as a workbook") for m in messages)


def test_file_menu_has_import_and_export(window: MainWindow, tmp_path: Path) -> None:
    names = [a.objectName() for a in window.menu_file.actions()]
    assert names.index("actionImportLines") < names.index("actionExportExcel")
    out = tmp_path / "pool.xlsx"
    assert export_to_excel(window, out)
    assert load_workbook(out)["Lines"].max_row == window.lines_model.rowCount() + 1


def test_the_totals_panel_shows_the_bcf_plan_and_an_overspent_stream_in_red(
    qtbot, window: MainWindow
) -> None:
    for row in range(window.pool_list.count()):
        if window.pool_list.item(row).text() == BCF:
            window.pool_list.setCurrentRow(row)
    window.resize(1366, 768)
    panel = window.totals_panel
    rows = dict(panel.rows())
    assert rows["BCF income by stream"] == "" and rows["Income"] == "£142.250m"
    assert "✓ Every minimum-spend condition is met" in rows
    _shot(window, "bcf-panel")
    model = window.lines_model
    amount = 4  # the Amount column
    first = model.index(0, amount)
    assert model.setData(first, "25,000,000", Qt.ItemDataRole.EditRole)  # S01 up by £1m on the NHS minimum
    labels = [panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())]
    overspent = next(item for item in labels if item.text(0).strip() == "✗ NHS minimum contribution")
    assert overspent.text(1) == "-£1.000m"
    assert overspent.foreground(0) == QBrush(overspent.foreground(1).color())
    assert overspent.foreground(1).color().name() == "#b00020"
    assert "✗ Overspent streams: NHS minimum contribution (-£1,000,000.00)" in dict(panel.rows())
    _shot(window, "bcf-panel-overspent")
