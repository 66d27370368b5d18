"""The end of a write transaction on a shared workspace: the audit append, kept short.

Every change's audit events are kept by the session while it runs (:func:`record_event` defers
them) and appended here, when the rows themselves are already written and locked. Only then is the
audit advisory lock taken, so it is held for the append and the commit alone, never while the edit
itself is worked out, and whoever holds it never waits for a row another writer holds (no
deadlock). The work under the lock is two round trips to the server, each a psycopg pipeline:

1. take the lock, read the chain's head, and read the other people's events since this view's
   (the statements run in order, each with its own snapshot, so the head read follows the lock);
2. insert the chained events, move the head marker, queue the change notification, and commit.

A change made against a stale row is refused between the two, before anything is appended.

Durability is not traded for speed: the commit under the lock does not wait for the disk
(``synchronous_commit = off`` for that transaction alone), so the lock is not held through an
fsync, but the edit is acknowledged only after a third round trip, outside the lock, has flushed
the WAL past it (several writers' flushes then share one fsync). A crash in between loses only
that unacknowledged edit and any made after it, never a part of one: the WAL is replayed in
order, so the chain cannot fork. A server older than PostgreSQL 17 (no flush request) commits
synchronously under the lock instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Final

import psycopg
from sqlalchemy.exc import DBAPIError

from jmg_desktop.store.audit import HEAD_SETTING, chain
from jmg_desktop.store.lines_repo import StaleEditError
from jmg_desktop.store.pg_notify import CHANNEL
from jmg_desktop.store.pg_versions import (
    RowKey,
    conflict_floor,
    first_conflict,
    pending_keys,
    rows_touched,
)

__all__ = ["AUDIT_LOCK_KEY", "Appended", "append_and_commit"]

#: The advisory lock the audit append holds until its transaction ends ("JMGA" as a number).
AUDIT_LOCK_KEY: Final = 0x4A4D4741

_LOCK: Final = "SELECT pg_advisory_xact_lock(%s)"
_HEAD: Final = "SELECT sequence, hash FROM audit_event ORDER BY sequence DESC LIMIT 1"
_OTHERS: Final = (
    "SELECT sequence, actor, at, action, entity, entity_id, old, new FROM audit_event "
    "WHERE sequence > %(floor)s AND entity = ANY(%(entities)s) "
    "AND (entity_id = ANY(%(ids)s) OR entity_id IS NULL) ORDER BY sequence DESC"
)
_INSERT: Final = (
    "INSERT INTO audit_event (sequence, at, actor, action, entity, entity_id, old, new, prev_hash, hash) "
    "VALUES (%(sequence)s, %(at)s, %(actor)s, %(action)s, %(entity)s, %(entity_id)s, %(old)s, %(new)s, "
    "%(prev_hash)s, %(hash)s)"
)
_MOVE_HEAD: Final = (
    "INSERT INTO workspace_setting (key, value) VALUES (%s, %s) "
    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
)
_NOTIFY: Final = "SELECT pg_notify(%s, %s)"
#: The commit under the lock does not wait for its WAL flush; ``_FLUSH`` waits for it after.
_NO_WAIT: Final = "SET LOCAL synchronous_commit = off"
#: Writes a tiny WAL record and flushes the WAL up to it, so past every earlier commit (the
#: ``flush`` argument is PostgreSQL 17's; older servers commit synchronously under the lock).
_FLUSH: Final = "SELECT pg_logical_emit_message(false, 'jmg', '', true)"
_FLUSH_FROM: Final = 170000
#: The most text (old and new values together, in characters) an append sends pipelined.
_PIPELINE_MOST: Final = 256 * 1024


@dataclass(frozen=True, slots=True)
class Appended:
    """What one committed transaction appended: the head before and after, and each row it touched
    with the sequence of its newest event (that row's new version)."""

    before: int
    after: int
    touched: dict[RowKey, int]


def append_and_commit(
    dbapi: psycopg.Connection,
    pending: list[dict[str, Any]],
    *,
    seen: int,
    own: set[int],
    own_last: Mapping[RowKey, int],
    actor: str,
    client: str,
) -> Appended:
    """Append ``pending`` to the chain and commit the transaction open on ``dbapi``.

    Raises :class:`StaleEditError` (nothing appended; the caller rolls back) when another person
    changed a touched row after the view last showed it (``seen``; for an undo, after the change
    undone), and SQLAlchemy's :class:`DBAPIError` for a driver error, as the session would.
    """
    touched_keys, undone = pending_keys(pending)
    floor = conflict_floor(seen, undone, own_last)
    try:
        with dbapi.pipeline():
            dbapi.execute(_LOCK, (AUDIT_LOCK_KEY,))
            head = dbapi.execute(_HEAD)
            others = None
            if touched_keys:
                others = dbapi.execute(
                    _OTHERS,
                    {
                        "floor": floor,
                        "entities": sorted({key[0] for key in touched_keys}),
                        "ids": sorted({key[1] for key in touched_keys}),
                    },
                )
        last = head.fetchone()
        before, prev_hash = (int(last[0]), str(last[1])) if last is not None else (0, "")
        if others is not None:
            conflict = first_conflict(
                others.fetchall(), touched=touched_keys, undone=undone, seen=seen, own=own, own_last=own_last
            )
            if conflict is not None:
                raise StaleEditError(conflict.sentence(), entity=conflict.entity, ids=(conflict.entity_id,))
        rows = chain(pending, after=before, prev_hash=prev_hash)
        touched: dict[RowKey, int] = {}
        for row in rows:
            for key in rows_touched(row["entity"], row["entity_id"], row["old"], row["new"]):
                touched[key] = row["sequence"]
        after = rows[-1]["sequence"]
        payload = json.dumps({"sequence": after, "actor": actor, "client": client})
        flush_after = dbapi.info.server_version >= _FLUSH_FROM
        # Pipelined, an edit's writes are one round trip; but a long event (an import's lines, tens of
        # megabytes) can leave the client waiting for results while the server still waits for the
        # rest of it (psycopg issue #685), so those go one statement at a time.
        pipelined = sum(len(row["old"] or "") + len(row["new"] or "") for row in rows) <= _PIPELINE_MOST
        with dbapi.pipeline() if pipelined else nullcontext(), dbapi.cursor() as cursor:
            if flush_after:
                cursor.execute(_NO_WAIT)
            cursor.executemany(_INSERT, rows)
            cursor.execute(_MOVE_HEAD, (HEAD_SETTING, f"{after}:{rows[-1]['hash']}"))
            cursor.execute(_NOTIFY, (CHANNEL, payload))
            dbapi.commit()  # the lock is released here
            if flush_after:
                # Not acknowledged until the commit is on disk: this waits for the WAL to be
                # flushed past it (with other writers' flushes, if they come together), outside
                # the lock, in the same pipeline.
                cursor.execute(_FLUSH)
                dbapi.commit()
    except psycopg.Error as error:
        raise DBAPIError.instance("audit append", None, error, psycopg.Error) from None
    return Appended(before, after, touched)
