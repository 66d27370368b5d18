"""A published paper pins the history behind it.

Every exported PDF records the workspace's audit head — the sequence number and hash of the last
audit event — in its metadata (a keyword ``jmg-audit-head:SEQUENCE:HASH``, in the document
information and the XMP). Later, :func:`check_against` asks whether the workspace's history still
leads to that head: the events up to it must be there, unchanged and in order, ending in exactly
that event. Anything else means events before the paper was published were changed, removed or
rewritten, and the paper no longer witnesses the history its figures came from.
"""

from __future__ import annotations

import re
from typing import Final

from jmg_desktop.core.records import Record
from jmg_desktop.store.reads.audit import events_up_to, head_event
from jmg_desktop.store.reads.rows import Rows

__all__ = ["AuditHead", "check_against", "current_head", "head_keyword", "pinned_head"]

_PREFIX: Final = "jmg-audit-head"
_PINNED: Final = re.compile(rb"jmg-audit-head:(\d{1,18}):([0-9a-f]{64})")


class AuditHead(Record):
    """The last audit event at a moment: its sequence number and hash (0 and "" for none)."""

    sequence: int
    hash: str

    @property
    def keyword(self) -> str:
        """``jmg-audit-head:42:<64 hex digits>``, as the PDF's metadata holds it."""
        return head_keyword(self)


def head_keyword(head: AuditHead) -> str:
    """The metadata keyword recording ``head``."""
    return f"{_PREFIX}:{head.sequence}:{head.hash}"


def current_head(rows: Rows) -> AuditHead:
    """The workspace's audit head now (the newest event in the chain)."""
    return AuditHead(*head_event(rows))


def pinned_head(pdf: bytes) -> AuditHead | None:
    """The audit head a paper's PDF records, or None when it records none (or is not ours)."""
    found = _PINNED.search(pdf)
    if found is None:
        return None
    return AuditHead(int(found.group(1)), found.group(2).decode("ascii"))


def check_against(rows: Rows, head: AuditHead) -> str | None:
    """None when the history still leads to ``head``; otherwise one sentence saying how it does not."""
    previous = ""
    expected = 1
    for sequence, prev_hash, digest, recomputed in events_up_to(rows, head.sequence):
        if sequence != expected:
            return (
                f"The history behind the paper has been changed: audit event {expected} of the "
                f"{head.sequence} before it was published is missing."
            )
        if prev_hash != previous or recomputed != digest:
            return (
                f"The history behind the paper has been changed: audit event {sequence}, from "
                "before it was published, was altered."
            )
        previous = digest
        expected += 1
    if expected - 1 < head.sequence:
        return (
            f"The history behind the paper has been changed: it was published after audit event "
            f"{head.sequence}, but the workspace's history stops at event {expected - 1}."
        )
    if previous != head.hash:
        return (
            f"The history behind the paper has been rewritten: audit event {head.sequence} is not the one "
            "the paper was published after."
        )
    return None
