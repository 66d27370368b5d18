"""The paper as the renderer sees it: a plain, frozen view-model with every figure already resolved.

Nothing here touches the workspace or Typst. A :class:`PaperView` is built either from a draft
(figures computed from the lines now) or from the frozen snapshot of a final paper, and the renderer
turns it into the same bytes every time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from jmg_desktop.core.money import Money
from jmg_desktop.core.records import Record

__all__ = [
    "DEFAULT_RECOMMENDATIONS_INTRO",
    "Block",
    "BulletList",
    "FigureTable",
    "Inline",
    "Notice",
    "NumberedList",
    "PaperMetadata",
    "PaperStatus",
    "PaperView",
    "Paragraph",
    "Person",
    "Run",
    "Section",
    "TableRow",
    "plain_text",
    "run_notes",
]

PaperStatus = Literal["draft", "final"]
DEFAULT_RECOMMENDATIONS_INTRO = "The Cabinet is RECOMMENDED to:"


class Run(Record):
    """A stretch of text in one style; ``notes`` are footnotes printed after it (an accepted
    difference between a published figure and the lines, under the figure it concerns)."""

    text: str
    bold: bool = False
    italic: bool = False
    notes: tuple[str, ...] = ()


Inline = tuple[Run, ...]


def plain_text(runs: Inline) -> str:
    """The text of some runs without their styling (or their footnotes)."""
    return "".join(run.text for run in runs)


def run_notes(runs: Inline) -> list[str]:
    """The footnotes some runs carry, in order."""
    return [note for run in runs for note in run.notes]


class Paragraph(Record):
    """A paragraph of a section; numbered in the house style unless ``numbered`` is False."""

    runs: Inline
    numbered: bool = True


class BulletList(Record):
    """A bulleted list; each item is a line of styled text."""

    items: tuple[Inline, ...]


class NumberedList(Record):
    """A list numbered (i), (ii), (iii) so it never competes with the paragraph numbers."""

    items: tuple[Inline, ...]


class Notice(Record):
    """A marked note in the body, e.g. that no agreement has been recorded yet.

    ``unresolved`` holds a figures reference as typed when the notice stands in for a block that
    could not be computed: such a paper is shown, but never exported or made final.
    """

    text: str
    unresolved: str = ""


class TableRow(Record):
    """One row of a figures table. Money cells are right-aligned and shown in £m to three places.

    A ``group`` row names the rows below it (its one cell spans the table), e.g. "Service budgets to
    be added"; a ``total`` row is bold with a rule above.
    """

    cells: tuple[str | Money, ...]
    total: bool = False
    group: bool = False


class FigureTable(Record):
    """A table of figures, its header repeated on every page it runs onto.

    Money cells print in ``unit``: ``"m"`` (£m to three places, the annex's own tables) or
    ``"000"`` (whole £000, as monitoring tables are); ``widths`` (cm, 0 for the column that takes
    the rest) overrides the renderer's column widths for a wide table.
    """

    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    note: str = ""
    unit: str = "m"
    widths: tuple[float, ...] = ()


Block = Paragraph | BulletList | NumberedList | Notice | FigureTable


class Section(Record):
    """A headed section: one outline bookmark each; ``language`` (BCP 47, e.g. ``cy``) marks a passage
    in another language than the paper's, so a screen reader speaks it right."""

    heading: str
    blocks: tuple[Block, ...]
    language: str = ""


class Person(Record):
    """An author or the contact officer."""

    name: str
    job_title: str = ""
    phone: str = ""
    email: str = ""


class PaperMetadata(Record):
    """What goes into the PDF's document information dictionary."""

    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()
    creator: str = ""
    language: str = "en-GB"
    #: ``jmg-audit-head:SEQUENCE:HASH``: the audit head when the paper was exported (papers/witness.py).
    audit_head: str = ""


class PaperView(Record):
    """Everything printed on a paper, in print order, with figures already resolved to text and Money."""

    title: str
    created: datetime
    annex_labels: tuple[str, ...] = ()
    meeting: str = ""
    item_code: str = ""
    report_by: str = ""
    divisions_affected: str = ""
    exempt: bool = False
    exempt_paragraph: str = ""
    version: int = 1
    status: PaperStatus = "draft"
    sections: tuple[Section, ...] = ()
    recommendations_intro: str = DEFAULT_RECOMMENDATIONS_INTRO
    recommendations: tuple[Inline, ...] = ()
    authors: tuple[Person, ...] = ()
    contact_officer: Person | None = None
    background_papers: tuple[str, ...] = ()
    date_line: str = ""
    metadata: PaperMetadata = PaperMetadata()

    @property
    def is_draft(self) -> bool:
        """Drafts carry the DRAFT watermark."""
        return self.status != "final"

    def all_text(self) -> list[str]:
        """Every string that will be printed, for checking the font covers it before rendering."""
        return [text for _where, text in self.placed_text()]

    def placed_text(self) -> list[tuple[str, str]]:
        """Every printed string with where it is (``section 2 (“Intro”)``, ``line “Care”``), so a
        character the font lacks can be found."""
        placed: list[tuple[str, str]] = [
            ("the title", self.title),
            *(("the annex labels", label) for label in self.annex_labels),
            ("the meeting", self.meeting),
            ("the item code", self.item_code),
            ("report by", self.report_by),
            ("divisions affected", self.divisions_affected),
            ("the exempt paragraph", self.exempt_paragraph),
            ("the recommendations", self.recommendations_intro),
            *(("the background papers", item) for item in self.background_papers),
            ("the date line", self.date_line),
            ("the keywords", ", ".join(self.metadata.keywords)),
        ]
        for number, section in enumerate(self.sections, start=1):
            where = f"section {number} (“{section.heading}”)"
            placed.append((where, section.heading))
            for block in section.blocks:
                if isinstance(block, FigureTable):
                    placed.extend((where, text) for text in block.headers)
                    for row in block.rows:
                        label = next((cell for cell in row.cells if isinstance(cell, str)), "")
                        placed.extend(
                            (f"{where}, line “{label}”", cell) for cell in row.cells if isinstance(cell, str)
                        )
                    placed.append((where, block.note))
                else:
                    placed.extend((where, text) for text in _block_text(block))
        placed.extend(("the recommendations", plain_text(item)) for item in self.recommendations)
        people = [*self.authors, *([self.contact_officer] if self.contact_officer else [])]
        for person in people:
            placed.extend(
                ("the authors", text) for text in (person.name, person.job_title, person.phone, person.email)
            )
        return [(where, text) for where, text in placed if text]


def _block_text(block: Block) -> list[str]:
    """The printable strings inside one block, footnotes included."""
    if isinstance(block, Paragraph):
        return [plain_text(block.runs), *run_notes(block.runs)]
    if isinstance(block, BulletList | NumberedList):
        return [text for item in block.items for text in (plain_text(item), *run_notes(item))]
    if isinstance(block, Notice):
        return [block.text]
    cells = [cell for row in block.rows for cell in row.cells if isinstance(cell, str)]
    return [*block.headers, *cells, block.note]
