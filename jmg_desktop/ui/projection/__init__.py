"""Budget projection in the main window: the ``projectionView`` page and View ▸ Meeting Mode (F5).

:func:`install` is registered in :data:`jmg_desktop.ui.features.FEATURE_INSTALLERS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.ui.projection.meeting import MeetingMode
from jmg_desktop.ui.projection.view import ProjectionView

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["MeetingMode", "ProjectionView", "enter_meeting_mode", "install"]


def install(window: MainWindow) -> None:
    """Add the Projection page and the Meeting Mode action to ``window``."""
    view = ProjectionView()
    window.projection_view = view  # type: ignore[attr-defined]
    window.add_page(view, "Projection")
    window.workspaceChanged.connect(view.set_workspace)
    window.selectionChanged.connect(view.set_selection)
    lines_model = getattr(window, "lines_model", None)
    if lines_model is not None and hasattr(lines_model, "linesChanged"):
        lines_model.linesChanged.connect(view.mark_stale)
    view.set_workspace(window.workspace())
    view.set_selection(window.current_pool_id(), window.current_year())

    action = QAction("&Meeting Mode", window)
    action.setObjectName("actionMeetingMode")
    action.setShortcut(QKeySequence("F5"))
    action.setStatusTip("Show the selected pool full screen for a meeting, with a live what-if (Esc leaves)")
    action.triggered.connect(lambda _checked=False: enter_meeting_mode(window))
    window.menu_view.addAction(action)
    window.action_meeting_mode = action  # type: ignore[attr-defined]

    def update_enabled(*_args: object) -> None:
        action.setEnabled(
            window.workspace() is not None and window.current_pool_id() >= 0 and window.current_year() >= 0
        )

    window.workspaceChanged.connect(update_enabled)
    window.selectionChanged.connect(update_enabled)
    update_enabled()


def enter_meeting_mode(window: MainWindow, *, full_screen: bool = True) -> MeetingMode | None:
    """Open meeting mode for the window's pool and year; the window is locked until it closes.

    Locking the whole main window (not just the lines table) means no stray key on the projector
    laptop can edit a line, undo, or close the workspace while the meeting runs.
    """
    workspace = window.workspace()
    if workspace is None or window.current_pool_id() < 0 or window.current_year() < 0:
        window.show_message("Choose a pool and a year first.")
        return None
    view: ProjectionView | None = getattr(window, "projection_view", None)
    scenario = view.scenario_picker.currentText() if view is not None else None
    try:
        meeting = MeetingMode(workspace, window.current_pool_id(), window.current_year(), scenario)
    except WorkspaceError as error:
        window.show_message(str(error))
        return None
    window.meeting_mode = meeting  # type: ignore[attr-defined]
    window.setEnabled(False)

    def leave() -> None:
        window.setEnabled(True)
        window.meeting_mode = None  # type: ignore[attr-defined]
        window.activateWindow()
        if view is not None:
            view.mark_stale()
        meeting.deleteLater()

    meeting.left.connect(leave)
    if full_screen:
        meeting.show_for_meeting()
    else:
        meeting.show()
    return meeting
