"""The paper editor's commands: New Paper, New Version, Make Final, Delete Draft and Export PDF.

Mixed into :class:`jmg_desktop.ui.papers.editor.PaperEditor` (see :mod:`.form`). Questions are
asked without blocking, so the event loop (and the tests) carry on while a box is open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from jmg_desktop.papers import accepting, service
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.store.audit import current_actor
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.ui.dialogs import show_error
from jmg_desktop.ui.lines.stated_totals import StoreUndoCommand
from jmg_desktop.ui.papers.accept_dialog import AcceptDifferencesDialog

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
        waiting = self._waiting()
        if waiting:
            return self._ask_to_accept(
                waiting,
                "&Accept and Make Final",
                "then the paper is made final: its text and figures are frozen as they print, and it can no "
                "longer be edited",
                lambda: self.finalise(confirm=False),
            )
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
            service.finalise_paper(self._workspace, self._record.id)
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

    def export_dialog(self) -> QWidget | None:
        """Check the reconciliation gate (offering to accept a difference), then ask where to write the
        PDF, then export. Returns the acceptance question when it asks one."""
        if self._record is None:
            return None
        # Asked before the file dialog: choosing a name only to be refused wastes the user's time.
        waiting = self._waiting()
        if waiting:
            return self._ask_to_accept(
                waiting, "&Accept and Export…", "then you choose where to write the PDF", self.export_dialog
            )
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
        return None

    def export_to(self, path: str | Path) -> bool:
        """Write the shown paper as a PDF at ``path``; a clear message if it cannot be."""
        if self._workspace is None or self._record is None:
            show_error(self, "Export Paper", "Open a paper first.")
            return False
        self.commit()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a long paper takes a moment
        try:
            written = service.export_paper(self._workspace, self._record.id, path)
        except service.ReconciliationRequired as error:
            self._ask_to_accept(
                error.differences,
                "&Accept and Export",
                "then the PDF is written",
                lambda: self.export_to(path),
            )
            return False
        except (PaperError, WorkspaceError) as error:
            show_error(self, "Paper Not Exported", str(error))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.message.emit(f"Exported to {written}")
        return True

    # -- accepting differences ---------------------------------------------------------------------

    def _waiting(self) -> list[service.Difference]:
        """The differences of the shown draft nobody has accepted for these figures, read now."""
        if self._workspace is None or self._record is None or self._record.is_final:
            return []
        self.commit()
        differences = service.paper_differences(self._workspace, self._record.id)
        return [difference for difference in differences if not difference.accepted]

    def accept_dialog(self) -> QWidget | None:
        """Accept Differences…: ask to accept what is waiting, going on to nothing else."""
        waiting = self._waiting()
        if not waiting:
            self.refresh()
            return None
        return self._ask_to_accept(waiting, "&Accept", "the paper can then be exported or made final", None)

    def _ask_to_accept(
        self,
        waiting: list[service.Difference],
        verb: str,
        going_on: str,
        then: Callable[[], object] | None,
    ) -> QWidget:
        """Show the differences and ask (without blocking) to accept them; once accepted, ``then``."""
        if self._workspace is not None and self._workspace.read_only:
            reason = self._workspace.read_only_reason or "as asked"
            return show_error(
                self,
                "Differences Not Accepted",
                "Stated totals differ from the lines, and this workspace is open read-only "
                f"({reason}), so the differences cannot be accepted here and the paper cannot be exported "
                "or made final until someone with it open for changes accepts them.",
            )
        dialog = AcceptDifferencesDialog(
            waiting, verb=verb, going_on=going_on, person=self._person(), parent=self
        )
        dialog.finished.connect(dialog.deleteLater)

        def accepted() -> None:
            """Record the acceptance; go on only when it was recorded."""
            if self._record_acceptance(waiting) and then is not None:
                then()

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def _person(self) -> str:
        """Who the audit trail will name (a shared workspace's login, else the user at the keyboard)."""
        return getattr(self._workspace, "actor", "") or current_actor()

    def _record_acceptance(self, seen: list[service.Difference]) -> bool:
        """Accept ``seen`` as one undoable step; False (with the reason shown) when refused."""
        if self._workspace is None or self._record is None:
            return False
        workspace = self._workspace
        try:
            acceptances = accepting.accept_differences(workspace, self._record.id, seen)
        except (PaperError, WorkspaceError) as error:
            show_error(self, "Differences Not Accepted", str(error))
            self.refresh()
            return False
        self.undo_stack.push(
            StoreUndoCommand(
                "Accept Differences",
                lambda: accepting.restore_acceptances(workspace, acceptances),
                lambda: accepting.withdraw_acceptances(workspace, acceptances),
                self.schedule_refresh,
                self.message.emit,
            )
        )
        count = len(acceptances)
        self.message.emit(
            f"{count} difference{'s' if count != 1 else ''} accepted; the paper footnotes "
            f"{'them' if count != 1 else 'it'} (Edit ▸ Undo withdraws it)."
        )
        self.refresh()
        return True
