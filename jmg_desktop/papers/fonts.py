"""The paper's font family: Liberation Sans (metrically Arial) from ``resources/fonts/``, embedded.

Registered once per process. No standard-14 font is ever used, so every glyph in the PDF comes from
the bundled TTFs and prints the same everywhere.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from jmg_desktop.papers.errors import PaperError
from jmg_desktop.resources import resource_path

__all__ = ["BOLD", "BOLD_ITALIC", "ITALIC", "REGULAR", "missing_characters", "register_fonts"]

REGULAR: Final = "JMGSans"
BOLD: Final = "JMGSans-Bold"
ITALIC: Final = "JMGSans-Italic"
BOLD_ITALIC: Final = "JMGSans-BoldItalic"

_FILES: Final = {
    REGULAR: "LiberationSans-Regular.ttf",
    BOLD: "LiberationSans-Bold.ttf",
    ITALIC: "LiberationSans-Italic.ttf",
    BOLD_ITALIC: "LiberationSans-BoldItalic.ttf",
}


@cache
def register_fonts() -> None:
    """Register the four faces and the family (so ``<b>``/``<i>`` map to them); idempotent."""
    for name, filename in _FILES.items():
        path = resource_path("fonts", filename)
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as error:  # a missing or damaged bundled font: say which file
            raise PaperError(f"The paper font {filename} could not be loaded ({error}).") from None
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)


@cache
def _covered() -> frozenset[int]:
    """Code points that every face of the family can print (a character may appear in any style)."""
    register_fonts()
    sets = [set(pdfmetrics.getFont(name).face.charToGlyph) for name in _FILES]
    return frozenset(set.intersection(*sets))


def missing_characters(texts: list[str]) -> list[str]:
    """Characters in ``texts`` the font cannot print, each once, in order of first appearance.

    Line breaks and tabs are layout, not glyphs, so they are never reported.
    """
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
