"""``paperPreview``: the paper as its PDF, built and rendered in a worker thread so typing never waits.

Callers hand over a function that builds the :class:`PaperView` (it reads the workspace: on a
100,000-line pool that takes a noticeable fraction of a second) and, optionally, something else to
hand back on the GUI thread (the editor's reconciliation differences). Both that function and the
Typst render run on the thread pool. Only the newest request's result is shown: an older render
finishing late is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.model import PaperView
from jmg_desktop.papers.render import render_pdf
from jmg_desktop.store.errors import WorkspaceError

__all__ = ["PaperPreview"]


#: Builds what to preview — a view to render, or a finished PDF (an issued paper) — and anything to
#: hand back to the caller with the result.
Builder = Callable[[], tuple[PaperView | bytes, Any]]


class _Signals(QObject):
    finished = Signal(int, bytes, str, object)  # generation, PDF (empty on failure), message, extra


class _RenderJob(QRunnable):
    """Builds and renders one paper off the GUI thread."""

    def __init__(self, generation: int, build: Builder) -> None:
        super().__init__()
        self.generation = generation
        self.build = build
        self.signals = _Signals()

    def run(self) -> None:
        """Build and render, reporting bytes or a plain message; never raises into the pool."""
        extra: Any = None
        try:
            view, extra = self.build()
            data, message = (view if isinstance(view, bytes) else render_pdf(view)), ""
        except (PaperError, WorkspaceError) as error:
            data, message = b"", str(error)
        except Exception as error:  # a bug must not take the window down; say what happened
            data, message = b"", f"The preview could not be drawn ({type(error).__name__}: {error})."
        self.signals.finished.emit(self.generation, data, message, extra)


class PaperPreview(QWidget):
    """Shows the latest rendered PDF of a paper, or why it cannot be drawn."""

    #: A render finished and is on screen (page count), for tests and the status bar.
    rendered = Signal(int)
    #: The builder's extra result for the newest request, delivered on the GUI thread.
    extraReady = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperPreview")
        self.setAccessibleName("Paper preview")
        self._generation = 0
        self._pending: set[_RenderJob] = set()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.message = QLabel(self)
        self.message.setObjectName("paperPreviewMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel { color: #8a1c1c; padding: 4px; }")
        self.message.hide()
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("paperPreviewView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self._buffer: QBuffer | None = None
        self.last_pdf = b""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)

    @property
    def busy(self) -> bool:
        """True while a render is under way."""
        return bool(self._pending)

    def show_view(self, view: PaperView) -> None:
        """Start rendering a ready-made ``view``; the newest request wins."""
        self.show_paper(lambda: (view, None))

    def show_paper(self, build: Builder) -> None:
        """Start building and rendering in the worker; the newest request wins."""
        self._generation += 1
        job = _RenderJob(self._generation, build)
        job.setAutoDelete(False)  # we hold it until its signal has been delivered
        job.signals.finished.connect(self._on_finished)
        self._pending.add(job)
        self._pool.start(job)

    def show_message(self, text: str) -> None:
        """Show a message instead of (above) the last good render, e.g. why a paper cannot be built."""
        self._generation += 1
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear(self) -> None:
        """Nothing to preview."""
        self._generation += 1
        self.document.close()
        self.last_pdf = b""
        self.message.hide()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until queued renders finish (tests and shutdown only)."""
        return self._pool.waitForDone(timeout_ms)

    @Slot(int, bytes, str, object)
    def _on_finished(self, generation: int, data: bytes, message: str, extra: object) -> None:
        """Show a finished render if it is the newest request; drop it otherwise."""
        self._pending = {job for job in self._pending if job.generation != generation}
        if generation != self._generation:
            return  # an older render: a newer one is on its way
        if extra is not None:
            self.extraReady.emit(extra)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        if not data:
            return
        self.last_pdf = data
        scroll = self.view.verticalScrollBar().value()  # keep the reader's place across re-renders
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(buffer)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer
        self.view.verticalScrollBar().setValue(scroll)
        self.rendered.emit(self.document.pageCount())
