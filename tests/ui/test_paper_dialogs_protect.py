"""The paper editor's dialogs protect the user: Make Final (which cannot be undone) has its own
button with Cancel the default; export checks the reconciliation gate before asking for a file
name; Enter closes the message; the suggested file name keeps the year readable ("2009-10")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import update

from jmg_desktop.papers import service
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.papers.editor import PaperEditor


def press_accept(qtbot, dialog) -> None:
    """As a user at the keyboard: Tab to the dialog's accept button, then press Space."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    for _ in range(6):
        if dialog.go.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Tab)
    assert dialog.go.hasFocus(), "Tab reaches the accept button"
    qtbot.keyClick(dialog.go, Qt.Key.Key_Space)


@pytest.fixture
def editor(qtbot, demo_workspace: Workspace) -> PaperEditor:
    widget = PaperEditor()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.set_workspace(demo_workspace)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_make_final_has_its_own_button_and_enter_cancels(qtbot, editor: PaperEditor) -> None:
    box = editor.finalise(confirm=True)
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Make Final"
    go = box.findChild(object, "finaliseQuestionGo")
    assert go is not None and go.text() == "Make Final"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Ok) is None
    qtbot.waitExposed(box)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter takes the safe way out
    assert not box.isVisible()
    assert not editor.title.isReadOnly(), "nothing was made final"


def test_export_checks_the_gate_before_asking_for_a_file_name(
    qtbot, editor: PaperEditor, demo_workspace: Workspace, monkeypatch
) -> None:
    with demo_workspace.writing() as session:
        session.execute(
            update(PoolLine).where(PoolLine.service == "Intermediate care").values(amount_pence=0)
        )
    editor.refresh()
    asked: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", ""))
    dialog = editor.export_dialog()
    assert asked == [], "no file name is asked for while the figures do not reconcile"
    assert dialog is not None and dialog.windowTitle() == "Accept Differences"
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible(), "Enter cancels: accepting is never the default"
    assert asked == [] and not any(
        d.accepted for d in service.paper_differences(demo_workspace, editor.current_paper_id())
    )
    dialog = editor.export_dialog()
    qtbot.waitExposed(dialog)
    press_accept(qtbot, dialog)  # Tab to “Accept and Export…”, Space
    assert len(asked) == 1, "once accepted, the file name is asked for"


def test_the_suggested_pdf_name_keeps_the_year_readable(editor: PaperEditor, monkeypatch) -> None:
    selector = editor.paper_selector
    annex = next(
        i for i in range(selector.count()) if "Widening its Scope for 2009/10" in selector.itemText(i)
    )
    selector.setCurrentIndex(annex)
    asked: list[tuple] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", ""))
    editor.export_dialog()
    name = Path(asked[0][2]).name
    assert "2009-10" in name and "200910" not in name and name.endswith(" v1.pdf")
