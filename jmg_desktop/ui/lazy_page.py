"""A main-window page whose content is built the first time it is shown or used.

Heavy pages (the agreements register, the paper editor, the projection) import large modules
(Typst, QtCharts, the ORM models) and read the workspace when built. Built eagerly at start-up
they delay the moment the window is ready; a :class:`LazyPage` stands in the tab (and takes the
menu actions' calls through :meth:`LazyPage.view`) until the page is first needed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

__all__ = ["LazyPage"]


class LazyPage(QWidget):
    """A tab page holding one content widget, made by ``build(page)`` on first show or first use.

    ``built`` is emitted once, with the content widget, straight after it is made: connect to it
    to wire the widget's signals and to catch it up with what happened before (workspace opened,
    pool and year selected).
    """

    built = Signal(QWidget)

    def __init__(
        self, build: Callable[[QWidget], QWidget], object_name: str, parent: QWidget | None = None
    ) -> None:
        """An empty page named ``object_name``; ``build`` makes the content (parented to the page)."""
        super().__init__(parent)
        self.setObjectName(object_name)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._build = build
        self._content: QWidget | None = None

    def content(self) -> QWidget:
        """The content widget, built now if it has not been yet."""
        if self._content is None:
            content = self._build(self)
            self._content = content
            self._layout.addWidget(content)
            if self.isVisible():
                content.show()  # now, not from the layout's queued show: callers use it at once
            self.built.emit(content)
        return self._content

    def has_content(self) -> bool:
        """Whether the content has been built."""
        return self._content is not None

    def showEvent(self, event: QShowEvent) -> None:
        """Build the content the first time the tab is opened."""
        self.content()
        super().showEvent(event)
