"""Row versions on a shared workspace: an edit made against a stale row is refused, by name.

A row's version is the sequence number of the newest audit event that touched it: every change the
application makes is audited in the same transaction, so the audit trail already numbers every
row's versions, for every table the models have (those added later too) without a column of its
own. Each open workspace keeps the newest event its views have *seen* (:attr:`seen`, moved on when
they re-read after another person's change). A write is refused when a row it touches was changed
by someone else after that: "This line was changed by Helen Marsh at 10:42; the table now shows
their change." An undo is refused the same way when someone else changed the row after the change
being undone, even if the view has shown it since.

The check runs at the end of the write transaction under the audit advisory lock
(:mod:`jmg_desktop.store.pg_append`), so it and the commit cannot interleave with another writer's;
the rows themselves were locked by the transaction's own updates before it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.store.models import AuditEvent

__all__ = [
    "Conflict",
    "RowKey",
    "changed_by",
    "conflict_floor",
    "first_conflict",
    "pending_keys",
    "rows_touched",
]

RowKey = tuple[str, int]

#: How a table's row is named in the sentence ("This line was changed by …").
_NOUNS: Final = {
    "pool_line": "line",
    "stated_total": "stated total",
    "projection_scenario": "scenario",
    "agreement": "agreement",
    "meeting": "meeting",
    "paper": "paper",
    "pool": "pool",
}


@dataclass(frozen=True, slots=True)
class Conflict:
    """Another person's change to a row this edit touches."""

    entity: str
    entity_id: int
    actor: str
    at: str

    def sentence(self) -> str:
        """The refusal shown to the user, in their local time."""
        noun = _NOUNS.get(self.entity, self.entity.replace("_", " "))
        try:
            when = datetime.fromisoformat(self.at).astimezone().strftime("%H:%M")
        except ValueError:
            when = self.at
        return f"This {noun} was changed by {self.actor} at {when}; the table now shows their change."


def _ids_in(value: Any) -> Iterable[int]:
    """Line ids recorded inside an event's old/new JSON (multi-line edits list them)."""
    if not value:
        return ()
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return ()
    found: list[int] = []
    if isinstance(data, dict):
        for key in ("updates", "lines"):
            for item in data.get(key) or ():
                if isinstance(item, dict) and isinstance(item.get("id"), int):
                    found.append(item["id"])
    return found


def rows_touched(entity: str, entity_id: int | None, old: Any, new: Any) -> set[RowKey]:
    """The rows one audit event changed, as (table, id) keys."""
    keys = {(entity, entity_id)} if entity_id is not None else set()
    keys |= {(entity, line_id) for line_id in (*_ids_in(old), *_ids_in(new))}
    return keys


_COLUMNS = (
    AuditEvent.sequence,
    AuditEvent.actor,
    AuditEvent.at,
    AuditEvent.action,
    AuditEvent.entity,
    AuditEvent.entity_id,
    AuditEvent.old,
    AuditEvent.new,
)


def pending_keys(pending: Iterable[Mapping[str, Any]]) -> tuple[set[RowKey], set[RowKey]]:
    """The rows a transaction's events touch, and those of them it touches by undoing."""
    touched: set[RowKey] = set()
    undone: set[RowKey] = set()
    for event in pending:
        keys = rows_touched(event["entity"], event["entity_id"], event["old"], event["new"])
        touched |= keys
        if str(event["action"]).startswith("undo"):
            undone |= keys
    return touched, undone


def conflict_floor(seen: int, undone: set[RowKey], own_last: Mapping[RowKey, int]) -> int:
    """The newest event another person's change must come after to conflict: what the view has
    shown, or for an undo the change it reverses (whichever is older)."""
    return min([seen, *(own_last.get(key, seen) for key in undone)])


def first_conflict(
    others: Iterable[Any],
    *,
    touched: set[RowKey],
    undone: set[RowKey],
    seen: int,
    own: set[int],
    own_last: Mapping[RowKey, int],
) -> Conflict | None:
    """The newest of ``others`` (events after the floor, newest first, as ``_COLUMNS``) that is
    someone else's change to a row this transaction touches; None when there is none."""
    for event in others:
        sequence, actor, at, _action, entity, entity_id, old, new = tuple(event)
        if sequence in own:
            continue
        for key in rows_touched(entity, entity_id, old, new):
            if key not in touched:
                continue
            limit = min(seen, own_last.get(key, seen)) if key in undone else seen
            if sequence > limit:
                return Conflict(key[0], key[1], actor, at)
    return None


def changed_by(session: Session, entity: str, ids: Iterable[int], *, own: set[int]) -> Conflict | None:
    """The newest change by someone else to any of the rows ``ids`` of ``entity`` (for refusals
    found by the row's own values, e.g. a line whose cell no longer holds what was shown)."""
    wanted = set(ids)
    events = session.execute(
        select(*_COLUMNS).where(AuditEvent.entity == entity).order_by(AuditEvent.sequence.desc()).limit(200)
    ).all()
    for event in events:
        if event.sequence in own:
            continue
        hit = {key[1] for key in rows_touched(event.entity, event.entity_id, event.old, event.new)} & wanted
        if hit:
            return Conflict(entity, min(hit), event.actor, event.at)
    return None
