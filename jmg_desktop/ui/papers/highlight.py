"""Colouring the section body as it is typed: figures references, bold, italic and list marks, so an
officer sees at a glance what will be computed and what will print styled."""

from __future__ import annotations

import re
from typing import Final

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

__all__ = ["BodyHighlighter"]

_FIGURE: Final = re.compile(r"^\s*\{\{\s*figures\s*:\s*[a-z_]+(?:\s+[^{}]*?)?\s*\}\}\s*$")
_BOLD: Final = re.compile(r"\*\*[^*\n]+?\*\*")
_ITALIC: Final = re.compile(r"(?<!\*)\*[^*\s][^*\n]*?\*(?!\*)|(?<!\w)_[^_\n]+?_(?!\w)")
_LIST: Final = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s")


def _format(*, colour: str | None = None, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    """A character format for the highlighter."""
    fmt = QTextCharFormat()
    if colour:
        fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    return fmt


class BodyHighlighter(QSyntaxHighlighter):
    """Highlights the paper markup in a section body editor."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._figure = _format(colour="#1d5fa8", bold=True)
        self._figure.setBackground(QColor("#e8f0fb"))
        self._bold = _format(bold=True)
        self._italic = _format(italic=True)
        self._list = _format(colour="#8a5a00", bold=True)

    def highlightBlock(self, text: str) -> None:
        """Colour one line."""
        if _FIGURE.match(text):
            self.setFormat(0, len(text), self._figure)
            return
        marker = _LIST.match(text)
        if marker:
            self.setFormat(0, marker.end(), self._list)
        for match in _BOLD.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), self._bold)
        for match in _ITALIC.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), self._italic)
