"""Budget monitoring: each pool's set-up for a year, closed periods (with their frozen report),
forecasts, budget movements and the risk-share rules. Money is BIGINT pence, percentages INTEGER
millionths of the whole (1 % = 10,000).

Forecasts and movement legs name their pool line by id without a foreign key, on purpose: the lines
editor may delete a line and its undo puts the same id back, and the line's forecasts must neither
block the deletion nor be lost with it (they simply reappear with the line).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jmg_desktop.store.models.base import Base

__all__ = [
    "MonitoringForecast",
    "MonitoringMovement",
    "MonitoringMovementLeg",
    "MonitoringPeriod",
    "MonitoringSetup",
    "RiskSharePartner",
    "RiskShareRuleRow",
]

_YEAR = "financial_year BETWEEN 1900 AND 2998"


class MonitoringSetup(Base):
    """How a pool is monitored in a year: months or quarters, the traffic light's limits and the
    size of virement above which the higher approval (Cabinet or board) is needed."""

    __tablename__ = "monitoring_setup"
    __table_args__ = (
        CheckConstraint("period_kind IN ('month', 'quarter')", name="period_kind"),
        CheckConstraint("green_ppm >= 0 AND amber_ppm >= green_ppm", name="rag"),
        CheckConstraint(_YEAR, name="year"),
    )

    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(20), nullable=False, default="quarter")
    green_ppm: Mapped[int] = mapped_column(Integer, nullable=False, default=10_000)
    amber_ppm: Mapped[int] = mapped_column(Integer, nullable=False, default=30_000)
    red_amount_pence: Mapped[int | None] = mapped_column(BigInteger)
    virement_limit_pence: Mapped[int | None] = mapped_column(BigInteger)
    # Who approves a virement above the limit, in words: "Cabinet", "Cabinet and CCG Board".
    higher_approval: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class MonitoringPeriod(Base):
    """A closed monitoring period: its report as it stood when closed (JSON) and that text's
    SHA-256, also written to the audit trail, so ``check`` can tell if it was changed."""

    __tablename__ = "monitoring_period"
    __table_args__ = (
        CheckConstraint("number BETWEEN 1 AND 12", name="number"),
        CheckConstraint(_YEAR, name="year"),
    )

    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    closed_at: Mapped[str] = mapped_column(String(40), nullable=False)  # ISO 8601, UTC
    closed_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)
    snapshot_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # The frozen report's pool totals, for the chart (NULL for periods closed before schema 9).
    latest_pence: Mapped[int | None] = mapped_column(BigInteger)
    forecast_pence: Mapped[int | None] = mapped_column(BigInteger)


class MonitoringForecast(Base):
    """One line's forecast outturn for one period, with the actual to date and a commentary."""

    __tablename__ = "monitoring_forecast"
    __table_args__ = (
        Index("ix_monitoring_forecast_pool_year_period", "pool_id", "financial_year", "period"),
        CheckConstraint("period BETWEEN 1 AND 12", name="period"),
        CheckConstraint(_YEAR, name="year"),
    )

    line_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), nullable=False)
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)
    forecast_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    actual_pence: Mapped[int | None] = mapped_column(BigInteger)
    commentary: Mapped[str] = mapped_column(Text, nullable=False, default="")


class MonitoringMovement(Base):
    """A budget movement recorded in a period: a virement between lines (or pools), or a
    supplementary estimate; its legs say how much each line's budget moves."""

    __tablename__ = "monitoring_movement"
    __table_args__ = (
        Index("ix_monitoring_movement_pool_year", "pool_id", "financial_year"),
        CheckConstraint("kind IN ('virement', 'supplementary')", name="kind"),
        CheckConstraint("period BETWEEN 1 AND 12", name="period"),
        CheckConstraint(_YEAR, name="year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), nullable=False)
    financial_year: Mapped[int] = mapped_column(Integer, nullable=False)
    period: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    approval_level: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", ondelete="RESTRICT"))
    recorded_at: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class MonitoringMovementLeg(Base):
    """How much one line's budget moves in a movement (pence; + adds budget, − takes it away)."""

    __tablename__ = "monitoring_movement_leg"

    movement_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_movement.id", ondelete="CASCADE"), primary_key=True
    )
    line_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(
        ForeignKey("pool.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    amount_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)


class RiskShareRuleRow(Base):
    """A pool's risk-share rule for a year, for overspends or for underspends."""

    __tablename__ = "risk_share_rule"
    __table_args__ = (
        CheckConstraint("applies_to IN ('overspend', 'underspend')", name="applies_to"),
        CheckConstraint("method IN ('contributions', 'fixed')", name="method"),
        CheckConstraint("host_first_pence >= 0", name="host_first"),
        CheckConstraint(_YEAR, name="year"),
    )

    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    applies_to: Mapped[str] = mapped_column(String(20), primary_key=True)
    method: Mapped[str] = mapped_column(String(20), nullable=False, default="contributions")
    host_first_pence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class RiskSharePartner(Base):
    """A partner's terms under a risk-share rule: a fixed share and/or a cap."""

    __tablename__ = "risk_share_partner"
    __table_args__ = (
        CheckConstraint("share_ppm IS NULL OR share_ppm BETWEEN 0 AND 1000000", name="share"),
        CheckConstraint("cap_pence IS NULL OR cap_pence >= 0", name="cap"),
    )

    pool_id: Mapped[int] = mapped_column(ForeignKey("pool.id", ondelete="RESTRICT"), primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    applies_to: Mapped[str] = mapped_column(String(20), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), primary_key=True)
    share_ppm: Mapped[int | None] = mapped_column(Integer)
    cap_pence: Mapped[int | None] = mapped_column(BigInteger)
