"""A workspace the desktop hands over as an event (macOS: double-clicking a .jmg in the Finder)
opens in the window, as one named on the command line does: through the application's own
event handler in the application the GUI starts, through an event filter in any other."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from jmg_desktop.ui.file_open import open_files_from_the_desktop
from jmg_desktop.ui.main_window import MainWindow


def test_file_open_event_opens_the_workspace(qtbot, demo_path: Path) -> None:
    window = MainWindow(install_features=False)
    qtbot.addWidget(window)
    window.show()
    app = QApplication.instance()
    stop = open_files_from_the_desktop(app, window)
    try:
        QCoreApplication.sendEvent(app, QFileOpenEvent(str(demo_path)))
        workspace = window.workspace()
        assert workspace is not None
        assert Path(workspace.path) == demo_path
        assert window.lines_model.rowCount() == 16
    finally:
        stop()
        window.close()


def test_file_open_event_after_stopping_is_left_to_qt(qtbot, demo_path: Path) -> None:
    window = MainWindow(install_features=False)
    qtbot.addWidget(window)
    app = QApplication.instance()
    open_files_from_the_desktop(app, window)()
    QCoreApplication.sendEvent(app, QFileOpenEvent(str(demo_path)))
    assert window.workspace() is None
    window.close()


_DESKTOP_APP = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFileOpenEvent
    from jmg_desktop.ui.file_open import DesktopApplication, open_files_from_the_desktop
    from jmg_desktop.ui.main_window import MainWindow

    app = DesktopApplication(sys.argv[:1])
    window = MainWindow(install_features=False)
    stop = open_files_from_the_desktop(app, window)
    window.show()
    app.processEvents()
    QCoreApplication.sendEvent(app, QFileOpenEvent(sys.argv[1]))
    print("rows", window.lines_model.rowCount(), "path", window.workspace().path)
    stop()
    QCoreApplication.sendEvent(app, QFileOpenEvent(sys.argv[2]))  # no longer handed over
    print("after", window.workspace().path)
    window.close()
    """
)


def test_the_guis_application_opens_a_file_open_event(demo_path: Path, tmp_path: Path) -> None:
    """The application run_gui starts (a DesktopApplication, which needs a process of its own:
    there is one application per process) takes the event itself."""
    other = tmp_path / "other.jmg"
    other.write_bytes(demo_path.read_bytes())
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", _DESKTOP_APP, str(demo_path), str(other)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"rows 16 path {demo_path}" in result.stdout
    assert f"after {demo_path}" in result.stdout
