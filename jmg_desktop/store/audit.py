"""The append-only, hash-chained audit trail.

Each event records the hash of the one before it, so an edit, deletion or insertion made behind
the application's back breaks the chain at a point ``jmg-desktop check`` can name.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.store.models import AuditEvent

__all__ = ["AuditBreak", "current_actor", "event_hash", "record_event", "verify_chain"]


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
) -> AuditEvent:
    """Append an audit event in the caller's transaction (so it commits or rolls back with the change)."""
    last = session.execute(
        select(AuditEvent.sequence, AuditEvent.hash).order_by(AuditEvent.sequence.desc()).limit(1)
    ).first()
    sequence = 1 if last is None else last.sequence + 1
    prev_hash = "" if last is None else last.hash
    fields = {
        "sequence": sequence,
        "at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "actor": actor if actor is not None else current_actor(),
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "old": _canonical(old),
        "new": _canonical(new),
        "prev_hash": prev_hash,
    }
    event = AuditEvent(**fields, hash=event_hash(**fields))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class AuditBreak:
    """Where the chain first fails, in words fit for ``jmg-desktop check``."""

    sequence: int
    reason: str


def verify_chain(session: Session) -> AuditBreak | None:
    """Walk the chain in order; return the first break, or None when it is whole."""
    prev_hash = ""
    expected_sequence = 1
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.sequence)).scalars():
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
    return None
