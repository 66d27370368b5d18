"""Projection scenarios: named assumptions, their overrides and adjustments.

Rates are stored as INTEGER millionths (2.5% is 25000): exact, like money in pence, and never
through SQLite's float-backed Numeric.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jmg_desktop.store.models.base import PENCE, Base

_RATE_RANGE = "BETWEEN -999999 AND 1000000"


class ProjectionScenario(Base):
    """A named set of yearly assumptions: inflation, demographic growth and efficiency savings."""

    __tablename__ = "projection_scenario"
    __table_args__ = (
        CheckConstraint(f"inflation_ppm {_RATE_RANGE}", name="inflation"),
        CheckConstraint(f"growth_ppm {_RATE_RANGE}", name="growth"),
        CheckConstraint(f"savings_ppm {_RATE_RANGE}", name="savings"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    inflation_ppm: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    growth_ppm: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    savings_ppm: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Whether proposed additions count as added and proposed removals as removed.
    additions_approved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    removals_approved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ScenarioRateOverride(Base):
    """One rate replaced for a category, a year (start year), or a category in a year."""

    __tablename__ = "scenario_rate_override"
    __table_args__ = (
        CheckConstraint("rate IN ('inflation', 'growth', 'savings')", name="rate"),
        CheckConstraint("category_id IS NOT NULL OR financial_year IS NOT NULL", name="target"),
        CheckConstraint(f"value_ppm {_RATE_RANGE}", name="value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("projection_scenario.id", ondelete="CASCADE"), nullable=False, index=True
    )
    rate: Mapped[str] = mapped_column(String(20), nullable=False)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    financial_year: Mapped[int | None] = mapped_column(Integer)
    value_ppm: Mapped[int] = mapped_column(Integer, nullable=False)


class ScenarioAdjustment(Base):
    """An amount added from a year to one line (by service) or to a category, once or recurrently.

    ``pool_id`` limits it to one pool; NULL applies it wherever the service or category appears.
    """

    __tablename__ = "scenario_adjustment"
    __table_args__ = (
        CheckConstraint("(service IS NULL) <> (category_id IS NULL)", name="target"),
        CheckConstraint("from_year BETWEEN 1900 AND 2998", name="year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("projection_scenario.id", ondelete="CASCADE"), nullable=False, index=True
    )
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pool.id", ondelete="CASCADE"))
    service: Mapped[str | None] = mapped_column(String(300))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    from_year: Mapped[int] = mapped_column(Integer, nullable=False)
    recurrent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    amount_pence: Mapped[int] = mapped_column(PENCE, nullable=False)
    label: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
