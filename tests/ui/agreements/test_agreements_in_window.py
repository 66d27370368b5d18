"""The register inside the main window: its page and menus, "Record agreement…" on the lines
selection, and lines marked when their figures moved since agreed (and unmarked on undo)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QWidget

from jmg_desktop.ui.agreements import AgreementsView, install
from jmg_desktop.ui.agreements.dialogs import RecordAgreementDialog
from jmg_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_path: Path) -> MainWindow:
    win = MainWindow(install_features=False)
    qtbot.addWidget(win)
    install(win)
    assert win.open_path(demo_path)
    return win


def _view(window: MainWindow) -> AgreementsView:
    """The register, built (and caught up with the open workspace) if it was not yet."""
    view = window.agreements_page.content()  # type: ignore[attr-defined]
    assert isinstance(view, AgreementsView)
    assert window.findChild(QWidget, "agreementsView") is view
    return view


def _select_rows(window: MainWindow, services: list[str]) -> None:
    model = window.lines_model
    table = window.lines_view.table
    selection = table.selectionModel()
    selection.clearSelection()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() in services:
            selection.select(
                model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_the_register_is_built_when_first_shown_and_catches_up(qtbot, window: MainWindow) -> None:
    page = window.agreements_page  # type: ignore[attr-defined]
    assert not page.has_content()  # installing costs nothing until the page is needed
    assert window.findChild(QWidget, "agreementsView") is None
    window.show()
    window.pages.setCurrentWidget(page)
    view = window.findChild(QWidget, "agreementsView")
    assert isinstance(view, AgreementsView) and view.isVisible()
    assert view.workspace() is window.workspace()
    assert view.model.rowCount() == 3


def test_the_page_and_menu_entries(window: MainWindow) -> None:
    view = _view(window)
    assert any(window.pages.tabText(i) == "Agreements" for i in range(window.pages.count()))
    assert view.model.rowCount() == 3
    edit = [a.text().replace("&", "") for a in window.menu_edit.actions()]
    assert "Record Agreement…" in edit and "New Meeting…" in edit
    assert "Agreements Register" in [a.text().replace("&", "") for a in window.menu_view.actions()]


def test_record_agreement_on_the_selected_lines(window: MainWindow) -> None:
    _select_rows(window, ["Home support – internal", "Home support – external"])
    assert len(window.lines_view.selected_line_ids()) == 2
    action = next(a for a in window.menu_edit.actions() if a.objectName() == "actionRecordAgreement")
    action.trigger()
    view = _view(window)
    dialog = view.active_dialog
    assert isinstance(dialog, RecordAgreementDialog)
    assert dialog.lines_list.count() == 2
    assert window.pages.currentWidget() is window.agreements_page  # type: ignore[attr-defined]
    dialog.form.title.setText("Home support")
    dialog.accept()
    assert view.model.rowCount() == 4
    assert window.undo_stack.undoText() == "Record Agreement"


def test_lines_changed_since_agreed_are_marked_and_unmarked_on_undo(window: MainWindow) -> None:
    model = window.lines_model
    view = _view(window)  # built (hidden) before the edit
    # The demo's January agreement took £1.600m for the base changes line, now £1.646m.
    assert len(model.marked_line_ids()) == 1
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "Day services – internal")
    assert model.setData(model.index(row, 4), "£3,400,000")
    line_id = model.line_id(row)
    assert line_id in model.marked_line_ids()
    # Hidden, the register waits; shown, it catches up.
    assert not view.model.summary(view.model.row_of(2)).figures_changed
    window.show()
    window.pages.setCurrentWidget(window.agreements_page)  # type: ignore[attr-defined]
    assert view.model.summary(view.model.row_of(2)).figures_changed
    window.undo_stack.undo()
    assert line_id not in model.marked_line_ids()
    assert not view.model.summary(view.model.row_of(2)).figures_changed


def test_line_history_from_the_lines_table(window: MainWindow) -> None:
    _select_rows(window, ["2009/10 base budget changes – inflation, growth and savings"])
    action = next(a for a in window.lines_view.table.actions() if a.objectName() == "actionLineHistory")
    action.trigger()
    dialog = _view(window).active_dialog
    assert dialog is not None and dialog.objectName() == "auditTrailDialog"
    assert dialog.windowTitle() == "History — 2009/10 base budget changes – inflation, growth and savings"


def test_an_agreement_recorded_elsewhere_appears_when_the_page_is_shown(window: MainWindow) -> None:
    from jmg_desktop.store.agreements_repo import record_agreement

    view = _view(window)
    workspace = window.workspace()
    assert workspace is not None
    with workspace.writing() as session:  # as meeting mode does
        record_agreement(
            session,
            title="From meeting mode",
            pool_id=1,
            financial_year=2009,
            whole_pool=True,
            assumptions="3%",
        )
    window.show()
    window.pages.setCurrentWidget(window.agreements_page)  # type: ignore[attr-defined]
    assert view.model.rowCount() == 4
