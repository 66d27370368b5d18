"""JMG meetings and the decision register: agreements, their status history, the bodies that must
approve them, and the lines they cover with a snapshot of the figures as they stood when agreed.

Dates a person gives (a meeting's date, the date of a decision) are ISO ``YYYY-MM-DD`` strings;
``recorded_at`` timestamps are ISO 8601 UTC. Money is INTEGER pence.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jmg_desktop.store.models.base import PENCE, Base


class Meeting(Base):
    """A meeting of a body such as the "Older People Joint Management Group"."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String(200), nullable=False)
    held_on: Mapped[str] = mapped_column(String(10), nullable=False)  # YYYY-MM-DD
    # A minute number or item code, e.g. "JMG/08/47"; free text.
    reference: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Agreement(Base):
    """One decision: what was agreed, why, what else was considered, and where it now stands.

    ``status`` caches the latest step of :class:`AgreementStep` so the register can filter in SQL;
    the steps themselves are the record. ``pool_id``/``financial_year`` say which pool and year the
    agreement concerns; ``covers_whole_pool`` means it covers every line of that pool and year.
    """

    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'agreed_in_principle', 'recommended', 'approved', "
            "'implemented', 'deferred', 'rejected', 'superseded')",
            name="status",
        ),
        Index("ix_agreement_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    decision: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reasons: Mapped[str] = mapped_column(Text, nullable=False, default="")
    alternatives: Mapped[str] = mapped_column(Text, nullable=False, default="")
    conflicts: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # What the figures assume (e.g. "2% inflation on the base budget"), as meeting mode records it.
    assumptions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"))
    financial_year: Mapped[int | None] = mapped_column(Integer)
    covers_whole_pool: Mapped[bool] = mapped_column(nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(40), nullable=False, default="proposed")
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", ondelete="SET NULL"))
    recorded_at: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class AgreementBody(Base):
    """A partner whose sovereign body (Cabinet, PCT Board) must approve the agreement."""

    __tablename__ = "agreement_body"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), primary_key=True)


class AgreementStep(Base):
    """One move along an agreement's path: its date, who recorded it, and an optional note.

    ``partner_id`` names whose sovereign body approved (for ``approved`` steps);
    ``superseded_by_id`` names the agreement that replaced it (for ``superseded`` steps).
    """

    __tablename__ = "agreement_step"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'agreed_in_principle', 'recommended', 'approved', "
            "'implemented', 'deferred', 'rejected', 'superseded')",
            name="status",
        ),
        Index("ix_agreement_step_agreement_id", "agreement_id", "ordinal"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False)
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(40), nullable=False)
    on_date: Mapped[str] = mapped_column(String(10), nullable=False)  # YYYY-MM-DD
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_at: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class AgreementLine(Base):
    """A line an agreement covers, with its figures as they stood when agreed.

    The snapshot is kept as words and pence (not only ids) so it still reads true after the line,
    its partner or its category is renamed or deleted. ``line_id`` deliberately has no foreign key:
    the lines editor never reuses a line id, and deleting a line then undoing the deletion puts it
    back under the same id, so the agreement finds it again.
    """

    __tablename__ = "agreement_line"
    __table_args__ = (
        Index("ix_agreement_line_agreement_id", "agreement_id", "position"),
        Index("ix_agreement_line_line_id", "line_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False)
    line_id: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pool.id", ondelete="SET NULL"))
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)
    service: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    partner_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    category_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status_label: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    amount_pence: Mapped[int] = mapped_column(PENCE, nullable=False)
    # The line's kind when agreed (migration 0011); "" for snapshots taken before it was kept,
    # which cannot say whether the kind has changed since.
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="")
