"""Money: exact amounts, the forms officers type, the display styles, and refusals that explain."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jmg_desktop.core.money import MAX_POUNDS, Money, MoneyError, parse_money

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("3342000", 334_200_000),
        ("3,342,000", 334_200_000),
        ("£3,342,000.00", 334_200_000),
        ("£3.342m", 334_200_000),
        ("3.342 million", 334_200_000),
        ("£3.342 Million", 334_200_000),
        ("£3,342k", 334_200_000),
        ("£3.8bn", 380_000_000_000),
        ("(1,200)", -120_000),
        ("-1,200", -120_000),
        ("-£1,200.50", -120_050),
        ("£-1,200", -120_000),
        ("(£1,234.56)", -123_456),
        (f"{NBSP}£1,234.56{NBSP}", 123_456),
        ("  42  ", 4_200),
        ("0.5", 50),
        (".75", 75),
        ("1,234.5", 123_450),
        ("0", 0),
    ],
)
def test_parses_what_officers_type(text: str, pence: int) -> None:
    assert parse_money(text) == Money(pence)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12abc", "not understood"),
        ("£", "no digits"),
        ("1e309", "not understood"),
        ("NaN", "should start with digits"),
        ("--5", "more than one sign"),
        ("", "No amount"),
        ("   ", "No amount"),
        ("1,23,4", "commas in the wrong places"),
        ("12345,678", "commas in the wrong places"),
        ("1.234", "fraction of a penny"),
        ("(1,200", "unmatched bracket"),
        ("-(1,200)", "negative twice"),
        ("(-1,200)", "negative twice"),
        ("2000000000000", "too large"),
        ("£1.2.3", "not understood"),
        ('=HYPERLINK("x")', "should start with digits"),
    ],
)
def test_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason):
        parse_money(text)


def test_money_is_never_built_from_a_float() -> None:
    with pytest.raises(TypeError):
        Money.from_pounds(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]


def test_display_styles() -> None:
    amount = Money.from_pounds("3342000")
    assert amount.format_m() == "£3.342m"
    assert amount.format_prose() == "£3.342 million"
    assert amount.format_thousands() == "3,342"
    assert amount.format_full() == "£3,342,000.00"
    assert amount.format_plain() == "3342000.00"
    assert Money.from_pounds("-1200").format_thousands() == "(1)"
    assert Money.from_pounds("-1200000").format_m() == "-£1.200m"
    assert Money.from_pounds("917500").format_m() == "£0.918m"  # half-up at the display boundary
    assert Money.from_pounds("917499.99").format_m() == "£0.917m"
    assert Money.from_pounds("1500").format_thousands() == "2"
    assert Money(-5).format_full() == "-£0.05"
    assert [Money(p).format_plain() for p in (0, 5, -5, 100, -100, -1234507)] == [
        "0.00",
        "0.05",
        "-0.05",
        "1.00",
        "-1.00",
        "-12345.07",
    ]


def test_arithmetic_is_exact() -> None:
    total = sum([Money.parse("£0.10")] * 3, Money.zero())
    assert total == Money(30)
    assert Money(100) - Money(250) == Money(-150)
    assert Money.from_pounds("3342000").scaled(Decimal("1.025")) == Money.from_pounds("3425550")
    assert Money(1).scaled(Decimal("0.5")) == Money(1)  # half a penny rounds up
    assert Money(-1).scaled(Decimal("0.5")) == Money(-1)  # and away from zero when negative


amounts = st.integers(min_value=-MAX_POUNDS * 100, max_value=MAX_POUNDS * 100).map(Money)


@given(amounts)
def test_full_format_round_trips(amount: Money) -> None:
    assert parse_money(amount.format_full()) == amount


@given(amounts)
def test_plain_and_thousands_round_trip_to_their_precision(amount: Money) -> None:
    assert parse_money(amount.format_plain()) == amount
    assert parse_money(amount.format_thousands()) == Money.from_pounds(amount.thousands())
    assert parse_money(amount.format_m()) == Money.from_pounds(amount.millions() * 1_000_000)
    assert parse_money(amount.format_prose()) == Money.from_pounds(amount.millions() * 1_000_000)


@given(amounts)
def test_plain_format_is_the_exact_decimal_in_pounds(amount: Money) -> None:
    assert amount.format_plain() == f"{amount.to_decimal():f}"


@given(amounts, amounts)
def test_addition_matches_integer_pence(a: Money, b: Money) -> None:
    if abs(a.pence + b.pence) <= MAX_POUNDS * 100:
        assert (a + b).pence == a.pence + b.pence


@pytest.mark.parametrize("pence", [-1, -49_999, -4_999])
def test_a_reduction_too_small_to_show_prints_as_nothing_not_minus_nothing(pence: int) -> None:
    amount = Money(pence)
    assert amount.millions(3) == 0 and str(amount.millions(3)) == "0.000"
    assert amount.format_m() == "£0.000m"
    assert amount.format_thousands() == "0"


def test_the_paper_table_prints_a_nil_reduction_as_nil_and_a_real_one_in_brackets() -> None:
    from jmg_desktop.papers.render import format_table_money

    assert format_table_money(Money(-40_000)) == "0.000"  # -£400 rounds to nil at £m to three places
    assert format_table_money(Money(-50_000)) == "(0.001)"  # -£500 rounds half away from zero
    assert format_table_money(Money(164_600_000)) == "1.646"
