"""Witnesses of the audit trail kept outside the workspace file, in the user's data folder.

The chain in the file is plain SHA-256 over fields that are in the file, so anyone who can edit the
file can also rewrite the chain and its head marker consistently. To make that show, whenever JMG
Desktop changes a workspace it appends the head it left (sequence, hash, time, the workspace's
identity) to a small file in the user's data folder, one per workspace location:
``<data>/witnesses/<hash of the file's full path>.jsonl``. ``check`` then asks whether the chain in
the file still leads to every head witnessed since the workspace was last created or replaced
there (:func:`witness_findings`); a head that is missing or changed means the history was
rewritten after it was witnessed.

The promise, exactly: tamper-evident against anyone who cannot also alter every witness (this
folder on every machine that changed the workspace, and every exported paper, which records the
head too). It is not a signature: someone who can write to the user's data folder as well can hide
a rewrite from this user's check.

A witness names the workspace's identity (its ``workspace_id`` setting), so a different workspace
later made under the same name is not mistaken for a rewrite; creating, loading or restoring a
workspace at a path starts its witnesses afresh (:func:`reset`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import json.encoder
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from jmg_desktop.store.backups import data_dir
from jmg_desktop.store.reads.audit import HEAD_SETTING
from jmg_desktop.store.reads.rows import Rows, first

__all__ = [
    "IDENTITY_SETTING",
    "Recorder",
    "Witness",
    "file_for",
    "identity_of",
    "leads_to",
    "record",
    "reset",
    "reset_from_file",
    "witness_findings",
    "witnesses",
]

#: The workspace_setting key holding the workspace's identity (a random hex string).
IDENTITY_SETTING: Final = "workspace_id"


@dataclass(frozen=True, slots=True)
class Witness:
    """One witnessed head: at ``at``, the workspace ``identity`` had event ``sequence`` = ``digest``."""

    sequence: int
    digest: str
    at: str
    identity: str


def file_for(path: Path) -> Path:
    """Where the witnesses of the workspace at ``path`` are kept (an open workspace asks once)."""
    resolved = str(Path(path).resolve())
    return data_dir() / "witnesses" / (hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:32] + ".jsonl")


#: Appending, created when missing (O_APPEND: two programs witnessing at once never interleave
#: within a line).
_APPEND_FLAGS: Final = os.O_WRONLY | os.O_CREAT | os.O_APPEND


def _append(target: Path, entry: dict[str, object]) -> None:
    """Append one line to the witness file ``target``; a witness that cannot be written is skipped
    (the edit itself stands)."""
    _append_line(target, (json.dumps(entry, separators=(",", ":")) + "\n").encode("utf-8"))


def _append_line(target: Path, line: bytes) -> None:
    """Append ``line`` to the witness file ``target`` (:func:`_append`)."""
    with contextlib.suppress(OSError):
        try:
            handle = os.open(target, _APPEND_FLAGS, 0o600)
        except FileNotFoundError:  # the first witness on this machine: make the folder
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(target, _APPEND_FLAGS, 0o600)
        try:
            os.write(handle, line)
        finally:
            os.close(handle)


def record(target: Path, identity: str, sequence: int, digest: str) -> None:
    """Witness in ``target`` (:func:`file_for` the workspace) that the workspace now ends at event
    ``sequence`` with hash ``digest``."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    _append(target, {"id": identity, "seq": sequence, "hash": digest, "at": at})


class Recorder:
    """:func:`record` for one workspace's witness file and identity, as an open workspace keeps
    it: the line's start (the identity, encoded as :func:`record` encodes it) is made once, and
    each edit adds its sequence, hash and time (the same bytes as :func:`record`'s)."""

    __slots__ = ("_start", "identity", "target")

    def __init__(self, target: Path, identity: str) -> None:
        """Witnesses of the workspace ``identity`` in ``target`` (:func:`file_for`)."""
        self.target = target
        self.identity = identity
        self._start = json.dumps({"id": identity, "seq": None}, separators=(",", ":"))[:-5]  # no null}

    def record(self, sequence: int, digest: str) -> None:
        """:func:`record` the head ``sequence`` with hash ``digest``."""
        if type(sequence) is not int or type(digest) is not str:  # JSON's own text for anything else
            record(self.target, self.identity, sequence, digest)
            return
        at = datetime.now(UTC).isoformat(timespec="seconds")
        line = f'{self._start}{sequence},"hash":{_ascii(digest)},"at":{_ascii(at)}}}\n'
        _append_line(self.target, line.encode("utf-8"))


_ascii: Final = json.encoder.encode_basestring_ascii  # json.dumps's escape of a string (ensure_ascii)


def reset(path: Path, identity: str, sequence: int, digest: str) -> None:
    """A workspace was created, loaded or restored at ``path``: earlier witnesses there no longer apply."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    _append(file_for(path), {"id": identity, "seq": sequence, "hash": digest, "at": at, "reset": True})


def reset_from_file(path: Path) -> None:
    """:func:`reset` for the workspace file JMG Desktop has just made at ``path`` (SQLite only)."""
    import sqlite3

    with contextlib.suppress(sqlite3.Error, OSError):
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            settings = dict(
                connection.execute(
                    "SELECT key, value FROM workspace_setting WHERE key IN (?, ?)",
                    (IDENTITY_SETTING, HEAD_SETTING),
                ).fetchall()
            )
        finally:
            connection.close()
        sequence, _, digest = str(settings.get(HEAD_SETTING, "0:")).partition(":")
        reset(path, str(settings.get(IDENTITY_SETTING, "")), int(sequence or 0), digest)


def witnesses(path: Path, identity: str) -> list[Witness]:
    """The heads witnessed at ``path`` since its last reset, for this workspace (oldest first).

    With no ``identity`` (a file whose identity was removed) every witness since the reset counts:
    a workspace JMG Desktop made always has one.
    """
    try:
        text = file_for(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    found: list[Witness] = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
            witness = Witness(int(entry["seq"]), str(entry["hash"]), str(entry["at"]), str(entry["id"]))
        except (ValueError, KeyError, TypeError):
            continue  # a torn line (a crash mid-append): the others still stand
        if entry.get("reset"):
            found = []
        if witness.sequence > 0 and (not identity or witness.identity == identity):
            found.append(witness)
    return found


def identity_of(rows: Rows) -> str:
    """The workspace's identity, or "" when it has none (made before identities, or removed)."""
    value = first(rows, "SELECT value FROM workspace_setting WHERE key = :key", {"key": IDENTITY_SETTING})
    return "" if value is None else str(value[0])


def leads_to(rows: Rows, sequence: int, digest: str) -> str:
    """Does the workspace's chain still hold event ``sequence`` with hash ``digest``?

    Returns "" when it does, else the reason ("event 12 is missing or changed"). Together with
    :func:`jmg_desktop.store.audit.verify_chain` (every event follows from the one before), a head
    that is still there means the history up to it is exactly as it was when that head was
    recorded: the question a paper's recorded head asks.
    """
    found = first(rows, "SELECT hash FROM audit_event WHERE sequence = :sequence", {"sequence": sequence})
    return "" if found is not None and found[0] == digest else f"event {sequence} is missing or changed"


def witness_findings(rows: Rows, path: Path) -> list[str]:
    """``check``'s sentence when the chain no longer leads to a head witnessed outside the file."""
    heads = witnesses(path, identity_of(rows))
    if not heads:
        return []
    wanted = sorted({head.sequence for head in heads})
    hashes = {
        int(sequence): digest
        for batch in rows.batches(
            "SELECT sequence, hash FROM audit_event WHERE sequence >= :low AND sequence <= :high",
            {"low": wanted[0], "high": wanted[-1]},
        )
        for sequence, digest in batch
    }
    broken = [head for head in heads if hashes.get(head.sequence) != head.digest]
    if not broken:
        return []
    from jmg_desktop.store.lock import format_local

    earliest = min(broken, key=lambda head: head.sequence)
    latest = max(broken, key=lambda head: head.at)
    when = format_local(datetime.fromisoformat(latest.at))
    return [
        f"Audit trail: the history was rewritten after {when}: event {earliest.sequence} is missing or changed "
        "(JMG Desktop witnessed it outside the file)."
    ]
