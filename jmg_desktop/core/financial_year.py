"""UK public-sector financial years: 1 April to 31 March, written ``2009/10``."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from jmg_desktop.core.int_value import int_value

__all__ = ["FinancialYear", "FinancialYearError", "parse_financial_year"]

_PATTERN: Final = re.compile(r"(\d{4})/(\d{2})")
_FIRST_YEAR: Final = 1900
_LAST_YEAR: Final = 2998


class FinancialYearError(ValueError):
    """Text that is not a financial year; the message says what was wrong."""


@int_value("start_year")
class FinancialYear:
    """The financial year that starts on 1 April of ``start_year``. Immutable, hashable, ordered
    (:func:`int_value`)."""

    __slots__ = ("start_year",)
    start_year: int

    def __init__(self, start_year: int) -> None:
        if type(start_year) is not int or not _FIRST_YEAR <= start_year <= _LAST_YEAR:
            raise FinancialYearError(f"{start_year!r} is not a year between {_FIRST_YEAR} and {_LAST_YEAR}.")
        object.__setattr__(self, "start_year", start_year)

    def __repr__(self) -> str:
        return f"FinancialYear(start_year={self.start_year!r})"

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Parse ``2009/10``; see :func:`parse_financial_year`."""
        return parse_financial_year(text)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        """The financial year a date falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        """``2009/10``."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start_date(self) -> date:
        """1 April of the first year."""
        return date(self.start_year, 4, 1)

    @property
    def end_date(self) -> date:
        """31 March of the second year."""
        return date(self.start_year + 1, 3, 31)

    def next(self) -> FinancialYear:
        """The following year: 2009/10 → 2010/11."""
        return FinancialYear(self.start_year + 1)

    def previous(self) -> FinancialYear:
        """The year before: 2009/10 → 2008/09."""
        return FinancialYear(self.start_year - 1)

    def plus(self, years: int) -> FinancialYear:
        """The year ``years`` on (or back, when negative)."""
        return FinancialYear(self.start_year + years)

    def __str__(self) -> str:
        return self.label


def parse_financial_year(text: str) -> FinancialYear:
    """Parse a financial year written ``2009/10``; anything else raises with a plain reason."""
    if not isinstance(text, str):
        raise FinancialYearError("A financial year must be given as text, like 2009/10.")
    body = text.strip()
    if not body:
        raise FinancialYearError("No financial year was given; write it like 2009/10.")
    match = _PATTERN.fullmatch(body)
    if match is None:
        if re.fullmatch(r"\d{4}", body):
            start = int(body)
            raise FinancialYearError(
                f"“{body}” is a calendar year; write the financial year in full, like "
                f"{start}/{(start + 1) % 100:02d}."
            )
        if re.fullmatch(r"\d{2}/\d{2}", body):
            raise FinancialYearError(f"“{body}” needs the first year in full, like 20{body}.")
        raise FinancialYearError(f"“{body[:40]}” is not a financial year; write it like 2009/10.")
    start, end = int(match.group(1)), int(match.group(2))
    if end != (start + 1) % 100:
        raise FinancialYearError(
            f"“{body}” is not a financial year: a year runs from April to March, so it is "
            f"{start}/{(start + 1) % 100:02d}."
        )
    return FinancialYear(start)
