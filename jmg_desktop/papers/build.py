"""Building the printable :class:`PaperView` from what was typed and the figures facts. Pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from jmg_desktop import APP_NAME, __version__
from jmg_desktop.papers.document import PaperDocument, SectionText
from jmg_desktop.papers.figures import FigureFacts, resolve_figure
from jmg_desktop.papers.markup import FigureRef, normalise_text, parse_body, parse_inline
from jmg_desktop.papers.model import Block, PaperMetadata, PaperStatus, PaperView, Section

__all__ = ["ExtraResolver", "build_view", "creator_string"]

#: Resolves figures blocks that need more than :class:`FigureFacts` (a projection); None if not its kind.
ExtraResolver = Callable[[FigureRef], list[Block] | None]


def creator_string() -> str:
    """``JMG Desktop 0.1.0``: the PDF's creator, frozen into final papers with the rest."""
    return f"{APP_NAME} {__version__}"


def _line(text: str) -> str:
    """A one-line field as it prints: pasted breaks become spaces, ends trimmed."""
    return normalise_text(text, multiline=False).strip()


def _section(section: SectionText, facts: FigureFacts, extra: ExtraResolver | None) -> Section:
    """A section with its figures references resolved."""
    blocks: list[Block] = []
    for raw in parse_body(section.body):
        if isinstance(raw, FigureRef):
            resolved = extra(raw) if extra is not None else None
            blocks.extend(resolved if resolved is not None else resolve_figure(raw.kind, facts))
        else:
            blocks.append(raw)
    return Section(_line(section.heading), tuple(blocks), section.language.strip())


def build_view(
    document: PaperDocument,
    facts: FigureFacts,
    *,
    version: int,
    status: PaperStatus,
    created: datetime,
    creator: str | None = None,
    extra: ExtraResolver | None = None,
) -> PaperView:
    """The paper as it prints, every figures reference replaced by figures computed from ``facts``."""
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
        sections=tuple(_section(item, facts, extra) for item in document.sections),
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
        ),
    )
