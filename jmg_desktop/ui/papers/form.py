"""The paper editor's fields: building the header, recommendations and people boxes, filling them
from a :class:`PaperDocument` and reading the document back.

Mixed into :class:`jmg_desktop.ui.papers.editor.PaperEditor`, which owns the state these methods
use (``_workspace``, ``_record``, ``_sections``, ``_loading``) and the ``_edited`` slot every field
reports to; kept apart so each part of the editor stays small enough to read.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
)

from jmg_desktop.core.dates import format_moment
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.papers import service
from jmg_desktop.papers.document import PaperDocument
from jmg_desktop.papers.model import DEFAULT_RECOMMENDATIONS_INTRO, Person
from jmg_desktop.ui.shared.roles import CHAIR, gate

__all__ = ["PaperFormMixin"]


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


class PaperFormMixin:
    """The fields of the paper editor (see the module's docstring)."""

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
        gate(self.final_button, self._workspace, CHAIR, enabled=has_paper and not read_only)
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
