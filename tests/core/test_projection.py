"""Hand-computed projections: every expected figure below was worked out by hand (see comments)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import (
    BaseLine,
    ProjectionError,
    compare,
    project,
    project_totals,
)
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario, ScenarioError

Y2009 = FinancialYear(2009)


def pounds(text: str) -> Money:
    """An exact amount from a string of pounds."""
    return Money.from_pounds(text)


def line(
    service: str,
    amount: str,
    *,
    category: str | None = "Care",
    partner: str = "Council",
    effect: str = "current",
    linked: bool = False,
    key: int = 0,
) -> BaseLine:
    """A base-year line for the tests."""
    return BaseLine(key, service, category, partner, effect, pounds(amount).pence, linked, "")


def amounts(projection_line: object) -> list[str]:
    """A projected line's amounts as plain pounds, for readable assertions."""
    return [Money(p).format_plain() for p in projection_line.pence]  # type: ignore[attr-defined]


def test_zero_rates_keep_every_line_flat() -> None:
    result = project([line("Day Services – internal", "3342000")], Scenario("Flat"), Y2009, 5)
    assert [year.label for year in result.years] == [
        "2009/10",
        "2010/11",
        "2011/12",
        "2012/13",
        "2013/14",
        "2014/15",
    ]
    assert amounts(result.lines[0]) == ["3342000.00"] * 6


def test_one_year_at_two_and_a_half_percent() -> None:
    # 3,342,000.00 × 1.025 = 3,425,550.00 exactly.
    result = project(
        [line("Day Services – internal", "3342000")], Scenario("A", inflation=Decimal("0.025")), Y2009, 1
    )
    assert amounts(result.lines[0]) == ["3342000.00", "3425550.00"]


def test_ten_years_compound_with_rounding_each_year() -> None:
    # By hand: 1,025,000.00; 1,050,625.00; 1,076,890.625 → .63; 1,103,812.89575 → .90;
    # 1,131,408.2225 → .22; 1,159,693.4255 → .43; 1,188,685.76575 → .77; 1,218,402.91425 → .91;
    # 1,248,862.98275 → .98; 1,280,084.5545 → .55. (Unrounded 1.025¹⁰ would give 1,280,084.54.)
    result = project([line("Home care", "1000000")], Scenario("A", inflation=Decimal("0.025")), Y2009, 10)
    assert amounts(result.lines[0])[1:] == [
        "1025000.00",
        "1050625.00",
        "1076890.63",
        "1103812.90",
        "1131408.22",
        "1159693.43",
        "1188685.77",
        "1218402.91",
        "1248862.98",
        "1280084.55",
    ]


def test_half_a_penny_rounds_up_and_away_from_zero() -> None:
    # 334,200,020p × 1.025 = 342,555,020.5p → 342,555,021p (banker's rounding would give ...020).
    # -10p × 1.05 = -10.5p → -11p; 10p × 1.05 = 10.5p → 11p.
    result = project(
        [
            line("Half", "3342000.20"),
            line("Neg", "-0.10", category="Other"),
            line("Pos", "0.10", category="Other"),
        ],
        Scenario(
            "A", inflation=Decimal("0.025"), overrides=(RateOverride("inflation", Decimal("0.05"), "Other"),)
        ),
        Y2009,
        1,
    )
    assert [amounts(x)[1] for x in result.lines] == ["3425550.21", "-0.11", "0.11"]


def test_the_three_rates_multiply_and_round_once() -> None:
    # 3,342,000 × 1.025 × 1.02 × 0.985 = 3,441,650.085 → 3,441,650.09 (one rounding, not three).
    scenario = Scenario("A", inflation=Decimal("0.025"), growth=Decimal("0.02"), savings=Decimal("0.015"))
    result = project([line("Day Services – internal", "3342000")], scenario, Y2009, 1)
    assert amounts(result.lines[0])[1] == "3441650.09"


def test_negative_savings_increase_the_budget() -> None:
    # Savings of -1%: 3,342,000 × (1 − (−0.01)) = 3,375,420.00.
    result = project([line("S", "3342000")], Scenario("A", savings=Decimal("-0.01")), Y2009, 1)
    assert amounts(result.lines[0])[1] == "3375420.00"


def test_category_and_year_overrides_most_specific_wins() -> None:
    # Default 2%; Care homes 5%; 2011/12 (all categories) 0%; Care homes in 2012/13 10%.
    # Care homes £1m: 1,050,000 (cat) → 1,102,500 (cat beats year) → 1,212,750 (cat+year).
    # Staffing £2m: 2,040,000 (default) → 2,040,000 (year 0%) → 2,080,800 (default).
    scenario = Scenario(
        "Overrides",
        inflation=Decimal("0.02"),
        overrides=(
            RateOverride("inflation", Decimal("0.05"), category="Care homes"),
            RateOverride("inflation", Decimal("0"), year=FinancialYear(2011)),
            RateOverride("inflation", Decimal("0.10"), category="Care homes", year=FinancialYear(2012)),
        ),
    )
    result = project(
        [line("Homes", "1000000", category="Care homes"), line("Staff", "2000000", category="Staffing")],
        scenario,
        Y2009,
        3,
    )
    assert amounts(result.lines[0]) == ["1000000.00", "1050000.00", "1102500.00", "1212750.00"]
    assert amounts(result.lines[1]) == ["2000000.00", "2040000.00", "2040000.00", "2080800.00"]


def test_recurrent_one_off_and_category_adjustments() -> None:
    # Home care £1m at 2%: + £10,000 recurrent from 2010/11 → 1,030,000; then 1,050,600; 1,071,612.
    # Day care £1m at 2%: + £5,000 one-off in 2010/11 → 1,025,000; then back to 1,040,400; 1,061,208.
    # Equipment category + £50,000 recurrent from 2011/12 (a row of its own, the host pays): 0, 0,
    # 50,000, 51,000.
    scenario = Scenario(
        "Adjusted",
        inflation=Decimal("0.02"),
        adjustments=(
            Adjustment(pounds("10000"), FinancialYear(2010), recurrent=True, service="Home care"),
            Adjustment(pounds("5000"), FinancialYear(2010), recurrent=False, service="Day care"),
            Adjustment(
                pounds("50000"), FinancialYear(2011), category="Equipment", label="New equipment store"
            ),
        ),
    )
    result = project(
        [line("Home care", "1000000"), line("Day care", "1000000")], scenario, Y2009, 3, "Council"
    )
    assert amounts(result.lines[0]) == ["1000000.00", "1030000.00", "1050600.00", "1071612.00"]
    assert amounts(result.lines[1]) == ["1000000.00", "1025000.00", "1040400.00", "1061208.00"]
    extra = result.lines[2]
    assert (extra.service, extra.category, extra.partner, extra.key) == (
        "New equipment store",
        "Equipment",
        "Council",
        None,
    )
    assert amounts(extra) == ["0.00", "0.00", "50000.00", "51000.00"]
    assert result.warnings == ()


def test_adjustments_that_cannot_apply_are_reported_not_hidden() -> None:
    scenario = Scenario(
        "Odd",
        adjustments=(
            Adjustment(pounds("1"), FinancialYear(2009), service="Home care"),
            Adjustment(pounds("1"), FinancialYear(2010), service="Nowhere"),
        ),
    )
    result = project([line("Home care", "100")], scenario, Y2009, 2)
    assert amounts(result.lines[0]) == ["100.00", "100.00", "100.00"]
    assert len(result.warnings) == 2
    assert "not after the base year 2009/10" in result.warnings[0]
    assert "no line “Nowhere”" in result.warnings[1]


def test_proposals_follow_the_scenario() -> None:
    lines = [
        line("Kept", "100"),
        line("Added", "20", effect="addition"),
        line("Removed", "5", effect="removal"),
    ]
    approved = project(lines, Scenario("Yes"), Y2009, 0).pool_totals()
    not_approved = project(
        lines, Scenario("No", additions_approved=False, removals_approved=False), Y2009, 0
    ).pool_totals()
    assert approved == (pounds("120"),)  # new value: 100 + 20, the removal gone
    assert not_approved == (pounds("105"),)  # current value: 100 and the line still in


def test_totals_by_partner_category_and_with_linked_pools() -> None:
    lines = [
        line("A", "100", partner="Council", category="Care"),
        line("B", "50", partner="PCT", category="Health"),
        line("C", "10", partner="Council", category="Care", linked=True),
    ]
    result = project(lines, Scenario("Up", inflation=Decimal("0.10")), Y2009, 1)
    assert result.totals_by_partner() == {
        "Council": (pounds("100"), pounds("110")),
        "PCT": (pounds("50"), pounds("55")),
    }
    assert result.totals_by_partner(include_linked=True)["Council"] == (pounds("110"), pounds("121"))
    assert result.totals_by_category() == {
        "Care": (pounds("100"), pounds("110")),
        "Health": (pounds("50"), pounds("55")),
    }
    assert result.pool_totals() == (pounds("150"), pounds("165"))
    assert result.pool_totals(include_linked=True) == (pounds("160"), pounds("176"))
    fast = project_totals(lines, Scenario("Up", inflation=Decimal("0.10")), Y2009, 1)
    assert fast == result.totals()
    assert fast.pool(include_linked=True) == (pounds("160"), pounds("176"))


def test_two_scenarios_compared_per_year_and_in_total() -> None:
    # Flat: 3,342,000 each year. 2.5%: 3,342,000; 3,425,550; 3,511,188.75.
    # Differences 0; 83,550; 169,188.75; total 252,738.75.
    lines = [line("Day Services – internal", "3342000")]
    flat = project(lines, Scenario("Flat"), Y2009, 2)
    up = project(lines, Scenario("Up", inflation=Decimal("0.025")), Y2009, 2)
    result = compare(flat, up)
    assert result.difference == (pounds("0"), pounds("83550"), pounds("169188.75"))
    assert result.total_difference == pounds("252738.75")
    assert result.total_second - result.total_first == result.total_difference
    with pytest.raises(ProjectionError, match="same years"):
        compare(flat, project(lines, Scenario("Up"), Y2009, 3))


@pytest.mark.parametrize("years", [-1, 51, "3"])
def test_years_out_of_range_are_refused(years: object) -> None:
    with pytest.raises(ProjectionError, match="between 0 and 50"):
        project([], Scenario("A"), Y2009, years)  # type: ignore[arg-type]


def test_runaway_growth_is_refused_with_a_message() -> None:
    with pytest.raises(ProjectionError, match="beyond £1 trillion"):
        project([line("Big", "900000000000")], Scenario("A", inflation=Decimal("1")), Y2009, 5)


def test_scenario_refuses_bad_assumptions() -> None:
    with pytest.raises(ScenarioError, match="out of range"):
        Scenario("A", inflation=Decimal("-1"))
    with pytest.raises(ScenarioError, match="needs a name"):
        Scenario("  ")
    with pytest.raises(ScenarioError, match="overridden twice"):
        Scenario(
            "A",
            overrides=(
                RateOverride("growth", Decimal("0.01"), "X"),
                RateOverride("growth", Decimal("0.02"), "X"),
            ),
        )
    with pytest.raises(ScenarioError, match="either one line"):
        Adjustment(pounds("1"), Y2009)
    with pytest.raises(TypeError):
        Scenario("A", inflation=0.025)  # type: ignore[arg-type]


def test_with_rates_replaces_defaults_but_keeps_overrides() -> None:
    scenario = Scenario(
        "A",
        inflation=Decimal("0.02"),
        overrides=(RateOverride("inflation", Decimal("0.05"), category="Homes"),),
    )
    what_if = scenario.with_rates(inflation=Decimal("0.03"))
    assert what_if.rate("inflation", "Other", Y2009) == Decimal("0.03")
    assert what_if.rate("inflation", "Homes", Y2009) == Decimal("0.05")
    assert scenario.with_rates() is scenario


def test_projected_lines_keep_what_identifies_them() -> None:
    base = BaseLine(42, "Respite care", "Care homes", "PCT", "current", 100, True, "Equipment")
    (projected,) = project([base], Scenario("Flat"), Y2009, 1).lines
    assert (projected.key, projected.service, projected.category, projected.partner) == (
        42,
        "Respite care",
        "Care homes",
        "PCT",
    )
    assert (projected.linked, projected.pool, projected.pence) == (True, "Equipment", (100, 100))
