"""Plugging the paper editor into the main window: a "Paper" page and File ▸ Export Paper as PDF…."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from jmg_desktop.ui.lazy_page import LazyPage

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace
    from jmg_desktop.ui.main_window import MainWindow
    from jmg_desktop.ui.papers.editor import PaperEditor

__all__ = ["install"]


def _build_editor(window: MainWindow, parent: QWidget) -> QWidget:
    """Make the editor (importing the paper service only now), caught up with the
    window's workspace, pool and year."""
    from jmg_desktop.ui.papers.editor import PaperEditor

    editor = PaperEditor(parent)
    editor.message.connect(window.show_message)
    editor.undo_stack = window.undo_stack  # Accept Differences is undone with the window's Edit ▸ Undo
    window.paper_editor = editor  # type: ignore[attr-defined]
    if window.workspace() is not None:
        editor.set_workspace(window.workspace())
        editor.set_context(window.current_pool_id(), window.current_year())
    return editor


def install(window: MainWindow) -> None:
    """Add the paper page (built when first shown or used), keep it in step with the workspace and
    selection, add the export action."""
    page = LazyPage(lambda parent: _build_editor(window, parent), "paperPage")
    index = window.add_page(page, "Paper")
    window.paper_page = page  # type: ignore[attr-defined]

    def built_editor() -> PaperEditor | None:
        return cast("PaperEditor", page.content()) if page.has_content() else None

    def workspace_changed(workspace: Workspace | None) -> None:
        if (editor := built_editor()) is not None:
            editor.set_workspace(workspace)

    def selection_changed(pool_id: int, year: int) -> None:
        if (editor := built_editor()) is not None:
            editor.set_context(pool_id, year)

    def lines_changed(_index: int) -> None:
        # Lines edited (or undone) elsewhere change a draft's figures: re-render a moment later.
        if (editor := built_editor()) is not None:
            editor.schedule_refresh()

    window.workspaceChanged.connect(workspace_changed)
    window.selectionChanged.connect(selection_changed)
    window.undo_stack.indexChanged.connect(lines_changed)

    def export() -> None:
        """Bring the paper page forward and ask where to write the PDF."""
        window.pages.setCurrentIndex(index)
        editor = cast("PaperEditor", page.content())
        if editor.current_paper_id() is None:
            window.show_message("There is no paper to export: create one on the Paper page first.")
            return
        editor.export_dialog()

    action = QAction("Export Paper as &PDF…", window)
    action.setObjectName("exportPaperAction")
    action.triggered.connect(export)
    # Beside the other "write a file" command, before Close.
    window.menu_file.insertAction(window.action_close, action)
