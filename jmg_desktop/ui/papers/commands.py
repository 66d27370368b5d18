"""The paper editor's commands: New Paper, New Version, Make Final, Delete Draft and Export PDF.

Mixed into :class:`jmg_desktop.ui.papers.editor.PaperEditor` (see :mod:`.form`). Questions are
asked without blocking, so the event loop (and the tests) carry on while a box is open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
)

from jmg_desktop.papers import service
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.ui.dialogs import show_error

__all__ = ["PaperCommandsMixin"]


class PaperCommandsMixin:
    """What the editor's command bar does."""

    def new_paper(self) -> int | None:
        """Start a draft for the pool and year selected in the window."""
        if self._workspace is None:
            return None
        self.commit()
        if self._pool_id < 0 or self._year < 0:
            show_error(
                self, "New Paper", "Choose a pool and a financial year first: the paper is about them."
            )
            return None
        try:
            paper_id = service.create_starter_paper(self._workspace, self._pool_id, self._year)
        except (PaperError, WorkspaceError) as error:
            show_error(self, "New Paper", str(error))
            return None
        self.reload_papers(select_id=paper_id)
        self.message.emit("New draft paper created.")
        return paper_id

    def new_version(self) -> int | None:
        """Copy the shown version to an editable draft numbered one higher."""
        if self._workspace is None or self._record is None:
            return None
        self.commit()
        try:
            paper_id = service.new_version(self._workspace, self._record.id)
        except (PaperError, WorkspaceError) as error:
            show_error(self, "New Version", str(error))
            return None
        self.reload_papers(select_id=paper_id)
        self.message.emit(f"Version {self._record.version if self._record else ''} started as a draft.")
        return paper_id

    def finalise(self, *, confirm: bool = True) -> QMessageBox | bool:
        """Make the paper final; with ``confirm`` ask first (non-blocking) and return the question box."""
        if self._workspace is None or self._record is None:
            return False
        self.commit()
        if confirm:
            return self._ask_then(
                "finaliseQuestion",
                "Make Final",
                f"Make version {self._record.version} of “{self._record.title}” final? Its text and figures "
                "will be frozen as they print now, and it can no longer be edited.",
                lambda: self.finalise(confirm=False),
                "Make Final",
            )
        try:
            service.finalise_paper(
                self._workspace, self._record.id, acknowledge_differences=self.acknowledge.isChecked()
            )
        except (PaperError, WorkspaceError) as error:
            show_error(self, "Not Made Final", str(error))
            return False
        self.reload_papers(select_id=self._record.id)
        self.message.emit("The paper is final.")
        return True

    def _ask_then(
        self, name: str, title: str, question: str, action: Callable[[], object], verb: str
    ) -> QMessageBox:
        """Ask ``question`` without blocking (tests and the event loop carry on); run ``action`` when
        the button named ``verb`` is pressed. Cancel is the default: these steps cannot be undone."""
        box = QMessageBox(QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.Cancel, self)
        box.setObjectName(name)
        go = box.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
        go.setObjectName(f"{name}Go")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(action)
        box.open()
        return box

    def delete_draft(self, *, confirm: bool = True) -> QMessageBox | bool:
        """Delete the shown draft version (final papers are kept); with ``confirm`` ask first."""
        if self._workspace is None or self._record is None:
            return False
        self.commit()
        if confirm:
            return self._ask_then(
                "deleteDraftQuestion",
                "Delete Draft",
                f"Delete draft version {self._record.version} of “{self._record.title}”? "
                "The deletion is recorded in the audit trail.",
                lambda: self.delete_draft(confirm=False),
                "Delete Draft",
            )
        try:
            service.delete_draft(self._workspace, self._record.id)
        except (PaperError, WorkspaceError) as error:
            show_error(self, "Draft Not Deleted", str(error))
            return False
        self._record = None
        self.reload_papers()
        self.message.emit("Draft deleted.")
        return True

    def export_dialog(self) -> None:
        """Check the reconciliation gate, then ask where to write the PDF, then export."""
        if self._record is None:
            return
        if self._workspace is not None and not self.acknowledge.isChecked():
            self.commit()
            # Refuse before the file dialog: choosing a name only to be refused wastes the user's time.
            if service.paper_differences(self._workspace, self._record.id):
                self._refuse_unreconciled("")
                return
        start = Path(self._workspace.path).parent if self._workspace else Path.home()
        # "2009/10" keeps its year readable as "2009-10" (a "/" cannot be in a file name).
        title = re.sub(r"(\d{4})/(\d{2})\b", r"\1-\2", self._record.title)
        safe_title = re.sub(r"[^\w\- ]+", "", title).strip() or "paper"
        suggestion = str(start / f"{safe_title} v{self._record.version}.pdf")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export Paper as PDF", suggestion, "PDF files (*.pdf)"
        )
        if path:
            self.export_to(path)

    def _refuse_unreconciled(self, details: str) -> QMessageBox:
        """Say that stated totals differ and how to go on."""
        return show_error(
            self,
            "Paper Not Exported",
            "Stated totals differ from the lines. Tick “I have checked these differences” above the "
            "paper to export it with the computed figures.",
            details=details,
        )

    def export_to(self, path: str | Path) -> bool:
        """Write the shown paper as a PDF at ``path``; a clear message if it cannot be."""
        if self._workspace is None or self._record is None:
            show_error(self, "Export Paper", "Open a paper first.")
            return False
        self.commit()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a long paper takes a moment
        try:
            written = service.export_paper(
                self._workspace, self._record.id, path, acknowledge_differences=self.acknowledge.isChecked()
            )
        except service.ReconciliationRequired as error:
            self._refuse_unreconciled(str(error))
            return False
        except (PaperError, WorkspaceError) as error:
            show_error(self, "Paper Not Exported", str(error))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.message.emit(f"Exported to {written}")
        return True
