"""Reading a sheet's rows with regular expressions instead of a parser callback per tag.

A 100,000-row sheet has 900,000 start tags; a call into Python for each was most of the time an
import takes to read it. Most sheets (those Excel, openpyxl and this application save) write every
row and cell in one plain shape::

    <row r="7" spans="1:8"><c r="A7" t="s"><v>12</v></c><c r="B7" s="2"><v>3342.50</v></c></row>

:class:`RowScanner` reads the rows of such a sheet with one expression over the text between
``<sheetData>`` and ``</sheetData>`` (a list of its tokens, in C). The parts before and after the
rows (the declaration, the root element, the dimension, views, merges) are handed on to the usual
callback reader, defusedxml's parser, which checks them as ever: that they are well-formed, that
the dimension is within the limits, and that there is no document type declaration.

Why it is exact: the text is matched as row start tags, cells and row ends, one after another
with nothing between them (not even whitespace, which the callback reader would keep in a value
before it), each cell inside a row and no row inside another. An attribute value
cannot hold ``<``, so a match can only start at a real tag, and an expression that does not cover
every byte (another attribute order, a rich text run, a comment, a prefix, a cell without its
reference, whitespace between cells) raises :class:`NotPlain` at once: the sheet is then read by
the callback reader from the start, which gives the same cells for every sheet both can read
(tests compare them). Anything the callback reader refuses (a cell beyond the sheet limits, a
shared text that is not there) is also left to it.

Why the rows need no parser as well (they used to go through defusedxml's parser too, a fifth of
the time a 100,000-row sheet takes to read): the tokens are elements whose every start and end
tag is spelled out by the expression, so the rows are well-formed XML once these hold too, and
any row text where one does not is read by the callback reader from the start (which refuses it
in its words if it is not well-formed):

* no byte the XML character range leaves out (a control character, U+FFFE, U+FFFF), and UTF-8;
* every ``&`` starts one of the five predefined entities or a reference to a character in that
  range: with no document type declaration (only possible before the root element, in the part
  the callback reader parses, which refuses one) no other entity exists, so nothing can expand;
* no ``]]>`` (not allowed in text), no attribute twice in a start tag, and every attribute name
  of a row or formula tag a plain ASCII XML name (the expression lets a row or formula tag carry
  attributes it does not read).

Rows therefore never expand an entity, and what this reader accepts the parser accepts too.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Final

from jmg_desktop.interchange.preflight import MAX_COLUMNS, MAX_ROWS
from jmg_desktop.interchange.table import Cell, column_index
from jmg_desktop.interchange.xlsx_strings import xml_text

__all__ = ["NotPlain", "RowScanner"]

_START: Final = b"<sheetData>"
_END: Final = b"</sheetData>"
_ROW_END: Final = b"</row>"
# The text before the rows is held until <sheetData> is seen, and a row must end within this.
_HOLD_LIMIT: Final = 4 << 20
_ENCODING: Final = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_DECLARATION: Final = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^<>]*\?>")

# One cell: its column letters; style and type, in either order (a style once); a formula; a value
# or inline text.
_CELL_BODY: Final = (
    r'<c r="([A-Z]{1,3})\d+"(?: s="(?P<style>\d+)")?(?: t="(\w+)")?(?(style)|(?: s="(\d+)")?)'
    r"(?:/>|>(<f(?: [^<>]*)?/>|<f(?: [^<>]*)?>[^<]*</f>)?"
    r'(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
)
# A row's start tag (or a row with no cells), a row's end, or a cell; the whole token first, so
# that their lengths show whether the tokens cover the text with nothing between them.
_TOKEN: Final = re.compile(r'(<row r="(\d+)"(?: [\w:.-]+="[^"<>]*")*/?>|</row>|' + _CELL_BODY + ")")
_WHOLE: Final = itemgetter(0)
# Bytes below the space that XML leaves out of its characters (tab, line feed and return are in).
_CONTROLS: Final = bytes(code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D))
_NOT_CHARACTERS: Final = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE and U+FFFF in UTF-8
_AMPERSAND: Final = re.compile(r"&(?:amp;|lt;|gt;|quot;|apos;|#([0-9]{1,7});|#x([0-9a-fA-F]{1,6});)?")
# The attributes a row or formula start tag may carry beyond those the expression reads.
_ATTRIBUTES: Final = re.compile(r'(?: [A-Za-z_][A-Za-z0-9_.:-]*="[^"<>]*")*')
_ATTRIBUTE_NAME: Final = re.compile(r' ([^=]+)="')
_ATTRIBUTES_KEPT: Final = 4096  # rows whose heights all differ need not all be remembered


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
        self._state = "head"
        self._held = b""
        self._columns: dict[str, int] = {}
        # Each shared text's cell by the number as written, made once (and held once) for all the
        # cells that show it: a dictionary look-up instead of a number parsed and a pair made.
        self._shared_cells: dict[str, Cell] = {}
        # Attributes of row and formula start tags already found to be well-formed.
        self._attributes: set[str] = {""}

    def __call__(self, chunk: bytes, final: bool) -> bytes:
        """Take the rows out of ``chunk``; return what the callback reader is to parse of it (the
        parts outside the rows)."""
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
        if len(data.translate(None, _CONTROLS)) != len(data) or any(map(data.__contains__, _NOT_CHARACTERS)):
            raise NotPlain
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NotPlain from None
        if "]]>" in text:
            raise NotPlain
        has_reference = "&" in text
        if has_reference:
            _check_references(text)
        decode = has_reference or "\r" in text
        rows = self.rows
        columns = self._columns
        shared, percent_styles = self.shared, self.percent_styles
        shared_count, shared_cells = len(shared), self._shared_cells
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
                if formula:
                    self._check_attributes(formula[2 : formula.index(">")].removesuffix("/"), ())
                column = columns.get(letters)
                if column is None:
                    column = self._learn(letters)
                if kind == "s":
                    found = shared_cells.get(value)
                    if found is not None:
                        cells[column] = found
                        continue
                    if value.isdigit():
                        index = int(value)
                        if index >= shared_count:
                            raise NotPlain  # the callback reader refuses it in its words
                        cells[column] = shared_cells[value] = ("s", shared[index])
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
                closed = whole[-2] == "/"
                if len(whole) - len(number) != 10:  # <row r="…"> with other attributes, or closed
                    self._check_attributes(whole[len(number) + 9 : -2 if closed else -1], ("r",))
                if not closed:
                    cells = {}
            else:  # the row ends
                if cells is None:
                    raise NotPlain
                if cells:
                    rows.append((row_number, cells))
                cells = None
        if cells is not None:
            raise NotPlain  # a row not ended where the rows were cut

    def _check_attributes(self, attributes: str, read: tuple[str, ...]) -> None:
        """Refuse (as not plain) a start tag's ``attributes`` text unless it is well-formed XML:
        plain names, none twice nor one of those already ``read`` from the tag."""
        if attributes in self._attributes:
            return
        if _ATTRIBUTES.fullmatch(attributes) is None:
            raise NotPlain
        names = [*read, *_ATTRIBUTE_NAME.findall(attributes)]
        if len(set(names)) != len(names):
            raise NotPlain
        if len(self._attributes) < _ATTRIBUTES_KEPT:
            self._attributes.add(attributes)

    def _learn(self, letters: str) -> int:
        """The index of a column first seen; beyond the limit, the callback reader refuses it."""
        index = column_index(letters)
        if index >= MAX_COLUMNS:
            raise NotPlain
        self._columns[letters] = index
        return index


def _check_references(text: str) -> None:
    """Refuse (as not plain) an ``&`` that does not start a predefined entity or a reference to
    a character XML allows."""
    for match in _AMPERSAND.finditer(text):
        decimal, hexadecimal = match.groups()
        if match.end() - match.start() == 1:
            raise NotPlain  # a bare "&", or an entity no declaration can have made
        if decimal or hexadecimal:
            code = int(decimal, 10) if decimal else int(hexadecimal, 16)
            if not (
                code in (0x09, 0x0A, 0x0D)
                or 0x20 <= code <= 0xD7FF
                or 0xE000 <= code <= 0xFFFD
                or 0x10000 <= code <= 0x10FFFF
            ):
                raise NotPlain


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
