"""Budget projection in the main window: the Projection page (``projectionView``) and
View ▸ Meeting Mode (F5; Esc leaves).

:func:`install` is registered in :data:`jmg_desktop.ui.features.FEATURE_INSTALLERS`. It imports
nothing heavy: the view (QtCharts, openpyxl, the ORM) is built the first time its page is shown,
so the projection feature costs the application's start-up nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QWidget

from jmg_desktop.ui.lazy_page import SelectionPage
from jmg_desktop.ui.shared.meeting_screen import add_meeting_action, open_meeting

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow
    from jmg_desktop.ui.projection.meeting import MeetingMode
    from jmg_desktop.ui.projection.view import ProjectionView

__all__ = ["ProjectionPage", "enter_meeting_mode", "install"]


class ProjectionPage(SelectionPage):
    """The main window's Projection tab: holds a :class:`ProjectionView`, built on first show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty page; the view is built on first show."""
        super().__init__("projectionPage", parent)

    def make_view(self, parent: QWidget) -> ProjectionView:
        """Build the view, importing QtCharts and the store only now."""
        from jmg_desktop.ui.projection.view import ProjectionView

        return ProjectionView(parent)

    def view(self) -> ProjectionView:
        """The projection view, built now if it has not been yet."""
        return cast("ProjectionView", self.content())

    def has_view(self) -> bool:
        """Whether the view has been built."""
        return self.has_content()

    def scenario_name(self) -> str | None:
        """The scenario chosen in the view, if it has been built."""
        return self.view().scenario_picker.currentText() if self.has_content() else None


def install(window: MainWindow) -> None:
    """Add the Projection page and the Meeting Mode action to ``window``."""
    page = ProjectionPage()
    window.projection_page = page  # type: ignore[attr-defined]
    page.attach(window, "Projection")
    window.action_meeting_mode = add_meeting_action(  # type: ignore[attr-defined]
        window,
        "&Meeting Mode",
        "actionMeetingMode",
        "F5",
        "Show the selected pool full screen for a meeting, with a live what-if (Esc leaves)",
        lambda: enter_meeting_mode(window),
    )


def enter_meeting_mode(window: MainWindow, *, full_screen: bool = True) -> MeetingMode | None:
    """Open meeting mode for the window's pool and year; the window is locked until it closes
    (see :func:`~jmg_desktop.ui.shared.meeting_screen.open_meeting`)."""
    from jmg_desktop.ui.projection.meeting import MeetingMode

    page: ProjectionPage | None = getattr(window, "projection_page", None)
    scenario = page.scenario_name() if page is not None else None
    meeting = open_meeting(
        window,
        "meeting_mode",
        lambda workspace, pool_id, year: MeetingMode(workspace, pool_id, year, scenario),
        full_screen=full_screen,
        # The Projection page catches up with what was recorded.
        after_leaving=page.mark_stale if page is not None else None,
    )
    if meeting is None:
        return None

    def show_in_register(agreement_id: int) -> None:
        # The register page (issue 4) lists what meeting mode recorded without a manual refresh.
        """Refresh the agreements register, if installed, selecting the new agreement."""
        register = getattr(window, "agreements_view", None)
        refresh = getattr(register, "refresh", None)
        if callable(refresh):
            refresh(select_id=agreement_id)

    meeting.recorded.connect(show_in_register)
    # M switches to the monitoring feature's meeting view, when that feature is installed.
    meeting.monitoringRequested.connect(lambda: getattr(window, "enter_monitoring_meeting", lambda: None)())
    return meeting
