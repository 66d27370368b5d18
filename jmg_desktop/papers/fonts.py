"""The paper's font family: Liberation Sans (metrically Arial) from ``resources/fonts/``.

Typst is given only this folder (system fonts ignored), so every machine draws the same glyphs and
writes the same bytes. Which characters the family can print is read from the TrueType ``cmap``
tables here, so a paper is refused with the characters named before Typst would draw a blank box.
"""

from __future__ import annotations

import struct
import unicodedata
from functools import cache
from pathlib import Path
from typing import Final

from jmg_desktop.papers.errors import PaperError
from jmg_desktop.resources import resource_path

__all__ = ["FAMILY", "describe_characters", "font_dir", "missing_characters"]

FAMILY: Final = "Liberation Sans"
_FILES: Final = (
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSans-Italic.ttf",
    "LiberationSans-BoldItalic.ttf",
)


#: Characters every face surely prints, with the layout characters (line breaks and tabs): ASCII,
#: Latin-1, Latin Extended-A (Welsh ŵ and ŷ) and the typographic quotes, dashes, ellipsis,
#: bullet and euro. Most papers hold nothing else, so their check reads no font file; a test keeps
#: this set inside what the fonts' ``cmap`` tables say.
_SURELY_PRINTABLE: Final = frozenset(
    "\n\r\t" + "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x180))) + "‘’‚“”„–—…•′″€™"
)


def font_dir() -> Path:
    """The folder holding the four faces, the only fonts a paper may use."""
    return resource_path("fonts")


def _format_4(data: bytes, offset: int) -> set[int]:
    """Code points mapped by a format 4 (BMP, segmented) subtable."""
    segments = struct.unpack_from(">H", data, offset + 6)[0] // 2
    ends_at = offset + 14
    starts_at = ends_at + 2 * segments + 2
    deltas_at = starts_at + 2 * segments
    ranges_at = deltas_at + 2 * segments
    ends = struct.unpack_from(f">{segments}H", data, ends_at)
    starts = struct.unpack_from(f">{segments}H", data, starts_at)
    deltas = struct.unpack_from(f">{segments}h", data, deltas_at)
    range_offsets = struct.unpack_from(f">{segments}H", data, ranges_at)
    codes: set[int] = set()
    for index, (start, end, delta, range_offset) in enumerate(
        zip(starts, ends, deltas, range_offsets, strict=True)
    ):
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = ranges_at + 2 * index + range_offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", data, at)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                codes.add(code)
    return codes


def _format_12(data: bytes, offset: int) -> set[int]:
    """Code points mapped by a format 12 (full Unicode, grouped) subtable."""
    groups = struct.unpack_from(">I", data, offset + 12)[0]
    codes: set[int] = set()
    for group in range(groups):
        start, end, _glyph = struct.unpack_from(">III", data, offset + 16 + 12 * group)
        codes.update(range(start, end + 1))
    return codes


def _cmap_codes(path: Path) -> set[int]:
    """Every code point one TrueType file maps to a glyph (its Unicode ``cmap`` subtables)."""
    data = path.read_bytes()
    tables = struct.unpack_from(">H", data, 4)[0]
    cmap = None
    for index in range(tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if tag == b"cmap":
            cmap = offset
    if cmap is None:
        raise ValueError("no cmap table")
    codes: set[int] = set()
    for index in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * index)
        if (platform, encoding) not in {(3, 1), (3, 10), (0, 3), (0, 4)}:
            continue
        subtable = cmap + offset
        kind = struct.unpack_from(">H", data, subtable)[0]
        if kind == 4:
            codes |= _format_4(data, subtable)
        elif kind == 12:
            codes |= _format_12(data, subtable)
    return codes


@cache
def _covered() -> frozenset[int]:
    """Code points that every face of the family can print (a character may appear in any style)."""
    sets = []
    for filename in _FILES:
        try:
            sets.append(_cmap_codes(font_dir() / filename))
        except (OSError, ValueError, struct.error) as error:  # a missing or damaged bundled font
            raise PaperError(f"The paper font {filename} could not be read ({error}).") from None
    return frozenset(set.intersection(*sets))


def missing_characters(texts: list[str]) -> list[str]:
    """Characters in ``texts`` the font cannot print, each once, in order of first appearance.

    Line breaks and tabs are layout, not glyphs, so they are never reported.
    """
    if set().union(*texts) <= _SURELY_PRINTABLE:
        return []
    covered = _covered()
    seen: dict[str, None] = {}
    for text in texts:
        for char in text:
            if char in "\n\r\t" or ord(char) in covered:
                continue
            seen.setdefault(char, None)
    return list(seen)


def describe_characters(chars: list[str]) -> str:
    """``“あ” (U+3042 HIRAGANA LETTER A)``, joined for a message."""
    parts = []
    for char in chars:
        name = unicodedata.name(char, "unnamed character")
        shown = char if unicodedata.category(char)[0] not in "CZ" else ""
        parts.append(f"“{shown}” (U+{ord(char):04X} {name})" if shown else f"U+{ord(char):04X} {name}")
    return ", ".join(parts)
