"""Workspaces the desktop hands over as events, and the application object that takes them.

macOS sends a double-clicked ``.jmg`` to a running or starting application as a FileOpen event
addressed to the application object, not on its command line. An event filter installed on the
application would catch it, but Qt hands such a filter *every* event of *every* object, and each
one then crosses into Python with its object and event wrapped: at start-up that was 85 M of the
window's 1,130 M instructions until shown (callgrind), and the first wrapping of Qt's internal
objects built some 70 of PySide6's Python enums. So the application :func:`run_gui
<jmg_desktop.ui.app.run_gui>` starts is a :class:`DesktopApplication`, whose own :meth:`event`
sees only the events sent to the application itself; an application made elsewhere (a test's)
gets the event filter instead, which behaves the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

__all__ = ["DesktopApplication", "open_files_from_the_desktop"]

#: Opens the workspace at a path (the main window's ``open_path``).
Opener = Callable[[str], object]


def _file_to_open(event: QEvent) -> str:
    """The file a FileOpen event names, or "" for any other event."""
    if event.type() != QEvent.Type.FileOpen:
        return ""
    from PySide6.QtGui import QFileOpenEvent

    return event.file() if isinstance(event, QFileOpenEvent) else ""


class DesktopApplication(QApplication):
    """The GUI's application: hands each FileOpen event sent to it to its opener, if it has one."""

    def __init__(self, arguments: Sequence[str]) -> None:
        """A QApplication on ``arguments`` (the program's name first)."""
        super().__init__(list(arguments))
        self.file_opener: Opener | None = None

    def event(self, event: QEvent) -> bool:
        """Qt: open the file of a FileOpen event; everything else as QApplication does."""
        if self.file_opener is not None and (file := _file_to_open(event)):
            self.file_opener(file)
            return True
        return super().event(event)


def open_files_from_the_desktop(app: object, window: object) -> Callable[[], None]:
    """Open in ``window`` the workspaces the desktop hands ``app`` as FileOpen events; return the
    function that stops it (call it before the window goes)."""
    opener: Opener = window.open_path  # type: ignore[attr-defined]
    if isinstance(app, DesktopApplication):
        app.file_opener = opener

        def forget() -> None:
            """Stop handing files to the window."""
            app.file_opener = None

        return forget

    class FileOpenFilter(QObject):
        """Hands each FileOpen event's file to the window; lets every other event through."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            """Qt: open the file of a FileOpen event."""
            if file := _file_to_open(event):
                opener(file)
                return True
            return False

    event_filter = FileOpenFilter(app)  # type: ignore[arg-type]
    app.installEventFilter(event_filter)  # type: ignore[attr-defined]
    return lambda: app.removeEventFilter(event_filter)  # type: ignore[attr-defined]
