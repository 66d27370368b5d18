"""The window's first frame does not build PySide6's Python types it does not draw with.

PySide6 builds a Qt class's Python type, with every one of its enums, when Python first names the
class or is first handed one of its objects; for the big ones (QStyle's pixel metrics, style hints
and standard pixmaps) that is a good part of the start-up. These are named only once a dialog
opens, a cell is measured or the totals have rows, never before the window is first painted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

_FIRST_FRAME = textwrap.dedent(
    """
    import enum
    from PySide6.QtWidgets import QApplication
    from jmg_desktop.ui.main_window import MainWindow

    app = QApplication(["jmg-desktop"])
    window = MainWindow(install_features=False)
    window.resize(1200, 800)
    window.show()
    app.processEvents()
    seen, todo = set(), [enum.Enum]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                todo.append(subclass)
    print(" ".join(sorted(c.__qualname__ for c in seen if c.__module__.startswith("PySide6"))))
    """
)


def test_the_first_frame_builds_no_dialog_or_style_types(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    built = set(result.stdout.split())
    assert "Qt.ItemDataRole" in built  # the check sees the types the window does build
    for name in (
        "QStyle.PixelMetric",  # named by the totals' width only once they have rows
        "QStyleOptionViewItem.ViewItemFeature",  # by the column fit only once there are cells
        "QFileDialog.FileMode",  # File ▸ Open… and the like
        "QMessageBox.Icon",  # error, information and About boxes
        "QFormLayout.RowWrapPolicy",  # Copy Lines to Next Year…
        "QWizard.WizardStyle",  # only built by wrapping a QWidget Qt made (a table's own viewport)
    ):
        assert name not in built, name
