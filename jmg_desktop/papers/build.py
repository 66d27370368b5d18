"""Building the printable :class:`PaperView` from what was typed and the figures facts. Pure."""

from __future__ import annotations

import re
from datetime import datetime

from jmg_desktop import APP_NAME, __version__
from jmg_desktop.papers.document import PaperDocument, SectionText
from jmg_desktop.papers.figure_blocks import BlockContext, UnresolvedFigure, resolve_block
from jmg_desktop.papers.markup import FIGURE_MENTION, FigureRef, normalise_text, parse_body, parse_inline
from jmg_desktop.papers.model import (
    Block,
    BulletList,
    Notice,
    NumberedList,
    PaperMetadata,
    PaperStatus,
    PaperView,
    Paragraph,
    Section,
    plain_text,
)

__all__ = ["build_view", "creator_string", "unresolved_figures"]


def creator_string() -> str:
    """``JMG Desktop 0.1.0``: the PDF's creator, frozen into final papers with the rest."""
    return f"{APP_NAME} {__version__}"


def _line(text: str) -> str:
    """A one-line field as it prints: pasted breaks become spaces, ends trimmed."""
    return normalise_text(text, multiline=False).strip()


def _misplaced(block: Block) -> str:
    """A figures reference written inside a paragraph or list item (never resolved), or ``""``."""
    texts: list[str] = []
    if isinstance(block, Paragraph):
        texts = [plain_text(block.runs)]
    elif isinstance(block, BulletList | NumberedList):
        texts = [plain_text(item) for item in block.items]
    for text in texts:
        found = FIGURE_MENTION.search(text)
        if found:
            return found.group(0)
    return ""


def _section(section: SectionText, context: BlockContext) -> Section:
    """A section with its figures references resolved; a reference that cannot be is shown as a
    notice marked unresolved, so the preview says what is wrong and export refuses."""
    blocks: list[Block] = []
    for raw in parse_body(section.body):
        if isinstance(raw, FigureRef):
            try:
                blocks.extend(resolve_block(raw, context))
            except UnresolvedFigure as error:
                blocks.append(Notice(str(error), unresolved=raw.source or raw.kind))
            continue
        blocks.append(raw)
        token = _misplaced(raw)
        if token:
            blocks.append(
                Notice(
                    f"{token} is inside a sentence: a figures block goes on a line of its own.",
                    unresolved=token,
                )
            )
    return Section(_line(section.heading), tuple(blocks), section.language.strip())


def _possessive(pool: str, title: str) -> str:
    """``Older People’s`` when the title names the pool with a possessive, else ``""``."""
    found = re.search(re.escape(pool) + r"[’']s\b", title, flags=re.IGNORECASE)
    return f"{pool}’s" if found else ""


def unresolved_figures(view: PaperView) -> list[str]:
    """One sentence per figures block that could not be resolved, naming its section."""
    found = []
    for number, section in enumerate(view.sections, start=1):
        for block in section.blocks:
            if isinstance(block, Notice) and block.unresolved:
                found.append(f"Section {number} (“{section.heading}”), {block.unresolved}: {block.text}")
    return found


def build_view(
    document: PaperDocument,
    context: BlockContext,
    *,
    version: int,
    status: PaperStatus,
    created: datetime,
    creator: str | None = None,
    audit_head: str = "",
) -> PaperView:
    """The paper as it prints, every figures reference replaced by figures computed from the
    context's facts (and, for blocks that read more, its session)."""
    facts = context.facts
    possessive = _possessive(facts.pool_name, document.title)
    if possessive:
        context = context._replace(facts=facts._replace(pool_label=possessive))
        facts = context.facts
    authors = tuple(person for person in document.authors if person.name.strip())
    keywords = document.keywords or ("pooled budget", facts.pool_name, facts.year_label, "section 75")
    return PaperView(
        title=_line(document.title),
        created=created,
        annex_labels=tuple(_line(label) for label in document.annex_labels if label.strip()),
        meeting=_line(document.meeting),
        item_code=_line(document.item_code),
        report_by=_line(document.report_by),
        divisions_affected=_line(document.divisions_affected),
        exempt=document.exempt,
        exempt_paragraph=_line(document.exempt_paragraph),
        version=version,
        status=status,
        sections=tuple(_section(item, context) for item in document.sections),
        recommendations_intro=_line(document.recommendations_intro),
        recommendations=tuple(
            parse_inline(item.strip()) for item in document.recommendations if item.strip()
        ),
        authors=authors,
        contact_officer=document.contact_officer
        if document.contact_officer and document.contact_officer.name.strip()
        else None,
        background_papers=tuple(_line(item) for item in document.background_papers if item.strip()),
        date_line=_line(document.date_line),
        metadata=PaperMetadata(
            author="; ".join(person.name for person in authors),
            subject=f"{facts.pool_name} pooled budget {facts.year_label}",
            keywords=tuple(keywords),
            creator=creator or creator_string(),
            audit_head=audit_head,
        ),
    )
