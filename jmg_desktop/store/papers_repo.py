"""Storing paper versions. The store keeps a paper's content and snapshot as opaque JSON text (the
papers package owns their shape); every change writes an audit event in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jmg_desktop.store.audit import record_event
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import Paper
from jmg_desktop.store.reads import papers as paper_reads
from jmg_desktop.store.reads.papers import PaperRecord
from jmg_desktop.store.reads.sa_rows import session_rows

__all__ = [
    "PaperLockedError",
    "PaperRecord",
    "delete_draft",
    "finalise",
    "get_paper",
    "insert_paper",
    "issued_pdf",
    "list_papers",
    "papers_titled",
    "start_new_version",
    "update_draft",
]


class PaperLockedError(WorkspaceError):
    """A final paper was about to be changed; issued papers are read-only."""


def list_papers(session: Session) -> list[PaperRecord]:
    """Every paper version, each paper's versions together and in order."""
    return paper_reads.list_papers(session_rows(session))


def get_paper(session: Session, paper_id: int) -> PaperRecord | None:
    """One version by id."""
    return paper_reads.get_paper(session_rows(session), paper_id)


def issued_pdf(session: Session, paper_id: int) -> bytes | None:
    """The PDF a final paper was issued as (None for drafts and for finals issued before it was kept)."""
    return paper_reads.issued_pdf(session_rows(session), paper_id)


def papers_titled(session: Session, title: str) -> list[PaperRecord]:
    """Versions whose title matches, ignoring case and surrounding spaces; newest version last."""
    return paper_reads.papers_titled(session_rows(session), title)


def _editable(session: Session, paper_id: int) -> Paper:
    """A draft row, or a plain error for a missing or final paper."""
    row = session.get(Paper, paper_id)
    if row is None:
        raise WorkspaceError("That paper no longer exists in this workspace.")
    if row.status == "final":
        raise PaperLockedError(
            f"Version {row.version} of “{row.title}” is final and cannot be changed; make a new version to revise it."
        )
    return row


def insert_paper(
    session: Session,
    *,
    title: str,
    pool_id: int,
    financial_year: int,
    partner_id: int | None,
    content: str,
    created_at: str,
) -> int:
    """Add version 1 of a new paper, as a draft; return its id."""
    row = Paper(
        series_id=0,
        version=1,
        status="draft",
        title=title,
        pool_id=pool_id,
        financial_year=financial_year,
        partner_id=partner_id,
        content=content,
        snapshot="",
        created_at=created_at,
        finalised_at="",
        finalised_by="",
    )
    session.add(row)
    session.flush()
    row.series_id = row.id
    record_event(
        session,
        action="create_paper",
        entity="paper",
        entity_id=row.id,
        new={"title": title, "pool_id": pool_id, "financial_year": financial_year, "partner_id": partner_id},
    )
    return row.id


def _changed_keys(old: str, new: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The top-level content fields that differ, before and after, for the audit trail."""
    before, after = json.loads(old or "{}"), json.loads(new or "{}")
    keys = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}


def update_draft(
    session: Session,
    paper_id: int,
    *,
    title: str,
    content: str,
    pool_id: int | None = None,
    financial_year: int | None = None,
    partner_id: int | None = None,
) -> bool:
    """Save a draft's content (and, if given, what it is about); False when nothing changed."""
    row = _editable(session, paper_id)
    old, new = _changed_keys(row.content, content)
    about_old = {"pool_id": row.pool_id, "financial_year": row.financial_year, "partner_id": row.partner_id}
    about_new = dict(about_old)
    if pool_id is not None:
        about_new.update(pool_id=pool_id, financial_year=financial_year, partner_id=partner_id)
    for key in about_old:
        if about_old[key] != about_new[key]:
            old[key], new[key] = about_old[key], about_new[key]
    if not new and not old:
        return False
    row.title, row.content = title, content
    row.pool_id, row.financial_year, row.partner_id = (
        about_new["pool_id"],
        about_new["financial_year"],  # type: ignore[assignment]
        about_new["partner_id"],
    )
    record_event(session, action="edit_paper", entity="paper", entity_id=row.id, old=old, new=new)
    return True


def finalise(
    session: Session, paper_id: int, *, snapshot: str, issued_pdf: bytes, finalised_at: str, finalised_by: str
) -> None:
    """Freeze a draft: store its resolved snapshot and the PDF as issued, and make it read-only."""
    row = _editable(session, paper_id)
    row.status, row.snapshot, row.issued_pdf = "final", snapshot, issued_pdf
    row.finalised_at, row.finalised_by = finalised_at, finalised_by
    record_event(
        session,
        action="finalise_paper",
        entity="paper",
        entity_id=row.id,
        old={"status": "draft"},
        new={
            "status": "final",
            "version": row.version,
            "snapshot_sha256": hashlib.sha256(snapshot.encode("utf-8")).hexdigest(),
            "pdf_sha256": hashlib.sha256(issued_pdf).hexdigest(),
        },
    )


def start_new_version(session: Session, paper_id: int, *, created_at: str) -> int:
    """Copy a version's content to a new draft numbered one above the series' highest; return its id."""
    source = session.get(Paper, paper_id)
    if source is None:
        raise WorkspaceError("That paper no longer exists in this workspace.")
    highest = session.execute(
        select(func.max(Paper.version)).where(Paper.series_id == source.series_id)
    ).scalar()
    row = Paper(
        series_id=source.series_id,
        version=int(highest or 0) + 1,
        status="draft",
        title=source.title,
        pool_id=source.pool_id,
        financial_year=source.financial_year,
        partner_id=source.partner_id,
        content=source.content,
        snapshot="",
        created_at=created_at,
        finalised_at="",
        finalised_by="",
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        action="new_paper_version",
        entity="paper",
        entity_id=row.id,
        new={"from_paper_id": source.id, "series_id": row.series_id, "version": row.version},
    )
    return row.id


def delete_draft(session: Session, paper_id: int) -> None:
    """Remove a draft version (final papers are kept for good)."""
    row = _editable(session, paper_id)
    record_event(
        session,
        action="delete_paper",
        entity="paper",
        entity_id=row.id,
        old={"title": row.title, "version": row.version, "content": row.content},
    )
    session.delete(row)
