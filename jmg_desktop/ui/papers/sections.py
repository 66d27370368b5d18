"""The paper editor's sections: the list, its Add, Remove and Move buttons, the heading, the Welsh
box and the body, and inserting a figures block at the cursor.

Mixed into :class:`jmg_desktop.ui.papers.editor.PaperEditor` (see :mod:`.form`).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)

from jmg_desktop.papers.document import SectionText
from jmg_desktop.papers.figure_blocks import FIGURE_BLOCKS
from jmg_desktop.papers.markup import figure_token
from jmg_desktop.ui.papers.highlight import BodyHighlighter

__all__ = ["SectionsMixin"]

_BODY_HINT: Final = (
    "Blank line between paragraphs. '- ' starts a bullet, '1. ' a numbered item; "
    "**bold**, *italic*. Figures blocks come from Insert Figures (a projection takes "
    'scenario="…" (empty: the first scenario), years=N and, to include the linked pools, linked).'
)


class SectionsMixin:
    """Editing the ordered sections of the paper shown."""

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
