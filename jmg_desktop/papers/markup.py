"""The small text format of a section's body, as officers type it in the editor.

- A blank line separates paragraphs.
- Lines starting ``- `` or ``* `` are bullets; lines starting ``1.`` or ``1)`` are a numbered list.
- ``**bold**`` and ``*italic*`` (or ``_italic_``) inside a line.
- A line holding only ``{{figures:KIND}}`` inserts a figures block computed from the workspace;
  options may follow the kind: ``{{figures:projection scenario="High inflation" years=10 linked}}``.

Anything else is plain text: no character is special unless it is part of one of these marks, so a
stray asterisk or underscore prints as typed.
"""

from __future__ import annotations

import re
from typing import Final

from jmg_desktop.core.records import Record
from jmg_desktop.papers.model import BulletList, Inline, NumberedList, Paragraph, Run

__all__ = [
    "FIGURE_MENTION",
    "FigureRef",
    "RawBlock",
    "figure_token",
    "normalise_text",
    "parse_body",
    "parse_inline",
    "parse_options",
]

_FIGURE_LINE: Final = re.compile(r"\{\{\s*figures\s*:\s*([a-z_]+)((?:\s+[^{}]*?)?)\s*\}\}")
#: A figures reference anywhere in a line: one that is not on a line of its own is never resolved.
FIGURE_MENTION: Final = re.compile(r"\{\{\s*figures\s*:[^{}]*\}\}")
_OPTION: Final = re.compile(r'([a-z_]+)(?:\s*=\s*(?:"([^"]*)"|“([^”]*)”|(\S+)))?')
_BULLET: Final = re.compile(r"[-*•]\s+(.*)")
_NUMBERED: Final = re.compile(r"\d{1,3}[.)]\s+(.*)")
# Bold first so ``**x**`` is never read as two empty italics.
_INLINE: Final = re.compile(
    r"\*\*(?P<bold>[^*\n]+?)\*\*|\*(?P<star>[^*\s][^*\n]*?)\*|(?<!\w)_(?P<under>[^_\n]+?)_(?!\w)"
)


# What Word and web pages paste that no font prints: manual line and paragraph breaks, byte-order
# marks, non-breaking hyphens. Mapped to what they mean rather than reported as missing glyphs.
_PASTED: Final = str.maketrans(
    {"\x0b": "\n", "\u2028": "\n", "\u2029": "\n\n", "\ufeff": None, "\u2011": "-"}
)


def normalise_text(text: str, *, multiline: bool = True) -> str:
    """Pasted breaks and invisible marks made printable; single-line fields get spaces for breaks."""
    text = text.translate(_PASTED).replace("\r\n", "\n").replace("\r", "\n")
    return text if multiline else " ".join(text.split("\n"))


class FigureRef(Record):
    """A figures block inserted by reference; resolved when the paper is built.

    A :class:`~jmg_desktop.core.records.Record`, as the papers' other records are (a frozen
    dataclass compiles its methods at import, paid by every export).
    """

    kind: str
    options: tuple[tuple[str, str], ...] = ()
    source: str = ""  # the reference as typed, for messages; no part of equality

    def __eq__(self, other: object) -> bool:
        if other.__class__ is FigureRef:
            return self[:2] == other[:2]  # type: ignore[index]
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:2])

    def option(self, name: str, default: str = "") -> str:
        """An option's value (``""`` for a bare flag that is present), or ``default``."""
        return next((value for key, value in self.options if key == name), default)

    def has(self, name: str) -> bool:
        """True when the option was given, with or without a value."""
        return any(key == name for key, _value in self.options)


def parse_options(text: str) -> tuple[tuple[str, str], ...]:
    """``scenario="High inflation" years=10 linked`` as (name, value) pairs, in order."""
    return tuple(
        (match.group(1), next((g for g in match.groups()[1:] if g is not None), ""))
        for match in _OPTION.finditer(text)
    )


RawBlock = Paragraph | BulletList | NumberedList | FigureRef


def figure_token(kind: str) -> str:
    """The line the editor inserts for a figures block."""
    return "{{figures:" + kind + "}}"


def parse_inline(text: str) -> Inline:
    """Split a line into styled runs."""
    text = normalise_text(text, multiline=False)
    runs: list[Run] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position : match.start()]))
        if match.group("bold") is not None:
            runs.append(Run(match.group("bold"), bold=True))
        else:
            runs.append(Run(match.group("star") or match.group("under"), italic=True))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return tuple(runs)


def parse_body(text: str) -> list[RawBlock]:
    """Parse a section body into paragraphs, lists and figure references, in order."""
    blocks: list[RawBlock] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_kind: type[BulletList] | type[NumberedList] | None = None

    def flush_paragraph() -> None:
        """End the paragraph being collected."""
        if paragraph:
            blocks.append(Paragraph(parse_inline(" ".join(paragraph))))
            paragraph.clear()

    def flush_list() -> None:
        """End the list being collected."""
        nonlocal list_kind
        if list_kind is not None and items:
            blocks.append(list_kind(tuple(parse_inline(item) for item in items)))
        items.clear()
        list_kind = None

    for raw_line in normalise_text(text).split("\n"):
        line = raw_line.strip()
        figure = _FIGURE_LINE.fullmatch(line)
        bullet = _BULLET.fullmatch(line)
        numbered = _NUMBERED.fullmatch(line)
        if not line:
            flush_paragraph()
            flush_list()
        elif figure:
            flush_paragraph()
            flush_list()
            blocks.append(FigureRef(figure.group(1), parse_options(figure.group(2) or ""), line))
        elif bullet or numbered:
            flush_paragraph()
            kind = BulletList if bullet else NumberedList
            if list_kind is not kind:
                flush_list()
                list_kind = kind
            items.append((bullet or numbered).group(1))  # type: ignore[union-attr]
        elif list_kind is not None and items and raw_line[:1].isspace():
            items[-1] += " " + line  # an indented line continues the list item above it
        else:
            flush_list()
            paragraph.append(line)
    flush_paragraph()
    flush_list()
    return blocks
