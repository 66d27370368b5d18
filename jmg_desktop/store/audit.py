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

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from json.encoder import encode_basestring
from typing import Any, Final, NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from jmg_desktop.store.edit_transaction import EditTransaction
from jmg_desktop.store.json_rows import SameFields
from jmg_desktop.store.models import AuditEvent, WorkspaceSetting
from jmg_desktop.store.raw_writes import driver_of, execute, prepare, run, run_one
from jmg_desktop.store.reads import audit as reads_audit
from jmg_desktop.store.reads.audit import HEAD_SETTING, AuditBreak, event_hash, hash_of
from jmg_desktop.store.reads.sa_rows import session_rows

__all__ = [
    "HEAD_SETTING",
    "AuditBreak",
    "audit_findings",
    "chain",
    "current_actor",
    "encode_field",
    "event_hash",
    "events_for",
    "record_event",
    "verify_chain",
]

_EVENTS = AuditEvent.__table__
_SETTINGS = WorkspaceSetting.__table__
_LAST_EVENT = select(_EVENTS.c.sequence, _EVENTS.c.hash).order_by(_EVENTS.c.sequence.desc()).limit(1)
_INSERT_EVENT = insert(_EVENTS)
_MOVE_HEAD = (
    update(_SETTINGS).where(_SETTINGS.c.key == bindparam("head_key")).values(value=bindparam("head_value"))
)
_INSERT_HEAD = insert(_SETTINGS)
_EVENT_FIELDS: Final = ("sequence", "at", "actor", "action", "entity", "entity_id", "old", "new", "prev_hash")


class _OnDriver(NamedTuple):
    """The append's statements compiled once for SQLite's own connection (:func:`prepare`)."""

    last: str
    last_fixed: tuple[Any, ...]
    insert: str
    move_head: str
    insert_head: str


@cache
def _on_driver() -> _OnDriver:
    """The append's statements for SQLite's driver, compiled on the first event."""
    last, last_fixed = prepare(_LAST_EVENT)
    return _OnDriver(
        last,
        last_fixed,
        prepare(_INSERT_EVENT, (*_EVENT_FIELDS, "hash"))[0],
        prepare(_MOVE_HEAD, ("head_value", "head_key"))[0],
        prepare(_INSERT_HEAD, ("key", "value"))[0],
    )


def current_actor(session: Session | None = None) -> str:
    """The person making the change: on a shared workspace's write session the name the workspace
    has for their login (set as ``session.info["actor"]``), else the operating system's login."""
    if session is not None and session.info.get("actor"):
        return str(session.info["actor"])
    return reads_audit.current_actor()


def chain(pending: list[dict[str, Any]], *, after: int, prev_hash: str) -> list[dict[str, Any]]:
    """Number and hash deferred events in order, following the event ``after`` (hash ``prev_hash``):
    the rows to insert, each with ``sequence``, ``prev_hash`` and ``hash``."""
    rows = []
    for offset, fields in enumerate(pending, start=1):
        row = {**fields, "sequence": after + offset, "prev_hash": prev_hash}
        prev_hash = event_hash(**row)
        rows.append({**row, "hash": prev_hash})
    return rows


class EncodedDetail:
    """An event's old or new values already written as the trail's canonical JSON (a holder, not a
    str subclass, so that the text is never copied on its way to the database)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


#: ``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``, the trail's
#: canonical JSON, with the encoder made once (``dumps`` makes one per call with these arguments).
_CANONICAL: Final = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
#: ``{"field":`` for each field an edit has named, the start of :func:`encode_field`'s text.
_FIELD_PREFIX: Final[dict[str, str]] = {}


def _canonical(value: Mapping[str, Any] | EncodedDetail | None) -> str:
    """An event's old or new values as the trail records them ("" for none)."""
    if isinstance(value, EncodedDetail):
        return value.text
    return "" if value is None else _CANONICAL(value)


def encode_field(field: str, value: Any) -> EncodedDetail:
    """``{field: value}`` as the trail's canonical JSON (:func:`_canonical`'s text): a cell edit's
    old or new value. A string, a whole number or None is written without the encoder (the same
    text: JSON's escape of a string, an int's digits, ``null``); any other value through it."""
    kind = type(value)
    if kind is str:
        text = encode_basestring(value)
    elif kind is int:
        text = int.__repr__(value)
    elif value is None:
        text = "null"
    else:
        return EncodedDetail(_CANONICAL({field: value}))
    prefix = _FIELD_PREFIX.get(field)
    if prefix is None:
        prefix = _FIELD_PREFIX[field] = _CANONICAL({field: None})[:-5]  # without null}
    return EncodedDetail(prefix + text + "}")


def encode_lists(parts: Mapping[str, Iterable[Mapping[str, Any]] | SameFields]) -> EncodedDetail | None:
    """``{"lines": [{…}, …], …}`` as canonical JSON, encoding one item at a time.

    The text is exactly what :func:`_canonical` gives for the whole mapping, but the items can come
    from a generator, so a 100,000-line import never holds every line's dict at once (they were
    about 120 MB at the import's peak). Records given as :class:`SameFields` are encoded a column
    at a time, without a dict per record. ``None`` for no parts, as an event with nothing to record.
    """
    if not parts:
        return None
    chunks = ["{"]
    for number, key in enumerate(sorted(parts)):
        chunks.append(("," if number else "") + json.dumps(key, ensure_ascii=False) + ":[")
        items = parts[key]
        if isinstance(items, SameFields):
            chunks.extend(items.chunks())
            chunks.append("]")
            continue
        for index, item in enumerate(items):
            if index:
                chunks.append(",")
            chunks.append(_canonical(item))
        chunks.append("]")
    chunks.append("}")
    return EncodedDetail("".join(chunks))


def record_event(
    session: Session | EditTransaction,
    *,
    action: str,
    entity: str,
    entity_id: int | None,
    old: Mapping[str, Any] | EncodedDetail | None = None,
    new: Mapping[str, Any] | EncodedDetail | None = None,
    actor: str | None = None,
) -> int:
    """Append an audit event in the caller's transaction (so it commits or rolls back with the
    change); return its sequence number.

    Statements built once and run on SQLite's driver (:mod:`jmg_desktop.store.raw_writes`) rather
    than ORM objects: this runs on every edit, and building statements and the unit of work's
    bookkeeping cost more than the writes themselves.

    A shared workspace's write session defers the append (``session.info["audit_pending"]`` is a
    list): the event is kept there and chained at the end of the transaction, under the audit lock
    held only for that moment (:mod:`jmg_desktop.store.pg_append`); 0 is returned then.
    """
    pending = session.info.get("audit_pending")
    if pending is not None:
        pending.append(
            {
                "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                "actor": actor if actor is not None else session.info.get("actor") or current_actor(),
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "old": _canonical(old),
                "new": _canonical(new),
            }
        )
        return 0
    session.flush()  # ORM changes made before the event reach the database before it, as ever
    connection = session.connection()
    driver = driver_of(connection)
    if driver is None:
        return _append(session, connection, action, entity, entity_id, old, new, actor)
    # SQLite: the statements compiled once, their parameters given in order (no mapping per row).
    statements = _on_driver()
    last = execute(driver, statements.last, statements.last_fixed).fetchone()
    sequence, prev_hash = (1, "") if last is None else (last[0] + 1, last[1])
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    if actor is None:  # a shared workspace names the person the server knows (its write sessions)
        actor = session.info.get("actor") or reads_audit.current_actor()
    old_text, new_text = _canonical(old), _canonical(new)
    digest = hash_of(sequence, at, actor, action, entity, entity_id, old_text, new_text, prev_hash)
    execute(
        driver,
        statements.insert,
        (sequence, at, actor, action, entity, entity_id, old_text, new_text, prev_hash, digest),
    )
    # The head marker moves in the same transaction, so a later deletion of this (last) event shows.
    head = f"{sequence}:{digest}"
    session.info["audit_head"] = (sequence, digest)  # witnessed outside the file once committed
    if execute(driver, statements.move_head, (head, HEAD_SETTING)).rowcount == 0:
        execute(driver, statements.insert_head, (HEAD_SETTING, head))
    return sequence


def _append(
    session: Session | EditTransaction,
    connection: Any,
    action: str,
    entity: str,
    entity_id: int | None,
    old: Mapping[str, Any] | EncodedDetail | None,
    new: Mapping[str, Any] | EncodedDetail | None,
    actor: str | None,
) -> int:
    """:func:`record_event`'s append on another database than SQLite, through SQLAlchemy."""
    last = run_one(connection, _LAST_EVENT)
    sequence = 1 if last is None else last[0] + 1
    prev_hash = "" if last is None else last[1]
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
    run(connection, _INSERT_EVENT, [{**fields, "hash": digest}])
    head = f"{sequence}:{digest}"
    session.info["audit_head"] = (sequence, digest)  # witnessed outside the file once committed
    if run(connection, _MOVE_HEAD, [{"head_key": HEAD_SETTING, "head_value": head}]) == 0:
        run(connection, _INSERT_HEAD, [{"key": HEAD_SETTING, "value": head}])
    return sequence


def verify_chain(session: Session) -> AuditBreak | None:
    """The first break in the chain, or None when it is whole (:func:`reads.audit.verify_chain`)."""
    return reads_audit.verify_chain(session_rows(session))


def audit_findings(session: Session) -> list[str]:
    """Problems with the audit trail, each a sentence for ``jmg-desktop check``; empty when whole."""
    return reads_audit.audit_findings(session_rows(session))


def events_for(session: Session, entity: str, entity_id: int) -> list[AuditEvent]:
    """The audit events about one thing (e.g. ``"agreement"``, 12), oldest first."""
    return list(
        session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.sequence)
        ).scalars()
    )
