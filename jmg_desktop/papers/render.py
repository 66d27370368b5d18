"""Rendering a :class:`PaperView` to a tagged PDF (PDF/UA-1 and PDF/A-2a) with Typst.

The view is turned into plain JSON data — every figure already formatted, every paragraph already
numbered — and handed to the template in ``layout/`` through ``sys.inputs``. The template reads it
with ``json`` and shows each string as text, so nothing a user typed is ever markup: ``#read(…)``,
``]``, ``*``, ``$`` or ``@x`` in a section print as typed. The fonts are the bundled Liberation Sans
only (system fonts ignored), and the PDF's dates are the paper's own, so the same view always gives
the same bytes.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from jmg_desktop.core.money import Money
from jmg_desktop.papers.errors import PaperError, UnsupportedCharactersError
from jmg_desktop.papers.fonts import describe_characters, font_dir, missing_characters
from jmg_desktop.papers.model import (
    Block,
    BulletList,
    FigureTable,
    Inline,
    Notice,
    NumberedList,
    PaperView,
    Paragraph,
    Person,
)

__all__ = ["check_characters", "format_table_money", "render_pdf", "template_data"]

LAYOUT_DIR: Final = Path(__file__).resolve().parent / "layout"
PDF_STANDARDS: Final = ["a-2a", "ua-1"]
_MONEY_WIDTH_CM: Final = 3.0
_LABEL_WIDTH_CM: Final = 3.4


def format_table_money(amount: Money, unit: str = "m") -> str:
    """A table cell: £m to three places (``unit`` ``"m"``) or whole £000 (``"000"``); reductions
    in brackets, as accounts print them (an amount that rounds to nil is unsigned: round_half_up)."""
    if unit == "000":
        return amount.format_thousands()
    value = amount.millions(3)
    return f"({abs(value):,.3f})" if value < 0 else f"{value:,.3f}"


def _letter(number: int) -> str:
    """a, b, … z, aa, ab: recommendation letters (Typst's "(a)" numbering counts the same way)."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def check_characters(view: PaperView) -> None:
    """Raise :class:`UnsupportedCharactersError` naming every character the font cannot print."""
    placed = view.placed_text()
    missing = missing_characters([text for _where, text in placed])
    if missing:
        places = []
        for char in missing:
            wheres = list(dict.fromkeys(where for where, text in placed if char in text))
            shown = ", ".join(wheres[:3]) + (f" and {len(wheres) - 3} more places" if len(wheres) > 3 else "")
            places.append(f"{describe_characters([char])} in {shown}")
        raise UnsupportedCharactersError(
            "The paper cannot be exported: the paper's font has no glyph for "
            f"{'; '.join(places)}. Replace or remove these characters and try again.",
            missing,
        )


def _runs(runs: Inline) -> list[dict[str, Any]]:
    """Styled runs as data; a run's footnotes only when it has some, so papers without any render
    from the same data (and to the same bytes) as before."""
    return [
        {
            "text": run.text,
            "bold": run.bold,
            "italic": run.italic,
            **({"notes": list(run.notes)} if run.notes else {}),
        }
        for run in runs
    ]


class _Numbering:
    """Hands out paragraph numbers (1., 2., …) across the whole paper, and table keys."""

    def __init__(self) -> None:
        self.paragraphs = 0
        self.tables = 0

    def next_paragraph(self) -> str:
        """The next paragraph number."""
        self.paragraphs += 1
        return f"{self.paragraphs}."

    def next_table(self) -> str:
        """A key unique in the paper, so the page furniture can tell the pages a table runs on to."""
        self.tables += 1
        return f"jmg-table-{self.tables}"


def _table(block: FigureTable, key: str) -> dict[str, Any]:
    """A figures table as data: cells as printed, which columns hold money, and column widths."""
    count = len(block.headers)
    money = [
        any(isinstance(row.cells[i], Money) for row in block.rows if i < len(row.cells)) for i in range(count)
    ]
    # Money and short label columns get fixed widths; the first text column takes the rest (0).
    widths = list(block.widths) or [
        0.0 if i == 0 and not money[0] else (_MONEY_WIDTH_CM if money[i] else _LABEL_WIDTH_CM)
        for i in range(count)
    ]
    rows = [
        {
            "cells": [
                format_table_money(cell, block.unit) if isinstance(cell, Money) else cell
                for cell in row.cells
            ]
            + ([] if row.group else [""] * (count - len(row.cells))),
            "total": row.total,
            "group": row.group,
        }
        for row in block.rows
    ]
    return {"type": "table", "key": key, "headers": list(block.headers), "money": money, "widths": widths,
            "rows": rows, "note": block.note}  # fmt: skip


def _block(block: Block, numbering: _Numbering) -> dict[str, Any]:
    """One block of a section as data."""
    if isinstance(block, Paragraph):
        number = numbering.next_paragraph() if block.numbered else ""
        return {"type": "paragraph", "number": number, "runs": _runs(block.runs)}
    if isinstance(block, BulletList):
        return {"type": "bullets", "items": [_runs(item) for item in block.items]}
    if isinstance(block, NumberedList):
        return {"type": "numbers", "items": [_runs(item) for item in block.items]}
    if isinstance(block, Notice):
        return {"type": "notice", "text": block.text}
    return _table(block, numbering.next_table())


def _contact(officer: Person | None) -> str:
    """The contact officer's line: name, job title, phone and e-mail, as given."""
    if officer is None:
        return ""
    parts = [part for part in (officer.name, officer.job_title) if part]
    if officer.phone:
        parts.append(f"Tel: {officer.phone}")
    if officer.email:
        parts.append(officer.email)
    return ", ".join(parts)


_LANGUAGE: Final = re.compile(r"([a-z]{2,3})(?:-([A-Z]{2}))?")


def _language(code: str, number: int) -> dict[str, str]:
    """A section's language as Typst takes it (``cy``, or ``cy-GB`` split into language and region)."""
    if not code:
        return {"lang": "", "region": ""}
    match = _LANGUAGE.fullmatch(code.strip())
    if match is None:
        raise PaperError(
            f"Section {number}'s language “{code}” is not a language code such as “cy” (Welsh) or “en-GB”."
        )
    return {"lang": match.group(1), "region": match.group(2) or ""}


def _created(view: PaperView) -> datetime:
    """The paper's own moment (UTC): the PDF's dates, never the clock's."""
    created = view.created
    return created.replace(tzinfo=UTC) if created.tzinfo is None else created.astimezone(UTC)


def template_data(view: PaperView) -> dict[str, Any]:
    """Everything the template prints, as JSON-ready data (the shape is documented in layout/README.md)."""
    numbering = _Numbering()
    sections = [
        {
            "heading": section.heading,
            **_language(section.language, number),
            "blocks": [_block(block, numbering) for block in section.blocks],
        }
        for number, section in enumerate(view.sections, start=1)
    ]
    recommendations: dict[str, Any] = {"heading": "RECOMMENDATIONS", "number": "", "intro": "", "items": []}
    if view.recommendations:
        recommendations = {
            "heading": "RECOMMENDATIONS",
            "number": numbering.next_paragraph(),
            "intro": view.recommendations_intro,
            "items": [_runs(item) for item in view.recommendations],
        }
    footer = f"Version {view.version} – {'Draft' if view.is_draft else 'Final'}"
    if view.item_code:
        footer = f"{view.item_code}   {footer}"
    created = _created(view)
    meta = view.metadata
    return {
        "title": view.title,
        "subject": meta.subject,
        "keywords": [*meta.keywords, *([meta.audit_head] if meta.audit_head else [])],
        "created": [created.year, created.month, created.day, created.hour, created.minute, created.second],
        "draft": view.is_draft,
        "footer": footer,
        "annex_labels": list(view.annex_labels),
        "exempt": view.exempt,
        "exempt_text": (
            "NOT FOR PUBLICATION: this paper contains exempt information as described in paragraph "
            f"{view.exempt_paragraph or '?'} of Part 1 of Schedule 12A to the Local Government Act 1972."
        ),
        "meeting": view.meeting,
        "item_code": view.item_code,
        "report_by": view.report_by,
        "divisions_affected": view.divisions_affected,
        "sections": sections,
        "recommendations": recommendations,
        "authors": [{"name": person.name} for person in view.authors],
        "people": [{"name": person.name, "job_title": person.job_title} for person in view.authors],
        "date_line": view.date_line,
        "background_papers": list(view.background_papers) or ["Nil"],
        "contact": _contact(view.contact_officer),
    }


class _Typst:
    """One Typst compiler over the template and the bundled fonts, kept for the process.

    Typst caches what it laid out before, so a second render of a similar paper (the preview while
    typing) costs a fraction of the first. Renders take turns: the preview renders on a worker thread
    while an export may render on the GUI thread.
    """

    def __init__(self) -> None:
        import typst  # here, not at module level: only a render pays for loading it

        self._typst = typst
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(font_dir())]
        )
        self._compiler = typst.Compiler(
            str(LAYOUT_DIR / "paper.typ"), root=str(LAYOUT_DIR), font_paths=fonts, ignore_system_fonts=True
        )
        self.lock = threading.Lock()

    def compile(self, data: dict[str, Any], created: datetime) -> bytes:
        """The PDF for some template data."""
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        with self.lock:
            try:
                result = self._compiler.compile(
                    format="pdf", sys_inputs={"paper": text}, pdf_standards=PDF_STANDARDS, timestamp=created
                )
            except self._typst.TypstError as error:  # a fault in our template, never in the user's text
                raise PaperError(f"The paper could not be laid out ({error.message}).") from None
        if not isinstance(result, bytes):
            raise PaperError("The paper could not be laid out (no PDF was produced).")
        return result


_ENGINE: _Typst | None = None
_ENGINE_LOCK: Final = threading.Lock()


def _engine() -> _Typst:
    """The process's Typst compiler, made on first use."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = _Typst()
        return _ENGINE


def render_pdf(view: PaperView) -> bytes:
    """The paper as a tagged PDF, after checking that the font covers every character."""
    check_characters(view)
    return _engine().compile(template_data(view), _created(view))
