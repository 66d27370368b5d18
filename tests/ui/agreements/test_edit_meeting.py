"""Correcting a meeting recorded with a wrong date, body or reference: "Edit Meeting…" in the
agreement detail and the Edit menu, undoable, audited, refused when it makes no sense."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy import select

from jmg_desktop.store import agreements_repo as repo
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.agreements import install
from jmg_desktop.ui.agreements.dialogs import MeetingDialog
from jmg_desktop.ui.agreements.register_model import COLUMNS
from jmg_desktop.ui.agreements.view import AgreementsView
from jmg_desktop.ui.main_window import MainWindow

#: The demo's third agreement, recorded at the 13 Jan 2009 meeting.
JANUARY_AGREEMENT = 3


@pytest.fixture
def view(qtbot, demo_workspace: Workspace) -> Iterator[AgreementsView]:
    widget = AgreementsView(undo_stack=QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.set_workspace(demo_workspace)
    yield widget
    widget.set_workspace(None)


def _dates(view: AgreementsView) -> list[str]:
    column = COLUMNS.index("Date")
    return [view.proxy.index(r, column).data() for r in range(view.proxy.rowCount())]


def _meeting_rows(workspace: Workspace) -> list[repo.MeetingRecord]:
    with workspace.reading() as session:
        return repo.list_meetings(session)


def _meeting_events(workspace: Workspace) -> list[tuple[dict, dict]]:
    """(old, new) of every meeting edit in the audit table."""
    with workspace.reading() as session:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.entity == "meeting", AuditEvent.action == "edit")
        ).scalars()
        return [(json.loads(row.old), json.loads(row.new)) for row in rows]


def _open_for_january(view: AgreementsView) -> MeetingDialog:
    assert view.select_agreement(JANUARY_AGREEMENT)
    assert view.detail.edit_meeting_button.isEnabled()
    view.detail.edit_meeting_button.click()
    dialog = view.active_dialog
    assert isinstance(dialog, MeetingDialog)
    return dialog


def test_correct_the_january_meeting_then_undo_and_redo(
    view: AgreementsView, demo_workspace: Workspace
) -> None:
    before = _meeting_rows(demo_workspace)
    assert _dates(view) == ["13 Jan 2009", "2 Dec 2008", "4 Nov 2008"]
    dialog = _open_for_january(view)
    assert dialog.windowTitle() == "Edit Meeting"
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Save"
    # Pre-filled with the meeting as recorded.
    assert dialog.body.currentText() == "Older People Joint Management Group"
    assert dialog.held_on.text() == "13 Jan 2009"
    assert dialog.reference.text() == "OPJMG 09/01 item 2"
    dialog.reference.setText("OPJMG 08/11b item 1")
    dialog.held_on.setDate(QDate(2008, 11, 25))
    dialog.show()
    dialog.grab().save("/tmp/editmeeting-dialog.png")
    dialog.accept()

    # The register re-sorts by the corrected date and keeps the agreement selected.
    assert _dates(view) == ["2 Dec 2008", "25 Nov 2008", "4 Nov 2008"]
    assert view.current_agreement_id() == JANUARY_AGREEMENT
    assert view.detail.meta_label.text().startswith(
        "Older People Joint Management Group, 25 Nov 2008 (OPJMG 08/11b item 1)"
    )
    view.show()
    view.grab().save("/tmp/editmeeting.png")
    events = _meeting_events(demo_workspace)
    assert len(events) == 1
    assert events == [
        (
            {"held_on": "2009-01-13", "reference": "OPJMG 09/01 item 2"},
            {"held_on": "2008-11-25", "reference": "OPJMG 08/11b item 1"},
        )
    ]

    stack = view.undo_stack
    assert stack is not None and stack.undoText() == "Edit Meeting"
    stack.undo()
    assert _meeting_rows(demo_workspace) == before
    assert _dates(view) == ["13 Jan 2009", "2 Dec 2008", "4 Nov 2008"]
    assert "13 Jan 2009 (OPJMG 09/01 item 2)" in view.detail.meta_label.text()
    stack.redo()
    assert _dates(view) == ["2 Dec 2008", "25 Nov 2008", "4 Nov 2008"]
    january = next(m for m in _meeting_rows(demo_workspace) if m.reference == "OPJMG 08/11b item 1")
    assert january.held_on == date(2008, 11, 25)
    # Undo and redo are audited too, each as an edit with the values swapped back and forth.
    assert len(_meeting_events(demo_workspace)) == 3


def test_an_empty_body_is_refused_and_nothing_changes(
    view: AgreementsView, demo_workspace: Workspace
) -> None:
    before = _meeting_rows(demo_workspace)
    dialog = _open_for_january(view)
    dialog.body.setCurrentText("   ")
    dialog.reference.setText("changed")
    dialog.accept()
    assert dialog.error.text() == "Name the body that met, e.g. Older People Joint Management Group."
    assert dialog.isVisible()
    dialog.reject()
    assert _meeting_rows(demo_workspace) == before
    assert view.undo_stack is not None and view.undo_stack.count() == 0
    assert _meeting_events(demo_workspace) == []


def test_the_store_refuses_bad_corrections_with_a_message(demo_workspace: Workspace) -> None:
    before = _meeting_rows(demo_workspace)
    january = next(m for m in before if m.held_on == date(2009, 1, 13))
    for fields, message in (
        ({"body": "  "}, "The meeting's body cannot be empty."),
        ({"reference": "x", "held_on": "13/01/2009"}, "“13/01/2009” is not a date."),
        ({"minute": "4"}, "A meeting has no minute."),
    ):
        with pytest.raises(repo.AgreementError, match=message), demo_workspace.writing() as session:
            repo.update_meeting(session, january.id, **fields)
    assert _meeting_rows(demo_workspace) == before
    assert _meeting_events(demo_workspace) == []


def test_saving_without_a_change_adds_nothing_to_undo(
    view: AgreementsView, demo_workspace: Workspace
) -> None:
    _open_for_january(view).accept()
    assert view.undo_stack is not None and view.undo_stack.count() == 0
    assert _meeting_events(demo_workspace) == []


def test_read_only_disables_edit_meeting(qtbot, demo_path: Path) -> None:
    workspace = Workspace.open(demo_path, read_only=True)
    view = AgreementsView()
    qtbot.addWidget(view)
    try:
        view.set_workspace(workspace)
        assert view.select_agreement(JANUARY_AGREEMENT)
        assert not view.detail.edit_meeting_button.isEnabled()
        assert not view.can_edit_meeting()
        assert view.open_edit_meeting_dialog() is None
    finally:
        view.set_workspace(None)
        workspace.close()


def test_nothing_selected_disables_the_button(view: AgreementsView) -> None:
    view.detail.show_detail(None)
    assert not view.detail.edit_meeting_button.isEnabled()
    assert not view.can_edit_meeting()


def test_the_edit_menu_entry_beside_new_meeting(qtbot, demo_path: Path) -> None:
    window = MainWindow(install_features=False)
    qtbot.addWidget(window)
    install(window)
    action = next(a for a in window.menu_edit.actions() if a.objectName() == "actionEditMeeting")
    names = [a.objectName() for a in window.menu_edit.actions()]
    assert names.index("actionEditMeeting") == names.index("actionNewMeeting") + 1
    window.menu_edit.aboutToShow.emit()
    assert not action.isEnabled()  # no workspace
    assert window.open_path(demo_path)
    window.menu_edit.aboutToShow.emit()
    assert action.isEnabled()
    action.trigger()
    view = window.agreements_page.content()  # type: ignore[attr-defined]
    dialog = view.active_dialog
    assert isinstance(dialog, MeetingDialog) and dialog.windowTitle() == "Edit Meeting"
    assert dialog.reference.text() == "OPJMG 09/01 item 2"  # the newest agreement, selected first
    dialog.reference.setText("OPJMG 09/01 item 2a")
    dialog.accept()
    assert window.undo_stack.undoText() == "Edit Meeting"
    assert "(OPJMG 09/01 item 2a)" in view.detail.meta_label.text()
    window.undo_stack.undo()
    assert "(OPJMG 09/01 item 2)" in view.detail.meta_label.text()
    view.detail.show_detail(None)
    window.menu_edit.aboutToShow.emit()
    assert not action.isEnabled()
    assert view.findChild(QMessageBox, "errorDialog") is None
