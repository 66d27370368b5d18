"""Reading a CSV file as a sheet: every cell is text, amounts are parsed like typed text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.preflight import MAX_COLUMNS, MAX_ROWS, MAX_TOTAL_BYTES
from jmg_desktop.interchange.table import SheetData

__all__ = ["read_csv"]


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 as Excel saves it."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InterchangeError(f"“{name}” is not a text file, so it cannot be read as CSV.")
    for encoding in (
        ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",)
    ):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("cp1252", errors="replace")


def read_csv(path: Path) -> SheetData:
    """The CSV file as one sheet named after the file; the delimiter (comma, semicolon or tab) is
    recognised from the first lines."""
    try:
        size = path.stat().st_size
        if size > MAX_TOTAL_BYTES:
            raise InterchangeError(
                f"“{path.name}” is {size / 1024 / 1024:,.0f} MB, more than the "
                f"{MAX_TOTAL_BYTES // 1024 // 1024} MB that is read."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InterchangeError(f"“{path.name}” does not exist.") from None
    except OSError as error:
        raise InterchangeError(f"“{path.name}” cannot be read: {error.strerror or error}.") from None
    text = _decode(data, path.name)
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = SheetData(path.stem)
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
            if number > MAX_ROWS or len(record) > MAX_COLUMNS:
                raise InterchangeError(
                    f"“{path.name}” has more than {MAX_ROWS:,} rows or {MAX_COLUMNS} columns; nothing was imported."
                )
            cells = {index: ("s", value) for index, value in enumerate(record) if value.strip()}
            if cells:
                sheet.rows.append((number, cells))
    except csv.Error as error:
        raise InterchangeError(f"“{path.name}” is not valid CSV: {error}.") from None
    return sheet
