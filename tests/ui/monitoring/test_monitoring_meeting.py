"""Monitoring in meeting mode: the quarter's position, stepping through the reds by the keys a
presenter's clicker sends, the ambers and other periods, and getting there from meeting mode by M."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from jmg_desktop.ui.main_window import MainWindow
from jmg_desktop.ui.monitoring import enter_monitoring_meeting
from jmg_desktop.ui.projection import enter_meeting_mode


@pytest.fixture
def window(qtbot, demo_path: Path) -> MainWindow:
    """The main window on the demo."""
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_path(demo_path)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_chair_steps_through_the_reds(qtbot, window: MainWindow) -> None:
    """Quarter 2's position, then each red line with its commentary, by Page Down; ambers after A."""
    action = window.action_monitoring_meeting  # type: ignore[attr-defined]
    assert action in window.menu_view.actions() and action.shortcut() == QKeySequence("Shift+F5")
    meeting = enter_monitoring_meeting(window, full_screen=False)
    assert meeting is not None and meeting.objectName() == "monitoringMeeting"
    meeting.resize(1920, 1080)
    qtbot.waitExposed(meeting)
    assert not window.isEnabled()
    assert meeting.title.text() == "Older People pooled budget 2009/10 — Quarter 2 (July–September 2009)"
    assert meeting.headlines["variance"][0].text() == "+£0.826m"
    assert meeting.headlines["share"][0].text() == "OCC +£0.731m\nPCT +£0.095m"
    assert meeting.focus_caption.text() == "3 red and 5 amber lines"
    qtbot.keyClick(meeting, Qt.Key.Key_PageDown)
    assert meeting.focus_caption.text() == "Red 1 of 3"
    assert meeting.focus_service.text() == "Care homes – nursing placements"
    assert "Variance +£0.428m" in meeting.focus_figures.text()
    assert meeting.focus_commentary.text() == "Nursing placements after discharge still above plan."
    qtbot.keyClick(meeting, Qt.Key.Key_PageDown)
    qtbot.keyClick(meeting, Qt.Key.Key_PageDown)
    assert meeting.focus_service.text() == "Home support – external"
    qtbot.keyClick(meeting, Qt.Key.Key_PageDown)  # the last red: stays there
    assert meeting.focus_caption.text() == "Red 3 of 3"
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    qtbot.keyClick(meeting, Qt.Key.Key_PageDown)
    assert meeting.focus_caption.text() == "Amber 1 of 5"
    assert meeting.focus_service.text() == "Transitional and step-down beds"
    qtbot.keyClick(meeting, Qt.Key.Key_Home)
    assert meeting.position == -1 and meeting.focus_caption.text() == "3 red and 5 amber lines"
    qtbot.keyClick(meeting, Qt.Key.Key_BracketLeft)
    assert meeting.report.period == 1 and meeting.state.text() == "Closed: figures frozen"
    qtbot.keyClick(meeting, Qt.Key.Key_Delete)  # swallowed: nothing is edited from here
    qtbot.keyClick(meeting, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.isEnabled())


def test_meeting_mode_switches_to_monitoring_by_m(qtbot, window: MainWindow) -> None:
    """M in the projection's meeting mode closes it and opens the monitoring view in its place."""
    meeting = enter_meeting_mode(window, full_screen=False)
    assert meeting is not None
    qtbot.waitExposed(meeting)
    assert "M monitoring" in meeting.hint_label.text()
    qtbot.keyClick(meeting, Qt.Key.Key_M)
    monitoring = window.monitoring_meeting  # type: ignore[attr-defined]
    assert monitoring is not None and monitoring.isVisible()
    assert not window.isEnabled()
    qtbot.keyClick(monitoring, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.isEnabled())
    QApplication.processEvents()


def test_meeting_shows_the_period_chosen_on_the_page(qtbot, window: MainWindow) -> None:
    """Chosen quarter 1 on the Monitoring page: meeting mode opens on quarter 1."""
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    window.pages.setCurrentIndex(titles.index("Monitoring"))
    view = window.monitoring_page.view()  # type: ignore[attr-defined]
    view.period_picker.setCurrentIndex(0)
    meeting = enter_monitoring_meeting(window, full_screen=False)
    assert meeting is not None and meeting.report.period == 1
    meeting.close()
    qtbot.waitUntil(lambda: window.isEnabled())
