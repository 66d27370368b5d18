"""The decision register in the workspace: meetings, agreements, their steps and covered lines.

Every function that changes something takes the caller's session and writes its audit event(s)
with :func:`jmg_desktop.store.audit.record_event` in that same session, so the change and its
audit commit or roll back together. Make each user action its own transaction::

    with workspace.writing() as session:
        agreement_id = record_agreement(session, title=..., line_ids=[...], meeting_id=...)

Public API for other features (meeting mode, papers, check):

``record_agreement(session, *, title, line_ids=(), pool_id=None, financial_year=None,
whole_pool=False, meeting_id=None, decision="", reasons="", alternatives="", conflicts="",
assumptions="", status=Status.AGREED, on=None, body_partner_ids=None, note="", actor=None) -> int``
    Record an agreement (by default *agreed in principle*, dated the meeting's date or today),
    snapshotting the figures of the covered lines as they stand in this transaction. Meeting mode
    passes the assumptions it used (e.g. "inflation 3%") in ``assumptions``. Give either
    ``line_ids`` or ``whole_pool=True`` with ``pool_id`` and ``financial_year``.
    The partners whose sovereign bodies must approve default to every partner with lines in the
    pool(s) and year concerned, plus the host.
``create_meeting(session, *, body, held_on, reference="", note="") -> int``
``move_agreement(session, agreement_id, step, *, note="") -> int`` (raises ``MoveRefused``)
``list_agreements(session, *, status=None, pool_id=None, year=None, body=None)``
``agreement_detail(session, agreement_id)`` with history and agreed-vs-now lines.
``since_agreed_marks(session, pool_id=None, year=None) -> SinceAgreedMarks`` (``changed`` and
``added``: line id → agreement ids) for the lines editor's "changed since agreed" and "added since
agreed" marks; ``lines_changed_since_agreed`` gives ``changed`` alone.

Refusals raise :class:`AgreementError` (or :class:`~jmg_desktop.core.agreements.MoveRefused`),
both ``ValueError`` whose text is a user message; nothing is changed when they are raised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from jmg_desktop.core.agreements import (
    Body,
    Comparison,
    LineFigures,
    MoveRefused,
    PathState,
    Status,
    Step,
    apply_step,
    describe_step,
    replay,
    status_text,
    waiting_for,
)
from jmg_desktop.core.money import Money
from jmg_desktop.core.since_agreed import can_be_flagged, differences
from jmg_desktop.store.audit import current_actor, record_event
from jmg_desktop.store.models import (
    Agreement,
    AgreementBody,
    AgreementLine,
    AgreementStep,
    AuditEvent,
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

__all__ = [
    "AgreementDetail",
    "AgreementError",
    "AgreementSummary",
    "MeetingRecord",
    "SinceAgreedMarks",
    "StepRecord",
    "agreement_detail",
    "agreement_findings",
    "agreement_record",
    "agreements_for_line",
    "body_choices",
    "comparisons",
    "create_meeting",
    "current_figures",
    "delete_agreement",
    "delete_meeting",
    "line_history",
    "lines_changed_since_agreed",
    "list_agreements",
    "list_bodies",
    "list_meetings",
    "move_agreement",
    "record_agreement",
    "restore_agreement",
    "restore_meeting",
    "restore_step",
    "since_agreed_marks",
    "undo_step",
    "update_agreement",
    "update_meeting",
]

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


# -- meetings ----------------------------------------------------------------------------------


def create_meeting(
    session: Session,
    *,
    body: str,
    held_on: date,
    reference: str = "",
    note: str = "",
    actor: str | None = None,
) -> int:
    """Record a meeting; returns its id."""
    row = Meeting(
        body=_require_text(body, "The meeting's body"),
        held_on=held_on.isoformat(),
        reference=reference.strip(),
        note=note.strip(),
    )
    session.add(row)
    session.flush()
    record_event(
        session, action="create", entity="meeting", entity_id=row.id, new=_row_dict(row), actor=actor
    )
    return row.id


def update_meeting(
    session: Session, meeting_id: int, *, actor: str | None = None, **fields: Any
) -> dict[str, Any]:
    """Change a meeting's body, date (``held_on`` as a date or ISO text), reference or note.

    Everything is checked before anything is set, so a refusal (``AgreementError`` with a user
    message) changes nothing; the audit event, written only when a value really changes, goes in
    the caller's transaction. Returns the old values of ``fields`` (for undo).
    """
    row = session.get(Meeting, meeting_id)
    if row is None:
        raise AgreementError(f"Meeting {meeting_id} does not exist.")
    unknown = set(fields) - set(_MEETING_FIELDS)
    if unknown:
        raise AgreementError(f"A meeting has no {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "held_on":
            try:
                day = value if isinstance(value, date) else date.fromisoformat(str(value))
            except ValueError:
                raise AgreementError(f"“{value}” is not a date.") from None
            cleaned[key] = day.isoformat()
        elif key == "body":
            cleaned[key] = _require_text(str(value), "The meeting's body")
        else:
            cleaned[key] = str(value or "").strip()
    old = {key: getattr(row, key) for key in cleaned}
    changed = sorted(key for key in cleaned if old[key] != cleaned[key])
    for key in changed:
        setattr(row, key, cleaned[key])
    if changed:
        session.flush()
        record_event(
            session,
            action="edit",
            entity="meeting",
            entity_id=meeting_id,
            old={k: old[k] for k in changed},
            new={k: cleaned[k] for k in changed},
            actor=actor,
        )
    return old


def delete_meeting(session: Session, meeting_id: int, *, actor: str | None = None) -> dict[str, Any]:
    """Delete a meeting no agreement refers to (used to undo its creation); returns its row."""
    row = session.get(Meeting, meeting_id)
    if row is None:
        raise AgreementError(f"Meeting {meeting_id} does not exist.")
    used = session.scalar(
        select(func.count()).select_from(Agreement).where(Agreement.meeting_id == meeting_id)
    )
    if used:
        raise AgreementError("The meeting cannot be removed: agreements were recorded at it.")
    record = _row_dict(row)
    session.delete(row)
    session.flush()
    record_event(session, action="delete", entity="meeting", entity_id=meeting_id, old=record, actor=actor)
    return record


def restore_meeting(session: Session, record: dict[str, Any], *, actor: str | None = None) -> int:
    """Put back a meeting removed by :func:`delete_meeting`, with its id (redo of its creation)."""
    session.add(Meeting(**record))
    session.flush()
    record_event(session, action="restore", entity="meeting", entity_id=record["id"], new=record, actor=actor)
    return int(record["id"])


def list_meetings(session: Session) -> list[MeetingRecord]:
    """Every meeting, newest first."""
    rows = session.execute(select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())).scalars()
    return [_meeting_record(row) for row in rows]


def list_bodies(session: Session) -> list[str]:
    """The names of the bodies that have met (for the register's filter)."""
    return list(session.execute(select(Meeting.body).distinct().order_by(Meeting.body)).scalars())


# -- agreements --------------------------------------------------------------------------------


def _default_bodies(session: Session, pool_years: set[tuple[int, int]]) -> list[int]:
    """Partners with lines in the pools and years concerned, plus each pool's host."""
    if not pool_years:
        return []
    partner_ids = set(
        session.execute(
            select(PoolLine.partner_id)
            .where(or_(*[(PoolLine.pool_id == p) & (PoolLine.financial_year == y) for p, y in pool_years]))
            .distinct()
        ).scalars()
    )
    hosts = session.execute(
        select(Pool.host_partner_id).where(Pool.id.in_({p for p, _ in pool_years}))
    ).scalars()
    partner_ids |= {host for host in hosts if host is not None}
    return sorted(partner_ids)


def record_agreement(
    session: Session,
    *,
    title: str,
    line_ids: Sequence[int] = (),
    pool_id: int | None = None,
    financial_year: int | None = None,
    whole_pool: bool = False,
    meeting_id: int | None = None,
    decision: str = "",
    reasons: str = "",
    alternatives: str = "",
    conflicts: str = "",
    assumptions: str = "",
    status: Status = Status.AGREED,
    on: date | None = None,
    body_partner_ids: Sequence[int] | None = None,
    note: str = "",
    actor: str | None = None,
) -> int:
    """Record an agreement with a snapshot of its lines' figures; returns its id (see module doc)."""
    title = _require_text(title, "The agreement's title")
    who = actor if actor is not None else current_actor()
    meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting_id is not None and meeting is None:
        raise AgreementError(f"Meeting {meeting_id} does not exist.")
    if whole_pool:
        if pool_id is None or financial_year is None:
            raise AgreementError("Say which pool and financial year the agreement covers.")
        if session.get(Pool, pool_id) is None:
            raise AgreementError(f"Pool {pool_id} does not exist.")
        wanted = session.execute(
            _current_figures_query()
            .where(PoolLine.pool_id == pool_id, PoolLine.financial_year == financial_year)
            .order_by(PoolLine.position, PoolLine.id)
        ).all()
    else:
        ids = list(dict.fromkeys(line_ids))
        if not ids:
            raise AgreementError("Select the lines the agreement covers.")
        found = {row[0]: row for row in session.execute(_current_figures_query().where(PoolLine.id.in_(ids)))}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise AgreementError(f"Line(s) {', '.join(missing)} no longer exist; nothing was recorded.")
        wanted = [found[i] for i in ids]
        pool_years = {(row[8], row[5]) for row in wanted}
        if pool_id is None and len({p for p, _ in pool_years}) == 1:
            pool_id = next(iter(pool_years))[0]
        if financial_year is None and len({y for _, y in pool_years}) == 1:
            financial_year = next(iter(pool_years))[1]
    pool_years = {(row[8], row[5]) for row in wanted}
    if whole_pool:
        pool_years.add((pool_id, financial_year))  # type: ignore[arg-type]
    partners = (
        list(body_partner_ids) if body_partner_ids is not None else _default_bodies(session, pool_years)
    )
    for partner_id in partners:
        if session.get(Partner, partner_id) is None:
            raise AgreementError(f"Partner {partner_id} does not exist.")
    day = on or (date.fromisoformat(meeting.held_on) if meeting is not None else date.today())
    if status not in (Status.PROPOSED, Status.AGREED):
        raise AgreementError("A new agreement is recorded as proposed or agreed in principle.")
    row = Agreement(
        meeting_id=meeting_id,
        title=title,
        decision=decision.strip(),
        reasons=reasons.strip(),
        alternatives=alternatives.strip(),
        conflicts=conflicts.strip(),
        assumptions=assumptions.strip(),
        pool_id=pool_id,
        financial_year=financial_year,
        covers_whole_pool=whole_pool,
        status=status.value,
        recorded_at=_now(),
        recorded_by=who,
    )
    session.add(row)
    session.flush()
    session.add_all(AgreementBody(agreement_id=row.id, partner_id=p) for p in partners)
    for position, (
        line_id,
        service,
        partner,
        category,
        label,
        year,
        pence,
        _pool,
        line_pool_id,
        kind,
    ) in enumerate(wanted, start=1):
        session.add(
            AgreementLine(
                agreement_id=row.id,
                line_id=line_id,
                position=position,
                pool_id=line_pool_id,
                financial_year=year,
                service=service,
                partner_name=partner,
                category_name=category or "",
                status_label=label,
                amount_pence=pence,
                kind=kind or "",
            )
        )
    step = AgreementStep(
        agreement_id=row.id,
        ordinal=1,
        status=status.value,
        on_date=day.isoformat(),
        note=note.strip(),
        recorded_at=row.recorded_at,
        recorded_by=who,
    )
    session.add(step)
    session.flush()
    record_event(
        session,
        action="record_agreement",
        entity="agreement",
        entity_id=row.id,
        new=agreement_record(session, row.id),
        actor=who,
    )
    return row.id


def agreement_record(session: Session, agreement_id: int) -> dict[str, Any]:
    """Everything stored about one agreement, as plain data (for its audit event and for undo)."""
    row = _agreement(session, agreement_id)
    session.flush()
    return {
        "agreement": _row_dict(row),
        "bodies": list(
            session.execute(
                select(AgreementBody.partner_id)
                .where(AgreementBody.agreement_id == agreement_id)
                .order_by(AgreementBody.partner_id)
            ).scalars()
        ),
        "steps": [_row_dict(s) for s in _steps_of(session, [agreement_id])[agreement_id]],
        "lines": [
            _row_dict(line)
            for line in session.execute(
                select(AgreementLine)
                .where(AgreementLine.agreement_id == agreement_id)
                .order_by(AgreementLine.position)
            ).scalars()
        ],
    }


def delete_agreement(session: Session, agreement_id: int, *, actor: str | None = None) -> dict[str, Any]:
    """Remove an agreement (to undo its recording); returns its full record for :func:`restore_agreement`."""
    record = agreement_record(session, agreement_id)
    later = session.scalar(
        select(func.count())
        .select_from(AgreementStep)
        .where(AgreementStep.superseded_by_id == agreement_id, AgreementStep.agreement_id != agreement_id)
    )
    if later:
        raise AgreementError(
            "The agreement cannot be removed: another agreement is recorded as superseded by it."
        )
    session.execute(delete(Agreement).where(Agreement.id == agreement_id))
    session.expire_all()
    record_event(
        session,
        action="delete_agreement",
        entity="agreement",
        entity_id=agreement_id,
        old=record,
        actor=actor,
    )
    return record


def restore_agreement(session: Session, record: dict[str, Any], *, actor: str | None = None) -> int:
    """Put back an agreement removed by :func:`delete_agreement`, with the same ids and snapshot."""
    agreement_id = int(record["agreement"]["id"])
    if session.get(Agreement, agreement_id) is not None:
        raise AgreementError(f"Agreement {agreement_id} already exists.")
    session.add(Agreement(**record["agreement"]))
    session.flush()
    session.add_all(AgreementBody(agreement_id=agreement_id, partner_id=p) for p in record["bodies"])
    session.add_all(AgreementStep(**s) for s in record["steps"])
    # line_id has no foreign key on purpose: a line deleted meanwhile simply shows as removed.
    session.add_all(AgreementLine(**line) for line in record["lines"])
    session.flush()
    record_event(
        session,
        action="restore_agreement",
        entity="agreement",
        entity_id=agreement_id,
        new=record,
        actor=actor,
    )
    return agreement_id


def update_agreement(
    session: Session, agreement_id: int, *, actor: str | None = None, **fields: Any
) -> dict[str, Any]:
    """Change an agreement's words or meeting; returns the old values (for undo)."""
    row = _agreement(session, agreement_id)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise AgreementError(f"These cannot be edited this way: {', '.join(sorted(unknown))}.")
    if "title" in fields:
        fields["title"] = _require_text(fields["title"], "The agreement's title")
    if fields.get("meeting_id") is not None and session.get(Meeting, fields["meeting_id"]) is None:
        raise AgreementError(f"Meeting {fields['meeting_id']} does not exist.")
    old = {key: getattr(row, key) for key in fields}
    for key, value in fields.items():
        setattr(row, key, value.strip() if isinstance(value, str) else value)
    new = {key: getattr(row, key) for key in fields}
    changed = {key for key in fields if old[key] != new[key]}
    if changed:
        session.flush()
        record_event(
            session,
            action="edit",
            entity="agreement",
            entity_id=agreement_id,
            old={k: old[k] for k in sorted(changed)},
            new={k: new[k] for k in sorted(changed)},
            actor=actor,
        )
    return old


def move_agreement(
    session: Session, agreement_id: int, step: Step, *, note: str = "", actor: str | None = None
) -> int:
    """Move an agreement along its path; raises ``MoveRefused`` (nothing changed) when it makes no sense."""
    row = _agreement(session, agreement_id)
    if (
        step.status is Status.SUPERSEDED
        and step.superseded_by is not None
        and step.superseded_by != agreement_id
    ):
        _agreement(session, step.superseded_by)
    bodies = _bodies_of(session, [agreement_id])[agreement_id]
    existing = _steps_of(session, [agreement_id])[agreement_id]
    state = replay([_step_of(s) for s in existing], bodies, agreement_id=agreement_id)
    state = apply_step(state, step, bodies, agreement_id=agreement_id)
    who = actor if actor is not None else current_actor()
    new_step = AgreementStep(
        agreement_id=agreement_id,
        ordinal=(existing[-1].ordinal + 1) if existing else 1,
        status=step.status.value,
        on_date=step.on.isoformat(),
        partner_id=step.partner_id,
        superseded_by_id=step.superseded_by,
        note=note.strip(),
        recorded_at=_now(),
        recorded_by=who,
    )
    session.add(new_step)
    row.status = (state.status or Status.PROPOSED).value
    row.superseded_by_id = state.superseded_by
    session.flush()
    record_event(
        session,
        action="move_status",
        entity="agreement",
        entity_id=agreement_id,
        old={"status": _status_before(existing)},
        new={**_row_dict(new_step), "text": describe_step(step, bodies)},
        actor=who,
    )
    return new_step.id


def _status_before(steps: Sequence[AgreementStep]) -> str | None:
    return steps[-1].status if steps else None


def undo_step(
    session: Session, agreement_id: int, step_id: int, *, actor: str | None = None
) -> dict[str, Any]:
    """Take back the latest step (undo of a move); refuses any step but the latest, and the first."""
    existing = _steps_of(session, [agreement_id])[agreement_id]
    if not existing or existing[-1].id != step_id:
        raise AgreementError("Only the latest step of an agreement can be taken back.")
    if len(existing) == 1:
        raise AgreementError("An agreement's first step cannot be taken back; remove the agreement instead.")
    row = existing[-1]
    record = _row_dict(row)
    session.delete(row)
    state = _refresh_status(session, _agreement(session, agreement_id))
    record_event(
        session,
        action="undo_status_move",
        entity="agreement",
        entity_id=agreement_id,
        old=record,
        new={"status": state.status.value if state.status else None},
        actor=actor,
    )
    return record


def restore_step(session: Session, record: dict[str, Any], *, actor: str | None = None) -> int:
    """Put back a step taken back by :func:`undo_step` (redo of a move), checking it still makes sense."""
    agreement_id = int(record["agreement_id"])
    agreement = _agreement(session, agreement_id)
    bodies = _bodies_of(session, [agreement_id])[agreement_id]
    existing = [_step_of(s) for s in _steps_of(session, [agreement_id])[agreement_id]]
    step = Step(
        Status(record["status"]),
        date.fromisoformat(record["on_date"]),
        record["partner_id"],
        record["superseded_by_id"],
    )
    apply_step(replay(existing, bodies, agreement_id=agreement_id), step, bodies, agreement_id=agreement_id)
    session.add(AgreementStep(**record))
    state = _refresh_status(session, agreement)
    record_event(
        session,
        action="redo_status_move",
        entity="agreement",
        entity_id=agreement_id,
        new={**record, "status_after": state.status.value if state.status else None},
        actor=actor,
    )
    return int(record["id"])


def _summaries(session: Session, rows: Sequence[Agreement]) -> list[AgreementSummary]:
    ids = [row.id for row in rows]
    bodies = _bodies_of(session, ids)
    steps = _steps_of(session, ids)
    compared = comparisons(session, rows)
    meetings = {
        m.id: _meeting_record(m)
        for m in session.execute(
            select(Meeting).where(Meeting.id.in_({r.meeting_id for r in rows if r.meeting_id}))
        ).scalars()
    }
    pools = dict(session.execute(select(Pool.id, Pool.name)).all())
    result = []
    for row in rows:
        state = _read_state([_step_of(s) for s in steps[row.id]], bodies[row.id], row.id)
        meeting = meetings.get(row.meeting_id) if row.meeting_id else None
        first = date.fromisoformat(steps[row.id][0].on_date) if steps[row.id] else date.min
        result.append(
            AgreementSummary(
                id=row.id,
                title=row.title,
                on=meeting.held_on if meeting else first,
                meeting=meeting,
                pool_id=row.pool_id,
                pool_name=pools.get(row.pool_id, "Several pools") if row.pool_id else "Several pools",
                financial_year=row.financial_year,
                status=Status(row.status),
                status_text=status_text(state, bodies[row.id]),
                waiting_for=waiting_for(state, bodies[row.id]),
                bodies=bodies[row.id],
                comparison=compared[row.id],
            )
        )
    return result


def list_agreements(
    session: Session,
    *,
    status: Status | None = None,
    pool_id: int | None = None,
    year: int | None = None,
    body: str | None = None,
) -> list[AgreementSummary]:
    """The register, filtered, oldest first (by meeting date, else the first step's date)."""
    query = select(Agreement).outerjoin(Meeting, Meeting.id == Agreement.meeting_id)
    if status is not None:
        query = query.where(Agreement.status == status.value)
    if pool_id is not None:
        covered = select(AgreementLine.agreement_id).where(AgreementLine.pool_id == pool_id)
        query = query.where(or_(Agreement.pool_id == pool_id, Agreement.id.in_(covered)))
    if year is not None:
        covered = select(AgreementLine.agreement_id).where(AgreementLine.financial_year == year)
        query = query.where(or_(Agreement.financial_year == year, Agreement.id.in_(covered)))
    if body is not None:
        query = query.where(Meeting.body == body)
    rows = list(session.execute(query.order_by(Agreement.id)).scalars())
    return sorted(_summaries(session, rows), key=lambda s: (s.on, s.id))


def agreement_detail(session: Session, agreement_id: int) -> AgreementDetail:
    """One agreement with its words, its history and its lines agreed-vs-now."""
    row = _agreement(session, agreement_id)
    summary = _summaries(session, [row])[0]
    steps = _steps_of(session, [agreement_id])[agreement_id]
    bodies = summary.bodies
    return AgreementDetail(
        summary=summary,
        decision=row.decision,
        reasons=row.reasons,
        alternatives=row.alternatives,
        conflicts=row.conflicts,
        assumptions=row.assumptions,
        covers_whole_pool=row.covers_whole_pool,
        steps=tuple(
            StepRecord(
                id=s.id,
                ordinal=s.ordinal,
                step=_step_of(s),
                text=describe_step(_step_of(s), bodies),
                note=s.note,
                recorded_at=s.recorded_at,
                recorded_by=s.recorded_by,
            )
            for s in steps
        ),
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        state=_read_state([_step_of(s) for s in steps], bodies, agreement_id),
    )


@dataclass(frozen=True, slots=True)
class SinceAgreedMarks:
    """Lines to flag in the editor: line id → ids of the agreements concerned.

    ``changed``: figures differ from what a live agreement agreed; ``added``: new since a pool
    and year was agreed as a whole (shown apart). The rule is :mod:`jmg_desktop.core.since_agreed`.
    """

    changed: dict[int, list[int]]
    added: dict[int, list[int]]


def since_agreed_marks(
    session: Session, pool_id: int | None = None, year: int | None = None
) -> SinceAgreedMarks:
    """The lines (of a pool and year, if given) changed or added since a live agreement.

    SQL finds the covered lines whose stored figures differ at all (the lines editor asks after
    every edit, over pools of any size); the core rule then decides which of those differ.
    """
    differs = or_(
        PoolLine.amount_pence != AgreementLine.amount_pence,
        Partner.name != AgreementLine.partner_name,
        LineStatus.label != AgreementLine.status_label,
        PoolLine.service != AgreementLine.service,
        func.coalesce(Category.name, "") != AgreementLine.category_name,
        PoolLine.financial_year != AgreementLine.financial_year,
        PoolLine.pool_id.is_distinct_from(AgreementLine.pool_id),
        and_(AgreementLine.kind != "", PoolLine.kind != AgreementLine.kind),
    )
    query = (
        select(*_CURRENT_COLUMNS, *_SNAPSHOT_COLUMNS)
        .select_from(AgreementLine)
        .join(Agreement, Agreement.id == AgreementLine.agreement_id)
        .join(PoolLine, PoolLine.id == AgreementLine.line_id)
        .join(Partner, Partner.id == PoolLine.partner_id)
        .join(LineStatus, LineStatus.id == PoolLine.status_id)
        .join(Pool, Pool.id == PoolLine.pool_id)
        .outerjoin(Category, Category.id == PoolLine.category_id)
        .where(Agreement.status.not_in(_NOT_FLAGGED), differs)
        .order_by(PoolLine.id, AgreementLine.agreement_id)
    )
    if pool_id is not None:
        query = query.where(PoolLine.pool_id == pool_id)
    if year is not None:
        query = query.where(PoolLine.financial_year == year)
    pools = dict(session.execute(select(Pool.id, Pool.name)).all())
    changed: dict[int, list[int]] = {}
    for row in session.execute(query):
        now = _figures(row[:_CURRENT_WIDTH])
        agreed = _snapshot_figures(row[_CURRENT_WIDTH:], pools)
        agreement_id = row[_CURRENT_WIDTH]
        if differences(agreed, now) and agreement_id not in changed.get(now.line_id, []):  # type: ignore[arg-type]
            changed.setdefault(now.line_id, []).append(agreement_id)  # type: ignore[arg-type]
    # Lines new to a pool and year that an agreement covers as a whole.
    whole = select(Agreement).where(
        Agreement.status.not_in(_NOT_FLAGGED), Agreement.covers_whole_pool.is_(True)
    )
    if pool_id is not None:
        whole = whole.where(Agreement.pool_id == pool_id)
    if year is not None:
        whole = whole.where(Agreement.financial_year == year)
    added: dict[int, list[int]] = {}
    for agreement_id, comparison in comparisons(session, list(session.execute(whole).scalars())).items():
        for line in comparison.added:
            if line.now is not None and line.now.line_id is not None:
                added.setdefault(line.now.line_id, []).append(agreement_id)
    return SinceAgreedMarks(changed, added)


def lines_changed_since_agreed(
    session: Session, pool_id: int | None = None, year: int | None = None
) -> dict[int, list[int]]:
    """Lines whose figures differ from a live agreement: line id → agreement ids (lines added
    since a whole-pool agreement are apart, in :func:`since_agreed_marks`)."""
    return since_agreed_marks(session, pool_id, year).changed


def agreements_for_line(session: Session, line_id: int) -> list[AgreementSummary]:
    """The agreements that cover one line, oldest first (for the line's history)."""
    ids = select(AgreementLine.agreement_id).where(AgreementLine.line_id == line_id)
    rows = list(session.execute(select(Agreement).where(Agreement.id.in_(ids))).scalars())
    return sorted(_summaries(session, rows), key=lambda s: (s.on, s.id))


def _mentions_line(value: str, line_id: int) -> bool:
    """Whether an audit event's JSON (old or new) names ``line_id`` as a line it changed."""
    if not value:
        return False
    data = json.loads(value)
    if not isinstance(data, dict):
        return False
    rows = [*data.get("updates", []), *data.get("lines", [])]
    return any(isinstance(row, dict) and row.get("id") == line_id for row in rows)


def line_history(session: Session, line_id: int) -> list[AuditEvent]:
    """The audit events that changed one line, oldest first.

    An event about one line carries its id; an event about several (a multi-line paste, a delete)
    lists them in its old/new values, so those are found by their text and then checked exactly.
    """
    text_id = f'%"id":{int(line_id)}%'
    candidates = session.execute(
        select(AuditEvent)
        .where(
            AuditEvent.entity == "pool_line",
            or_(
                AuditEvent.entity_id == line_id,
                AuditEvent.old.like(text_id),
                AuditEvent.new.like(text_id),
            ),
        )
        .order_by(AuditEvent.sequence)
    ).scalars()
    return [
        event
        for event in candidates
        if event.entity_id == line_id
        or _mentions_line(event.old, line_id)
        or _mentions_line(event.new, line_id)
    ]


# -- for the "Record agreement…" dialog ---------------------------------------------------------


def current_figures(
    session: Session,
    line_ids: Sequence[int] = (),
    *,
    pool_id: int | None = None,
    financial_year: int | None = None,
) -> list[LineFigures]:
    """Lines' figures as they stand: the given ids in that order, or every line of a pool and year."""
    query = _current_figures_query()
    if line_ids:
        found = {
            row[0]: _figures(row) for row in session.execute(query.where(PoolLine.id.in_(list(line_ids))))
        }
        return [found[i] for i in line_ids if i in found]
    query = query.where(PoolLine.pool_id == pool_id, PoolLine.financial_year == financial_year)
    return [_figures(row) for row in session.execute(query.order_by(PoolLine.position, PoolLine.id))]


def body_choices(
    session: Session,
    line_ids: Sequence[int] = (),
    *,
    pool_id: int | None = None,
    financial_year: int | None = None,
) -> list[tuple[Body, bool]]:
    """Every partner as a possible approving body, with whether it is one by default."""
    if line_ids:
        pool_years = {
            (pool, year)
            for pool, year in session.execute(
                select(PoolLine.pool_id, PoolLine.financial_year).where(PoolLine.id.in_(list(line_ids)))
            )
        }
    elif pool_id is not None and financial_year is not None:
        pool_years = {(pool_id, financial_year)}
    else:
        pool_years = set()
    defaults = set(_default_bodies(session, pool_years))
    partners = session.execute(select(Partner).order_by(Partner.position, Partner.id)).scalars()
    return [(Body(p.id, p.sovereign_body or p.name, p.name), p.id in defaults) for p in partners]


def agreement_findings(session: Session) -> list[str]:
    """Agreements whose stored history makes no sense (:func:`reads.agreements.agreement_findings`)."""
    return agreement_reads.agreement_findings(session_rows(session))
