"""Budget monitoring in the main window: the Monitoring page (``monitoringView``) and View ▸
Monitoring Meeting Mode (Shift+F5; ``monitoringMeeting``), also reached by M from meeting mode.

:func:`install` is registered in :data:`jmg_desktop.ui.features.FEATURE_INSTALLERS`. It imports
nothing heavy: the view (QtCharts, the ORM) is built the first time its page is shown or used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QWidget

from jmg_desktop.ui.lazy_page import SelectionPage
from jmg_desktop.ui.shared.meeting_screen import add_meeting_action, open_meeting

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from jmg_desktop.ui.main_window import MainWindow
    from jmg_desktop.ui.monitoring.meeting import MonitoringMeeting
    from jmg_desktop.ui.monitoring.view import MonitoringView

__all__ = ["MonitoringPage", "enter_monitoring_meeting", "install"]


class MonitoringPage(SelectionPage):
    """The Monitoring tab: holds a :class:`MonitoringView`, built on first show or use."""

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QWidget | None = None) -> None:
        """An empty page; the view shares ``undo_stack`` (the window's) when built."""
        super().__init__("monitoringPage", parent)
        self._undo_stack = undo_stack

    def make_view(self, parent: QWidget) -> MonitoringView:
        """Build the view, importing QtCharts and the store only now."""
        from jmg_desktop.ui.monitoring.view import MonitoringView

        return MonitoringView(self._undo_stack, parent)

    def view(self) -> MonitoringView:
        """The view, built now if it has not been yet."""
        return cast("MonitoringView", self.content())


def install(window: MainWindow) -> None:
    """Add the Monitoring page to ``window``."""
    page = MonitoringPage(window.undo_stack)
    window.monitoring_page = page  # type: ignore[attr-defined]
    page.attach(window, "Monitoring")
    page.built.connect(lambda view: view.message.connect(window.show_message))
    window.action_monitoring_meeting = add_meeting_action(  # type: ignore[attr-defined]
        window,
        "Monitoring &Meeting Mode",
        "actionMonitoringMeeting",
        "Shift+F5",
        "Show the pool's monitoring full screen and step through the red lines (Esc leaves)",
        lambda: enter_monitoring_meeting(window),
    )
    # Meeting mode (the projection's) offers M to switch here; it looks this up on the window.
    window.enter_monitoring_meeting = lambda: enter_monitoring_meeting(window)  # type: ignore[attr-defined]


def enter_monitoring_meeting(window: MainWindow, *, full_screen: bool = True) -> MonitoringMeeting | None:
    """Open monitoring in meeting mode for the window's pool and year (the period shown on the
    Monitoring page, if it was opened); the main window is locked until it closes."""
    from jmg_desktop.ui.monitoring.meeting import MonitoringMeeting

    page: MonitoringPage | None = getattr(window, "monitoring_page", None)
    period = None
    if page is not None and page.has_content() and page.view().period() > 0:
        period = page.view().period()
    return open_meeting(
        window,
        "monitoring_meeting",
        lambda workspace, pool_id, year: MonitoringMeeting(workspace, pool_id, year, period),
        full_screen=full_screen,
    )
