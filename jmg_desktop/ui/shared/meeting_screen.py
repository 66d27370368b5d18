"""What the two meeting modes (the projection's and monitoring's) share: a full-screen window,
white on black, whose type is given in pixels at 1920×1080 and scales with the window, and which
hands control back to the main window when the chair leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QFont, QKeySequence, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace
    from jmg_desktop.ui.main_window import MainWindow

__all__ = [
    "ACCENT",
    "FOREGROUND",
    "MUTED",
    "REFERENCE",
    "MeetingScreen",
    "add_meeting_action",
    "open_meeting",
]

#: The screen the pixel sizes are given for.
REFERENCE: Final = (1920, 1080)
FOREGROUND: Final = "#ffffff"
MUTED: Final = "#d0d0d0"
ACCENT: Final = "#ffd400"


class MeetingScreen(QWidget):
    """A full-screen meeting window. Subclasses build their labels with :meth:`sized_label` and
    lay them out in :meth:`apply_scale` (call the base first); create, then :meth:`show_for_meeting`."""

    #: Emitted when the chair leaves (Esc or closing the window).
    left = Signal()

    def __init__(self, object_name: str, title: str, accessible_name: str) -> None:
        """A window of its own (the main window is disabled meanwhile), black, taking the keys."""
        super().__init__(None)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setAccessibleName(accessible_name)
        self._sized: list[tuple[QWidget, int, bool]] = []
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#000000"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(FOREGROUND))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def sized_label(
        self, text: str, px: int, bold: bool = False, colour: str = FOREGROUND, name: str = ""
    ) -> QLabel:
        """A plain-text label whose pixel size (``px`` at 1920×1080) scales with the window."""
        label = QLabel(text, self)
        label.setStyleSheet(f"color: {colour}; background: transparent;")
        label.setTextFormat(Qt.TextFormat.PlainText)
        if name:
            label.setObjectName(name)
        self.keep_sized(label, px, bold)
        return label

    def keep_sized(self, widget: QWidget, px: int, bold: bool = False) -> None:
        """Scale ``widget``'s type with the window from now on (``px`` at 1920×1080)."""
        self._sized.append((widget, px, bold))

    def scale(self) -> float:
        """The window's size relative to the 1920×1080 reference."""
        width, height = max(self.width(), 1), max(self.height(), 1)
        return min(width / REFERENCE[0], height / REFERENCE[1])

    def apply_scale(self) -> None:
        """Set every sized text's pixel size for the current window size (never below 8 px)."""
        scale = self.scale()
        for widget, px, bold in self._sized:
            font = QFont(widget.font())
            font.setPixelSize(max(8, round(px * scale)))
            font.setBold(bold)
            widget.setFont(font)

    def focusNextPrevChild(self, _next: bool) -> bool:
        """Tab never moves focus away from the meeting view."""
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale the type with the window."""
        super().resizeEvent(event)
        self.apply_scale()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Leaving hands control back to the main window."""
        super().closeEvent(event)
        self.left.emit()

    def show_for_meeting(self) -> None:
        """Full screen, with the keyboard."""
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()


M = TypeVar("M", bound=MeetingScreen)


def open_meeting(
    window: MainWindow,
    attribute: str,
    make: Callable[[Workspace, int, int], M],
    *,
    full_screen: bool = True,
    after_leaving: Callable[[], None] | None = None,
) -> M | None:
    """Open a meeting view made by ``make(workspace, pool_id, year)`` for the window's pool and
    year, kept as ``window.<attribute>``; the main window is locked until the chair leaves.

    Locking the whole main window (not just a table) means no stray key on the projector laptop
    can edit a line, undo, or close the workspace while the meeting runs. A view that cannot be
    read is not opened: the window says why in one sentence.
    """
    from jmg_desktop.store.errors import WorkspaceError

    workspace = window.workspace()
    if workspace is None or window.current_pool_id() < 0 or window.current_year() < 0:
        window.show_message("Choose a pool and a year first.")
        return None
    try:
        meeting = make(workspace, window.current_pool_id(), window.current_year())
    except WorkspaceError as error:
        window.show_message(str(error))
        return None
    setattr(window, attribute, meeting)
    window.setEnabled(False)

    def leave() -> None:
        """Unlock the main window."""
        window.setEnabled(True)
        setattr(window, attribute, None)
        window.activateWindow()
        if after_leaving is not None:
            after_leaving()
        meeting.deleteLater()

    meeting.left.connect(leave)
    if full_screen:
        meeting.show_for_meeting()
    else:
        meeting.show()
    return meeting


def add_meeting_action(
    window: MainWindow, text: str, name: str, shortcut: str, tip: str, enter: Callable[[], object]
) -> QAction:
    """A View menu action that opens a meeting view, enabled only while the window shows a
    workspace, a pool and a year (what every meeting view needs)."""
    action = QAction(text, window)
    action.setObjectName(name)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: enter())
    window.menu_view.addAction(action)

    def update_enabled(*_args: object) -> None:
        """Enabled with a workspace, a pool and a year."""
        action.setEnabled(
            window.workspace() is not None and window.current_pool_id() >= 0 and window.current_year() >= 0
        )

    window.workspaceChanged.connect(update_enabled)
    window.selectionChanged.connect(update_enabled)
    update_enabled()
    return action
