"""The demo's budget monitoring for the Older People pool in 2009/10 (registered in
``store.demo.DEMO_EXTENSIONS``). The forecasts are **illustrative**, made up to show the cycle, and
the demo paper says so.

Quarterly monitoring; green within ±1 %, amber to ±3 %, red beyond or above £250,000; virements
above £500,000 need Cabinet. Quarter 1 is closed. In quarter 2 £300,000 is vired from residential
placements to external home support, and a £600,000 supplementary estimate for winter pressures
(above the limit, so marked for Cabinet) is added to external home support. Overspends: the council
as host bears the first £250,000, the rest is shared in proportion to contributions; underspends
are shared 51 % / 49 %.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.core.money import Money
from jmg_desktop.core.monitoring import RagThresholds
from jmg_desktop.core.monitoring_commands import ForecastEntry, forecast_change
from jmg_desktop.core.monitoring_report import MonitoringSettings
from jmg_desktop.core.monitoring_risk import PartnerTerms, RiskShareRule, RiskShareRules
from jmg_desktop.resources import resource_path
from jmg_desktop.store.models import Pool, PoolLine
from jmg_desktop.store.monitoring_changes import (
    apply_change,
    close_period_change,
    movement_record_change,
    rules_change,
    settings_change,
)
from jmg_desktop.store.monitoring_repo import forecast_rows
from jmg_desktop.store.papers_demo import add_demo_paper

__all__ = ["DEMO_MONITORING_PAPER", "DEMO_Q1", "DEMO_Q2", "add_demo_monitoring"]

#: The demo's quarter 2 monitoring report, authored as data in the papers package's shape.
DEMO_MONITORING_PAPER: Final = resource_path("demo", "monitoring_paper.json")

_POOL: Final = "Older People"
_YEAR: Final = 2009
_OCC: Final = "Oxfordshire County Council"
_PCT: Final = "Oxfordshire Primary Care Trust"

#: Quarter 1 forecasts (pounds) and commentary by service: illustrative figures.
DEMO_Q1: Final = {
    "Care homes – nursing placements": ("16,162,000", "More nursing placements after hospital discharge."),
    "Home support – external": ("13,980,000", "Hours above plan since April."),
    "Continuing care – older people": ("12,560,000", "Two high-cost packages started in May."),
    "Extra care housing": ("3,060,000", "Voids at one scheme."),
}

#: Quarter 2 forecasts (pounds) and commentary by service: illustrative figures.
DEMO_Q2: Final = {
    "Care homes – residential placements": (
        "21,490,000",
        "Fewer long-stay placements; £300,000 vired to home support.",
    ),
    "Care homes – nursing placements": ("16,390,000", "Nursing placements after discharge still above plan."),
    "Transitional and step-down beds": ("4,402,000", "Winter beds opened early."),
    "Extra care housing": ("3,050,000", "Voids at one scheme continue."),
    "Out-of-county placements": ("1,835,000", "Two placements near family members out of county."),
    "Continuing care – joint funding": ("1,212,000", ""),
    "Continuing care – older people": ("12,694,000", "High-cost packages continue."),
    "Community hospital step-down beds": ("3,610,000", "Ward closed for refurbishment in August."),
    "Rapid response nursing": ("1,209,000", ""),
    "Day services – internal": ("3,290,000", "Vacant posts held open."),
    "Home support – internal": ("7,990,000", ""),
    "Home support – external": (
        "14,905,000",
        "Demand above plan even after the virement and winter funding.",
    ),
    "Intermediate care": ("5,130,000", ""),
}


def _pounds(text: str) -> int:
    """Pounds as officers write them, in pence."""
    return Money.parse(text).pence


def _forecasts(session: Session, pool_id: int, period: int, entries: dict[str, tuple[str, str]]) -> None:
    """Record a period's forecasts by service, as one audited change."""
    lines = dict(
        session.execute(
            select(PoolLine.service, PoolLine.id).where(
                PoolLine.pool_id == pool_id, PoolLine.financial_year == _YEAR
            )
        ).all()
    )
    stored = forecast_rows(session, pool_id, _YEAR, period)
    edits = [
        (lines[service], stored.get(lines[service]), ForecastEntry(_pounds(amount), None, note))
        for service, (amount, note) in entries.items()
    ]
    apply_change(session, forecast_change(pool_id, _YEAR, period, edits))


def add_demo_monitoring(session: Session) -> None:
    """Add the demo pool's monitoring set-up, rules, movements and forecasts; close quarter 1."""
    pool_id = session.execute(select(Pool.id).where(Pool.name == _POOL)).scalar_one()
    apply_change(
        session,
        settings_change(
            session,
            pool_id,
            _YEAR,
            MonitoringSettings("quarter", RagThresholds(10_000, 30_000, 25_000_000), 50_000_000, "Cabinet"),
        ),
    )
    rules = RiskShareRules(
        host=_OCC,
        overspend=RiskShareRule("contributions", 25_000_000),
        underspend=RiskShareRule("fixed", 0, (PartnerTerms(_OCC, 510_000), PartnerTerms(_PCT, 490_000))),
    )
    apply_change(session, rules_change(session, pool_id, _YEAR, rules))
    _forecasts(session, pool_id, 1, DEMO_Q1)
    apply_change(session, close_period_change(session, pool_id, _YEAR, 1))
    lines = dict(
        session.execute(
            select(PoolLine.service, PoolLine.id).where(
                PoolLine.pool_id == pool_id, PoolLine.financial_year == _YEAR
            )
        ).all()
    )
    apply_change(
        session,
        movement_record_change(
            session,
            pool_id,
            _YEAR,
            2,
            "virement",
            [
                (lines["Care homes – residential placements"], -30_000_000),
                (lines["Home support – external"], 30_000_000),
            ],
            reason="Fewer residential placements than planned; budget moved to meet home support demand.",
            approval_level="Pooled fund manager",
        ),
    )
    apply_change(
        session,
        movement_record_change(
            session,
            pool_id,
            _YEAR,
            2,
            "supplementary",
            [(lines["Home support – external"], 60_000_000)],
            reason="Winter pressures: extra home support hours funded by the council.",
            approval_level="Cabinet",
        ),
    )
    _forecasts(session, pool_id, 2, DEMO_Q2)
    add_demo_paper(session, DEMO_MONITORING_PAPER)
