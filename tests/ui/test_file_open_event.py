"""A workspace the desktop hands over as an event (macOS: double-clicking a .jmg in the Finder)
opens in the window, as one named on the command line does."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from jmg_desktop.ui.app import open_files_from_the_desktop
from jmg_desktop.ui.main_window import MainWindow


def test_file_open_event_opens_the_workspace(qtbot, demo_path: Path) -> None:
    window = MainWindow(install_features=False)
    qtbot.addWidget(window)
    window.show()
    app = QApplication.instance()
    event_filter = open_files_from_the_desktop(app, window)
    try:
        QCoreApplication.sendEvent(app, QFileOpenEvent(str(demo_path)))
        workspace = window.workspace()
        assert workspace is not None
        assert Path(workspace.path) == demo_path
        assert window.lines_model.rowCount() == 16
    finally:
        app.removeEventFilter(event_filter)
        window.close()
