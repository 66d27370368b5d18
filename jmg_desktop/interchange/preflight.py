"""Checks made on a file before any of it is parsed, so a hostile file costs almost nothing.

A workbook (.xlsx) is a zip of XML parts. Before a byte is inflated, its zip directory is read and
the file is refused when it has too many entries, would inflate past :data:`MAX_TOTAL_BYTES`, or has
an entry compressed more than :data:`MAX_RATIO` times (the mark of a zip bomb). Files that are not
zips are told apart by their first bytes: an OLE compound file is either a password-protected
workbook or an old .xls; anything else is a text file with a workbook's name.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from jmg_desktop.interchange.errors import InterchangeError

__all__ = [
    "MAX_COLUMNS",
    "MAX_ENTRIES",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_TOTAL_BYTES",
    "Preflight",
    "check_file",
    "file_kind",
]

#: The most entries a workbook may hold (a large real workbook has a few hundred).
MAX_ENTRIES: Final = 5_000
#: The most a workbook may inflate to, all entries together.
MAX_TOTAL_BYTES: Final = 200 * 1024 * 1024
#: The highest compression ratio allowed for an entry larger than :data:`_RATIO_FLOOR` inflated.
#: Sheet XML compresses 10-30 times; a zip bomb, thousands of times.
MAX_RATIO: Final = 200
_RATIO_FLOOR: Final = 1024 * 1024
#: The largest sheet read: far beyond any pool, far short of Excel's XFD1048576.
MAX_ROWS: Final = 500_000
MAX_COLUMNS: Final = 500

_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")
_CSV_SUFFIXES: Final = (".csv", ".txt", ".tsv")


@dataclass(frozen=True, slots=True)
class Preflight:
    """What the checks found: the parts of a workbook that passed, and notes for the user."""

    names: frozenset[str]
    notes: tuple[str, ...] = field(default=())


def _head(path: Path) -> bytes:
    """The first bytes of the file, or a one-sentence refusal if it cannot be read."""
    try:
        with path.open("rb") as stream:
            return stream.read(4096)
    except FileNotFoundError:
        raise InterchangeError(f"“{path.name}” does not exist.") from None
    except IsADirectoryError:
        raise InterchangeError(f"“{path.name}” is a folder, not a file.") from None
    except OSError as error:
        raise InterchangeError(f"“{path.name}” cannot be read: {error.strerror or error}.") from None


def file_kind(path: Path) -> str:
    """``xlsx`` or ``csv`` for a file that may be read; otherwise a one-sentence refusal."""
    head = _head(path)
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise InterchangeError(
                f"“{path.name}” is protected by a password: remove the password in Excel "
                "(File ▸ Info ▸ Protect Workbook), save it, and import that copy."
            )
        raise InterchangeError(
            f"“{path.name}” is an Excel 97–2003 workbook (.xls), which is not read: open it in Excel, "
            "save it as an Excel Workbook (.xlsx), and import that."
        )
    if path.suffix.lower() in _CSV_SUFFIXES:
        return "csv"
    if _looks_like_text(head):
        raise InterchangeError(
            f"“{path.name}” is a text file named as a workbook, not an Excel workbook: if it holds "
            "comma-separated values, rename it to end in .csv and import it."
        )
    raise InterchangeError(f"“{path.name}” is neither an Excel workbook (.xlsx) nor a CSV file.")


def _looks_like_text(head: bytes) -> bool:
    """Whether the first bytes read as text (UTF-8 or a Windows code page, no control bytes)."""
    if not head:
        return True
    if b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text has zeros
    return all(byte >= 0x20 or byte in b"\t\r\n\x0c" for byte in head)


def _is_encrypted_ole(path: Path) -> bool:
    """An encrypted .xlsx is an OLE file holding an ``EncryptionInfo`` stream; an .xls is not."""
    marker = "EncryptionInfo".encode("utf-16-le")
    try:
        with path.open("rb") as stream:
            # The directory of a small OLE file sits in its first sectors; an encrypted workbook's
            # directory is written before its (large) encrypted package in practice, so 1 MiB is
            # ample and bounds the cost of the check.
            return marker in stream.read(1024 * 1024)
    except OSError:
        return False


def check_file(path: Path) -> Preflight:
    """Check a workbook's zip directory without inflating anything; refuse in one sentence."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InterchangeError(f"“{path.name}” is damaged: it is not a complete Excel workbook.") from None
    except OSError as error:
        raise InterchangeError(f"“{path.name}” cannot be read: {error.strerror or error}.") from None
    with archive:
        entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise InterchangeError(
            f"“{path.name}” holds {len(entries):,} parts, more than the {MAX_ENTRIES:,} a workbook "
            "may have; it was not opened."
        )
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise InterchangeError(
                f"“{path.name}” has encrypted parts: remove its password in Excel and import that copy."
            )
        total += entry.file_size
        if entry.file_size > _RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise InterchangeError(
                f"“{path.name}” looks like a zip bomb: its part {entry.filename} would inflate "
                f"{entry.file_size // max(entry.compress_size, 1):,} times; it was not opened."
            )
    if total > MAX_TOTAL_BYTES:
        raise InterchangeError(
            f"“{path.name}” would inflate to {total / 1024 / 1024:,.0f} MB, more than the "
            f"{MAX_TOTAL_BYTES // 1024 // 1024} MB allowed; it was not opened."
        )
    names = frozenset(entry.filename for entry in entries)
    if "xl/workbook.bin" in names:
        raise InterchangeError(
            f"“{path.name}” is a binary workbook (.xlsb): save it in Excel as an Excel Workbook "
            "(.xlsx) and import that."
        )
    if "xl/workbook.xml" not in names:
        raise InterchangeError(
            f"“{path.name}” is a zip file but not an Excel workbook (it has no workbook part)."
        )
    notes: list[str] = []
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        notes.append(f"“{path.name}” contains macros; they were ignored and never run.")
    return Preflight(names, tuple(notes))
