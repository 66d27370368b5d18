"""Cabinet papers: one row per version of a paper.

A paper's editable content (header fields, ordered sections, recommendations, people, background
papers) is one JSON document in ``content``: it is always read, edited and saved whole, it has no
parts anything else refers to, and a version copies it wholesale. Figures are not stored in the
content, only references to figures blocks, so a draft always shows what the lines say now.
When a paper is made final, ``snapshot`` receives the fully resolved paper (every figure as text and
pence, the creator version, the creation date) and ``issued_pdf`` the PDF exactly as issued; the
paper is read-only from then on. A later edit to the lines never changes an issued paper, and
re-exporting it gives the same bytes, even after the application (and so its renderer) is updated.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jmg_desktop.store.models.base import Base


class Paper(Base):
    """One version of a cabinet paper about one pool and financial year."""

    __tablename__ = "paper"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'final')", name="status"),
        CheckConstraint("version >= 1", name="version"),
        # A final paper always has its snapshot; a draft never has one.
        CheckConstraint("(status = 'final') = (snapshot <> '')", name="snapshot_when_final"),
        UniqueConstraint("series_id", "version", name="uq_paper_series_version"),
        Index("ix_paper_pool_year", "pool_id", "financial_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The versions of one paper share a series: the id of its first version.
    series_id: Mapped[int] = mapped_column(Integer, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    title: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), nullable=False)
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)  # start year: 2009 is 2009/10
    # Whose contribution the figures blocks describe (the council, for a Cabinet paper).
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    content: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON, see papers.document
    snapshot: Mapped[str] = mapped_column(Text, nullable=False, default="")  # JSON, see papers.snapshot
    # ISO 8601 UTC; printed as the PDF's creation date, so it is fixed when the version is made.
    created_at: Mapped[str] = mapped_column(String(40), nullable=False)
    finalised_at: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    finalised_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # The PDF as issued (migration 0006); None for drafts. Read only when exporting a final paper.
    issued_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
