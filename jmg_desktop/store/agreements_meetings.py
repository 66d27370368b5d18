"""Meetings in the decision register: create, edit, delete and restore (each audited), and list."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jmg_desktop.store.agreements_base import (
    _MEETING_FIELDS,
    AgreementError,
    MeetingRecord,
    _meeting_record,
    _require_text,
    _row_dict,
)
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.models import (
    Agreement,
    Meeting,
)

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
