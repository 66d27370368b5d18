"""The decision register, read: summaries and details with agreed-vs-now, the lines editor's
"changed since agreed" marks, a line's history, the Record Agreement dialog's choices, and
``check``'s findings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from jmg_desktop.core.agreed_figures import LineFigures
from jmg_desktop.core.agreements import (
    Body,
    Status,
    describe_step,
    status_text,
    waiting_for,
)
from jmg_desktop.core.since_agreed import differences
from jmg_desktop.store.agreements_base import (
    _CURRENT_COLUMNS,
    _CURRENT_WIDTH,
    _NOT_FLAGGED,
    _SNAPSHOT_COLUMNS,
    AgreementDetail,
    AgreementSummary,
    StepRecord,
    _agreement,
    _bodies_of,
    _current_figures_query,
    _figures,
    _meeting_record,
    _read_state,
    _snapshot_figures,
    _step_of,
    _steps_of,
    comparisons,
)
from jmg_desktop.store.agreements_writes import _default_bodies
from jmg_desktop.store.models import (
    Agreement,
    AgreementLine,
    AuditEvent,
    Category,
    LineStatus,
    Meeting,
    Partner,
    Pool,
    PoolLine,
)
from jmg_desktop.store.reads import agreements as agreement_reads
from jmg_desktop.store.reads.sa_rows import session_rows


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
    # The join starts from whichever side is smaller: SQLite keeps no statistics, and by default
    # walks the pool's lines (a million) probing each for agreements. When fewer lines are agreed
    # than the pool holds, the pool and year are written so that no index of pool_line serves
    # them: the join then starts from the agreed lines and looks their lines up by id.
    pool_column: Any = PoolLine.pool_id
    year_column: Any = PoolLine.financial_year
    if pool_id is not None and _fewer_agreed_than_in_pool(session, pool_id, year):
        pool_column, year_column = pool_column + 0, year_column + 0
    if pool_id is not None:
        query = query.where(pool_column == pool_id)
    if year is not None:
        query = query.where(year_column == year)
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


def _fewer_agreed_than_in_pool(session: Session, pool_id: int, year: int | None) -> bool:
    """Whether fewer lines are agreed (in every agreement) than the pool has (in ``year``)."""
    agreed = int(session.execute(select(func.count()).select_from(AgreementLine)).scalar_one())
    # Is there a line past the first ``agreed``? (Stops there, rather than counting the pool.)
    beyond = select(PoolLine.id).where(PoolLine.pool_id == pool_id)
    if year is not None:
        beyond = beyond.where(PoolLine.financial_year == year)
    return session.execute(beyond.limit(1).offset(agreed)).first() is not None


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
