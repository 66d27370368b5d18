"""``paperEditor``: compose a cabinet paper beside its live preview.

Every edit is saved (as one audited change) a moment after typing pauses, and the preview is
re-rendered off the GUI thread, so neither saving nor rendering ever holds up the keyboard. Final
papers open read-only; "New Version" makes an editable copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.dates import format_moment
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.papers import service
from jmg_desktop.papers.document import PaperDocument, SectionText
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.figure_blocks import FIGURE_BLOCKS
from jmg_desktop.papers.markup import figure_token
from jmg_desktop.papers.model import DEFAULT_RECOMMENDATIONS_INTRO, PaperView, Person
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.papers_repo import PaperRecord
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.dialogs import show_error
from jmg_desktop.ui.papers.highlight import BodyHighlighter
from jmg_desktop.ui.papers.preview import PaperPreview

__all__ = ["PaperEditor"]

SAVE_DELAY_MS: Final = 500
_BODY_HINT: Final = (
    "Blank line between paragraphs. '- ' starts a bullet, '1. ' a numbered item; "
    "**bold**, *italic*. Figures blocks come from Insert Figures (a projection takes "
    'scenario="…" (empty: the first scenario), years=N and, to include the linked pools, linked).'
)
_AUTHOR = re.compile(r"^(?P<name>[^()]*?)\s*\((?P<title>.*)\)\s*$")


def _lines(text: str) -> tuple[str, ...]:
    """Non-empty lines of a box, trimmed."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _author(line: str) -> Person:
    """``Helen Marsh (Finance Business Partner)``: the way annexes name their authors."""
    match = _AUTHOR.match(line)
    if match:
        return Person(match.group("name").strip(), match.group("title").strip())
    return Person(line.strip())


def _author_line(person: Person) -> str:
    """A person as the authors box shows them."""
    return f"{person.name} ({person.job_title})" if person.job_title else person.name


class PaperEditor(QWidget):
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
        self.differences.setStyleSheet(
            "QLabel { background: #fdecea; color: #7a1212; border: 1px solid #e3a3a3; padding: 5px; }"
        )
        self.acknowledge = QCheckBox(
            "I have checked these differences: export with the figures computed from the lines", self
        )
        self.acknowledge.setObjectName("acknowledgeDifferences")
        self.differences.hide()
        self.acknowledge.hide()

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
        left_layout.addWidget(self.acknowledge)
        left_layout.addWidget(scroll, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def _line_edit(self, name: str, accessible: str) -> QLineEdit:
        """A named one-line field whose edits are saved."""
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.textEdited.connect(self._edited)
        return edit

    def _text_box(self, name: str, accessible: str, lines: int) -> QPlainTextEdit:
        """A named few-line box whose edits are saved."""
        box = QPlainTextEdit(self)
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setTabChangesFocus(True)
        box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
        box.textChanged.connect(self._edited)
        return box

    def _build_header(self) -> QGroupBox:
        """The header fields."""
        group = QGroupBox("Header", self)
        layout = QFormLayout(group)
        self.annex_labels = self._text_box("annexLabels", "Annex labels, one per line", 2)
        self.meeting = self._line_edit("meeting", "Meeting and date")
        self.item_code = self._line_edit("itemCode", "Item code")
        self.title = self._line_edit("paperTitle", "Title")
        self.report_by = self._line_edit("reportBy", "Report by")
        self.divisions = self._line_edit("divisionsAffected", "Divisions affected")
        self.exempt = QCheckBox("Exempt: not for publication", self)
        self.exempt.setObjectName("exempt")
        self.exempt.toggled.connect(self._edited)
        self.exempt.toggled.connect(
            lambda on: self.exempt_paragraph.setEnabled(on and not self.is_read_only())
        )
        self.exempt_paragraph = QComboBox(self)
        self.exempt_paragraph.setObjectName("exemptParagraph")
        self.exempt_paragraph.setAccessibleName("Schedule 12A paragraph")
        self.exempt_paragraph.addItems(["", "1", "2", "3", "4", "5", "6", "7"])
        self.exempt_paragraph.currentIndexChanged.connect(self._edited)
        exempt_row = QHBoxLayout()
        exempt_row.addWidget(self.exempt)
        exempt_row.addWidget(QLabel("Schedule 12A paragraph", self))
        exempt_row.addWidget(self.exempt_paragraph)
        exempt_row.addStretch(1)
        self.version_label = QLabel(self)
        self.version_label.setObjectName("paperVersion")
        self.about_label = QLabel(self)
        self.about_label.setObjectName("paperAbout")
        self.partner = QComboBox(self)
        self.partner.setObjectName("paperPartner")
        self.partner.setAccessibleName("Whose contribution the figures describe")
        self.partner.currentIndexChanged.connect(self._edited)
        about_row = QHBoxLayout()
        about_row.addWidget(self.about_label)
        about_row.addSpacing(12)
        about_row.addWidget(QLabel("Figures for", self))
        about_row.addWidget(self.partner, 1)
        layout.addRow("Annex &labels", self.annex_labels)
        layout.addRow("&Meeting and date", self.meeting)
        layout.addRow("Item &code", self.item_code)
        layout.addRow("&Title", self.title)
        layout.addRow("Report &by", self.report_by)
        layout.addRow("&Divisions affected", self.divisions)
        layout.addRow("Publication", exempt_row)
        layout.addRow("Version", self.version_label)
        layout.addRow("Pool and year", about_row)
        return group

    def _build_sections(self) -> QGroupBox:
        """The section list, its buttons, the heading and the body."""
        group = QGroupBox("Sections", self)
        layout = QVBoxLayout(group)
        row = QHBoxLayout()
        self.section_list = QListWidget(self)
        self.section_list.setObjectName("sectionList")
        self.section_list.setAccessibleName("Sections")
        self.section_list.setFixedHeight(110)
        self.section_list.currentRowChanged.connect(self._on_section_chosen)
        buttons = QVBoxLayout()
        self.section_buttons: list[QPushButton] = []
        for text, slot in (
            ("Add", self.add_section),
            ("Remove", self.remove_section),
            ("Move Up", lambda: self.move_section(-1)),
            ("Move Down", lambda: self.move_section(1)),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.section_buttons.append(button)
        buttons.addStretch(1)
        row.addWidget(self.section_list, 1)
        row.addLayout(buttons)
        layout.addLayout(row)
        heading_row = QHBoxLayout()
        self.section_heading = self._line_edit("sectionHeading", "Section heading")
        self.insert_figures = QToolButton(self)
        self.insert_figures.setObjectName("insertFigures")
        self.insert_figures.setText("Insert Figures")
        self.insert_figures.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.insert_figures)
        for kind, block in FIGURE_BLOCKS.items():
            action = QAction(block.label, menu)
            action.triggered.connect(lambda _checked=False, k=kind: self.insert_figure(k))
            menu.addAction(action)
        self.insert_figures.setMenu(menu)
        # A Welsh passage is tagged as Welsh in the PDF, so a screen reader speaks it in Welsh.
        self.section_welsh = QCheckBox("Welsh", self)
        self.section_welsh.setObjectName("sectionWelsh")
        self.section_welsh.setAccessibleName("Section is in Welsh")
        self.section_welsh.setToolTip("The section is written in Welsh (Cymraeg)")
        self.section_welsh.toggled.connect(self._edited)
        heading_row.addWidget(QLabel("Heading", self))
        heading_row.addWidget(self.section_heading, 1)
        heading_row.addWidget(self.section_welsh)
        heading_row.addWidget(self.insert_figures)
        layout.addLayout(heading_row)
        self.section_body = QPlainTextEdit(self)
        self.section_body.setObjectName("sectionBody")
        self.section_body.setAccessibleName("Section text")
        self.section_body.setMinimumHeight(200)
        self.section_body.setPlaceholderText(_BODY_HINT)
        self.section_body.textChanged.connect(self._edited)
        self._highlighter = BodyHighlighter(self.section_body.document())
        layout.addWidget(self.section_body)
        return group

    def _build_recommendations(self) -> QGroupBox:
        """The recommendations introduction and list."""
        group = QGroupBox("Recommendations", self)
        layout = QFormLayout(group)
        self.recommendations_intro = self._line_edit("recommendationsIntro", "Recommendations introduction")
        self.recommendations = self._text_box("recommendations", "Recommendations, one per line", 4)
        layout.addRow("Introduction", self.recommendations_intro)
        layout.addRow("One per line\n(lettered (a), (b)…)", self.recommendations)
        return group

    def _build_people(self) -> QGroupBox:
        """Authors, date, contact officer and background papers."""
        group = QGroupBox("Authors, contact and background papers", self)
        layout = QFormLayout(group)
        self.authors = self._text_box("authors", "Authors: Name (Job title), one per line", 3)
        self.contact_name = self._line_edit("contactName", "Contact officer name")
        self.contact_title = self._line_edit("contactJobTitle", "Contact officer job title")
        self.contact_phone = self._line_edit("contactPhone", "Contact officer phone")
        self.contact_email = self._line_edit("contactEmail", "Contact officer email")
        self.background = self._text_box("backgroundPapers", "Background papers, one per line", 3)
        self.date_line = self._line_edit("dateLine", "Date under the authors")
        layout.addRow("Authors\nName (Job title)", self.authors)
        layout.addRow("Date", self.date_line)
        layout.addRow("Contact officer", self.contact_name)
        layout.addRow("Job title", self.contact_title)
        layout.addRow("Phone", self.contact_phone)
        layout.addRow("Email", self.contact_email)
        layout.addRow("Background papers", self.background)
        return group

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
            self.acknowledge.setChecked(False)  # an acknowledgement belongs to one paper
            self.differences.clear()
        self._record = record
        self._load_widgets(document or PaperDocument())
        self._update_enabled()
        self.refresh()

    def _load_widgets(self, document: PaperDocument) -> None:
        """Fill every field from ``document`` without treating it as an edit."""
        self._loading = True
        try:
            self.annex_labels.setPlainText("\n".join(document.annex_labels))
            self.meeting.setText(document.meeting)
            self.item_code.setText(document.item_code)
            self.title.setText(document.title)
            self.report_by.setText(document.report_by)
            self.divisions.setText(document.divisions_affected)
            self.exempt.setChecked(document.exempt)
            index = self.exempt_paragraph.findText(document.exempt_paragraph)
            self.exempt_paragraph.setCurrentIndex(max(index, 0))
            self._sections = list(document.sections)
            self._keywords = document.keywords
            self.section_list.clear()
            self.section_list.addItems([section.heading for section in self._sections])
            self._current_section = -1
            self.section_list.setCurrentRow(0 if self._sections else -1)
            self._show_section(0 if self._sections else -1)
            self.recommendations_intro.setText(document.recommendations_intro)
            self.recommendations.setPlainText("\n".join(document.recommendations))
            self.authors.setPlainText("\n".join(_author_line(person) for person in document.authors))
            officer = document.contact_officer or Person("")
            self.contact_name.setText(officer.name)
            self.contact_title.setText(officer.job_title)
            self.contact_phone.setText(officer.phone)
            self.contact_email.setText(officer.email)
            self.background.setPlainText("\n".join(document.background_papers))
            self.date_line.setText(document.date_line)
            record = self._record
            self.partner.clear()
            self.partner.addItem("All partners", None)
            if self._workspace is not None:
                for partner_id, name in service.partner_choices(self._workspace):
                    self.partner.addItem(name, partner_id)
            if record is not None and self._workspace is not None:
                self.partner.setCurrentIndex(max(self.partner.findData(record.partner_id), 0))
                year = FinancialYear(record.financial_year).label
                self.about_label.setText(f"{service.pool_name(self._workspace, record.pool_id)}, {year}")
            else:
                self.about_label.setText("")
            if record is None:
                self.version_label.setText("")
            else:
                self.version_label.setText(f"{record.version} ({'final' if record.is_final else 'draft'})")
        finally:
            self._loading = False

    def _update_enabled(self) -> None:
        """Enable what the paper and workspace allow; explain read-only papers in the banner."""
        has_paper = self._record is not None
        read_only = self.is_read_only()
        workspace_writable = self._workspace is not None and not self._workspace.read_only
        for edit in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            if edit is not self.paper_selector.lineEdit():
                edit.setReadOnly(read_only)
        self._show_section_state()
        for widget in (self.exempt, self.partner, self.insert_figures, *self.section_buttons):
            widget.setEnabled(not read_only)
        self.exempt_paragraph.setEnabled(not read_only and self.exempt.isChecked())
        self.new_button.setEnabled(workspace_writable)
        self.version_button.setEnabled(has_paper and workspace_writable)
        self.final_button.setEnabled(has_paper and not read_only)
        self.delete_button.setEnabled(has_paper and not read_only)
        self.export_button.setEnabled(has_paper)
        record = self._record
        if record is not None and record.is_final:
            when = format_moment(record.finalised_at)
            self.banner.setText(
                f"Version {record.version} is final (issued {when}): it is read-only and always exports the "
                "same PDF. Use New Version to revise it."
            )
            self.banner.show()
        elif record is not None and self._workspace is not None and self._workspace.read_only:
            self.banner.setText(
                "The workspace is open read-only: the paper can be previewed and exported only."
            )
            self.banner.show()
        else:
            self.banner.hide()

    # -- sections --------------------------------------------------------------------------------

    def _show_section(self, row: int) -> None:
        """Show one section's heading and body."""
        self._current_section = row
        # With no section chosen there is nowhere for typed text to go: say so rather than lose it.
        has_section = 0 <= row < len(self._sections)
        self._show_section_state()
        self.section_body.setPlaceholderText(
            _BODY_HINT if has_section else "This paper has no sections yet: use Add to start one."
        )
        loading, self._loading = self._loading, True
        try:
            section = self._sections[row] if 0 <= row < len(self._sections) else SectionText("")
            self.section_heading.setText(section.heading)
            self.section_body.setPlainText(section.body)
            self.section_welsh.setChecked(section.language == "cy")
        finally:
            self._loading = loading

    def _show_section_state(self) -> None:
        """Heading and body are editable only when a section is chosen on an editable paper."""
        has_section = 0 <= self._current_section < len(self._sections)
        for edit in (self.section_heading, self.section_body):
            edit.setReadOnly(self.is_read_only() or not has_section)
        self.section_welsh.setEnabled(not self.is_read_only() and has_section)

    def _on_section_chosen(self, row: int) -> None:
        """Follow the section list's selection."""
        if self._loading:
            return
        self._show_section(row)

    def add_section(self) -> None:
        """Add a section after the current one and start editing its heading."""
        row = self._current_section + 1 if self._current_section >= 0 else len(self._sections)
        self._sections.insert(row, SectionText("New section", ""))
        self.section_list.insertItem(row, "New section")
        self.section_list.setCurrentRow(row)
        self.section_heading.setFocus()
        self.section_heading.selectAll()
        self._edited()

    def remove_section(self) -> None:
        """Remove the current section."""
        row = self._current_section
        if not 0 <= row < len(self._sections):
            return
        del self._sections[row]
        self._loading = True
        self.section_list.takeItem(row)
        self._loading = False
        new_row = min(row, len(self._sections) - 1)
        self.section_list.setCurrentRow(new_row)
        self._show_section(new_row)
        self._edited()

    def move_section(self, step: int) -> None:
        """Move the current section up (-1) or down (+1)."""
        row, target = self._current_section, self._current_section + step
        if not (0 <= row < len(self._sections) and 0 <= target < len(self._sections)):
            return
        self._sections[row], self._sections[target] = self._sections[target], self._sections[row]
        self._loading = True
        item = self.section_list.takeItem(row)
        self.section_list.insertItem(target, item)
        self.section_list.setCurrentRow(target)
        self._loading = False
        self._current_section = target
        self._edited()

    def insert_figure(self, kind: str) -> None:
        """Insert a figures block reference on its own line at the cursor."""
        cursor = self.section_body.textCursor()
        before = "" if cursor.atBlockStart() else "\n"
        token = figure_token(kind)
        options = FIGURE_BLOCKS[kind].options if kind in FIGURE_BLOCKS else ""
        if options:  # show the options so they can be changed in place
            token = token.replace("}}", f" {options}}}}}")
        cursor.insertText(f"{before}{token}\n")
        self.section_body.setFocus()

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

    def document(self) -> PaperDocument:
        """The paper as the fields now show it."""
        officer = Person(
            self.contact_name.text().strip(),
            self.contact_title.text().strip(),
            self.contact_phone.text().strip(),
            self.contact_email.text().strip(),
        )
        return PaperDocument(
            title=self.title.text(),
            annex_labels=_lines(self.annex_labels.toPlainText()),
            meeting=self.meeting.text(),
            item_code=self.item_code.text(),
            report_by=self.report_by.text(),
            divisions_affected=self.divisions.text(),
            exempt=self.exempt.isChecked(),
            exempt_paragraph=self.exempt_paragraph.currentText(),
            sections=tuple(self._sections),
            recommendations_intro=self.recommendations_intro.text() or DEFAULT_RECOMMENDATIONS_INTRO,
            recommendations=_lines(self.recommendations.toPlainText()),
            authors=tuple(_author(line) for line in _lines(self.authors.toPlainText())),
            contact_officer=officer if officer.name else None,
            background_papers=_lines(self.background.toPlainText()),
            date_line=self.date_line.text(),
            keywords=self._keywords,  # not edited here; kept as stored
        )

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
            self.differences.hide()
            self.acknowledge.hide()
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
                    return service.paper_view(reader, paper_id), service.paper_differences(reader, paper_id)

        self.preview.show_paper(build)

    def _show_differences(self, differences: list[service.Difference]) -> None:
        """Show the stated totals that differ from the lines (delivered with each preview)."""
        if not differences:
            self.differences.hide()
            self.acknowledge.hide()
            self.acknowledge.setChecked(False)
            return
        lines = "\n".join(f"• {difference.describe()}" for difference in differences)
        text = (
            "Stated totals differ from the lines. The paper prints the figures computed from the lines.\n"
            + lines
        )
        if text != self.differences.text():
            # An acknowledgement covers the figures the user saw, not whatever they become later.
            self.acknowledge.setChecked(False)
        self.differences.setText(text)
        self.differences.show()
        self.acknowledge.show()

    # -- commands --------------------------------------------------------------------------------

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
