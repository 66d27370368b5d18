"""The append-only, hash-chained audit trail.

Each event records the hash of the one before it, so an edit, deletion or insertion made behind
the application's back breaks the chain at a point ``jmg-desktop check`` can name. The chain's
head (last sequence and hash) is also kept in ``workspace_setting`` under ``audit_head``, written
in the same transaction as each event, so that deleting the *last* event (or appending a forged
one) is detected too: without it a truncated chain would still look whole.

``audit_findings(session)`` returns the problems as sentences for ``jmg-desktop check``;
``events_for(session, entity, entity_id)`` gives one thing's history for the history views.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from jmg_desktop.store.models import AuditEvent, WorkspaceSetting

__all__ = [
    "HEAD_SETTING",
    "AuditBreak",
    "audit_findings",
    "current_actor",
    "event_hash",
    "events_for",
    "record_event",
    "verify_chain",
]

#: The workspace_setting key holding ``"<sequence>:<hash>"`` of the newest audit event.
HEAD_SETTING = "audit_head"


_EVENTS = AuditEvent.__table__
_SETTINGS = WorkspaceSetting.__table__
_LAST_EVENT = select(_EVENTS.c.sequence, _EVENTS.c.hash).order_by(_EVENTS.c.sequence.desc()).limit(1)
_INSERT_EVENT = insert(_EVENTS)
_MOVE_HEAD = (
    update(_SETTINGS).where(_SETTINGS.c.key == bindparam("head_key")).values(value=bindparam("head_value"))
)
_INSERT_HEAD = insert(_SETTINGS)


def current_actor() -> str:
    """The person at the keyboard, as the operating system names them."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        return "unknown"


def _canonical(value: Mapping[str, Any] | None) -> str:
    return (
        "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    )


def event_hash(
    *,
    sequence: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    old: str,
    new: str,
    prev_hash: str,
) -> str:
    """The SHA-256 of an event's content and its predecessor's hash."""
    payload = json.dumps(
        [sequence, at, actor, action, entity, entity_id, old, new, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_event(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    actor: str | None = None,
) -> int:
    """Append an audit event in the caller's transaction (so it commits or rolls back with the
    change); return its sequence number.

    Prepared Core statements on the tables rather than ORM objects: this runs on every edit, and
    building statements and the unit of work's bookkeeping cost more than the writes themselves.
    """
    last = session.execute(_LAST_EVENT).first()
    sequence = 1 if last is None else last.sequence + 1
    prev_hash = "" if last is None else last.hash
    fields = {
        "sequence": sequence,
        "at": datetime.now(UTC).isoformat(timespec="microseconds"),
        # A shared workspace names the person the server knows (set on its write sessions).
        "actor": actor if actor is not None else session.info.get("actor") or current_actor(),
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "old": _canonical(old),
        "new": _canonical(new),
        "prev_hash": prev_hash,
    }
    digest = event_hash(**fields)
    session.execute(_INSERT_EVENT, {**fields, "hash": digest})
    # The head marker moves in the same transaction, so a later deletion of this (last) event shows.
    head = f"{sequence}:{digest}"
    session.info["audit_head"] = (sequence, digest)  # witnessed outside the file once committed
    if session.execute(_MOVE_HEAD, {"head_key": HEAD_SETTING, "head_value": head}).rowcount == 0:
        session.execute(_INSERT_HEAD, {"key": HEAD_SETTING, "value": head})
    return sequence


@dataclass(frozen=True, slots=True)
class AuditBreak:
    """Where the chain first fails, in words fit for ``jmg-desktop check``."""

    sequence: int
    reason: str


def _stored_head(session: Session) -> tuple[int, str] | None:
    """The head marker as (sequence, hash); None when there is none; (-1, "") when unreadable."""
    value = session.get(WorkspaceSetting, HEAD_SETTING)
    if value is None:
        return None
    sequence, _, digest = value.value.partition(":")
    try:
        return int(sequence), digest
    except ValueError:
        return -1, ""


def verify_chain(session: Session) -> AuditBreak | None:
    """Walk the chain in order; return the first break, or None when it is whole.

    After the walk the last event is compared with the head marker: a missing marker while events
    exist, fewer events than the marker names (the last ones deleted), or more (appended behind the
    application's back) are breaks too.
    """
    prev_hash = ""
    expected_sequence = 1
    # Plain rows, not entities: a long-lived workspace holds tens of thousands of events.
    columns = select(
        AuditEvent.sequence,
        AuditEvent.at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.entity,
        AuditEvent.entity_id,
        AuditEvent.old,
        AuditEvent.new,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    ).order_by(AuditEvent.sequence)
    for event in session.execute(columns):
        if event.sequence != expected_sequence:
            return AuditBreak(expected_sequence, f"audit event {expected_sequence} is missing")
        if event.prev_hash != prev_hash:
            return AuditBreak(
                event.sequence, f"audit event {event.sequence} does not follow the one before it"
            )
        recomputed = event_hash(
            sequence=event.sequence,
            at=event.at,
            actor=event.actor,
            action=event.action,
            entity=event.entity,
            entity_id=event.entity_id,
            old=event.old,
            new=event.new,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return AuditBreak(
                event.sequence, f"audit event {event.sequence} was changed after it was written"
            )
        prev_hash = event.hash
        expected_sequence += 1
    return _check_head(session, expected_sequence - 1, prev_hash)


def _check_head(session: Session, last_sequence: int, last_hash: str) -> AuditBreak | None:
    """Compare the end of a whole chain with the head marker kept beside it."""
    head = _stored_head(session)
    if head is None:
        if last_sequence == 0:
            return None
        return AuditBreak(last_sequence, "the audit trail's record of its last event is missing")
    head_sequence, head_hash = head
    if head_sequence < 0:
        return AuditBreak(last_sequence, "the audit trail's record of its last event is unreadable")
    if last_sequence < head_sequence:
        missing = last_sequence + 1
        what = "is missing" if missing == head_sequence else f"to {head_sequence} are missing"
        return AuditBreak(missing, f"audit event {missing} {what} (deleted from the end of the trail)")
    if last_sequence > head_sequence:
        return AuditBreak(
            head_sequence + 1,
            f"audit event {head_sequence + 1} was added outside the application",
        )
    if head_hash != last_hash:
        return AuditBreak(last_sequence, f"audit event {last_sequence} was replaced outside the application")
    return None


def audit_findings(session: Session) -> list[str]:
    """Problems with the audit trail, each a sentence for ``jmg-desktop check``; empty when whole."""
    problem = verify_chain(session)
    if problem is None:
        return []
    return [f"Audit trail broken at event {problem.sequence}: {problem.reason}."]


def events_for(session: Session, entity: str, entity_id: int) -> list[AuditEvent]:
    """The audit events about one thing (e.g. ``"agreement"``, 12), oldest first."""
    return list(
        session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.sequence)
        ).scalars()
    )
