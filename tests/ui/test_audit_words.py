"""Line History and the audit trail in words: names, not ids; a redo named as what it redoes."""

from __future__ import annotations

import json

from jmg_desktop.ui.audit.words import AuditRow, AuditWords, action_words
from jmg_desktop.ui.lines.model import COLUMN_PARTNER, COLUMN_STATUS
from jmg_desktop.ui.main_window import MainWindow

WORDS = AuditWords({"partner_id": {1: "OCC", 2: "PCT"}, "status_id": {1: "In pool", 2: "Proposed addition"}})


def _row(action: str, old: object, new: object) -> AuditRow:
    return AuditRow(1, "2009-01-13T21:15:00+00:00", "ana", action, json.dumps(old), json.dumps(new))


def test_a_partner_change_reads_with_the_partners_short_names() -> None:
    assert WORDS.change(_row("edit_lines", {"partner_id": 1}, {"partner_id": 2})) == "Partner: OCC → PCT"
    assert (
        WORDS.change(_row("edit_lines", {"amount_pence": 100}, {"amount_pence": 250}))
        == "Amount: £1.00 → £2.50"
    )
    several = _row(
        "edit_lines",
        {"updates": [{"id": 4, "status_id": 2}, {"id": 5, "status_id": 2}]},
        {"updates": [{"id": 4, "status_id": 1}, {"id": 5, "status_id": 1}]},
    )
    assert WORDS.change(several) == "Status: Proposed addition → In pool; Status: Proposed addition → In pool"
    assert "id" not in WORDS.change(several).lower().replace("addition", "")


def test_redo_and_undo_are_named_as_what_they_redo_or_undo() -> None:
    assert action_words("redo_status_move") == "Status moved (redone)"
    assert action_words("undo_edit_lines") == "Edit undone"
    assert action_words("undo_edit_partner") == "Edit partner (undone)"


def test_line_history_after_edit_undo_and_redo_reads_in_words(window: MainWindow) -> None:
    model = window.lines_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Day services – internal")
    assert model.setData(model.index(row, COLUMN_PARTNER), "PCT")
    assert model.setData(model.index(row, COLUMN_STATUS), "In pool")
    window.undo_stack.undo()
    window.undo_stack.redo()
    window.lines_view.select_line_ids([model.line_id(row)])
    from PySide6.QtWidgets import QWidget

    action = next(a for a in window.lines_view.table.actions() if a.objectName() == "actionLineHistory")
    action.trigger()
    view = window.findChild(QWidget, "agreementsView")
    table = view.active_dialog.table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert [(r[3], r[4]) for r in rows] == [
        ("Edited", "Partner: OCC → PCT"),
        ("Edited", "Status: Proposed addition → In pool"),
        ("Edit undone", "Status: In pool → Proposed addition"),
        ("Edited", "Status: Proposed addition → In pool"),
    ]
    # Local time in the one style: "13 Jan 2009 21:15".
    import re

    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", r[1]) for r in rows)
