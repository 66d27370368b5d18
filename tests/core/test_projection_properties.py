"""Properties of the projection engine that must hold for any lines and rates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import BaseLine, project, project_totals, round_half_up_ratio
from jmg_desktop.core.scenario import RateOverride, Scenario, ScenarioError, format_percent, parse_percent

rates = st.decimals(min_value=Decimal("-0.2"), max_value=Decimal("0.2"), places=4)
categories = st.sampled_from(["Care", "Health", None])
partners = st.sampled_from(["Council", "PCT"])
effects = st.sampled_from(["current", "addition", "removal"])
pence = st.integers(min_value=-(10**9), max_value=10**10)
base_lines = st.lists(
    st.builds(
        BaseLine,
        key=st.integers(0, 10**6),
        service=st.sampled_from(["A", "B", "C"]),
        category=categories,
        partner=partners,
        effect=effects,
        pence=pence,
        linked=st.booleans(),
        pool=st.just(""),
    ),
    max_size=30,
)
scenarios = st.builds(
    Scenario,
    name=st.just("S"),
    inflation=rates,
    growth=rates,
    savings=rates,
    overrides=st.just((RateOverride("inflation", Decimal("0.07"), category="Care"),)),
    additions_approved=st.booleans(),
    removals_approved=st.booleans(),
)
BASE = FinancialYear(2009)


@given(
    value=st.integers(-(10**15), 10**15), numerator=st.integers(0, 10**7), denominator=st.integers(1, 10**7)
)
def test_integer_half_up_equals_decimal_half_up(value: int, numerator: int, denominator: int) -> None:
    exact = Decimal(value) * Decimal(numerator) / Decimal(denominator)
    expected = int(
        (Decimal(value * numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    assert round_half_up_ratio(value, numerator, denominator) == expected, exact


@settings(max_examples=60, deadline=None)
@given(lines=base_lines, scenario=scenarios, years=st.integers(0, 6))
def test_each_step_is_the_issue_formula_in_decimal(
    lines: list[BaseLine], scenario: Scenario, years: int
) -> None:
    result = project(lines, scenario, BASE, years)
    for projected in result.lines:
        for step in range(1, years + 1):
            year = BASE.plus(step)
            factor = (
                (1 + scenario.rate("inflation", projected.category, year))
                * (1 + scenario.rate("growth", projected.category, year))
                * (1 - scenario.rate("savings", projected.category, year))
            )
            previous = Money(projected.pence[step - 1])
            assert projected.pence[step] == previous.scaled(factor).pence


@settings(max_examples=60, deadline=None)
@given(lines=base_lines, scenario=scenarios, years=st.integers(0, 6))
def test_fast_totals_equal_totals_of_the_lines(lines: list[BaseLine], scenario: Scenario, years: int) -> None:
    full = project(lines, scenario, BASE, years)
    fast = project_totals(lines, scenario, BASE, years)
    assert fast == full.totals()
    assert fast.pool() == full.pool_totals()
    assert fast.pool(include_linked=True) == full.pool_totals(include_linked=True)
    by_category = full.totals_by_category(include_linked=True)
    for index in range(years + 1):
        assert sum(row[index].pence for row in by_category.values()) == full.pool_totals(True)[index].pence


@settings(max_examples=40, deadline=None)
@given(lines=base_lines, years=st.integers(0, 6))
def test_zero_rates_are_flat(lines: list[BaseLine], years: int) -> None:
    for projected in project(lines, Scenario("Flat"), BASE, years).lines:
        assert set(projected.pence) <= {projected.pence[0]}


@settings(max_examples=40, deadline=None)
@given(amount=st.integers(0, 10**10), low=rates, extra=st.decimals(Decimal(0), Decimal("0.1"), places=4))
def test_more_inflation_never_shrinks_a_positive_line(amount: int, low: Decimal, extra: Decimal) -> None:
    line = [BaseLine(1, "A", None, "Council", "current", amount)]
    lower = project(line, Scenario("L", inflation=low), BASE, 5).lines[0].pence
    higher = project(line, Scenario("H", inflation=low + extra), BASE, 5).lines[0].pence
    assert all(h >= lo for h, lo in zip(higher, lower, strict=True))


@pytest.mark.parametrize(
    ("text", "rate"),
    [("2.5", "0.025"), ("2.5%", "0.025"), (" -1 % ", "-0.01"), ("0", "0"), ("−0.5", "-0.005"), ("100", "1")],
)
def test_percentages_parse_exactly(text: str, rate: str) -> None:
    assert parse_percent(text) == Decimal(rate)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("two", "is not a percentage"),
        ("2.5.1", "is not a percentage"),
        ("150", "out of range"),
        ("-100", "out of range"),
        ("1e3", "is not a percentage"),
    ],
)
def test_bad_percentages_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_percent(text, "Inflation")


def test_percent_formatting_round_trips() -> None:
    assert format_percent(Decimal("0.025")) == "2.5%"
    assert format_percent(Decimal("-0.01")) == "-1%"
    assert format_percent(Decimal("0")) == "0%"
    assert parse_percent(format_percent(Decimal("0.0375"))) == Decimal("0.0375")
