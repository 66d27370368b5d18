"""A main-window page whose content is built the first time it is shown or used.

Heavy pages (the agreements register, the paper editor, the projection) import large modules
(Typst, QtCharts, the ORM models) and read the workspace when built. Built eagerly at start-up
they delay the moment the window is ready; a :class:`LazyPage` stands in the tab (and takes the
menu actions' calls through :meth:`LazyPage.view`) until the page is first needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["LazyPage", "SelectionPage"]


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


class _FollowsWindow(Protocol):
    """What a :class:`SelectionPage`'s view offers: it follows the window's workspace and selection."""

    def set_workspace(self, workspace: Workspace | None) -> None: ...

    def set_selection(self, pool_id: int, year: int) -> None: ...

    def mark_stale(self) -> None: ...


class SelectionPage(LazyPage):
    """A lazy page whose view follows the window's workspace and pool-and-year selection.

    What the window says before the view exists is kept and handed to it when it is built;
    afterwards it is passed straight on. Subclasses make the view in :meth:`make_view`.
    """

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        """An empty page named ``object_name``; the view is built on first show or use."""
        super().__init__(self._make_view, object_name, parent)
        self._workspace: Workspace | None = None
        self._selection = (-1, -1)

    def make_view(self, parent: QWidget) -> QWidget:
        """Build the view (importing what it needs only now); subclasses say how."""
        raise NotImplementedError

    def _make_view(self, parent: QWidget) -> QWidget:
        """The view, caught up with the state kept so far."""
        view = self.make_view(parent)
        follower = cast("_FollowsWindow", view)
        follower.set_workspace(self._workspace)
        follower.set_selection(*self._selection)
        return view

    def _built_view(self) -> _FollowsWindow | None:
        """The view if it has been built, else None (nothing is built by asking)."""
        return cast("_FollowsWindow", self.content()) if self.has_content() else None

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Pass the window's workspace on (kept until the view exists)."""
        self._workspace = workspace
        if (view := self._built_view()) is not None:
            view.set_workspace(workspace)

    def set_selection(self, pool_id: int, year: int) -> None:
        """Pass the window's pool and year on."""
        self._selection = (pool_id, year)
        if (view := self._built_view()) is not None:
            view.set_selection(pool_id, year)

    def mark_stale(self, *_args: object) -> None:
        """Lines changed: the view re-reads when next shown."""
        if (view := self._built_view()) is not None:
            view.mark_stale()

    def attach(self, window: MainWindow, title: str) -> None:
        """Add this page to ``window`` as ``title`` and follow its workspace, selection and lines
        from now on, starting from what the window shows."""
        window.add_page(self, title)
        window.workspaceChanged.connect(self.set_workspace)
        window.selectionChanged.connect(self.set_selection)
        lines_model = getattr(window, "lines_model", None)
        if lines_model is not None and hasattr(lines_model, "linesChanged"):
            lines_model.linesChanged.connect(self.mark_stale)
        self.set_workspace(window.workspace())
        self.set_selection(window.current_pool_id(), window.current_year())
