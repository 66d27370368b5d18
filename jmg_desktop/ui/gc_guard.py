"""Python's cyclic garbage collector, run only on the GUI thread.

The collector runs in whichever thread happens to allocate when a threshold is crossed. When that
is a worker thread (the paper preview renders PDFs in a QThreadPool), it may free Qt objects that
belong to the GUI thread, and Qt crashes (a segmentation fault seen in the GUI tests while a
preview was rendering). So automatic collection is switched off and a timer on the GUI thread
collects instead, following the generation thresholds Python itself would use.
"""

from __future__ import annotations

import gc
from typing import Final

from PySide6.QtCore import QObject, QTimer

__all__ = ["MainThreadCollector"]

_INTERVAL_MS: Final = 500


class MainThreadCollector(QObject):
    """Disables automatic collection and collects from a GUI-thread timer while it lives."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = _INTERVAL_MS) -> None:
        """Start collecting on the GUI thread every ``interval_ms``."""
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect the oldest generation whose threshold has been passed; return what was freed."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        """Give collection back to Python."""
        self._timer.stop()
        gc.enable()
