"""Reads of stored paper versions: the list, one version, versions by title, an issued PDF."""

from __future__ import annotations

from typing import Any, Final

from jmg_desktop.core.records import Record
from jmg_desktop.store.reads.rows import Rows, first

__all__ = ["PaperRecord", "get_paper", "issued_pdf", "list_papers", "papers_titled"]


class PaperRecord(Record):
    """One stored paper version."""

    id: int
    series_id: int
    version: int
    status: str
    title: str
    pool_id: int
    financial_year: int
    partner_id: int | None
    content: str
    snapshot: str
    created_at: str
    finalised_at: str
    finalised_by: str

    @property
    def is_final(self) -> bool:
        """Issued: frozen and read-only."""
        return self.status == "final"


_COLUMNS: Final = (
    "SELECT id, series_id, version, status, title, pool_id, financial_year, partner_id, content, "
    "snapshot, created_at, finalised_at, finalised_by FROM paper"
)


def _record(row: tuple[Any, ...]) -> PaperRecord:
    """A row of :data:`_COLUMNS` as a record."""
    return PaperRecord(*row)


def list_papers(rows: Rows) -> list[PaperRecord]:
    """Every paper version, each paper's versions together and in order."""
    return [_record(row) for row in rows.all(f"{_COLUMNS} ORDER BY series_id, version")]


def get_paper(rows: Rows, paper_id: int) -> PaperRecord | None:
    """One version by id."""
    row = first(rows, f"{_COLUMNS} WHERE id = :id", {"id": paper_id})
    return None if row is None else _record(row)


def issued_pdf(rows: Rows, paper_id: int) -> bytes | None:
    """The PDF a final paper was issued as (None for drafts and for finals issued before it was kept)."""
    row = first(rows, "SELECT issued_pdf FROM paper WHERE id = :id", {"id": paper_id})
    return None if row is None or row[0] is None else bytes(row[0])


def papers_titled(rows: Rows, title: str) -> list[PaperRecord]:
    """Versions whose title matches, ignoring case and surrounding spaces; newest version last."""
    return [
        _record(row)
        for row in rows.all(
            f"{_COLUMNS} WHERE lower(trim(title)) = :title ORDER BY series_id, version",
            {"title": title.strip().lower()},
        )
    ]
