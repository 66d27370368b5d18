"""The streamed CSV of a big pool is byte-for-byte the CSV of the whole :class:`Projection`."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import BaseLine, ProjectionError, project
from jmg_desktop.core.projection_export import projection_csv
from jmg_desktop.core.projection_stream import LineColumns, stream_projection_csv
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario

Y2009 = FinancialYear(2009)


def _pool(count: int, seed: int) -> list[BaseLine]:
    """Lines of every effect, some negative, some linked, some uncategorised, awkward names."""
    rng = random.Random(seed)
    categories = [None, "Homes", "Day care, respite", 'The "equipment" store']
    return [
        BaseLine(
            number,
            rng.choice(
                [f"Service {number}", f"Service, {number}", f'Line "{number}"', "Home care", "Cr\rLf\n"]
            ),
            rng.choice(categories),
            rng.choice(["Oxfordshire County Council", "Oxfordshire PCT"]),
            rng.choice(["current"] * 6 + ["addition", "removal"]),
            rng.randint(-50_000_00, 5_000_000_00),
            rng.random() < 0.15,
            "Equipment" if rng.random() < 0.5 else "Older People",
        )
        for number in range(count)
    ]


SCENARIOS = [
    Scenario("Flat"),
    Scenario("Uniform", inflation=Decimal("0.025"), growth=Decimal("0.0175"), savings=Decimal("0.01")),
    Scenario(
        "Everything",
        inflation=Decimal("0.031"),
        growth=Decimal("0.012"),
        savings=Decimal("0.0075"),
        additions_approved=False,
        removals_approved=False,
        overrides=(
            RateOverride("inflation", Decimal("0.05"), category="Homes"),
            RateOverride("savings", Decimal("0.02"), year=FinancialYear(2011)),
            RateOverride("growth", Decimal("0.04"), category="Day care, respite", year=FinancialYear(2012)),
        ),
        adjustments=(
            Adjustment(Money(1_000_000), FinancialYear(2010), recurrent=True, service="Home care"),
            Adjustment(Money(-250_000), FinancialYear(2011), recurrent=False, service="Service, 7"),
            Adjustment(Money(5_000_000), FinancialYear(2011), category="Homes", label="New home"),
            Adjustment(
                Money(70_000),
                FinancialYear(2012),
                category=None,
                service='Line "3"',
                partner="Oxfordshire PCT",
            ),
            Adjustment(
                Money(123_456), FinancialYear(2010), category="Homes", pool="Equipment", label="Linked"
            ),
        ),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
@pytest.mark.parametrize("years", [0, 1, 10])
def test_streamed_csv_is_the_projection_s_csv(scenario: Scenario, years: int) -> None:
    lines = _pool(3_000, seed=years)
    whole = project(lines, scenario, Y2009, years, "Oxfordshire County Council")
    stream = stream_projection_csv(
        LineColumns.of(lines), scenario, Y2009, years, "Oxfordshire County Council"
    )
    pieces = list(stream.pieces)
    assert "".join(pieces) == projection_csv(whole)
    assert stream.warnings == whole.warnings
    assert len(whole.lines) > 2_000  # the comparison covers thousands of rows per year


def test_too_large_is_refused_before_any_text_is_made() -> None:
    lines = [BaseLine(1, "Huge", None, "Council", "current", 90_000_000_000_000)]
    with pytest.raises(ProjectionError, match="beyond £1 trillion"):
        stream_projection_csv(LineColumns.of(lines), Scenario("Up", inflation=Decimal("0.5")), Y2009, 10)


def test_columns_share_repeated_names_and_give_back_the_lines() -> None:
    lines = _pool(50, seed=1)
    columns = LineColumns.of(lines)
    assert list(columns) == lines
    assert columns[7] == lines[7]
    partners = {id(partner) for partner in columns.partners}
    assert len(partners) == 2


def test_near_the_limit_each_year_is_checked_exactly_and_what_fits_is_written() -> None:
    # Nine lines a penny short of £1 trillion in all, no uplift: the quick bound (half a penny of
    # rounding a line a year) cannot show it fits, so each year is checked exactly, and it fits.
    share = (100_000_000_000_000 - 1) // 9
    lines = [BaseLine(n, f"Line {n}", None, "Council", "current", share) for n in range(1, 10)]
    lines.append(BaseLine(10, "Rest", None, "Council", "current", 100_000_000_000_000 - 1 - 9 * share))
    stream = stream_projection_csv(LineColumns.of(lines), Scenario("Flat"), Y2009, 3)
    text = "".join(stream.pieces)
    assert text == projection_csv(project(lines, Scenario("Flat"), Y2009, 3))
    assert text.count("\n") == 1 + 4 * 10
    with pytest.raises(ProjectionError, match="beyond £1 trillion"):  # a penny more is refused
        bigger = [
            *lines,
            BaseLine(11, "Penny", None, "Council", "current", 1),
            BaseLine(12, "P", None, "Council", "current", 1),
        ]
        stream_projection_csv(LineColumns.of(bigger), Scenario("Flat"), Y2009, 3)
