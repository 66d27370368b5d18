"""The projection feature inside the main window: the Projection page and View ▸ Meeting Mode (F5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from jmg_desktop.ui.main_window import MainWindow
from jmg_desktop.ui.projection import enter_meeting_mode


@pytest.fixture
def window(qtbot, demo_path: Path) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_path(demo_path)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_installed_page_and_menu_action(window: MainWindow) -> None:
    assert "jmg_desktop.ui.projection.install" in window.installed_features
    titles = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert "Projection" in titles
    action = window.action_meeting_mode  # type: ignore[attr-defined]
    assert action in window.menu_view.actions()
    assert action.shortcut() == QKeySequence("F5")
    assert action.isEnabled()
    page = window.projection_page  # type: ignore[attr-defined]
    assert not page.has_view()  # nothing heavy until the tab is opened
    window.pages.setCurrentIndex(titles.index("Projection"))
    view = window.findChild(QWidget, "projectionView")
    assert view is not None and page.has_view()
    assert page.view().projection is not None
    assert page.view().snapshot.inputs.pool_name == "Older People"


def test_meeting_mode_locks_the_window_until_escape(qtbot, window: MainWindow) -> None:
    meeting = enter_meeting_mode(window, full_screen=False)
    assert meeting is not None and meeting.objectName() == "meetingMode"
    qtbot.waitExposed(meeting)
    assert not window.isEnabled()
    assert not window.lines_view.isEnabled()  # line editing is locked while on the projector
    assert not window.action_undo.isEnabled() or not window.isEnabled()
    qtbot.keyClick(meeting, Qt.Key.Key_Delete)
    qtbot.keyClick(meeting, Qt.Key.Key_Up)
    with qtbot.waitSignal(meeting.left, timeout=2000):
        qtbot.keyClick(meeting, Qt.Key.Key_Escape)
    assert window.isEnabled()
    assert window.lines_view.isEnabled()


def test_f5_action_opens_meeting_mode(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from jmg_desktop.ui.projection.meeting import MeetingMode

    monkeypatch.setattr(MeetingMode, "show_for_meeting", MeetingMode.show)
    window.action_meeting_mode.trigger()  # type: ignore[attr-defined]
    meeting = window.meeting_mode  # type: ignore[attr-defined]
    assert isinstance(meeting, MeetingMode)
    meeting.close()
    assert window.isEnabled()


def test_no_pool_means_no_meeting_mode(qtbot) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    assert not win.action_meeting_mode.isEnabled()  # type: ignore[attr-defined]
    assert enter_meeting_mode(win, full_screen=False) is None


def test_recording_in_meeting_mode_refreshes_the_register(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = getattr(window, "agreements_page", None)
    if page is None:
        pytest.skip("the agreements register is not installed")
    register = page.content()  # built (it is built on first show; refreshed only once it exists)
    shown: list[int | None] = []
    monkeypatch.setattr(register, "refresh", lambda select_id=None: shown.append(select_id))
    meeting = enter_meeting_mode(window, full_screen=False)
    assert meeting is not None
    meeting.confirm = lambda _title, _text: True
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    assert len(shown) == 1 and isinstance(shown[0], int)
    meeting.close()
