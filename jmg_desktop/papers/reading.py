"""Building, checking and rendering a paper from one read snapshot of the workspace.

Everything here reads through a :class:`~jmg_desktop.store.reads.rows.Rows`, so ``export-paper``
on a workspace file needs no SQLAlchemy (:mod:`jmg_desktop.papers.service` wraps the same functions
for the window, on its session). Final papers are built from their frozen snapshot, never from the
lines, so they stay as issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from jmg_desktop.core.totals import StatedComparison
from jmg_desktop.papers.build import build_view, unresolved_figures
from jmg_desktop.papers.document import document_from_json
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.facts import load_facts
from jmg_desktop.papers.figure_blocks import BlockContext
from jmg_desktop.papers.model import PaperView
from jmg_desktop.papers.render import check_characters, render_pdf
from jmg_desktop.papers.snapshot import view_from_json
from jmg_desktop.papers.witness import current_head
from jmg_desktop.store.reads import papers as paper_reads
from jmg_desktop.store.reads.audit import last_change_at
from jmg_desktop.store.reads.papers import PaperRecord
from jmg_desktop.store.reads.rows import Rows
from jmg_desktop.store.reads.totals import stated_comparisons

__all__ = [
    "Difference",
    "ReconciliationRequired",
    "UnresolvedFiguresError",
    "differences",
    "draft_view",
    "find_paper",
    "gate",
    "paper_pdf",
    "paper_view",
    "refuse_unresolved",
    "require",
]

_BASIS = {"current": "Current value", "new": "New value"}
_SCOPE = {"pool": "pool alone", "with_linked": "including linked pools"}


@dataclass(frozen=True, slots=True)
class Difference:
    """A stated total that the lines do not add up to; the paper prints the computed figure."""

    comparison: StatedComparison

    def describe(self) -> str:
        """``New value (pool alone): stated £86.946m, computed £85.300m, difference -£1.646m.``"""
        stated = self.comparison.stated
        return (
            f"{_BASIS[stated.basis]} ({_SCOPE[stated.scope]}): stated {stated.amount.format_full()}, "
            f"computed from the lines {self.comparison.computed.format_full()}, "
            f"difference {self.comparison.difference.format_full()}."
        )


class ReconciliationRequired(PaperError):
    """Stated totals differ from the lines; the export must be acknowledged explicitly."""

    def __init__(self, differences: list[Difference]) -> None:
        count = len(differences)
        super().__init__(
            f"{count} stated total{'s' if count != 1 else ''} differ{'s' if count == 1 else ''} from the "
            "figures computed from the lines; the paper prints the computed figures. "
            "Acknowledge the difference to export: "
            + " ".join(difference.describe() for difference in differences)
        )
        self.differences = differences


class UnresolvedFiguresError(PaperError):
    """A figures block cannot be computed; the paper is shown but never exported or issued."""


def _created(record: PaperRecord) -> datetime:
    """The version's fixed creation moment (UTC, naive for the PDF date stamp)."""
    try:
        return datetime.fromisoformat(record.created_at).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        raise PaperError("The paper's creation date is damaged.") from None


def require(rows: Rows, paper_id: int) -> PaperRecord:
    """The stored version, or a plain error when it is gone."""
    record = paper_reads.get_paper(rows, paper_id)
    if record is None:
        raise PaperError("That paper no longer exists in this workspace.")
    return record


def find_paper(rows: Rows, id_or_title: str) -> PaperRecord:
    """A paper by id (``3``) or by title (the newest version of that title); a plain error otherwise."""
    key = id_or_title.strip()
    if key.isdigit():
        record = paper_reads.get_paper(rows, int(key))
        if record is None:
            raise PaperError(f"There is no paper with id {key} in this workspace.")
        return record
    matches = paper_reads.papers_titled(rows, key)
    if not matches:
        raise PaperError(f"There is no paper titled “{key}” in this workspace.")
    if len({record.series_id for record in matches}) > 1:
        ids = ", ".join(str(record.id) for record in matches)
        raise PaperError(f"More than one paper is titled “{key}”; give its id instead (one of {ids}).")
    return matches[-1]


def _last_change(rows: Rows, record: PaperRecord) -> datetime:
    """When the paper was last changed (its newest audit event), else created: a draft's PDF date."""
    at = last_change_at(rows, "paper", record.id)
    try:
        return (
            datetime.fromisoformat(at).astimezone(UTC).replace(tzinfo=None, microsecond=0)
            if at
            else _created(record)
        )
    except ValueError:
        return _created(record)


def draft_view(
    rows: Rows, record: PaperRecord, *, status: str = "draft", issued_at: datetime | None = None
) -> PaperView:
    """A paper's view built now from its content and the current lines, dated by its last change
    (a draft) or its finalisation (``issued_at``), and pinning the audit head."""
    document = document_from_json(record.content)
    facts = load_facts(rows, record.pool_id, record.financial_year, record.partner_id)
    context = BlockContext(facts, record.pool_id, record.financial_year, record.partner_id, rows)
    return build_view(
        document,
        context,
        version=record.version,
        status="final" if status == "final" else "draft",
        created=issued_at or _last_change(rows, record),
        audit_head=current_head(rows).keyword,
    )


def paper_view(rows: Rows, paper_id: int) -> PaperView:
    """The paper as it prints now: the frozen snapshot of a final paper, else built from the lines."""
    record = require(rows, paper_id)
    if record.is_final:
        return view_from_json(record.snapshot)
    return draft_view(rows, record)


def differences(rows: Rows, record: PaperRecord) -> list[Difference]:
    """Stated totals for the paper's pool, year and partner that the lines do not add up to.

    A final paper's figures are frozen and were acknowledged when it was issued, so it has none.
    """
    if record.is_final:
        return []
    return [
        Difference(comparison)
        for comparison in stated_comparisons(rows, record.pool_id, record.financial_year)
        if comparison.stated.partner_id == record.partner_id and not comparison.reconciles
    ]


def refuse_unresolved(view: PaperView, what: str) -> None:
    """Refuse to go on while a figures block is unresolved, naming each section and block."""
    problems = unresolved_figures(view)
    if problems:
        raise UnresolvedFiguresError(
            f"The paper cannot be {what} until its figures are fixed: " + " ".join(problems)
        )


def gate(found: list[Difference], acknowledged: bool) -> None:
    """Refuse to go on while differences stand unacknowledged."""
    if found and not acknowledged:
        raise ReconciliationRequired(found)


def paper_pdf(rows: Rows, paper_id: int, *, acknowledge_differences: bool = False) -> bytes:
    """The PDF bytes of a paper: a final paper's PDF exactly as issued; a draft's rendered now, after
    the character check and the reconciliation gate."""
    record = require(rows, paper_id)
    issued = paper_reads.issued_pdf(rows, paper_id) if record.is_final else None
    if issued:
        return issued
    view = view_from_json(record.snapshot) if record.is_final else draft_view(rows, record)
    refuse_unresolved(view, "exported")
    check_characters(view)
    gate(differences(rows, record), acknowledge_differences)
    return render_pdf(view)
