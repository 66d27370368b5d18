"""Tab-separated text in and out, as Excel and LibreOffice put it on the clipboard."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from jmg_desktop.core.money import Money

__all__ = ["parse_tsv", "rows_to_tsv"]

_AMOUNT_COLUMN = 4


class _Model(Protocol):
    """What copying needs of the lines model."""

    def record(self, row: int) -> object:
        """The record of a row."""
        ...

    def data(self, index: object, role: int = ...) -> object:
        """A cell's data."""
        ...

    def index(self, row: int, column: int) -> object:
        """A model index."""
        ...


def _quote(cell: str) -> str:
    """Quote a cell the way Excel does when it holds a tab, a line break or a quote."""
    if any(ch in cell for ch in '\t\n\r"'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def rows_to_tsv(model: _Model, rows: Sequence[int], columns: Sequence[int]) -> str:
    """The cells of ``rows`` × ``columns`` as tab-separated text; amounts as plain numbers so a
    spreadsheet reads them as numbers."""
    from PySide6.QtCore import Qt

    lines = []
    for row in rows:
        cells = []
        for column in columns:
            if column == _AMOUNT_COLUMN:
                cells.append(Money(model.record(row).amount_pence).format_plain())  # type: ignore[attr-defined]
            else:
                value = model.data(model.index(row, column), Qt.ItemDataRole.EditRole)
                cells.append(_quote(str(value or "")))
        lines.append("\t".join(cells))
    return "\r\n".join(lines) + "\r\n"


def parse_tsv(text: str) -> list[list[str]]:
    """Split clipboard text into rows of cells: handles Excel's quoted cells (with tabs, line
    breaks and doubled quotes inside), CRLF or LF line ends, and ignores a trailing empty line."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    i, n = 0, len(text)
    at_cell_start = True
    while i < n:
        ch = text[i]
        if at_cell_start and ch == '"':
            # A quoted cell runs to the next quote that is not doubled.
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        cell.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                cell.append(text[i])
                i += 1
            at_cell_start = False
            continue
        if ch == "\t":
            row.append("".join(cell))
            cell, at_cell_start = [], True
        elif ch in "\r\n":
            row.append("".join(cell))
            rows.append(row)
            row, cell, at_cell_start = [], [], True
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
        else:
            cell.append(ch)
            at_cell_start = False
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    while rows and all(not c.strip() for c in rows[-1]):
        rows.pop()  # Excel ends with a line break; blank rows at the end mean nothing
    return rows
