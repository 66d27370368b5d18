"""``paperPreview``: the paper as its PDF, re-rendered in a worker thread so typing never waits.

Callers hand over a :class:`PaperView` (cheap to build); the ReportLab render runs on the thread
pool. Only the newest request's result is shown: a slower, older render finishing late is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.model import PaperView
from jmg_desktop.papers.render import render_pdf

__all__ = ["PaperPreview"]


class _Signals(QObject):
    finished = Signal(int, bytes, str)  # generation, PDF bytes (empty on failure), message


class _RenderJob(QRunnable):
    """Renders one view off the GUI thread."""

    def __init__(self, generation: int, view: PaperView) -> None:
        super().__init__()
        self.generation = generation
        self.view = view
        self.signals = _Signals()

    def run(self) -> None:
        """Render, reporting bytes or a plain message; never raises into the pool."""
        try:
            data, message = render_pdf(self.view), ""
        except PaperError as error:
            data, message = b"", str(error)
        except Exception as error:  # a renderer bug must not take the window down
            data, message = b"", f"The preview could not be drawn ({type(error).__name__}: {error})."
        self.signals.finished.emit(self.generation, data, message)


class PaperPreview(QWidget):
    """Shows the latest rendered PDF of a paper, or why it cannot be drawn."""

    #: A render finished and is on screen (page count), for tests and the status bar.
    rendered = Signal(int)

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
        """Start rendering ``view``; the newest request wins."""
        self._generation += 1
        job = _RenderJob(self._generation, view)
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

    @Slot(int, bytes, str)
    def _on_finished(self, generation: int, data: bytes, message: str) -> None:
        self._pending = {job for job in self._pending if job.generation != generation}
        if generation != self._generation:
            return  # an older render: a newer one is on its way
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
