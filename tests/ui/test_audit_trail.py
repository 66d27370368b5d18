"""View ▸ Audit Trail…: the whole workspace's changes, filtered by pool, person, date and kind."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate

from jmg_desktop.ui.audit.trail import WorkspaceAuditDialog
from jmg_desktop.ui.lines.model import COLUMN_AMOUNT, COLUMN_PARTNER
from jmg_desktop.ui.main_window import MainWindow


def _open(window: MainWindow) -> WorkspaceAuditDialog:
    action = next(a for a in window.menu_view.actions() if a.objectName() == "actionAuditTrail")
    assert action.isEnabled()
    action.trigger()
    dialog = window.audit_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, WorkspaceAuditDialog) and dialog.windowTitle() == "Audit Trail"
    return dialog


def _cells(dialog: WorkspaceAuditDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_trail_covers_the_workspace_and_filters_by_each_of_the_four(window: MainWindow) -> None:
    model = window.lines_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Day services – internal")
    assert model.setData(model.index(row, COLUMN_PARTNER), "PCT")
    window.select_pool(2, 2009)  # Physical Disabilities
    assert window.lines_model.setData(window.lines_model.index(0, COLUMN_AMOUNT), "£1m")
    dialog = _open(window)
    everything = _cells(dialog)
    assert len(everything) > 2, "the demo's own history is there too"
    assert everything[0][3] == "Edited" and everything[0][4] == "Physical Disabilities"
    assert everything[1][4] == "Older People" and everything[1][5] == "Partner: OCC → PCT"

    dialog.pool_filter.setCurrentIndex(dialog.pool_filter.findText("Older People"))
    shown = _cells(dialog)
    assert shown[0][5] == "Partner: OCC → PCT"
    assert all("Older People" in r[4] for r in shown)

    dialog.pool_filter.setCurrentIndex(0)
    dialog.kind_filter.setCurrentIndex(dialog.kind_filter.findText("Edited"))
    assert [r[3] for r in _cells(dialog)] == ["Edited"] * len(_cells(dialog)) and _cells(dialog)

    people = [dialog.person_filter.itemText(i) for i in range(1, dialog.person_filter.count())]
    assert people, "whoever made the changes is offered"
    dialog.person_filter.setCurrentIndex(dialog.person_filter.count() - 1)
    assert all(r[2] == people[-1] for r in _cells(dialog))

    dialog.person_filter.setCurrentIndex(0)
    dialog.kind_filter.setCurrentIndex(0)
    tomorrow = date.today() + timedelta(days=1)
    dialog.from_date.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    dialog.to_date.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    assert _cells(dialog) == []
    assert dialog.count_label.text().startswith(f"0 of {len(everything):,} changes shown")
