"""Rendering a :class:`PaperView` to PDF bytes with ReportLab's platypus, in the cabinet annex format.

House style: A4, Liberation Sans (metrically Arial) 12 pt embedded, annex labels top right, numbered
paragraphs, figures tables with the header repeated on every page and money right-aligned in £m to
three places, "Page x of y", a DRAFT watermark on drafts, one outline bookmark per section. The same
view always gives the same bytes: ReportLab runs in invariant mode and the creation date is the
paper's own, never the clock's.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any, Final
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph

from jmg_desktop.core.money import Money
from jmg_desktop.papers.errors import UnsupportedCharactersError
from jmg_desktop.papers.fonts import (
    BOLD,
    ITALIC,
    REGULAR,
    describe_characters,
    missing_characters,
    register_fonts,
)
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
    Section,
)

__all__ = ["PaperRenderer", "check_characters", "format_table_money", "render_pdf"]

_BODY_SIZE: Final = 12
_LEADING: Final = 15
_TABLE_SIZE: Final = 11
_CELL_PADDING: Final = 6  # ReportLab's default left and right cell padding, in points
_NUMBER_INDENT: Final = 1.25 * cm
_MARGIN: Final = 2.5 * cm
_GREY: Final = colors.Color(0.35, 0.35, 0.35)
_RULE: Final = colors.Color(0.55, 0.55, 0.55)
_HEADER_FILL: Final = colors.Color(0.90, 0.90, 0.90)
_WATERMARK: Final = colors.Color(0.88, 0.88, 0.88)
_ROMAN: Final = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def format_table_money(amount: Money) -> str:
    """£m to three places for a table cell; reductions in brackets, as accounts print them."""
    value = amount.millions(3)
    return f"({abs(value):,.3f})" if value < 0 else f"{value:,.3f}"


def _roman(number: int) -> str:
    """(i), (ii)… up to x; beyond that the arabic number (lists that long are rare in a paper)."""
    return _ROMAN[number - 1] if number <= len(_ROMAN) else str(number)


def _letter(number: int) -> str:
    """a, b, … z, aa, ab: recommendation letters."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def _markup(runs: Inline) -> str:
    """Styled runs as ReportLab paragraph markup, with every user character escaped."""
    parts = []
    for run in runs:
        text = escape(run.text)
        if run.italic:
            text = f"<i>{text}</i>"
        if run.bold:
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def _table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style that names our font first: a Table otherwise sets Helvetica on the canvas."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, _TABLE_SIZE, 13), *commands])


def check_characters(view: PaperView) -> None:
    """Raise :class:`UnsupportedCharactersError` naming every character the font cannot print."""
    missing = missing_characters(view.all_text())
    if missing:
        raise UnsupportedCharactersError(
            "The paper cannot be exported: the paper's font has no glyph for "
            f"{describe_characters(missing)}. Replace or remove these characters and try again.",
            missing,
        )


class _Bookmark(Flowable):
    """A zero-size marker: where it lands, the section's outline entry points."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__()
        self.key = key
        self.title = title
        self.width = self.height = 0

    def draw(self) -> None:
        """Place the destination and the outline entry on the current page."""
        self.canv.bookmarkHorizontal(self.key, 0, 16)
        self.canv.addOutlineEntry(self.title, self.key, level=0, closed=False)


def _canvas_class(view: PaperView) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each footer can say "Page x of y"."""
    created = view.created
    stamp = f"D:{created:%Y%m%d%H%M%S}+00'00'"
    exempt = view.exempt
    footer_left = f"Version {view.version} – {'Draft' if view.is_draft else 'Final'}"
    if view.item_code:
        footer_left = f"{view.item_code}   {footer_left}"

    class _PaperCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []
            # The paper's own date, not the clock's: re-exports are byte-identical.
            self.setDateFormatter(lambda *_parts: stamp)

        def showPage(self) -> None:
            """Hold the finished page back until the total page count is known."""
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            """Draw every held page's footer, now that the page count is known, then write the file."""
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            """Version and status on the left, Page x of y on the right, the exempt mark on top."""
            self.saveState()
            self.setFont(REGULAR, 9)
            self.setFillColor(_GREY)
            self.drawString(_MARGIN, 1.4 * cm, footer_left)
            self.drawRightString(A4[0] - _MARGIN, 1.4 * cm, f"Page {self._pageNumber} of {total}")
            if exempt:  # an exempt paper says so on every page, not only the first
                self.setFont(BOLD, 9)
                self.drawCentredString(A4[0] / 2, A4[1] - 1.2 * cm, "NOT FOR PUBLICATION")
            self.restoreState()

    return _PaperCanvas


class PaperRenderer:
    """Turns one :class:`PaperView` into PDF bytes. Create one per render."""

    def __init__(self, view: PaperView) -> None:
        register_fonts()
        self.view = view
        self._paragraph_number = 0
        self._bookmarks = 0
        self.styles = self._make_styles()

    # -- styles ---------------------------------------------------------------------------------

    @staticmethod
    def _make_styles() -> dict[str, ParagraphStyle]:
        """Every style names our fonts explicitly, so no standard-14 font is ever referenced."""
        base = ParagraphStyle(
            "body",
            fontName=REGULAR,
            fontSize=_BODY_SIZE,
            leading=_LEADING,
            spaceAfter=9,
            bulletFontName=REGULAR,
            bulletFontSize=_BODY_SIZE,
            alignment=TA_LEFT,
        )

        def derive(name: str, **changes: Any) -> ParagraphStyle:
            """A style based on the body style."""
            return ParagraphStyle(name, parent=base, **changes)

        return {
            "body": base,
            "numbered": derive("numbered", leftIndent=_NUMBER_INDENT, bulletIndent=0),
            "bullet": derive(
                "bullet", leftIndent=_NUMBER_INDENT + 0.6 * cm, bulletIndent=_NUMBER_INDENT, spaceAfter=4
            ),
            "listed": derive(
                "listed", leftIndent=_NUMBER_INDENT + 0.9 * cm, bulletIndent=_NUMBER_INDENT, spaceAfter=4
            ),
            "lettered": derive(
                "lettered", leftIndent=_NUMBER_INDENT + 0.9 * cm, bulletIndent=_NUMBER_INDENT, spaceAfter=6
            ),
            "annex": derive("annex", fontName=BOLD, alignment=TA_RIGHT, spaceAfter=0, leading=15),
            "meeting": derive("meeting", fontName=BOLD, spaceAfter=0),
            "item": derive("item", fontName=BOLD, alignment=TA_RIGHT, spaceAfter=0),
            "title": derive("title", fontName=BOLD, fontSize=14, leading=18, spaceBefore=14, spaceAfter=10),
            "header": derive("header", spaceAfter=3),
            "heading": derive("heading", fontName=BOLD, spaceBefore=8, spaceAfter=6, keepWithNext=1),
            "notice": derive("notice", fontName=ITALIC, leftIndent=_NUMBER_INDENT, textColor=_GREY),
            "exempt": derive("exempt", fontName=BOLD, fontSize=11, leading=14, spaceAfter=0),
            "cell": derive("cell", fontSize=_TABLE_SIZE, leading=13, spaceAfter=0),
            "cell_bold": derive("cell_bold", fontName=BOLD, fontSize=_TABLE_SIZE, leading=13, spaceAfter=0),
            "cell_head": derive("cell_head", fontName=BOLD, fontSize=_TABLE_SIZE, leading=13, spaceAfter=0),
            "cell_head_right": derive(
                "cell_head_right",
                fontName=BOLD,
                fontSize=_TABLE_SIZE,
                leading=13,
                spaceAfter=0,
                alignment=TA_RIGHT,
            ),
            "table_note": derive(
                "table_note",
                fontName=ITALIC,
                fontSize=10,
                leading=12,
                leftIndent=_NUMBER_INDENT,
                spaceBefore=2,
            ),
            "person": derive("person", spaceAfter=0),
            "label": derive("label", fontName=BOLD, spaceAfter=2),
        }

    # -- building the story ---------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        """The flowables of the whole paper, in print order."""
        view = self.view
        story: list[Flowable] = []
        story.extend(self._header_block())
        for section in view.sections:
            story.extend(self._section(section))
        if view.recommendations:
            story.extend(self._recommendations())
        story.extend(self._closing())
        return story

    def _header_block(self) -> list[Flowable]:
        """Annex labels, exempt marking, meeting and item code, title, report by, divisions."""
        view, styles = self.view, self.styles
        flowables: list[Flowable] = [
            RLParagraph(escape(label), styles["annex"]) for label in view.annex_labels
        ]
        if view.exempt:
            flowables.append(Spacer(1, 8))
            flowables.append(self._exempt_box())
        if view.meeting or view.item_code:
            flowables.append(Spacer(1, 10))
            row = [
                RLParagraph(escape(view.meeting), styles["meeting"]),
                RLParagraph(escape(view.item_code), styles["item"]),
            ]
            table = Table([row], colWidths=[self._width * 0.75, self._width * 0.25], hAlign="LEFT")
            table.setStyle(
                _table_style(
                    [
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            flowables.append(table)
        flowables.append(RLParagraph(escape(view.title), styles["title"]))
        if view.report_by:
            flowables.append(RLParagraph(f"<b>Report by</b> {escape(view.report_by)}", styles["header"]))
        if view.divisions_affected:
            flowables.append(
                RLParagraph(f"<b>Divisions affected:</b> {escape(view.divisions_affected)}", styles["header"])
            )
        flowables.append(Spacer(1, 8))
        return flowables

    def _exempt_box(self) -> Flowable:
        """The boxed NOT FOR PUBLICATION notice citing Schedule 12A."""
        paragraph = self.view.exempt_paragraph or "?"
        text = (
            "NOT FOR PUBLICATION: this paper contains exempt information as described in "
            f"paragraph {escape(paragraph)} of Part 1 of Schedule 12A to the Local Government Act 1972."
        )
        box = Table([[RLParagraph(text, self.styles["exempt"])]], colWidths=[self._width])
        box.setStyle(
            _table_style(
                [
                    ("BOX", (0, 0), (-1, -1), 1, colors.black),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return box

    def _heading(self, text: str) -> list[Flowable]:
        """A section heading with its outline bookmark, kept off the foot of a page."""
        self._bookmarks += 1
        return [
            CondPageBreak(3 * cm),
            _Bookmark(f"section-{self._bookmarks}", text),
            RLParagraph(escape(text), self.styles["heading"]),
        ]

    def _section(self, section: Section) -> list[Flowable]:
        """A section's heading and blocks."""
        flowables = self._heading(section.heading)
        for block in section.blocks:
            flowables.extend(self._block(block))
        return flowables

    def _numbered(self, markup: str) -> RLParagraph:
        """The next numbered paragraph."""
        self._paragraph_number += 1
        return RLParagraph(markup, self.styles["numbered"], bulletText=f"{self._paragraph_number}.")

    def _block(self, block: Block) -> list[Flowable]:
        """The flowables for one block of a section."""
        styles = self.styles
        if isinstance(block, Paragraph):
            if block.numbered:
                return [self._numbered(_markup(block.runs))]
            return [RLParagraph(_markup(block.runs), styles["numbered"])]
        if isinstance(block, BulletList):
            items = [RLParagraph(_markup(item), styles["bullet"], bulletText="•") for item in block.items]
            return [*items, Spacer(1, 5)]
        if isinstance(block, NumberedList):
            items = [
                RLParagraph(_markup(item), styles["listed"], bulletText=f"({_roman(index)})")
                for index, item in enumerate(block.items, start=1)
            ]
            return [*items, Spacer(1, 5)]
        if isinstance(block, Notice):
            return [RLParagraph(escape(block.text), styles["notice"])]
        return self._table(block)

    def _table(self, block: FigureTable) -> list[Flowable]:
        """A figures table: header repeated on each page, money right-aligned, totals bold."""
        styles = self.styles
        money_columns = {
            index for row in block.rows for index, cell in enumerate(row.cells) if isinstance(cell, Money)
        }
        header = [
            RLParagraph(escape(text), styles["cell_head_right" if index in money_columns else "cell_head"])
            for index, text in enumerate(block.headers)
        ]
        data: list[list[Any]] = [header]
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
            ("BOX", (0, 0), (-1, -1), 0.5, _RULE),
            ("INNERGRID", (0, 0), (-1, -1), 0.25, _RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        for column in money_columns:
            commands.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
        col_widths = self._column_widths(len(block.headers), money_columns)
        for row_index, row in enumerate(block.rows, start=1):
            cell_style = styles["cell_bold"] if row.total else styles["cell"]
            cells: list[Any] = []
            for index, cell in enumerate(row.cells):
                if isinstance(cell, Money):
                    cells.append(format_table_money(cell))
                elif (
                    stringWidth(cell, cell_style.fontName, _TABLE_SIZE)
                    <= col_widths[index] - 2 * _CELL_PADDING
                ):
                    # Fits on one line: a plain string draws the same and is several times cheaper to
                    # lay out than a Paragraph, which matters for 1,000-line tables.
                    cells.append(cell)
                else:
                    cells.append(RLParagraph(escape(cell), cell_style))
            data.append(cells)
            if row.total:
                commands.append(("FONT", (0, row_index), (-1, row_index), BOLD, _TABLE_SIZE, 13))
                commands.append(("LINEABOVE", (0, row_index), (-1, row_index), 0.75, colors.black))
        table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="RIGHT")
        table.setStyle(_table_style(commands))
        flowables: list[Flowable] = [Spacer(1, 2), table]
        if block.note:
            flowables.append(RLParagraph(escape(block.note), styles["table_note"]))
        flowables.append(Spacer(1, 10))
        return flowables

    def _column_widths(self, count: int, money_columns: set[int]) -> list[float]:
        """Money and short label columns get fixed widths; the first text column takes the rest."""
        width = self._width - _NUMBER_INDENT
        fixed = {index: 3.0 * cm for index in money_columns}
        for index in range(1, count):
            fixed.setdefault(index, 3.4 * cm)
        first = max(width - sum(fixed.values()), 4 * cm) if 0 not in fixed else 0
        return [fixed.get(index, first) for index in range(count)]

    def _recommendations(self) -> list[Flowable]:
        """The RECOMMENDATIONS heading, the numbered introduction and the lettered list."""
        view, styles = self.view, self.styles
        flowables = self._heading("RECOMMENDATIONS")
        intro = self._numbered(escape(view.recommendations_intro))
        first = RLParagraph(_markup(view.recommendations[0]), styles["lettered"], bulletText="(a)")
        flowables.append(KeepTogether([intro, first]))  # never strand the intro at a page foot
        for index, item in enumerate(view.recommendations[1:], start=2):
            flowables.append(RLParagraph(_markup(item), styles["lettered"], bulletText=f"({_letter(index)})"))
        return flowables

    def _person(self, person: Person) -> list[str]:
        """An author's name in bold and, below it, the job title."""
        lines = [f"<b>{escape(person.name)}</b>"]
        if person.job_title:
            lines.append(escape(person.job_title))
        return lines

    def _closing(self) -> list[Flowable]:
        """Authors, date, background papers and contact officer, kept together."""
        view, styles = self.view, self.styles
        flowables: list[Flowable] = [Spacer(1, 14)]
        people: list[Flowable] = []
        for person in view.authors:
            people.append(RLParagraph("<br/>".join(self._person(person)), styles["person"]))
            people.append(Spacer(1, 10))
        if view.date_line:
            people.append(RLParagraph(escape(view.date_line), styles["body"]))
        if people:
            flowables.append(KeepTogether(people))
        details: list[Flowable] = []
        details.append(RLParagraph("Background papers:", styles["label"]))
        papers = view.background_papers or ("Nil",)
        details.extend(RLParagraph(escape(paper), styles["header"]) for paper in papers)
        if view.contact_officer:
            officer = view.contact_officer
            parts = [escape(part) for part in (officer.name, officer.job_title) if part]
            if officer.phone:
                parts.append(f"Tel: {escape(officer.phone)}")
            if officer.email:
                parts.append(escape(officer.email))
            details.append(Spacer(1, 6))
            details.append(RLParagraph("Contact Officer:", styles["label"]))
            details.append(RLParagraph(", ".join(parts), styles["header"]))
        flowables.append(Spacer(1, 6))
        flowables.append(KeepTogether(details))
        return flowables

    # -- the document ---------------------------------------------------------------------------

    @property
    def _width(self) -> float:
        """The width of the text frame."""
        return A4[0] - 2 * _MARGIN

    def _on_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        """Drawn under each page's content: the DRAFT watermark."""
        if not self.view.is_draft:
            return
        canvas.saveState()
        canvas.setFillColor(_WATERMARK)
        canvas.setFont(BOLD, 130)
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(55)
        canvas.drawCentredString(0, -45, "DRAFT")
        canvas.restoreState()

    def render(self) -> bytes:
        """The PDF, after checking that the font covers every character."""
        check_characters(self.view)
        view = self.view
        metadata = view.metadata
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=2.0 * cm,
            bottomMargin=2.4 * cm,
            title=view.title,
            author=metadata.author,
            subject=metadata.subject,
            keywords=list(metadata.keywords),
            creator=metadata.creator,
            producer=metadata.creator,
            lang=metadata.language,
            invariant=1,
            initialFontName=REGULAR,
            displayDocTitle=1,
        )
        frame = Frame(
            doc.leftMargin,
            doc.bottomMargin,
            doc.width,
            doc.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._on_page)])
        canvasmaker: Callable[..., Canvas] = _canvas_class(view)
        story = self.story()
        doc.build(story, canvasmaker=canvasmaker)
        return buffer.getvalue()


# ReportLab keeps per-process state (font registry, per-document subset tables in each font) that
# is not documented as thread-safe; the preview renders on a worker thread while an export may
# render on the GUI thread, so renders take turns.
_RENDER_LOCK: Final = threading.Lock()


def render_pdf(view: PaperView) -> bytes:
    """Render a paper to PDF bytes (see :class:`PaperRenderer`); one render at a time per process."""
    with _RENDER_LOCK:
        return PaperRenderer(view).render()
