"""Plugging the register into the main window: a page, menu entries, "Record agreement…" on the
lines selection, and the "changed since agreed" mark on lines in the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from jmg_desktop.ui.lazy_page import LazyPage

if TYPE_CHECKING:
    from jmg_desktop.ui.agreements.view import AgreementsView
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["install"]


def _context(window: MainWindow) -> tuple[int, int, list[int]]:
    lines_view = getattr(window, "lines_view", None)
    selected = list(lines_view.selected_line_ids()) if lines_view is not None else []
    return window.current_pool_id(), window.current_year(), selected


def _titles(titles: dict[int, str], ids: list[int]) -> str:
    """ "“Base budget changes”" or "“A” and “B”": the agreements a mark is about."""
    named = [f"“{titles.get(i, f'agreement {i}')}”" for i in ids]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def mark_changed_lines(window: MainWindow) -> None:
    """Flag the editor's lines changed since a live agreement took its snapshot (⚠), and apart
    from them the lines added since a pool and year was agreed as a whole (ℹ)."""
    lines_view = getattr(window, "lines_view", None)
    if lines_view is None:
        return
    workspace = window.workspace()
    marks: dict[int, tuple[str, str]] = {}
    if workspace is not None and window.current_pool_id() >= 0:
        from sqlalchemy import select

        from jmg_desktop.store.agreements_repo import since_agreed_marks
        from jmg_desktop.store.models import Agreement
        from jmg_desktop.ui.lines.model import MARK_INFO, MARK_WARNING

        with workspace.reading() as session:
            found = since_agreed_marks(session, window.current_pool_id(), window.current_year())
            ids = {i for group in (*found.changed.values(), *found.added.values()) for i in group}
            titles = dict(
                session.execute(select(Agreement.id, Agreement.title).where(Agreement.id.in_(ids))).all()
            )
        for line, agreements in found.added.items():
            marks[line] = (
                MARK_INFO,
                f"Added since agreed: this line is new since {_titles(titles, agreements)} agreed its "
                "pool and year as a whole.",
            )
        for line, agreements in found.changed.items():
            marks[line] = (
                MARK_WARNING,
                f"Changed since agreed: its amount, partner or status is not what {_titles(titles, agreements)} "
                "agreed.",
            )
    lines_view.model.set_line_marks(marks)


def _build_view(window: MainWindow, parent: QWidget) -> QWidget:
    """Make the register (importing it only now) and catch it up with the window's workspace."""
    from jmg_desktop.ui.agreements.view import AgreementsView

    view = AgreementsView(parent, undo_stack=window.undo_stack)
    view.set_context(lambda: _context(window))
    view.registerChanged.connect(lambda: mark_changed_lines(window))
    view.set_workspace(window.workspace())
    window.agreements_view = view  # type: ignore[attr-defined]
    return view


def install(window: MainWindow) -> None:
    """Add the Agreements page (built when first shown or used), its menu entries and the line marks."""
    page = LazyPage(lambda parent: _build_view(window, parent), "agreementsPage")
    index = window.add_page(page, "Agreements")
    window.agreements_page = page  # type: ignore[attr-defined]

    def view() -> AgreementsView:
        """The register, built now if needed (the menu actions work before the tab is opened)."""
        return cast("AgreementsView", page.content())

    def built_view() -> AgreementsView | None:
        return view() if page.has_content() else None

    def show_register() -> None:
        window.pages.setCurrentIndex(index)  # type: ignore[attr-defined]

    def record() -> None:
        if view().open_record_dialog() is not None:
            show_register()

    record_action = QAction("Record &Agreement…", window)
    record_action.setObjectName("actionRecordAgreement")
    record_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
    record_action.setStatusTip("Record what was agreed in principle on the selected lines")
    record_action.triggered.connect(record)
    meeting_action = QAction("New &Meeting…", window)
    meeting_action.setObjectName("actionNewMeeting")
    meeting_action.triggered.connect(lambda _checked=False: view().open_meeting_dialog())
    edit_meeting_action = QAction("Ed&it Meeting…", window)
    edit_meeting_action.setObjectName("actionEditMeeting")
    edit_meeting_action.setStatusTip(
        "Correct the body, date or reference of the selected agreement's meeting"
    )

    def edit_meeting() -> None:
        show_register()
        view().open_edit_meeting_dialog()

    edit_meeting_action.triggered.connect(edit_meeting)
    register_action = QAction("Agreements &Register", window)
    register_action.setObjectName("actionShowAgreements")
    register_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
    register_action.triggered.connect(show_register)
    history_action = QAction("Line &History…", window)
    history_action.setObjectName("actionLineHistory")
    history_action.setStatusTip("Every recorded change to the current line, and the agreements that cover it")

    def line_history() -> None:
        _pool, _year, selected = _context(window)
        if not selected:
            window.show_message("Select a line first to see its history.")
            return
        view().open_line_history(selected[0])

    history_action.triggered.connect(line_history)
    window.menu_edit.addAction(record_action)
    window.menu_edit.addAction(meeting_action)
    window.menu_edit.addAction(edit_meeting_action)
    window.menu_view.addAction(register_action)
    window.menu_view.addAction(history_action)
    lines_view = getattr(window, "lines_view", None)
    if lines_view is not None:
        # The lines table's context menu offers it too, next to the editor's own actions.
        table = getattr(lines_view, "table", None)
        if table is not None:
            table.addAction(record_action)
            table.addAction(history_action)

    def workspace_changed(workspace: object) -> None:
        if (register := built_view()) is not None:
            register.set_workspace(window.workspace())
        mark_changed_lines(window)

    def lines_changed() -> None:
        mark_changed_lines(window)
        if (register := built_view()) is not None:
            register.refresh_when_shown()

    def undone_or_redone(_index: int) -> None:
        if (register := built_view()) is not None:
            register.refresh_when_shown()

    window.workspaceChanged.connect(workspace_changed)
    window.selectionChanged.connect(lambda _pool, _year: mark_changed_lines(window))
    model = getattr(window, "lines_model", None)
    if model is not None:
        model.linesChanged.connect(lines_changed)
    window.undo_stack.indexChanged.connect(undone_or_redone)

    def update_enabled() -> None:
        record_action.setEnabled(not window.is_read_only())
        meeting_action.setEnabled(not window.is_read_only())
        # Until the register is built nothing is selected there; it selects the newest on first show.
        register = built_view()
        edit_meeting_action.setEnabled(
            window.workspace() is not None
            and not window.is_read_only()
            and (register is None or register.can_edit_meeting())
        )

    window.workspaceChanged.connect(lambda _w: update_enabled())
    window.menu_edit.aboutToShow.connect(update_enabled)
    update_enabled()
    if window.workspace() is not None:
        workspace_changed(window.workspace())
