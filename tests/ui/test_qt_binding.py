"""The Qt binding we pin must not leak references to None.

PySide6 6.12.0's wheels drop one reference to None on every Qt method that returns nothing; on
Python 3.11 (where None is still reference-counted) a few thousand such calls abort the process
with "none_dealloc". This guards the pin in pyproject.toml against an upgrade that brings it back.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label, thing = QLabel(), QObject()
before = sys.getrefcount(None)
for _ in range(20000):
    label.setText("x")
    thing.setObjectName("y")
    label.setEnabled(True)
print(sys.getrefcount(None) - before)
"""


def test_void_qt_calls_leave_none_alone() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert abs(int(result.stdout.strip())) < 100
