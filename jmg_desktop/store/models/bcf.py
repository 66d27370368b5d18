"""Better Care Fund plans: funding streams (reference data), the income into a pool by stream, the
reference lists a scheme draws on, and minimum-spend conditions. A scheme itself is a pool line
with its scheme columns filled (see ``PoolLine``). Money is BigInteger pence."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jmg_desktop.store.models.base import PENCE, Base

__all__ = ["BcfCondition", "BcfIncome", "BcfListItem", "BcfStream"]


class BcfStream(Base):
    """A funding stream: "NHS minimum contribution", "Disabled Facilities Grant", …"""

    __tablename__ = "bcf_stream"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class BcfListItem(Base):
    """An entry of a scheme reference list: a scheme type, a sub-type (of ``parent``) or an area
    of spend. The lists change every year, so they are data."""

    __tablename__ = "bcf_list_item"
    __table_args__ = (
        CheckConstraint("list_name IN ('scheme_type', 'scheme_subtype', 'area_of_spend')", name="list_name"),
        UniqueConstraint("list_name", "parent", "name", name="uq_bcf_list_item_entry"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    parent: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class BcfIncome(Base):
    """Income into a pool for a year from one stream, held by one partner."""

    __tablename__ = "bcf_income"
    __table_args__ = (
        UniqueConstraint("pool_id", "financial_year", "stream_id", "partner_id", name="uq_bcf_income_entry"),
        Index("ix_bcf_income_pool_year", "pool_id", "financial_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), nullable=False)
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)
    stream_id: Mapped[int] = mapped_column(ForeignKey("bcf_stream.id", ondelete="RESTRICT"), nullable=False)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), nullable=False)
    amount_pence: Mapped[int] = mapped_column(PENCE, nullable=False, default=0)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class BcfCondition(Base):
    """A minimum-spend condition: at least ``minimum_pence`` of a pool's planned spending for a year
    on the schemes that match every filter given (stream, area of spend, commissioner, type)."""

    __tablename__ = "bcf_condition"
    __table_args__ = (
        CheckConstraint("commissioner IN ('', 'council', 'nhs')", name="commissioner"),
        Index("ix_bcf_condition_pool_year", "pool_id", "financial_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), nullable=False)
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    minimum_pence: Mapped[int] = mapped_column(PENCE, nullable=False)
    stream_id: Mapped[int | None] = mapped_column(ForeignKey("bcf_stream.id", ondelete="RESTRICT"))
    area_of_spend: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    commissioner: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    scheme_type: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
