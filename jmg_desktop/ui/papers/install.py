"""Plugging the paper editor into the main window: a "Paper" page and File ▸ Export Paper as PDF…."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from jmg_desktop.ui.papers.editor import PaperEditor

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["install"]


def install(window: MainWindow) -> None:
    """Add the paper page, keep it in step with the workspace and selection, add the export action."""
    editor = PaperEditor(window)
    index = window.add_page(editor, "Paper")
    window.workspaceChanged.connect(editor.set_workspace)
    window.selectionChanged.connect(editor.set_context)
    # Lines edited (or undone) elsewhere change a draft's figures: re-render a moment later.
    window.undo_stack.indexChanged.connect(lambda _index: editor.schedule_refresh())
    editor.message.connect(window.show_message)

    def export() -> None:
        """Bring the paper page forward and ask where to write the PDF."""
        window.pages.setCurrentIndex(index)
        if editor.current_paper_id() is None:
            window.show_message("There is no paper to export: create one on the Paper page first.")
            return
        editor.export_dialog()

    action = QAction("Export Paper as &PDF…", window)
    action.setObjectName("exportPaperAction")
    action.triggered.connect(export)
    # Beside the other "write a file" command, before Close.
    window.menu_file.insertAction(window.action_close, action)
    window.paper_editor = editor  # type: ignore[attr-defined]
    if window.workspace() is not None:
        editor.set_workspace(window.workspace())
        editor.set_context(window.current_pool_id(), window.current_year())
