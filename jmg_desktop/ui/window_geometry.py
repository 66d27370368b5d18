"""Where the main window goes: sized to the screen it is on, and never larger than that screen.

A council laptop's screen is 1366×768, often at 150 % scaling (1280×720 usable pixels less the
task bar); a fixed default size or a geometry saved on a docking station's large monitor would put
the status bar, where refusals appear, below the bottom of the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

__all__ = ["PREFERRED_SIZE", "clamp_to", "first_run_geometry", "fit_window_to_screen"]

#: The size wanted on a large screen; smaller screens get all their available room.
PREFERRED_SIZE = QSize(1440, 900)


def first_run_geometry(available: QRect, preferred: QSize = PREFERRED_SIZE) -> QRect:
    """The preferred size, or the whole available area when that is smaller, centred in it."""
    width = min(preferred.width(), available.width())
    height = min(preferred.height(), available.height())
    left = available.left() + (available.width() - width) // 2
    top = available.top() + (available.height() - height) // 2
    return QRect(left, top, width, height)


def clamp_to(rect: QRect, available: QRect) -> QRect:
    """``rect`` made to fit inside ``available``: shrunk to its size, then moved into it."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    left = min(max(rect.left(), available.left()), available.right() - width + 1)
    top = min(max(rect.top(), available.top()), available.bottom() - height + 1)
    return QRect(left, top, width, height)


def _available(window: QWidget) -> QRect | None:
    """The usable area (without task bars) of the screen the window is on, or the primary one."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def fit_window_to_screen(window: QWidget, *, restored: bool) -> None:
    """Size a window that had no saved geometry to its screen (``restored`` False), or clamp a
    restored one to the screen it is on now. A maximised or full-screen window is left alone."""
    available = _available(window)
    if available is None or available.isEmpty() or window.isMaximized() or window.isFullScreen():
        return
    # The frame (title bar and borders) is drawn by the window manager outside the geometry.
    frame = window.frameGeometry()
    inner = window.geometry()
    extra_w = max(0, frame.width() - inner.width())
    extra_h = max(0, frame.height() - inner.height())
    room = available.adjusted(0, 0, -extra_w, -extra_h)
    target = clamp_to(inner, room) if restored else first_run_geometry(room)
    if target != inner:
        window.setGeometry(target)
