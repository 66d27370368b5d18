"""Building, checking and rendering a paper from one read snapshot of the workspace.

Everything here reads through a :class:`~jmg_desktop.store.reads.rows.Rows`, so ``export-paper``
on a workspace file needs no SQLAlchemy (:mod:`jmg_desktop.papers.service` wraps the same functions
for the window, on its session). Final papers are built from their frozen snapshot, never from the
lines, so they stay as issued.
"""

from __future__ import annotations

from datetime import UTC, datetime

from jmg_desktop.core.money import Money, MoneyError
from jmg_desktop.core.records import Record
from jmg_desktop.core.totals import StatedComparison
from jmg_desktop.papers.accepted import footnote_text, place_unprinted
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
from jmg_desktop.store.reads.acceptances import Acceptance, acceptances_for
from jmg_desktop.store.reads.audit import last_change_at
from jmg_desktop.store.reads.papers import PaperRecord
from jmg_desktop.store.reads.rows import Rows
from jmg_desktop.store.reads.totals import stated_comparisons

__all__ = [
    "Difference",
    "ReconciliationRequired",
    "UnresolvedFiguresError",
    "covered",
    "differences",
    "draft_view",
    "draft_view_and_differences",
    "find_paper",
    "gate",
    "paper_pdf",
    "paper_view",
    "refuse_unresolved",
    "require",
]

_BASIS = {"current": "Current value", "new": "New value"}
_SCOPE = {"pool": "pool alone", "with_linked": "including linked pools"}


class Difference(Record):
    """A stated total that the lines do not add up to; the paper prints the computed figure.
    ``acceptance`` is the recorded acceptance of exactly these figures, if there is one."""

    comparison: StatedComparison
    acceptance: Acceptance | None = None

    @property
    def accepted(self) -> bool:
        """True when someone accepted these very figures for this paper version."""
        return self.acceptance is not None

    @property
    def figures(self) -> tuple[int, Money, Money]:
        """What an acceptance covers: the stated total, its amount and the computed one."""
        return covered(self.comparison)

    def footnote(self) -> str:
        """What the paper prints under the figure once the difference is accepted ("" until then)."""
        acceptance = self.acceptance
        if acceptance is None:
            return ""
        stated = self.comparison.stated
        return footnote_text(
            stated.basis,
            stated.scope,
            stated.amount,
            self.comparison.computed,
            acceptance.accepted_by,
            acceptance.accepted_at,
        )

    def describe(self) -> str:
        """``New value (pool alone): stated £86.946m, computed £85.300m, difference -£1.646m.``"""
        stated = self.comparison.stated
        return (
            f"{_BASIS[stated.basis]} ({_SCOPE[stated.scope]}): stated {stated.amount.format_full()}, "
            f"computed from the lines {self.comparison.computed.format_full()}, "
            f"difference {self.comparison.difference.format_full()}."
        )


def covered(comparison: StatedComparison) -> tuple[int, Money, Money]:
    """What an acceptance of this comparison covers: its stated total and both amounts."""
    return comparison.stated.id, comparison.stated.amount, comparison.computed


class ReconciliationRequired(PaperError):
    """Stated totals differ from the lines and nobody has accepted it for these figures."""

    def __init__(self, differences: list[Difference]) -> None:
        count = len(differences)
        super().__init__(
            f"{count} stated total{'s' if count != 1 else ''} differ{'s' if count == 1 else ''} from the "
            "figures computed from the lines; the paper prints the computed figures. "
            "Accept the difference to go on (the paper then says so under the figure): "
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


def draft_view_and_differences(
    rows: Rows, record: PaperRecord, *, status: str = "draft", issued_at: datetime | None = None
) -> tuple[PaperView, list[Difference]]:
    """A paper's view built now from its content and the current lines, dated by its last change
    (a draft) or its finalisation (``issued_at``), and pinning the audit head; with the stated totals
    it differs from, each accepted one footnoted under its figure."""
    document = document_from_json(record.content)
    facts = load_facts(rows, record.pool_id, record.financial_year, record.partner_id)
    found = _differing(rows, record)
    notes = tuple(
        (d.comparison.stated.basis, d.comparison.stated.scope, d.footnote()) for d in found if d.accepted
    )
    facts = facts._replace(notes=notes)
    context = BlockContext(facts, record.pool_id, record.financial_year, record.partner_id, rows)
    view = build_view(
        document,
        context,
        version=record.version,
        status="final" if status == "final" else "draft",
        created=issued_at or _last_change(rows, record),
        audit_head=current_head(rows).keyword,
    )
    return place_unprinted(view, tuple(text for _basis, _scope, text in notes)), found


def draft_view(
    rows: Rows, record: PaperRecord, *, status: str = "draft", issued_at: datetime | None = None
) -> PaperView:
    """:func:`draft_view_and_differences` without the differences."""
    return draft_view_and_differences(rows, record, status=status, issued_at=issued_at)[0]


def paper_view(rows: Rows, paper_id: int) -> PaperView:
    """The paper as it prints now: the frozen snapshot of a final paper, else built from the lines."""
    record = require(rows, paper_id)
    if record.is_final:
        return view_from_json(record.snapshot)
    return draft_view(rows, record)


def _differing(rows: Rows, record: PaperRecord) -> list[Difference]:
    """The stated totals a draft's lines do not add up to, each with the acceptance of exactly its
    figures for this version, if any."""
    try:
        comparisons = stated_comparisons(rows, record.pool_id, record.financial_year)
    except MoneyError:  # a line beyond the limit: the facts' refusal names it
        load_facts(rows, record.pool_id, record.financial_year, record.partner_id)
        raise PaperError(
            "The paper cannot be built: its pool's lines add up to more than £1 trillion, the most this "
            "application accepts."
        ) from None
    found = [c for c in comparisons if c.stated.partner_id == record.partner_id and not c.reconciles]
    accepted = acceptances_for(rows, record.id) if found else []
    return [
        Difference(comparison, next((a for a in accepted if a.covers(*covered(comparison))), None))
        for comparison in found
    ]


def differences(rows: Rows, record: PaperRecord) -> list[Difference]:
    """Stated totals for the paper's pool, year and partner that the lines do not add up to, accepted
    or not.

    A final paper's figures are frozen and were accepted when it was issued, so it has none.
    """
    if record.is_final:
        return []
    return _differing(rows, record)


def refuse_unresolved(view: PaperView, what: str) -> None:
    """Refuse to go on while a figures block is unresolved, naming each section and block."""
    problems = unresolved_figures(view)
    if problems:
        raise UnresolvedFiguresError(
            f"The paper cannot be {what} until its figures are fixed: " + " ".join(problems)
        )


def gate(found: list[Difference]) -> None:
    """Refuse to go on while a difference stands that nobody accepted for these figures."""
    waiting = [difference for difference in found if not difference.accepted]
    if waiting:
        raise ReconciliationRequired(waiting)


def paper_pdf(rows: Rows, paper_id: int) -> bytes:
    """The PDF bytes of a paper: a final paper's PDF exactly as issued; a draft's rendered now, after
    the character check and the reconciliation gate (every difference accepted for its figures)."""
    record = require(rows, paper_id)
    if record.is_final:
        issued = paper_reads.issued_pdf(rows, paper_id)
        if issued:
            return issued
        view, found = view_from_json(record.snapshot), []
    else:
        view, found = draft_view_and_differences(rows, record)
    refuse_unresolved(view, "exported")
    check_characters(view)
    gate(found)
    return render_pdf(view)
