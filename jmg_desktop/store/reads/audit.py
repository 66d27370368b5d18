"""Reads of the audit trail: its head, a thing's last change, and the walk that verifies the chain.

The hash rule (:func:`event_hash`) lives here so that ``check`` and the witness of a published
paper verify the chain without SQLAlchemy; :mod:`jmg_desktop.store.audit` appends events with it.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, Final

from jmg_desktop.core.records import Record
from jmg_desktop.store.reads.rows import Rows, first

__all__ = [
    "HEAD_SETTING",
    "AuditBreak",
    "audit_findings",
    "current_actor",
    "event_hash",
    "events_up_to",
    "hash_of",
    "head_event",
    "last_change_at",
    "verify_chain",
]

#: The workspace_setting key holding ``"<sequence>:<hash>"`` of the newest audit event.
HEAD_SETTING: Final = "audit_head"

_EVENT_COLUMNS: Final = "sequence, at, actor, action, entity, entity_id, old, new, prev_hash, hash"


def current_actor() -> str:
    """The person at the keyboard, as the operating system names them (:func:`getpass.getuser`:
    the first of its environment variables that is set, else the account's name)."""
    for name in _LOGIN_VARIABLES:
        if login := os.environ.get(name):
            return login
    return _account_name()


#: Where :func:`getpass.getuser` looks first, in its order.
_LOGIN_VARIABLES: Final = ("LOGNAME", "USER", "LNAME", "USERNAME")


@cache
def _account_name() -> str:
    """The name of the account this process runs as, looked up once (every edit names its actor,
    and the lookup reads the password database each time)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        return "unknown"


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
    """The SHA-256 of an event's content and its predecessor's hash: of the UTF-8 of
    ``json.dumps([sequence, at, actor, action, entity, entity_id, old, new, prev_hash],
    ensure_ascii=False, separators=(",", ":"))``."""
    return hash_of(sequence, at, actor, action, entity, entity_id, old, new, prev_hash)


def hash_of(
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
    """:func:`event_hash` with its fields given in order (an edit's own call: no keywords)."""
    sha256 = _SHA256[0] if _SHA256 else _load_sha256()
    if len(old) + len(new) < _PIECE:
        payload = _encode_fields([sequence, at, actor, action, entity, entity_id, old, new, prev_hash])
        return sha256(payload.encode("utf-8")).hexdigest()
    # An import's values are tens of megabytes: the same bytes, fed a piece at a time. JSON escapes
    # each character on its own, so the pieces' escapes joined are the whole text's escape; no copy
    # of the whole (escaped, then encoded: three times its size at the import's peak) is made.
    digest = sha256()
    head = json.dumps(
        [sequence, at, actor, action, entity, entity_id], ensure_ascii=False, separators=(",", ":")
    )
    digest.update(head[:-1].encode("utf-8"))
    for text in (old, new):
        digest.update(b',"')
        for start in range(0, len(text), _PIECE):
            digest.update(json.dumps(text[start : start + _PIECE], ensure_ascii=False)[1:-1].encode("utf-8"))
        digest.update(b'"')
    digest.update(("," + json.dumps(prev_hash, ensure_ascii=False) + "]").encode("utf-8"))
    return digest.hexdigest()


def _flat_encoder() -> Callable[[list[Any]], str]:
    """``json.dumps(items, ensure_ascii=False, separators=(",", ":"))`` for a flat list, with the
    encoder made once: ``dumps`` builds a new one on every call with these arguments, which was a
    tenth of the Python work of a cell edit. Without the circular-reference check, which a list of
    strings, numbers and None cannot need; the same text (``json``'s C encoder either way)."""
    from json import encoder

    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    if encoder.c_make_encoder is None:  # pragma: no cover - a Python built without _json
        return plain.encode
    make = encoder.c_make_encoder(
        None, plain.default, encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda items: "".join(make(items, 0))


_encode_fields: Final = _flat_encoder()
#: hashlib's sha256, imported on first use (exporting a paper reads the head's hash, never makes
#: one): held here, since an import statement run on every edit costs as much as the hash.
_SHA256: list[Callable[..., Any]] = []


def _load_sha256() -> Callable[..., Any]:
    """hashlib's sha256, imported once."""
    from hashlib import sha256

    _SHA256.append(sha256)
    return sha256


#: Values longer than this are hashed in pieces of this many characters.
_PIECE: Final = 1 << 20


def _row_hash(row: tuple[Any, ...]) -> str:
    """:func:`event_hash` of a row of :data:`_EVENT_COLUMNS`."""
    sequence, at, actor, action, entity, entity_id, old, new, prev_hash, _hash = row
    return event_hash(
        sequence=sequence, at=at, actor=actor, action=action, entity=entity,
        entity_id=entity_id, old=old, new=new, prev_hash=prev_hash,
    )  # fmt: skip


def head_event(rows: Rows) -> tuple[int, str]:
    """The newest event's ``(sequence, hash)``; ``(0, "")`` when the trail is empty."""
    row = first(rows, "SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1")
    return (0, "") if row is None else (int(row[0]), str(row[1]))


def last_change_at(rows: Rows, entity: str, entity_id: int) -> str | None:
    """When one thing (``"paper"``, 3) was last changed: its newest audit event's time, or None."""
    row = first(
        rows,
        "SELECT at FROM audit_event WHERE entity = :entity AND entity_id = :id "
        "ORDER BY sequence DESC LIMIT 1",
        {"entity": entity, "id": entity_id},
    )
    return None if row is None else row[0]


def events_up_to(rows: Rows, sequence: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Every event (up to ``sequence``), oldest first, with its hash recomputed at the end:
    ``(sequence, prev_hash, hash, recomputed)``. Read in batches: a trail can be long."""
    where = "" if sequence is None else " WHERE sequence <= :up_to"
    sql = f"SELECT {_EVENT_COLUMNS} FROM audit_event{where} ORDER BY sequence"
    for batch in rows.batches(sql, {} if sequence is None else {"up_to": sequence}):
        for row in batch:
            yield row[0], row[8], row[9], _row_hash(row)


class AuditBreak(Record):
    """Where the chain first fails, in words fit for ``jmg-desktop check``."""

    sequence: int
    reason: str


def _stored_head(rows: Rows) -> tuple[int, str] | None:
    """The head marker as (sequence, hash); None when there is none; (-1, "") when unreadable."""
    row = first(rows, "SELECT value FROM workspace_setting WHERE key = :key", {"key": HEAD_SETTING})
    if row is None:
        return None
    sequence, _, digest = str(row[0]).partition(":")
    try:
        return int(sequence), digest
    except ValueError:
        return -1, ""


def verify_chain(rows: Rows) -> AuditBreak | None:
    """Walk the chain in order; return the first break, or None when it is whole.

    After the walk the last event is compared with the head marker: a missing marker while events
    exist, fewer events than the marker names (the last ones deleted), or more (appended behind the
    application's back) are breaks too.
    """
    prev_hash = ""
    expected_sequence = 1
    for sequence, event_prev, digest, recomputed in events_up_to(rows):
        if sequence != expected_sequence:
            return AuditBreak(expected_sequence, f"audit event {expected_sequence} is missing")
        if event_prev != prev_hash:
            return AuditBreak(sequence, f"audit event {sequence} does not follow the one before it")
        if recomputed != digest:
            return AuditBreak(sequence, f"audit event {sequence} was changed after it was written")
        prev_hash = digest
        expected_sequence += 1
    return _check_head(rows, expected_sequence - 1, prev_hash)


def _check_head(rows: Rows, last_sequence: int, last_hash: str) -> AuditBreak | None:
    """Compare the end of a whole chain with the head marker kept beside it."""
    head = _stored_head(rows)
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


def audit_findings(rows: Rows) -> list[str]:
    """Problems with the audit trail, each a sentence for ``jmg-desktop check``; empty when whole."""
    problem = verify_chain(rows)
    if problem is None:
        return []
    return [f"Audit trail broken at event {problem.sequence}: {problem.reason}."]
