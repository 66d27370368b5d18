"""Agreements in the decision register, written: record one with the snapshot of its lines, edit
its words, move it along its path, undo a step, delete and restore (each audited in the caller's
session).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from jmg_desktop.core.agreements import (
    Status,
    Step,
    apply_step,
    describe_step,
    replay,
)
from jmg_desktop.store.agreements_base import (
    EDITABLE_FIELDS,
    AgreementError,
    _agreement,
    _bodies_of,
    _current_figures_query,
    _now,
    _refresh_status,
    _require_text,
    _row_dict,
    _step_of,
    _steps_of,
)
from jmg_desktop.store.audit import current_actor, record_event
from jmg_desktop.store.models import (
    Agreement,
    AgreementBody,
    AgreementLine,
    AgreementStep,
    Meeting,
    Partner,
    Pool,
    PoolLine,
)

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
    who = actor if actor is not None else current_actor(session)
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
    who = actor if actor is not None else current_actor(session)
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
