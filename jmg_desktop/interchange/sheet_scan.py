"""Reading a sheet's rows with regular expressions instead of a parser callback per tag.

A 100,000-row sheet has 900,000 start tags; a call into Python for each was most of the time an
import takes to read it. Most sheets (those Excel, openpyxl and this application save) write every
row and cell in one plain shape::

    <row r="7" spans="1:8"><c r="A7" t="s"><v>12</v></c><c r="B7" s="2"><v>3342.50</v></c></row>

:class:`RowScanner` reads the rows of such a sheet with one expression over the text between
``<sheetData>`` and ``</sheetData>`` (a list of its tokens, in C), while every byte of the part still goes through defusedxml's
parser without handlers (so a part that is not well-formed, or declares entities, is refused as
before). The parts before and after the rows (the dimension, views, merges) are handed on to the
usual callback reader, which checks the dimension as ever.

Why it is exact: the text is matched as row start tags, cells and row ends, one after another
with nothing between them (not even whitespace, which the callback reader would keep in a value
before it), each cell inside a row and no row inside another. An attribute value
cannot hold ``<``, so a match can only start at a real tag, and an expression that does not cover
every byte (another attribute order, a rich text run, a comment, a prefix, a cell without its
reference, whitespace between cells) raises :class:`NotPlain` at once: the sheet is then read by
the callback reader from the start, which gives the same cells for every sheet both can read
(tests compare them). Anything the callback reader refuses (a cell beyond the sheet limits, a
shared text that is not there) is also left to it.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Final

from jmg_desktop.interchange.preflight import MAX_COLUMNS, MAX_ROWS
from jmg_desktop.interchange.table import Cell, column_index
from jmg_desktop.interchange.xlsx_strings import xml_text
from jmg_desktop.interchange.xml_stream import checking_reader

__all__ = ["NotPlain", "RowScanner"]

_START: Final = b"<sheetData>"
_END: Final = b"</sheetData>"
_ROW_END: Final = b"</row>"
# The text before the rows is held until <sheetData> is seen, and a row must end within this.
_HOLD_LIMIT: Final = 4 << 20
_ENCODING: Final = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_DECLARATION: Final = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^<>]*\?>")

# One cell: its column letters; style and type, in either order; a formula; a value or inline text.
_CELL_BODY: Final = (
    r'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?'
    r"(?:/>|>(<f(?: [^<>]*)?/>|<f(?: [^<>]*)?>[^<]*</f>)?"
    r'(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
)
# A row's start tag (or a row with no cells), a row's end, or a cell; the whole token first, so
# that their lengths show whether the tokens cover the text with nothing between them.
_TOKEN: Final = re.compile(r'(<row r="(\d+)"(?: [\w:.-]+="[^"<>]*")*/?>|</row>|' + _CELL_BODY + ")")
_WHOLE: Final = itemgetter(0)


class NotPlain(Exception):  # a signal to read the sheet the other way, not an error
    """The sheet is not all in the plain shape: read it with the callback reader instead."""


class RowScanner:
    """A ``rewrite`` for :func:`~jmg_desktop.interchange.xml_stream.stream_part`: it takes the
    rows out of the stream (into :attr:`rows`) and passes the rest on to the callback reader."""

    def __init__(self, shared: list[str], percent_styles: frozenset[str]) -> None:
        """A scanner resolving shared texts in ``shared`` and percentage styles."""
        self.shared = shared
        self.percent_styles = percent_styles
        #: ``(row_number, {column_index: cell})`` for each row with a cell, in sheet order.
        self.rows: list[tuple[int, dict[int, Cell]]] = []
        self._checker = checking_reader()
        self._state = "head"
        self._held = b""
        self._columns: dict[str, int] = {}

    def __call__(self, chunk: bytes, final: bool) -> bytes:
        """Check ``chunk``; return what the callback reader is to parse of it (the parts outside
        the rows)."""
        self._checker.feed(chunk)
        if final:
            self._checker.close()
        if self._state == "tail":
            return chunk
        data = self._held + chunk if self._held else chunk
        self._held = b""
        passed = b""
        if self._state == "head":
            at = data.find(_START)
            if at < 0:
                if final or len(data) > _HOLD_LIMIT:
                    raise NotPlain
                self._held = data
                return b""
            passed = data[: at + len(_START)]
            self._check_head(passed)
            data = data[at + len(_START) :]
            self._state = "body"
        end = data.find(_END)
        if end >= 0:
            self._scan(data[:end])
            self._state = "tail"
            return passed + data[end:]
        if final:
            raise NotPlain  # no end to the rows: the callback reader says what is wrong
        cut = data.rfind(_ROW_END) + len(_ROW_END)
        if cut < len(_ROW_END):
            if len(data) > _HOLD_LIMIT:
                raise NotPlain
            self._held = data
            return passed
        self._held = data[cut:]
        self._scan(data[:cut])
        return passed

    @staticmethod
    def _check_head(head: bytes) -> None:
        """Only a UTF-8 part whose only markup before the rows is elements (no comment, CDATA
        section or processing instruction, where ``<sheetData>`` could be text)."""
        declared = _ENCODING.match(head[:200])
        if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
            raise NotPlain
        declaration = _DECLARATION.match(head)
        body = head[declaration.end() :] if declaration else head
        if b"<!" in body or b"<?" in body or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise NotPlain

    def _scan(self, data: bytes) -> None:
        """Read whole rows, with nothing between them, from ``data``."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NotPlain from None
        decode = "&" in text or "\r" in text
        rows = self.rows
        columns = self._columns
        shared, percent_styles = self.shared, self.percent_styles
        shared_count = len(shared)
        tokens = _TOKEN.findall(text)
        # Text between tokens (even whitespace, which the callback reader keeps), or any other tag.
        if sum(map(len, map(_WHOLE, tokens))) != len(text):
            raise NotPlain
        cells: dict[int, Cell] | None = None
        row_number = 0
        for whole, number, letters, style, kind, style_after, formula, value, inline in tokens:
            if letters:  # a cell; the two most sheets are made of first: a shared text, a number
                if cells is None:
                    raise NotPlain  # outside a row
                column = columns.get(letters)
                if column is None:
                    column = self._learn(letters)
                if kind == "s" and value.isdigit():
                    index = int(value)
                    if index >= shared_count:
                        raise NotPlain  # the callback reader refuses it in its words
                    cells[column] = ("s", shared[index])
                    continue
                style = style or style_after
                if not kind and value and not (formula or decode or value[-1].isspace()):
                    cells[column] = ("p" if style in percent_styles else "n", value)
                    continue
                found = _other_cell(kind, style, value, inline, bool(formula), decode, self)
                if found is not None:
                    cells[column] = found
            elif number:  # a row starts
                if cells is not None:
                    raise NotPlain  # inside another row
                row_number = int(number)
                if row_number > MAX_ROWS:
                    raise NotPlain
                if whole[-2] != "/":
                    cells = {}
            else:  # the row ends
                if cells is None:
                    raise NotPlain
                if cells:
                    rows.append((row_number, cells))
                cells = None
        if cells is not None:
            raise NotPlain  # a row not ended where the rows were cut

    def _learn(self, letters: str) -> int:
        """The index of a column first seen; beyond the limit, the callback reader refuses it."""
        index = column_index(letters)
        if index >= MAX_COLUMNS:
            raise NotPlain
        self._columns[letters] = index
        return index


def _other_cell(
    kind: str, style: str, value: str, inline: str, has_formula: bool, decode: bool, scanner: RowScanner
) -> Cell | None:
    """Any other cell, exactly as the callback reader reads it (None for a cell with nothing in it)."""
    if decode:
        value, inline = xml_text(value), xml_text(inline)
    if inline or kind == "inlineStr":
        if kind != "inlineStr":
            raise NotPlain
        text = inline or value  # an inline text keeps its edges
        return ("s", text) if text else (("f", "") if has_formula else None)
    if value[-1:].isspace():
        value = value.strip()
    if not value:
        return ("f", "") if has_formula else None
    if kind in ("", "n"):
        return ("p" if style in scanner.percent_styles else "n", value)
    if kind == "s":
        if value.isdigit() and int(value) < len(scanner.shared):
            return ("s", scanner.shared[int(value)])
        raise NotPlain  # not a number of a shared text: the callback reader says so
    if kind in ("b", "e", "d"):
        return (kind, value)
    return ("s", value)
