"""A sheet as the readers hand it over: numbered rows of typed cells, with the decimal text kept.

A cell is a ``(kind, text)`` pair. ``text`` is exactly what the file holds, so a number is the
decimal text written in the workbook's XML (never a float). Kinds:

* ``n`` a number, ``p`` a number formatted as a percentage (0.5 shown as 50%),
* ``s`` text, ``b`` a true/false value (``1``/``0``), ``d`` an ISO date,
* ``e`` an error value such as ``#REF!``,
* ``f`` a formula saved without its value (the file was written by a program that does not
  calculate, and never opened and saved in Excel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

__all__ = [
    "Cell",
    "SheetData",
    "column_index",
    "column_letter",
]

Cell = tuple[str, str]

_A: Final = ord("A")


@lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """``0`` → ``A``, ``25`` → ``Z``, ``26`` → ``AA``: the letters Excel shows above a column."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(_A + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` → ``0``; the inverse of :func:`column_letter` (upper-case letters only)."""
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - _A + 1)
    return number - 1


@dataclass(slots=True)
class SheetData:
    """One sheet's cells: ``rows`` holds ``(row_number, {column_index: cell})`` for each row that
    has any cell, in sheet order (row numbers as Excel shows them, from 1)."""

    name: str
    rows: list[tuple[int, dict[int, Cell]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def column_count(self) -> int:
        """One more than the highest column index that holds a cell."""
        highest = -1
        for _number, cells in self.rows:
            if cells:
                highest = max(highest, max(cells))
        return highest + 1

    def text(self, row_index: int, column: int) -> str:
        """The text of a cell by position in :attr:`rows` (empty when there is none)."""
        cell = self.rows[row_index][1].get(column)
        return cell[1] if cell is not None else ""
