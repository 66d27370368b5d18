"""An edit is durable the moment it is made: a process killed right after it loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jmg_desktop.store.lines_repo import fetch_lines
from jmg_desktop.store.workspace import Workspace

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from jmg_desktop.ui.main_window import MainWindow
    window = MainWindow()
    assert window.open_path(sys.argv[1])
    model = window.lines_model
    assert model.setData(model.index(0, 4), "£12,345.67")
    assert model.setData(model.index(1, 5), "typed just before the crash")
    window.undo_stack.undo()   # the note edit is undone ...
    window.undo_stack.redo()   # ... and redone
    print("edited", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_after_edit_loses_nothing(demo_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "JMG_DESKTOP_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(demo_path)], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "edited" in result.stdout
    with Workspace.open(demo_path) as workspace:
        lines = fetch_lines(workspace, [1, 2])
    assert lines[1].amount_pence == 1_234_567
    assert lines[2].note == "typed just before the crash"
    assert not demo_path.with_name(demo_path.name + "-journal").exists()
