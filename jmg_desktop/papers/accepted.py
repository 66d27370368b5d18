"""The footnote an accepted difference leaves on the paper. Pure.

When a published (stated) figure differs from the lines, the paper prints the figure computed from
the lines; once someone has accepted that, the figure carries a footnote giving the published
figure, the computed one and the difference, each to the penny, and who accepted it on what date.
A figure the paper does not print anywhere still gets its footnote, on a short paragraph at the end
of the sections, so no accepted difference goes unsaid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from jmg_desktop.core.money import Money
from jmg_desktop.papers.figures import format_day
from jmg_desktop.papers.model import (
    BulletList,
    NumberedList,
    PaperView,
    Paragraph,
    Run,
    Section,
    run_notes,
)

__all__ = ["UNPLACED_TEXT", "footnote_text", "place_unprinted"]

_FIGURES: Final = {
    ("current", "pool"): "the current value",
    ("current", "with_linked"): "the current value including the linked pools",
    ("new", "pool"): "the new value",
    ("new", "with_linked"): "the new value including the linked pools",
}
#: The paragraph that carries the footnotes of figures the paper does not print.
UNPLACED_TEXT: Final = "The figures in this paper are computed from the lines."


def _day(moment: str) -> str:
    """``2 December 2026``: the UTC date of an ISO moment (papers name days, not times)."""
    try:
        when = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    day = format_day((when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC).date())
    return day.replace(" ", "\u00a0")  # a date is never broken across lines


def footnote_text(
    basis: str, scope: str, stated: Money, computed: Money, accepted_by: str, accepted_at: str
) -> str:
    """``Published as £86,946,000.00 (the new value). The lines give £85,300,000.00,
    £1,646,000.00 less; this paper prints the figure from the lines. Difference accepted by
    helen.marsh on 2 December 2026.``"""
    difference = computed - stated
    direction = "more" if difference.pence > 0 else "less"
    figure = _FIGURES.get((basis, scope), "this figure")
    return (
        f"Published as {stated.format_full()} ({figure}). The lines give {computed.format_full()}, "
        f"{abs(difference).format_full()} {direction}; this paper prints the figure from the lines. "
        f"Difference accepted by {accepted_by} on {_day(accepted_at)}."
    )


def _printed(view: PaperView) -> set[str]:
    """Every footnote the view's sections print."""
    found: set[str] = set()
    for section in view.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                found.update(run_notes(block.runs))
            elif isinstance(block, BulletList | NumberedList):
                found.update(note for item in block.items for note in run_notes(item))
    return found


def place_unprinted(view: PaperView, notes: tuple[str, ...]) -> PaperView:
    """The view with every note it does not already print footnoted on a closing paragraph of the
    last section (or of a section of its own when there is none, or the last is in another
    language: the note is in English)."""
    printed = _printed(view)
    missing = tuple(dict.fromkeys(note for note in notes if note not in printed))
    if not missing:
        return view
    paragraph = Paragraph((Run(UNPLACED_TEXT, notes=missing),), numbered=False)
    if view.sections and not view.sections[-1].language:
        last = view.sections[-1]
        sections = (*view.sections[:-1], last._replace(blocks=(*last.blocks, paragraph)))
    else:
        sections = (Section("Published figures", (paragraph,)),)
    return view._replace(sections=sections)
