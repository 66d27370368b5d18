"""Accepted differences: a paper version printed although a stated total differs from the lines.

One row says that a person accepted, at a moment, that a paper version prints the figure computed
from the lines (``computed_pence``) where the published figure (``stated_pence``) differs. It covers
exactly those two amounts: once the lines or the stated total move, the row no longer matches and
export asks again. The paper prints the row as a footnote under the figure, and every row is
written and removed through the audit trail (``store/acceptances_repo.py``).

``stated_total_id`` has no foreign key on purpose: a stated total removed and put back (undo) keeps
its id, and the acceptance of its figures then stands again, as it should; while it is gone the row
simply matches nothing.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jmg_desktop.store.models.base import PENCE, Base


class DifferenceAcceptance(Base):
    """A difference between a stated total and the lines, accepted for one paper version."""

    __tablename__ = "difference_acceptance"
    __table_args__ = (
        # The same figures accepted twice for one version would print two footnotes.
        UniqueConstraint(
            "paper_id",
            "stated_total_id",
            "stated_pence",
            "computed_pence",
            name="uq_difference_acceptance_figures",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The version accepted for; removed with its draft (audited), kept for good with a final.
    paper_id: Mapped[int] = mapped_column(ForeignKey("paper.id", ondelete="RESTRICT"), nullable=False)
    stated_total_id: Mapped[int] = mapped_column(Integer, nullable=False)
    stated_pence: Mapped[int] = mapped_column(PENCE, nullable=False)
    computed_pence: Mapped[int] = mapped_column(PENCE, nullable=False)
    # The person the audit trail names (store/audit.current_actor, or a shared workspace's login).
    accepted_by: Mapped[str] = mapped_column(String(200), nullable=False)
    accepted_at: Mapped[str] = mapped_column(String(40), nullable=False)  # ISO 8601 UTC
