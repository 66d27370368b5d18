"""The register page standalone on the demo: filters, the detail, dialogs, refusals, undo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox

from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.agreements.dialogs import (
    AuditTrailDialog,
    EditAgreementDialog,
    MeetingDialog,
    RecordAgreementDialog,
    StatusMoveDialog,
)
from jmg_desktop.ui.agreements.register_model import COLUMNS
from jmg_desktop.ui.agreements.view import AgreementsView


@pytest.fixture
def view(qtbot, demo_workspace: Workspace) -> Iterator[AgreementsView]:
    widget = AgreementsView(undo_stack=QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.set_workspace(demo_workspace)
    yield widget
    widget.set_workspace(None)


def _column(view: AgreementsView, name: str) -> list[str]:
    column = COLUMNS.index(name)
    return [view.proxy.index(r, column).data() for r in range(view.proxy.rowCount())]


def _choose(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    combo.setCurrentIndex(index)


def _table_text(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_the_register_is_sorted_newest_first_and_answers_at_a_glance(view: AgreementsView) -> None:
    assert view.objectName() == "agreementsView"
    assert _column(view, "Date") == ["13 Jan 2009", "2 Dec 2008", "4 Nov 2008"]
    assert _column(view, "Status") == [
        "Agreed in principle",
        "Approved by Cabinet",
        "Superseded by agreement 2",
    ]
    assert _column(view, "Waiting for") == ["Recommendation to partners", "PCT Board", "—"]
    assert _column(view, "Agreed") == ["£1.698m", "£34.864m", "£7.994m"]
    # The superseded November agreement is never checked against the lines.
    assert _column(view, "Difference") == ["+£46,000.00", "unchanged", "not checked"]
    assert view.summary_label.text() == (
        "3 agreements shown · 2 on the way to approval or implementation · ⚠ 1 with figures changed since agreed"
    )


def test_filters_by_status_pool_year_body_and_changed_figures(view: AgreementsView) -> None:
    _choose(view.status_filter, "Recommended to partners")
    assert _column(view, "Waiting for") == ["PCT Board"]
    _choose(view.status_filter, "Open (not closed)")
    assert len(_column(view, "Date")) == 2
    _choose(view.status_filter, "All")
    _choose(view.pool_filter, "Physical Disabilities")
    assert _column(view, "Date") == ["13 Jan 2009"]
    _choose(view.pool_filter, "All")
    _choose(view.year_filter, "2009/10")
    assert len(_column(view, "Date")) == 3
    _choose(view.body_filter, "Older People Joint Management Group")
    assert len(_column(view, "Date")) == 3
    view.changed_only.setChecked(True)
    assert _column(view, "Date") == ["13 Jan 2009"]


def test_the_detail_shows_what_was_agreed_on_what_figures_and_where_it_is(view: AgreementsView) -> None:
    assert view.select_agreement(3)
    detail = view.detail
    assert "Base budget changes for 2009/10" in detail.title_label.text()
    assert "13 Jan 2009 (OPJMG 09/01 item 2)" in detail.meta_label.text()
    assert "Agreed in principle" in detail.status_label.text()
    assert "Recommendation to partners" in detail.status_label.text()
    rows = _table_text(detail.figures)
    assert rows[0][1:] == [
        "Older People",
        "Oxfordshire County Council",
        "£1,600,000.00",
        "£1,646,000.00",
        "+£46,000.00",
        "amount",
        "Budget change",  # the line's kind: a change to budgets already in the pool
    ]
    assert rows[1][1] == "Physical Disabilities" and rows[1][5] == ""
    assert rows[-1] == ["Total", "", "", "£1,698,000.00", "£1,744,000.00", "+£46,000.00", "", ""]
    assert "1 line changed since agreed" in detail.figures_note.text()
    # All three are changes to budgets already in the pool: the note says so, no Kind column needed.
    assert detail.figures_note.text().endswith("Every line is a change to budgets already in the pool.")
    assert detail.figures.isColumnHidden(7)
    assert "£1.600m pending the final council budget" in detail.words.toPlainText()


def test_history_of_the_december_agreement(view: AgreementsView) -> None:
    view.select_agreement(2)
    assert [row[:3] for row in _table_text(view.detail.history)] == [
        ["2 Dec 2008", "Agreed in principle", ""],
        ["6 Jan 2009", "Recommended to partners", "Report to Cabinet with Annex 4(b)."],
        [
            "20 Jan 2009",
            "Approved by Cabinet (Oxfordshire County Council)",
            "Cabinet approved the additions.",
        ],
    ]


def _move_dialog(view: AgreementsView, agreement_id: int) -> StatusMoveDialog:
    dialog = view.open_move_dialog(agreement_id)
    assert isinstance(dialog, StatusMoveDialog)
    return dialog


def test_a_nonsense_move_shows_its_reason_and_cannot_be_confirmed(view: AgreementsView) -> None:
    dialog = _move_dialog(view, 2)
    assert dialog.move.currentText() == "Approved by PCT Board (Oxfordshire Primary Care Trust)"
    assert dialog.reason.text() == ""
    _choose(dialog.move, "Implemented")
    assert dialog.reason.text() == "It cannot be implemented until PCT Board has approved it."
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    _choose(dialog.move, "Approved by Cabinet (Oxfordshire County Council)")
    assert dialog.reason.text() == "Cabinet has already approved it."
    _choose(dialog.move, "Approved by PCT Board (Oxfordshire Primary Care Trust)")
    dialog.on.setDate(QDate(2009, 1, 19))
    assert "before its previous step (20 Jan 2009)" in dialog.reason.text()
    dialog.accept()  # refused: stays open, nothing changes
    assert dialog.isVisible()
    assert _column(view, "Status")[1] == "Approved by Cabinet"


def test_a_move_then_undo_and_redo(view: AgreementsView) -> None:
    dialog = _move_dialog(view, 2)
    dialog.on.setDate(QDate(2009, 1, 28))
    dialog.note.setText("PCT Board minute 09/14")
    dialog.accept()
    assert _column(view, "Status")[1] == "Approved by Cabinet and PCT Board"
    assert _column(view, "Waiting for")[1] == "Implementation"
    assert view.current_agreement_id() == 2
    assert _table_text(view.detail.history)[-1][:3] == [
        "28 Jan 2009",
        "Approved by PCT Board (Oxfordshire Primary Care Trust)",
        "PCT Board minute 09/14",
    ]
    stack = view.undo_stack
    assert (
        stack is not None
        and stack.undoText() == "Move to Approved by PCT Board (Oxfordshire Primary Care Trust)"
    )
    stack.undo()
    assert _column(view, "Status")[1] == "Approved by Cabinet"
    stack.redo()
    assert _column(view, "Status")[1] == "Approved by Cabinet and PCT Board"


def test_superseding_names_the_agreement(view: AgreementsView) -> None:
    dialog = _move_dialog(view, 3)
    _choose(dialog.move, "Superseded by…")
    assert dialog.superseded_by.isVisibleTo(dialog)
    _choose(
        dialog.superseded_by,
        "2 Dec 2008: Add five service budgets to the Older People's pool for 2009/10",
    )
    dialog.on.setDate(QDate(2009, 2, 1))
    dialog.accept()
    view.select_agreement(3)
    assert "Superseded by agreement 2" in view.detail.status_label.text()


def test_record_an_agreement_on_given_lines_then_undo_and_redo(view: AgreementsView) -> None:
    dialog = view.open_record_dialog([11, 12])
    assert isinstance(dialog, RecordAgreementDialog)
    assert [dialog.lines_list.item(i).text() for i in range(2)] == [
        "Day services – internal — Oxfordshire County Council — £3,342,000.00",
        "Day services – external — Oxfordshire County Council — £4,652,000.00",
    ]
    assert "£7,994,000.00" in dialog.findChild(type(dialog.error), "agreementSnapshotTotal").text()
    assert [box.text() for _, box in dialog.body_boxes if box.isChecked()] == [
        "Cabinet (Oxfordshire County Council)",
        "PCT Board (Oxfordshire Primary Care Trust)",
    ]
    dialog.accept()  # no title yet
    assert dialog.error.text() == "Give the agreement a title, so the register can show it."
    dialog.form.title.setText("Day services again")
    dialog.form.assumptions.setPlainText("Inflation 3%")
    assert dialog.on.date() == QDate(2009, 1, 13)  # the newest meeting's date
    dialog.accept()
    assert view.current_agreement_id() == 4
    assert _column(view, "Date")[0] == "13 Jan 2009"
    assert (
        sorted(_column(view, "Agreement"))[1]
        == "Base budget changes for 2009/10: inflation, growth and savings"
    )
    assert "Day services again" in _column(view, "Agreement")
    stack = view.undo_stack
    assert stack is not None
    stack.undo()
    assert "Day services again" not in _column(view, "Agreement")
    stack.redo()
    assert "Day services again" in _column(view, "Agreement")
    view.select_agreement(4)
    assert "Inflation 3%" in view.detail.words.toPlainText()


def test_record_with_nothing_selected_and_no_pool_says_what_to_do(view: AgreementsView, qtbot) -> None:
    assert view.open_record_dialog() is None
    box = view.findChild(QMessageBox, "errorDialog")
    assert box is not None
    assert box.text() == "Select the lines the agreement covers on the Pool lines page first."


def test_record_for_a_whole_pool_and_year(view: AgreementsView) -> None:
    dialog = view.open_record_dialog([], pool_id=2, year=2009)
    assert isinstance(dialog, RecordAgreementDialog)
    assert dialog.lines_list.count() == 4
    dialog.form.title.setText("Physical disabilities pool for 2009/10")
    dialog.accept()
    view.select_agreement(view.current_agreement_id() or -1)
    assert "(whole pool)" in view.detail.meta_label.text()


def test_new_meeting_then_undo(view: AgreementsView) -> None:
    dialog = view.open_meeting_dialog()
    assert isinstance(dialog, MeetingDialog)
    dialog.body.setCurrentText("  ")
    dialog.accept()
    assert "Name the body" in dialog.error.text()
    dialog.body.setCurrentText("Better Care Fund Board")
    dialog.held_on.setDate(QDate(2009, 2, 10))
    dialog.accept()
    assert view.body_filter.findText("Better Care Fund Board") >= 0
    record = view.open_record_dialog([11])
    assert isinstance(record, RecordAgreementDialog)
    assert record.form.meeting.currentText() == "Better Care Fund Board, 10 Feb 2009"
    record.reject()
    assert view.undo_stack is not None
    view.undo_stack.undo()
    assert view.body_filter.findText("Better Care Fund Board") < 0


def test_edit_words_then_undo(view: AgreementsView) -> None:
    dialog = view.open_edit_dialog(2)
    assert isinstance(dialog, EditAgreementDialog)
    assert dialog.form.conflicts.toPlainText() == "None declared."
    dialog.form.conflicts.setPlainText("A member declared an interest as a day centre trustee.")
    assert dialog.values() == {"conflicts": "A member declared an interest as a day centre trustee."}
    dialog.accept()
    assert "day centre trustee" in view.detail.words.toPlainText()
    assert view.undo_stack is not None and view.undo_stack.undoText() == "Edit Agreement"
    view.undo_stack.undo()
    assert "day centre trustee" not in view.detail.words.toPlainText()


def test_the_audit_trail_of_an_agreement_and_of_a_line(view: AgreementsView) -> None:
    dialog = view.open_audit_dialog(2)
    assert isinstance(dialog, AuditTrailDialog)
    rows = _table_text(dialog.table)
    assert [row[3] for row in rows] == ["Agreement recorded", "Status moved", "Status moved"]
    assert rows[1][4] == "Recommended to partners on 6 Jan 2009 — Report to Cabinet with Annex 4(b)."
    view.select_agreement(3)
    history = view.open_line_history(16)
    assert isinstance(history, AuditTrailDialog)
    assert history.windowTitle() == "History — 2009/10 base budget changes – inflation, growth and savings"
    assert [row[3] for row in _table_text(history.table)] == ["Edited"]
    assert _table_text(history.table)[0][4] == "Amount: £1,600,000.00 → £1,646,000.00"
    preface = history.findChild(QLabel, "auditPreface")
    assert preface is not None
    assert preface.text() == (
        "Covered by: Base budget changes for 2009/10: inflation, growth and savings (13 Jan 2009, Agreed in "
        "principle) — changed since agreed"
    )


def test_a_read_only_workspace_can_be_read_but_not_changed(qtbot, demo_path: Path) -> None:
    workspace = Workspace.open(demo_path, read_only=True)
    view = AgreementsView()
    qtbot.addWidget(view)
    try:
        view.set_workspace(workspace)
        assert len(_column(view, "Date")) == 3
        assert not view.record_button.isEnabled()
        assert not view.detail.move_button.isEnabled()
        assert view.detail.audit_button.isEnabled()
        assert view.open_move_dialog(2) is None
    finally:
        view.set_workspace(None)
        workspace.close()


def test_dates_in_dialogs_read_as_a_chair_writes_them(view: AgreementsView) -> None:
    dialog = _move_dialog(view, 3)
    dialog.on.setDate(QDate(2009, 2, 3))
    assert dialog.on.text() == "3 Feb 2009"
    assert dialog.step().on == date(2009, 2, 3)


def test_a_new_meeting_from_the_record_dialog_is_chosen_at_once(view: AgreementsView) -> None:
    record = view.open_record_dialog([13])
    assert isinstance(record, RecordAgreementDialog)
    record.form.new_meeting.click()
    meeting = view.meeting_dialog
    assert isinstance(meeting, MeetingDialog)
    meeting.held_on.setDate(QDate(2009, 3, 3))
    meeting.reference.setText("OPJMG 09/03")
    meeting.accept()
    assert (
        record.form.meeting.currentText() == "Older People Joint Management Group, 3 Mar 2009 — OPJMG 09/03"
    )
    assert record.on.date() == QDate(2009, 3, 3)
    record.form.title.setText("Home support internal")
    record.accept()
    assert _column(view, "Date")[0] == "3 Mar 2009"
