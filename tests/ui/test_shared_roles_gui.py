"""The window offers each role on a shared workspace only what the server allows it, shows the role,
and the server still refuses when the action is called anyway (past the disabled button).

Viewer: no cell edits, paste, additions, imports, papers or agreements. Editor: lines and draft
papers, but not Make Final, agreements, meetings, partners, pools or linked pools. Chair: also
Make Final, agreements and meetings, but not partners, pools or linked pools."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from jmg_desktop.core.commands import FieldUpdate, edit_fields
from jmg_desktop.papers import accepting, service
from jmg_desktop.store import agreements_repo, papers_repo
from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError
from jmg_desktop.store.lines_repo import LinesStore, fetch_lines
from jmg_desktop.store.models import Pool, PoolLine
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.roles import grant_role, set_up_roles
from jmg_desktop.ui.lines.model import COLUMN_AMOUNT
from jmg_desktop.ui.main_window import MainWindow

_REFUSED = "Your role on this shared workspace does not allow that change; it was not made."


@pytest.fixture
def address_of(pg_server, pg_demo_template, pg_database):
    """Addresses for a viewer, an editor and a chair on one shared demo."""
    address = pg_database(pg_demo_template)
    database = make_url(address).database
    with SharedWorkspace.open(address) as admin, admin.engine.begin() as connection:
        set_up_roles(connection)
        for login in ("viewer", "editor", "chair"):
            user = f"gui_{login}"
            if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :u"), {"u": user}).first():
                connection.execute(text(f"CREATE ROLE {user} LOGIN"))
            grant_role(connection, user, login)
    return lambda role: f"postgresql://gui_{role}@/{database}?host={pg_server.folder}&port={pg_server.port}"


def _window(qtbot, address: str) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.install_features()
    assert window.open_path(address)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _action(window: MainWindow, name: str) -> QAction:
    """A menu action by object name or by its text."""
    return next(a for a in window.findChildren(QAction) if name in (a.objectName(), a.text()))


def _enabled(window: MainWindow, *names: str) -> list[bool]:
    return [_action(window, name).isEnabled() for name in names]


_LINE_EDITS = ("&Paste", "Paste as &New Lines", "&Add Line", "De&lete Lines\tDel", "actionImportLines")
_CHAIRS = ("actionRecordAgreement", "actionNewMeeting")
_ADMINS = ("&Partners…", "P&ools…", "actionLinkedPools")


def _paper_editor(window: MainWindow):  # type: ignore[no-untyped-def]
    editor = window.paper_page.content()  # type: ignore[attr-defined]
    assert editor.paper_selector.count() > 0
    return editor


def _agreements(window: MainWindow):  # type: ignore[no-untyped-def]
    return window.agreements_page.content()  # type: ignore[attr-defined]


def _first_paper(workspace: SharedWorkspace) -> int:
    with workspace.reading() as session:
        return next(p.id for p in papers_repo.list_papers(session) if not p.is_final)


def test_a_viewer_is_offered_no_change_and_the_server_refuses_one_made_anyway(qtbot, address_of) -> None:
    window = _window(qtbot, address_of("viewer"))
    assert window.shared_follower.status.text().startswith("Shared: Viewer · ")
    assert _enabled(window, *_LINE_EDITS, *_CHAIRS, *_ADMINS) == [False] * 10
    # Typing over an amount opens no editor.
    table = window.lines_view.table
    index = window.lines_model.index(0, COLUMN_AMOUNT)
    assert not window.lines_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    table.setCurrentIndex(index)
    table.setFocus()
    qtbot.keyClick(table, "5")
    assert not [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    editor = _paper_editor(window)
    assert not editor.new_button.isEnabled() and not editor.final_button.isEnabled()
    assert not editor.delete_button.isEnabled() and editor.export_button.isEnabled()
    register = _agreements(window)
    assert not register.record_button.isEnabled() and not register.new_meeting_button.isEnabled()
    workspace = window.workspace()
    line = window.lines_model.line_id(0)
    window.close()
    # Called anyway, past the window: the server refuses.
    workspace.read_only = False
    shown = fetch_lines(workspace, [line])[line].amount_pence
    with pytest.raises(ReadOnlyError, match=_REFUSED):
        LinesStore(workspace).apply_changes(
            edit_fields([FieldUpdate(line, "amount_pence", shown, shown + 1)]).changes, action="edit_lines"
        )
    assert fetch_lines(workspace, [line])[line].amount_pence == shown


def test_an_editor_edits_lines_and_drafts_but_is_not_offered_a_chairs_actions(qtbot, address_of) -> None:
    window = _window(qtbot, address_of("editor"))
    assert window.shared_follower.status.text().startswith("Shared: Editor · ")
    assert _enabled(window, *_LINE_EDITS) == [True] * 5
    assert _enabled(window, *_CHAIRS, *_ADMINS) == [False] * 5
    assert window.lines_model.flags(window.lines_model.index(0, COLUMN_AMOUNT)) & Qt.ItemFlag.ItemIsEditable
    editor = _paper_editor(window)
    assert editor.new_button.isEnabled()
    assert not editor.final_button.isEnabled()
    assert editor.final_button.toolTip() == (
        "Only a chair may do this on this shared workspace; your role is Editor."
    )
    register = _agreements(window)
    assert not register.record_button.isEnabled() and not register.new_meeting_button.isEnabled()
    assert not register.detail.move_button.isEnabled()
    workspace = window.workspace()
    window.close()
    # Called anyway: making a paper final and recording an agreement are refused by the server.
    paper = _first_paper(workspace)
    accepting.accept_differences(workspace, paper)  # an editor may accept them; finalising is the chair's
    with pytest.raises(WorkspaceError, match=_REFUSED):
        service.finalise_paper(workspace, paper)
    with workspace.reading() as session:
        assert not papers_repo.get_paper(session, paper).is_final
        line = session.execute(select(PoolLine.id).limit(1)).scalar_one()
    with pytest.raises(ReadOnlyError, match=_REFUSED), workspace.writing() as session:
        agreements_repo.record_agreement(session, meeting_id=None, title="Not allowed", line_ids=[line])


def test_a_chair_makes_papers_final_and_records_agreements_but_not_pools(qtbot, address_of) -> None:
    window = _window(qtbot, address_of("chair"))
    assert window.shared_follower.status.text().startswith("Shared: Chair · ")
    assert _enabled(window, *_LINE_EDITS, *_CHAIRS) == [True] * 7
    assert _enabled(window, *_ADMINS) == [False] * 3
    assert _paper_editor(window).final_button.isEnabled()
    register = _agreements(window)
    assert register.record_button.isEnabled() and register.new_meeting_button.isEnabled()
    workspace = window.workspace()
    window.close()
    with pytest.raises(ReadOnlyError, match=_REFUSED), workspace.writing() as session:
        session.execute(update(Pool).values(name="Renamed"))
    paper = _first_paper(workspace)
    accepting.accept_differences(workspace, paper)
    service.finalise_paper(workspace, paper)  # the chair's to do
    with workspace.reading() as session:
        assert papers_repo.get_paper(session, paper).is_final
