"""The decision register's shared parts: its records (meetings, steps, summaries, details), the
refusal it raises, and the helpers the register's reads and writes both use (see agreements_repo).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.core.agreed_figures import Comparison, LineFigures
from jmg_desktop.core.agreements import (
    Body,
    MoveRefused,
    PathState,
    Status,
    Step,
    apply_step,
    replay,
)
from jmg_desktop.core.money import Money
from jmg_desktop.core.since_agreed import can_be_flagged
from jmg_desktop.store.models import (
    Agreement,
    AgreementLine,
    AgreementStep,
    Base,
    Category,
    LineStatus,
    Meeting,
    Partner,
    Pool,
    PoolLine,
)
from jmg_desktop.store.reads import agreements as agreement_reads
from jmg_desktop.store.reads.sa_rows import session_rows

EDITABLE_FIELDS = ("title", "decision", "reasons", "alternatives", "conflicts", "assumptions", "meeting_id")
_MEETING_FIELDS = ("body", "held_on", "reference", "note")
# Agreements whose snapshot no longer matters for the "changed since agreed" mark.
_CLOSED = (Status.REJECTED.value, Status.SUPERSEDED.value)
# Agreements never flagged as changed since agreed (core.since_agreed.can_be_flagged).
_NOT_FLAGGED = tuple(status.value for status in Status if not can_be_flagged(status))


class AgreementError(ValueError):
    """A request the register cannot carry out; ``str(self)`` is the user message."""


# -- read models -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """A meeting as the register shows it."""

    id: int
    body: str
    held_on: date
    reference: str
    note: str

    @property
    def label(self) -> str:
        """ "Older People Joint Management Group, 2 December 2008"."""
        from jmg_desktop.core.agreements import format_date

        return f"{self.body}, {format_date(self.held_on)}"


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step of an agreement's history, with who recorded it and when."""

    id: int
    ordinal: int
    step: Step
    text: str
    note: str
    recorded_at: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class AgreementSummary:
    """One row of the register."""

    id: int
    title: str
    on: date
    meeting: MeetingRecord | None
    pool_id: int | None
    pool_name: str
    financial_year: int | None
    status: Status
    status_text: str
    waiting_for: str
    bodies: tuple[Body, ...]
    comparison: Comparison

    @property
    def figures_changed(self) -> bool:
        """Whether a covered line differs from the figures agreed (never for a superseded,
        rejected or implemented agreement; lines added since are :attr:`lines_added`)."""
        return can_be_flagged(self.status) and bool(self.comparison.changed)

    @property
    def lines_added(self) -> int:
        """Lines added since a pool and year was agreed as a whole (0 when not flagged)."""
        return len(self.comparison.added) if can_be_flagged(self.status) else 0


@dataclass(frozen=True, slots=True)
class AgreementDetail:
    """An agreement with its words, history and lines agreed-vs-now."""

    summary: AgreementSummary
    decision: str
    reasons: str
    alternatives: str
    conflicts: str
    assumptions: str
    covers_whole_pool: bool
    steps: tuple[StepRecord, ...]
    recorded_at: str
    recorded_by: str
    state: PathState


# -- helpers -----------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _meeting_record(row: Meeting) -> MeetingRecord:
    return MeetingRecord(row.id, row.body, date.fromisoformat(row.held_on), row.reference, row.note)


def _row_dict(row: Base) -> dict[str, Any]:
    """Every column of a row by name: the record kept in audit events and used to restore it."""
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _require_text(value: str, what: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise AgreementError(f"{what} cannot be empty.")
    return cleaned


def _step_of(row: AgreementStep) -> Step:
    return Step(Status(row.status), date.fromisoformat(row.on_date), row.partner_id, row.superseded_by_id)


def _bodies_of(session: Session, agreement_ids: Iterable[int]) -> dict[int, tuple[Body, ...]]:
    """The approving bodies of each agreement, in the partners' own order."""
    return agreement_reads.bodies_of(session_rows(session), list(agreement_ids))


def _steps_of(session: Session, agreement_ids: Iterable[int]) -> dict[int, list[AgreementStep]]:
    ids = list(agreement_ids)
    result: dict[int, list[AgreementStep]] = {agreement_id: [] for agreement_id in ids}
    if ids:
        for row in session.execute(
            select(AgreementStep)
            .where(AgreementStep.agreement_id.in_(ids))
            .order_by(AgreementStep.agreement_id, AgreementStep.ordinal)
        ).scalars():
            result[row.agreement_id].append(row)
    return result


_CURRENT_COLUMNS = (
    PoolLine.id,
    PoolLine.service,
    Partner.name,
    Category.name,
    LineStatus.label,
    PoolLine.financial_year,
    PoolLine.amount_pence,
    Pool.name,
    PoolLine.pool_id,
    PoolLine.kind,  # last, so the columns before it keep their places
)

_CURRENT_WIDTH = len(_CURRENT_COLUMNS)


def _current_figures_query():  # type: ignore[no-untyped-def]
    """Columns (not entities: a register reads thousands of lines) of lines with their names:
    id, service, partner, category, status, year, pence, pool name, pool id, kind."""
    return (
        select(*_CURRENT_COLUMNS)
        .join(Partner, Partner.id == PoolLine.partner_id)
        .join(LineStatus, LineStatus.id == PoolLine.status_id)
        .join(Pool, Pool.id == PoolLine.pool_id)
        .outerjoin(Category, Category.id == PoolLine.category_id)
    )


def _outer_current_joins(query):  # type: ignore[no-untyped-def]
    return (
        query.outerjoin(Partner, Partner.id == PoolLine.partner_id)
        .outerjoin(LineStatus, LineStatus.id == PoolLine.status_id)
        .outerjoin(Pool, Pool.id == PoolLine.pool_id)
        .outerjoin(Category, Category.id == PoolLine.category_id)
    )


def _figures(row: Any) -> LineFigures:
    """A row of :func:`_current_figures_query` as figures."""
    line_id, service, partner, category, status, year, pence, pool, _pool_id, kind = row
    return LineFigures(
        line_id, service, partner, category or "", status, year, Money(pence), pool, kind or ""
    )


_SNAPSHOT_COLUMNS = (
    AgreementLine.agreement_id,
    AgreementLine.line_id,
    AgreementLine.service,
    AgreementLine.partner_name,
    AgreementLine.category_name,
    AgreementLine.status_label,
    AgreementLine.financial_year,
    AgreementLine.amount_pence,
    AgreementLine.pool_id,
    AgreementLine.kind,
)


def _snapshot_figures(row: Any, pools: dict[int, str]) -> LineFigures:
    """A row of :data:`_SNAPSHOT_COLUMNS` as figures."""
    _agreement_id, line_id, service, partner, category, status, year, pence, pool_id, kind = row
    pool = pools.get(pool_id, "") if pool_id is not None else ""
    return LineFigures(line_id, service, partner, category, status, year, Money(pence), pool, kind)


def comparisons(session: Session, agreements: Sequence[Agreement]) -> dict[int, Comparison]:
    """Agreed-vs-now for many agreements in one read (:func:`reads.agreements.comparisons`)."""
    return agreement_reads.comparisons(session_rows(session), agreements)


def _agreement(session: Session, agreement_id: int) -> Agreement:
    row = session.get(Agreement, agreement_id)
    if row is None:
        raise AgreementError(f"Agreement {agreement_id} does not exist.")
    return row


def _read_state(steps: Sequence[Step], bodies: Sequence[Body], agreement_id: int) -> PathState:
    """The state for display: as far as the steps make sense. A history edited outside the
    application must not stop the register from opening; ``agreement_findings`` reports it."""
    state = PathState()
    for step in steps:
        try:
            state = apply_step(state, step, bodies, agreement_id=agreement_id)
        except MoveRefused:
            break
    return state


def _refresh_status(session: Session, agreement: Agreement) -> PathState:
    """Recompute the cached status from the steps (the steps are the record)."""
    session.flush()
    bodies = _bodies_of(session, [agreement.id])[agreement.id]
    steps = [_step_of(row) for row in _steps_of(session, [agreement.id])[agreement.id]]
    state = replay(steps, bodies, agreement_id=agreement.id)
    agreement.status = (state.status or Status.PROPOSED).value
    agreement.superseded_by_id = state.superseded_by
    return state
