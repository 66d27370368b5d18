"""Financial years: 1 April to 31 March, written 2009/10."""

from __future__ import annotations

from datetime import date

import pytest

from jmg_desktop.core.financial_year import FinancialYear, FinancialYearError, parse_financial_year


def test_parse_and_format() -> None:
    year = parse_financial_year(" 2009/10 ")
    assert year == FinancialYear(2009)
    assert str(year) == "2009/10"
    assert FinancialYear(1999).label == "1999/00"


def test_dates_and_neighbours() -> None:
    year = FinancialYear.parse("2009/10")
    assert year.start_date == date(2009, 4, 1)
    assert year.end_date == date(2010, 3, 31)
    assert year.next().label == "2010/11"
    assert year.previous().label == "2008/09"
    assert FinancialYear.containing(date(2010, 3, 31)) == year
    assert FinancialYear.containing(date(2010, 4, 1)) == year.next()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2009/11", "April to March, so it is 2009/10"),
        ("09/10", "first year in full, like 2009/10"),
        ("2009", "calendar year.*2009/10"),
        ("", "No financial year"),
        ("next year", "not a financial year"),
    ],
)
def test_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(FinancialYearError, match=reason):
        parse_financial_year(text)
