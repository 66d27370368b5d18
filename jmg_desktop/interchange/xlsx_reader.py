"""Reading an .xlsx workbook safely and exactly.

The file passes :mod:`~jmg_desktop.interchange.preflight` before anything is inflated; the parts are
parsed with defusedxml (:mod:`~jmg_desktop.interchange.xml_stream`). Sheets are streamed, and each
cell keeps the decimal text the file holds: a money cell is never a float on the way in.

Why our own reader and not python-calamine or openpyxl: calamine hands numbers over as floats and
cannot tell a formula saved without its value from an empty cell; openpyxl parses a 100,000-row
sheet with defusedxml in ~4 s. This reader streams the same XML through defusedxml's expat parser
in about a second and keeps every cell's text.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.preflight import MAX_COLUMNS, MAX_ROWS, check_file
from jmg_desktop.interchange.sheet_scan import NotPlain, RowScanner
from jmg_desktop.interchange.table import Cell, SheetData, column_index, column_letter
from jmg_desktop.interchange.value_tags import VALUE_ELEMENT, VALUE_MARK, ValueTags
from jmg_desktop.interchange.xlsx_strings import read_shared_strings
from jmg_desktop.interchange.xml_stream import Budget, local, parse_part, stream_part

__all__ = ["SheetInfo", "Workbook", "open_workbook"]

_REF: Final = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")
_OFFICE_REL: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PERCENT_FORMATS: Final = frozenset({9, 10})


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """A sheet as the workbook lists it."""

    name: str
    part: str
    hidden: bool


def _resolve(base: str, target: str) -> str:
    """A relationship target as a part name inside the zip."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


class Workbook:
    """An opened workbook: its sheets, read one at a time with :meth:`read_sheet`."""

    def __init__(self, path: Path, archive: zipfile.ZipFile, notes: tuple[str, ...]) -> None:
        """Use :func:`open_workbook`."""
        self.path = path
        self._archive = archive
        self._budget = Budget(path.name)
        self.notes: list[str] = list(notes)
        self.sheets = self._read_sheet_list()
        self._shared: list[str] | None = None
        self._percent_styles: frozenset[str] | None = None

    def close(self) -> None:
        """Release the file."""
        self._archive.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def sheet_names(self) -> list[str]:
        """Visible sheets first, in workbook order, then hidden ones."""
        return [s.name for s in self.sheets if not s.hidden] + [s.name for s in self.sheets if s.hidden]

    # -- the workbook's own parts ---------------------------------------------------------------

    def _read_sheet_list(self) -> list[SheetInfo]:
        """The sheets named in xl/workbook.xml, with their parts found through its relationships."""
        book = parse_part(self._archive, "xl/workbook.xml", self._budget)
        rels = parse_part(self._archive, "xl/_rels/workbook.xml.rels", self._budget)
        if book is None:
            raise InterchangeError(f"“{self.path.name}” is not an Excel workbook (it has no workbook part).")
        targets: dict[str, str] = {}
        for rel in rels if rels is not None else ():
            if local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
                targets[rel.get("Id", "")] = _resolve("xl/workbook.xml", rel.get("Target", ""))
        sheets: list[SheetInfo] = []
        for element in book.iter():
            if local(element.tag) != "sheet":
                continue
            rel_id = element.get(f"{{{_OFFICE_REL}}}id") or element.get("id") or ""
            part = targets.get(rel_id)
            if part is None or not part.endswith(".xml"):
                continue  # a chart sheet or dialog sheet: nothing to import
            sheets.append(
                SheetInfo(element.get("name", part), part, element.get("state", "visible") != "visible")
            )
        if not sheets:
            raise InterchangeError(f"“{self.path.name}” has no worksheets to import.")
        return sheets

    def _shared_strings(self) -> list[str]:
        """The shared strings table (:mod:`~jmg_desktop.interchange.xlsx_strings`), read once."""
        if self._shared is None:
            part = self._part_for("sharedStrings", "xl/sharedStrings.xml")
            self._shared = read_shared_strings(self._archive, part, self._budget)
        return self._shared

    def _part_for(self, kind: str, default: str) -> str:
        """The part a workbook relationship of ``kind`` points to (shared strings, styles)."""
        rels = parse_part(self._archive, "xl/_rels/workbook.xml.rels", self._budget)
        for rel in rels if rels is not None else ():
            if rel.get("Type", "").endswith("/" + kind) and rel.get("Target"):
                return _resolve("xl/workbook.xml", rel.get("Target", ""))
        return default

    def _percent_style_ids(self) -> frozenset[str]:
        """The cell style indexes whose number format shows a percentage."""
        if self._percent_styles is not None:
            return self._percent_styles
        styles = parse_part(self._archive, self._part_for("styles", "xl/styles.xml"), self._budget)
        found: set[str] = set()
        if styles is not None:
            percent_codes = {
                int(fmt.get("numFmtId", "-1"))
                for fmt in styles.iter()
                if local(fmt.tag) == "numFmt" and "%" in re.sub(r'"[^"]*"', "", fmt.get("formatCode", ""))
            } | _PERCENT_FORMATS
            for container in styles.iter():
                if local(container.tag) != "cellXfs":
                    continue
                for index, xf in enumerate(x for x in container if local(x.tag) == "xf"):
                    if int(xf.get("numFmtId", "0") or 0) in percent_codes:
                        found.add(str(index))
        self._percent_styles = frozenset(found)
        return self._percent_styles

    # -- sheets ----------------------------------------------------------------------------------

    def read_sheet(self, name: str) -> SheetData:
        """Every cell of the sheet called ``name`` (refusing a sheet larger than is read)."""
        info = next((s for s in self.sheets if s.name == name), None)
        if info is None:
            raise InterchangeError(
                f"“{self.path.name}” has no sheet called “{name}”; it has: {', '.join(self.sheet_names)}."
            )
        shared = self._shared_strings() if self._has_shared_strings() else []
        percent = self._percent_style_ids()
        used, scanner = self._budget.used, RowScanner(shared, percent)
        try:
            sheet = _stream_sheet(self._archive, info, shared, percent, self._budget, scanner)
            if sheet.rows:  # cells outside <sheetData>, which the callback reader reads too
                raise NotPlain
            sheet.rows = scanner.rows
            sheet.notes[:0] = self.notes
            return sheet
        except NotPlain:
            self._budget.used = used  # read again from the start, and counted again
        rewrite = ValueTags()
        try:
            sheet = _stream_sheet(self._archive, info, shared, percent, self._budget, rewrite)
        except InterchangeError:
            if not rewrite.changed:
                raise
            # Read as written: the refusal, if it stands, is then about the file itself.
            self._budget.used = used
            sheet = _stream_sheet(self._archive, info, shared, percent, self._budget)
        sheet.notes[:0] = self.notes
        return sheet

    def _has_shared_strings(self) -> bool:
        """Whether the workbook has a shared strings part at all."""
        return self._part_for("sharedStrings", "xl/sharedStrings.xml") in self._archive.NameToInfo


def open_workbook(path: Path | str) -> Workbook:
    """Check and open an .xlsx file; refuse in one sentence if it is unsafe or not a workbook."""
    path = Path(path)
    preflight = check_file(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InterchangeError(f"“{path.name}” is damaged: it is not a complete Excel workbook.") from None
    try:
        return Workbook(path, archive, preflight.notes)
    except BaseException:
        archive.close()
        raise


def _too_large(sheet: str, file_name: str, ref: str) -> InterchangeError:
    """The refusal for a sheet that reaches beyond what is read."""
    return InterchangeError(
        f"Sheet “{sheet}” of “{file_name}” reaches cell {ref}, beyond the {MAX_ROWS:,} rows and "
        f"{MAX_COLUMNS} columns that are read; nothing was imported."
    )


def _stream_sheet(
    archive: zipfile.ZipFile,
    info: SheetInfo,
    shared: list[str],
    percent_styles: frozenset[str],
    budget: Budget,
    rewrite: ValueTags | None = None,
) -> SheetData:
    """Stream one sheet's XML into a :class:`SheetData` (the hot loop of every import), its
    ``<v>`` tags rewritten away by ``rewrite`` when given."""
    sheet = SheetData(info.name)
    rows = sheet.rows
    letters_cache: dict[str, int] = {}
    local_names: dict[str, str] = {VALUE_ELEMENT: "v"}  # a rewritten <v> after a formula
    # The parser's state, in locals captured by the handlers (much faster than attributes).
    row_cells: dict[int, Cell] = {}
    row_number = 0
    row_too_far = False
    column = -1
    cell_type = "n"
    cell_style: str | None = None
    has_formula = False
    collecting = False
    in_inline = False
    pending = False
    value: str | None = None

    def locate(ref: str) -> tuple[int, int]:
        """Row number and column index of a reference like ``AB12`` (for the dimension)."""
        match = _REF.fullmatch(ref)
        if match is None:
            raise InterchangeError(
                f"Sheet “{info.name}” of “{budget.file_name}” has a cell named “{ref[:20]}”, which is not a cell reference."
            )
        letters, digits = match.groups()
        number, index = int(digits), column_index(letters)
        if number > MAX_ROWS or index >= MAX_COLUMNS or number < 1:
            raise _too_large(info.name, budget.file_name, ref)
        return number, index

    def learn_letters(letters: str, ref: str) -> int:
        """The column index of a cell reference's letters, checked once per distinct column."""
        if not (letters.isascii() and letters.isalpha() and letters.isupper() and len(letters) <= 3):
            raise InterchangeError(
                f"Sheet “{info.name}” of “{budget.file_name}” has a cell named “{ref[:20]}”, which is not a cell reference."
            )
        index = column_index(letters)
        if index >= MAX_COLUMNS:
            raise _too_large(info.name, budget.file_name, ref)
        letters_cache[letters] = index
        return index

    def learn_name(name: str) -> str:
        """An element name without its prefix (``x:c`` → ``c``), remembered."""
        local_names[name] = found = name[name.find(":") + 1 :]
        return found

    shared_count = len(shared)

    # Only start tags and text are handled: a cell is complete when the next cell, row or other
    # element starts (or the sheet ends). Leaving out the end-tag handler saves two of the five
    # calls into Python per cell, most of the cost of reading a large sheet.
    def flush_cell() -> None:
        nonlocal pending
        pending = False
        text_value = value
        if text_value is not None and text_value[-1:].isspace() and cell_type != "inlineStr":
            text_value = text_value.strip()  # whitespace between tags of a pretty-printed file
        cell = _cell(cell_type, cell_style, text_value, has_formula, shared, percent_styles)
        if cell is not None:
            row_cells[column] = cell

    def flush_row() -> None:
        if pending:
            flush_cell()
        if row_cells:
            rows.append((row_number, dict(row_cells)))
            row_cells.clear()

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row_number, row_too_far, column, cell_type, cell_style, has_formula, collecting
        nonlocal in_inline, value, pending
        tag = local_names.get(name) or learn_name(name)
        if tag == "v":
            collecting = True
            value = ""
        elif tag == "c":
            if pending:  # the previous cell, completed here; numbers and shared text inline (hot)
                if cell_type == "n" and value and not has_formula and cell_style not in percent_styles:
                    row_cells[column] = ("n", value.strip() if value[-1].isspace() else value)
                elif cell_type == "s" and value and value.isdigit() and int(value) < shared_count:
                    row_cells[column] = ("s", shared[int(value)])
                else:
                    flush_cell()
            ref = attrs.get("r")
            if ref is None:
                column += 1
                if column >= MAX_COLUMNS or row_too_far:
                    raise _too_large(info.name, budget.file_name, f"{column_letter(column)}{row_number}")
            else:
                letters = ref.rstrip("0123456789")
                column = letters_cache.get(letters)  # type: ignore[assignment]
                if column is None:
                    column = learn_letters(letters, ref)
                if row_too_far:
                    raise _too_large(info.name, budget.file_name, ref)
            cell_type = attrs.get("t", "n")
            cell_style = attrs.get("s")
            has_formula = in_inline = False
            if VALUE_MARK in attrs:  # a rewritten <v>: its text follows (see value_tags)
                collecting = True
                value = ""
            else:
                collecting = False
                value = None
            pending = True
        elif tag == "row":
            flush_row()
            collecting = False
            column = -1
            number_text = attrs.get("r")
            # The limit is checked at the row's first cell, whose reference names the place.
            row_number = int(number_text) if number_text and number_text.isdigit() else row_number + 1
            row_too_far = row_number > MAX_ROWS
        elif tag == "f":
            has_formula = True
            collecting = False
        elif tag == "is":
            in_inline = True
            value = ""
        elif tag == "t" and in_inline:
            collecting = True
        elif tag == "rPh" or tag == "rPr":
            collecting = False  # phonetic guides and run formatting are not the cell's text
        elif tag == "dimension":
            for ref in attrs.get("ref", "").split(":"):
                if ref:
                    locate(ref)
        elif tag not in ("r", "sheetData"):
            flush_row()
            collecting = False

    def text(data: str) -> None:
        nonlocal value
        if collecting:
            value = data if value is None else value + data

    if not stream_part(archive, info.part, budget, start, None, text, rewrite):
        raise InterchangeError(f"“{budget.file_name}” is damaged: sheet “{info.name}” is missing.")
    flush_row()
    return sheet


def _cell(
    cell_type: str,
    style: str | None,
    value: str | None,
    has_formula: bool,
    shared: list[str],
    percent_styles: frozenset[str],
) -> Cell | None:
    """One cell's ``(kind, text)``, or None for a cell that holds nothing (formatting only)."""
    if value is None or value == "":
        return ("f", "") if has_formula else None
    if cell_type == "n":
        return ("p" if style in percent_styles else "n", value)
    if cell_type == "s":
        try:
            return ("s", shared[int(value)])
        except (ValueError, IndexError):
            raise InterchangeError(
                "The workbook is damaged: a cell refers to a text that is not there."
            ) from None
    if cell_type in ("str", "inlineStr"):
        return ("s", value)
    if cell_type in ("b", "e", "d"):
        return (cell_type, value)
    return ("s", value)
