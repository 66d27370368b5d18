"""PySide6 6.12 on Python 3.11 drops a reference to None on every void Qt call; the guard holds."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from PySide6.QtCore import QObject
o = QObject()
before = sys.getrefcount(None)
for _ in range(1000):
    o.setObjectName("x")
print(sys.getrefcount(None) - before)
"""


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_qt_calls_would_exhaust_none_without_the_guard() -> None:
    # In a bare interpreter (no guard), 12,000 void calls abort Python with none_dealloc.
    crash = PROBE.replace("range(1000)", "range(12000)")
    result = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True, timeout=60)
    if result.returncode == 0:
        pytest.skip(f"this PySide6 build does not leak (delta {result.stdout.strip()})")
    assert "none_dealloc" in result.stderr


def test_guard_keeps_none_alive_through_many_void_calls() -> None:
    code = "import jmg_desktop.ui\n" + PROBE.replace("range(1000)", "range(20000)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-500:]
