"""``paperEditor``: compose a cabinet paper beside its live preview.

Every edit is saved (as one audited change) a moment after typing pauses, and the preview is
re-rendered off the GUI thread, so neither saving nor rendering ever holds up the keyboard. Final
papers open read-only; "New Version" makes an editable copy.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.dates import format_moment
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.papers import service
from jmg_desktop.papers.document import PaperDocument, SectionText
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.model import PaperView
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.papers_repo import PaperRecord
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.dialogs import show_error
from jmg_desktop.ui.papers.commands import PaperCommandsMixin
from jmg_desktop.ui.papers.form import PaperFormMixin
from jmg_desktop.ui.papers.preview import PaperPreview
from jmg_desktop.ui.papers.sections import SectionsMixin

__all__ = ["PaperEditor"]

SAVE_DELAY_MS: Final = 500
_WAITING_STYLE: Final = (
    "QLabel { background: #fdecea; color: #7a1212; border: 1px solid #e3a3a3; padding: 5px; }"
)
_ACCEPTED_STYLE: Final = "QLabel { background: #e8f0fb; border: 1px solid #9db7dd; padding: 5px; }"


class PaperEditor(PaperFormMixin, SectionsMixin, PaperCommandsMixin, QWidget):
    """The paper editor page; usable standalone (``set_workspace``, ``set_context``, ``open_paper``)."""

    #: A short message for the status bar.
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperEditor")
        self.setAccessibleName("Paper editor")
        self._workspace: Workspace | None = None
        self._record: PaperRecord | None = None
        self._sections: list[SectionText] = []
        self._keywords: tuple[str, ...] = ()
        self._stale = False
        self._current_section = -1
        #: Differences shown that nobody has accepted for these figures (export and Make Final ask).
        self.waiting: list[service.Difference] = []
        #: Where Accept Differences is undone: the window's history once installed, else the editor's own.
        self.undo_stack = QUndoStack(self)
        self._loading = False
        self._pool_id = -1
        self._year = -1
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._save_now)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(SAVE_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.preview = PaperPreview(self)
        self.preview.extraReady.connect(self._show_differences)
        self._build()
        self._update_enabled()

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        """Lay out the command bar, banners, the form and the preview."""
        bar = QHBoxLayout()
        self.paper_selector = QComboBox(self)
        self.paper_selector.setObjectName("paperSelector")
        self.paper_selector.setAccessibleName("Paper")
        self.paper_selector.setMinimumContentsLength(30)
        self.paper_selector.currentIndexChanged.connect(self._on_paper_chosen)
        # A long title is cut on a laptop screen; the tooltip gives it in full.
        self.paper_selector.currentTextChanged.connect(self.paper_selector.setToolTip)
        self.new_button = QPushButton("&New Paper", self)
        self.new_button.clicked.connect(self.new_paper)
        self.version_button = QPushButton("New &Version", self)
        self.version_button.clicked.connect(self.new_version)
        self.final_button = QPushButton("Make &Final…", self)
        self.final_button.setObjectName("paperFinalButton")
        self.final_button.clicked.connect(lambda: self.finalise(confirm=True))
        self.delete_button = QPushButton("&Delete Draft…", self)
        self.delete_button.clicked.connect(lambda: self.delete_draft(confirm=True))
        self.export_button = QPushButton("&Export PDF…", self)
        self.export_button.clicked.connect(self.export_dialog)
        bar.addWidget(QLabel("Paper:", self))
        bar.addWidget(self.paper_selector, 1)
        for button in (
            self.new_button,
            self.version_button,
            self.final_button,
            self.delete_button,
            self.export_button,
        ):
            bar.addWidget(button)

        self.banner = QLabel(self)
        self.banner.setObjectName("paperBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #e8f0fb; border: 1px solid #9db7dd; border-radius: 3px; padding: 5px; }"
        )
        self.banner.hide()

        self.differences = QLabel(self)
        self.differences.setObjectName("paperDifferences")
        self.differences.setWordWrap(True)
        self.differences.setStyleSheet(_WAITING_STYLE)
        self.accept_button = QPushButton("&Accept Differences…", self)
        self.accept_button.setObjectName("acceptDifferences")
        self.accept_button.setToolTip(
            "Record that the paper prints the figures from the lines; it then footnotes each one"
        )
        self.accept_button.clicked.connect(self.accept_dialog)
        accept_row = QHBoxLayout()
        accept_row.addStretch(1)
        accept_row.addWidget(self.accept_button)
        self.differences.hide()
        self.accept_button.hide()

        form = QWidget(self)
        form_layout = QVBoxLayout(form)
        form_layout.addWidget(self._build_header())
        form_layout.addWidget(self._build_sections())
        form_layout.addWidget(self._build_recommendations())
        form_layout.addWidget(self._build_people())
        form_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.banner)
        left_layout.addWidget(self.differences)
        left_layout.addLayout(accept_row)
        left_layout.addWidget(scroll, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    # -- workspace and paper ---------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show the papers of ``workspace`` (or nothing)."""
        self.commit()
        self.preview.clear()  # a render of the old workspace still under way is dropped when it lands
        self._workspace = workspace
        self._record = None
        self.reload_papers()

    def set_context(self, pool_id: int, year: int) -> None:
        """The pool and year selected in the window: new papers are made for them."""
        self._pool_id, self._year = pool_id, year
        if self._workspace is None or pool_id < 0:
            return
        if self._record is not None and (self._record.pool_id, self._record.financial_year) == (
            pool_id,
            year,
        ):
            return
        matching = [
            r
            for r in service.list_papers(self._workspace)
            if (r.pool_id, r.financial_year) == (pool_id, year)
        ]
        if matching:
            self.open_paper(matching[-1].id)

    def reload_papers(self, select_id: int | None = None) -> None:
        """Refill the paper list, keeping or choosing the paper shown."""
        records = service.list_papers(self._workspace) if self._workspace is not None else []
        wanted = select_id if select_id is not None else (self._record.id if self._record else None)
        self.paper_selector.blockSignals(True)
        self.paper_selector.clear()
        for record in records:
            year = FinancialYear(record.financial_year).label
            label = f"{record.title or 'Untitled'} — {year}, version {record.version} ({record.status})"
            self.paper_selector.addItem(label, record.id)
        self.paper_selector.blockSignals(False)
        self.paper_selector.setToolTip(self.paper_selector.currentText())
        if records:
            ids = [record.id for record in records]
            self.open_paper(wanted if wanted in ids else ids[-1])
        else:
            self._show(None)

    def open_paper(self, paper_id: int) -> None:
        """Show one paper version in the editor and the preview."""
        if self._workspace is None:
            return
        self.commit()
        try:
            record, document = service.load_document(self._workspace, paper_id)
        except PaperError as error:
            show_error(self, "Paper", str(error))
            return
        index = self.paper_selector.findData(paper_id)
        if index >= 0 and index != self.paper_selector.currentIndex():
            self.paper_selector.blockSignals(True)
            self.paper_selector.setCurrentIndex(index)
            self.paper_selector.blockSignals(False)
            self.paper_selector.setToolTip(self.paper_selector.currentText())
        self._show(record, document)

    def current_paper_id(self) -> int | None:
        """The paper shown, if any."""
        return self._record.id if self._record else None

    def is_read_only(self) -> bool:
        """True for a final paper or a read-only workspace."""
        return (
            self._record is None
            or self._record.is_final
            or bool(self._workspace and self._workspace.read_only)
        )

    def _on_paper_chosen(self, index: int) -> None:
        """Open the paper picked in the list."""
        paper_id = self.paper_selector.itemData(index)
        if paper_id is not None:
            self.open_paper(int(paper_id))

    def _show(self, record: PaperRecord | None, document: PaperDocument | None = None) -> None:
        """Show a paper version (or none) in the fields and the preview."""
        if record is None or self._record is None or record.id != self._record.id:
            self.differences.clear()  # the differences belong to one paper
            self.waiting = []
        self._record = record
        self._load_widgets(document or PaperDocument())
        self._update_enabled()
        self.refresh()

    # -- editing ---------------------------------------------------------------------------------

    def _edited(self, *_args: object) -> None:
        """Any field changed: keep the section list in step, then save and preview after a pause."""
        if self._loading or self.is_read_only():
            return
        row = self._current_section
        if 0 <= row < len(self._sections):
            heading = self.section_heading.text()
            before = self._sections[row].language
            # Another language set outside the editor is kept unless the box says Welsh.
            language = "cy" if self.section_welsh.isChecked() else ("" if before == "cy" else before)
            self._sections[row] = SectionText(heading, self.section_body.toPlainText(), language)
            item = self.section_list.item(row)
            if item is not None and item.text() != heading:
                item.setText(heading)
        self._save_timer.start()

    def commit(self) -> None:
        """Save pending edits now (one audited change), then refresh the preview."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._save_now()

    def _save_now(self) -> None:
        """Write the fields to the workspace if they changed, then refresh the preview."""
        if self._workspace is None or self._record is None or self.is_read_only():
            return
        try:
            about = (self._record.pool_id, self._record.financial_year, self.partner.currentData())
            changed = service.save_document(self._workspace, self._record.id, self.document(), about=about)
        except (PaperError, WorkspaceError) as error:
            show_error(self, "Paper not saved", str(error))
            return
        if changed:
            self._record, _document = service.load_document(self._workspace, self._record.id)
            self._relabel_current()
        self.refresh()

    def _relabel_current(self) -> None:
        """Refresh the shown paper's entry in the list after a save."""
        record = self._record
        index = self.paper_selector.findData(record.id) if record else -1
        if record is not None and index >= 0:
            year = FinancialYear(record.financial_year).label
            label = f"{record.title or 'Untitled'} — {year}, version {record.version} ({record.status})"
            self.paper_selector.setItemText(index, label)

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up on a refresh skipped while the page was hidden."""
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def schedule_refresh(self) -> None:
        """Refresh shortly, e.g. after the lines changed elsewhere in the window."""
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Rebuild the preview and the reconciliation panel from the stored paper."""
        if self.parentWidget() is not None and not self.isVisible():
            # Embedded and out of sight (another tab): render when next shown, not now.
            self._stale = True
            return
        self._stale = False
        if self._workspace is None or self._record is None:
            self.preview.clear()
            self._show_differences([])
            return
        # The path for a file; the workspace itself for a shared one (its reader opens its own connections).
        path, paper_id = self._workspace.path or self._workspace, self._record.id
        # The build runs on the preview's worker thread, through a read-only handle of its own: the
        # GUI thread may close its workspace (and connections) while a build is under way.
        if self._record.is_final:

            def build() -> tuple[PaperView | bytes, list[service.Difference]]:
                """An issued paper is previewed from the very PDF it was issued as."""
                with service.private_reader(path) as reader:
                    return service.paper_pdf(reader, paper_id), []

        else:

            def build() -> tuple[PaperView | bytes, list[service.Difference]]:
                """Reading the figures can take a while on big pools, so it happens here too."""
                with service.private_reader(path) as reader:
                    return service.draft_preview(reader, paper_id)

        self.preview.show_paper(build)

    def _show_differences(self, differences: list[service.Difference]) -> None:
        """Show the stated totals that differ from the lines (delivered with each preview): those
        accepted with who accepted them, the others with Accept Differences… beside them."""
        self.waiting = [difference for difference in differences if not difference.accepted]
        if not differences:
            self.differences.hide()
            self.accept_button.hide()
            return
        lines = []
        for difference in differences:
            acceptance = difference.acceptance
            if acceptance is None:
                lines.append(f"• {difference.describe()}")
            else:
                when = format_moment(acceptance.accepted_at).replace(" ", "\u00a0")  # kept on one line
                lines.append(f"✓ {difference.describe()} Accepted by {acceptance.accepted_by} on {when}.")
        head = "Stated totals differ from the lines. The paper prints the figures computed from the lines" + (
            ", and a footnote under each accepted one." if len(self.waiting) < len(differences) else "."
        )
        self.differences.setText(head + "\n" + "\n".join(lines))
        # Red while something waits to be accepted; the calmer blue of the banner once all are.
        self.differences.setStyleSheet(_WAITING_STYLE if self.waiting else _ACCEPTED_STYLE)
        self.differences.show()
        self.accept_button.setVisible(bool(self.waiting))
        self.accept_button.setEnabled(not self.is_read_only())
