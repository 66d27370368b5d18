"""The demo workspace's projection scenarios (registered in ``store/demo.py``'s DEMO_EXTENSIONS).

The figures are illustrative assumptions for a chair to try, not forecasts.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario
from jmg_desktop.store.scenarios_repo import save_scenario

__all__ = ["DEMO_SCENARIOS", "add_demo_scenarios"]

#: The scenarios the demo workspace carries, in the order they are listed.
DEMO_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="Central",
        description=(
            "The planning assumption: pay and price inflation of 2.5%, demographic growth of 2% "
            "(3% for care home placements, where the rise in the over-85s is felt first) and "
            "efficiency savings of 1.5% a year, with the proposed services taken as added."
        ),
        inflation=Decimal("0.025"),
        growth=Decimal("0.02"),
        savings=Decimal("0.015"),
        overrides=(RateOverride("growth", Decimal("0.03"), category="Care homes"),),
        adjustments=(
            Adjustment(
                amount=Money.from_pounds("250000"),
                from_year=FinancialYear(2011),
                recurrent=True,
                category="Home support",
                partner="Oxfordshire County Council",
                label="Extra home support hours for hospital discharge",
                pool="Older People",
            ),
            Adjustment(
                amount=Money.from_pounds("120000"),
                from_year=FinancialYear(2010),
                recurrent=False,
                service="Community equipment service",
                label="Moving the equipment store (one-off)",
                pool="Equipment",
            ),
        ),
    ),
    Scenario(
        name="High inflation",
        description=(
            "A harder year for prices: inflation of 4.5% with the same growth and savings as the "
            "central case, to show the pressure if provider fees rise faster than planned."
        ),
        inflation=Decimal("0.045"),
        growth=Decimal("0.02"),
        savings=Decimal("0.015"),
    ),
    Scenario(
        name="Savings plan",
        description=(
            "The central inflation and growth with efficiency savings raised to 3% a year, to show "
            "how far a stronger savings programme offsets demand."
        ),
        inflation=Decimal("0.025"),
        growth=Decimal("0.02"),
        savings=Decimal("0.03"),
    ),
)


def add_demo_scenarios(session: Session) -> None:
    """Store the demo scenarios in the workspace being built (same transaction as the demo)."""
    for scenario in DEMO_SCENARIOS:
        save_scenario(session, scenario)
