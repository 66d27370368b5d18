"""Starting the application: --demo makes a fresh copy, errors become a dialog and a log line."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from jmg_desktop.ui import app
from jmg_desktop.ui.main_window import MainWindow


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "JMG_DESKTOP_STARTUP_PROBE": "1",
        "JMG_DESKTOP_CONFIG_DIR": str(tmp_path / "config"),
        "JMG_DESKTOP_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "jmg_desktop", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_demo_opens_a_fresh_copy_in_the_user_folder(tmp_path: Path) -> None:
    result = _run(["--demo"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stderr and "rows=16" in result.stderr
    copies = list((tmp_path / "data" / "demo").glob("demo-*.jmg"))
    assert len(copies) == 1
    again = _run(["--demo"], tmp_path)
    assert again.returncode == 0
    assert len(list((tmp_path / "data" / "demo").glob("demo-*.jmg"))) == 2  # never reused


def test_opening_a_file_from_the_command_line(tmp_path: Path, demo_path: Path) -> None:
    result = _run([str(demo_path)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rows=16" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_file_from_the_command_line_gives_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jmg"
    bad.write_text("not a database")
    result = _run([str(bad)], tmp_path)
    assert result.returncode == 0
    assert "rows=0" in result.stderr
    assert "Traceback" not in result.stderr


def test_excepthook_logs_and_shows_one_line(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(install_features=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("jmg_desktop").addHandler(handler)
    from PySide6.QtWidgets import QApplication

    def error_dialogs() -> set[QMessageBox]:
        return {w for w in QApplication.allWidgets() if w.objectName() == "errorDialog" and w.isVisible()}

    already = error_dialogs()
    saved = sys.excepthook
    try:
        app.install_excepthook()
        for _ in range(3):  # the same error again and again: one dialog, three log records
            try:
                raise RuntimeError("disk on fire\nsecond line")
            except RuntimeError:
                sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = saved
        logging.getLogger("jmg_desktop").removeHandler(handler)
    assert "Traceback" in records[0].getMessage()
    assert len(records) == 3
    new = error_dialogs() - already  # parented to whichever window is active
    assert len(new) == 1
    box = new.pop()
    assert box.text() == (
        "Something went wrong (RuntimeError: disk on fire). Your work up to the last change is saved."
    )
    assert "Traceback" not in box.text() + box.detailedText()
    box.close()
