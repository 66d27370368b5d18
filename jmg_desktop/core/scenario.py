"""Projection scenarios: a named set of assumptions about how a pool's lines change year by year.

Rates are exact :class:`~decimal.Decimal` fractions (2.5% is ``Decimal("0.025")``), never floats.
Each of the three rates (inflation, demographic growth, efficiency savings) has a default and
optional overrides for a category, a year, or a category in a year. The most specific override
wins: category-and-year, then category, then year, then the default. A category override says
something about a kind of cost (care home fees rise faster than staff pay) and so is kept in every
year; a year override changes the general assumption for that year only.

The rate "for" a financial year is the one applied on the step *into* that year: inflation for
2010/11 uplifts the 2009/10 amount to the 2010/11 amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Final

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money

__all__ = [
    "RATE_NAMES",
    "Adjustment",
    "RateOverride",
    "Scenario",
    "ScenarioError",
    "format_percent",
    "parse_percent",
]

#: The three yearly rates a scenario holds, in the order the formula applies them.
RATE_NAMES: Final = ("inflation", "growth", "savings")
_RATE_LABELS: Final = {
    "inflation": "Inflation",
    "growth": "Demographic growth",
    "savings": "Efficiency savings",
}
# A yearly rate outside these bounds is a typing mistake, not an assumption (-100% would wipe out
# every line; savings above 100% would turn budgets negative).
_LOWEST_RATE: Final = Decimal(-1)
_HIGHEST_RATE: Final = Decimal(1)
_PERCENT: Final = re.compile(r"[+\-\u2212]?\d{1,3}(?:\.\d{1,4})?")


class ScenarioError(ValueError):
    """An assumption that cannot be used; the message says what was wrong, for the user."""


def parse_percent(text: str, what: str = "The rate") -> Decimal:
    """``"2.5"`` or ``"2.5%"`` → ``Decimal("0.025")``; anything else raises :class:`ScenarioError`."""
    if not isinstance(text, str):
        raise ScenarioError(f"{what} must be given as text, like 2.5 for 2.5%.")
    body = text.strip().removesuffix("%").strip().replace("\u2212", "-")
    if not body:
        raise ScenarioError(f"{what} is empty; give a percentage like 2.5.")
    if not _PERCENT.fullmatch(body):
        raise ScenarioError(f"{what} “{text.strip()[:20]}” is not a percentage; write it like 2.5 or -1.")
    rate = Decimal(body) / 100
    check_rate(rate, what)
    return rate


def check_rate(rate: Decimal, what: str = "The rate") -> Decimal:
    """Return ``rate`` if it is an exact, sensible yearly rate; otherwise raise with a reason."""
    if isinstance(rate, float) or not isinstance(rate, Decimal):
        raise TypeError("Rates are exact Decimals, never floats")
    if not rate.is_finite():
        raise ScenarioError(f"{what} must be a finite number.")
    if not _LOWEST_RATE < rate <= _HIGHEST_RATE:
        raise ScenarioError(
            f"{what} of {format_percent(rate)} is out of range: use more than -100% and at most 100%."
        )
    return rate


def format_percent(rate: Decimal) -> str:
    """``Decimal("0.025")`` → ``"2.5%"`` (no trailing zeros; exact)."""
    value = (rate * 100).normalize()
    text = f"{value:f}"
    return f"{text}%"


@dataclass(frozen=True, slots=True)
class RateOverride:
    """One rate replaced for a category, a year, or a category in a year."""

    rate: str  # one of RATE_NAMES
    value: Decimal
    category: str | None = None
    year: FinancialYear | None = None

    def __post_init__(self) -> None:
        """Refuse what cannot be an assumption, with a reason."""
        if self.rate not in RATE_NAMES:
            raise ScenarioError(f"“{self.rate}” is not a rate; use inflation, growth or savings.")
        if self.category is None and self.year is None:
            raise ScenarioError("An override needs a category, a year, or both.")
        if self.category is not None and not self.category.strip():
            raise ScenarioError("An override's category cannot be blank.")
        check_rate(self.value, f"{_RATE_LABELS[self.rate]} override")

    @property
    def specificity(self) -> int:
        """How specific the override is: 3 category-and-year, 2 category, 1 year."""
        if self.category is not None and self.year is not None:
            return 3
        return 2 if self.category is not None else 1


@dataclass(frozen=True, slots=True)
class Adjustment:
    """An amount added from a year: to one line (named by its service) or to a category.

    A *recurrent* adjustment enters the base in ``from_year`` and is carried forward (and uplifted)
    in every later year; a *one-off* appears in ``from_year`` only. A category adjustment becomes a
    row of its own in the projection, paid by ``partner`` (the pool's host when not given).
    """

    amount: Money
    from_year: FinancialYear
    recurrent: bool = True
    service: str | None = None
    category: str | None = None
    partner: str | None = None
    label: str = ""
    # The pool it belongs to (None: any pool with that service or category). The workspace
    # keeps it; projections receive only the adjustments of the pool being projected.
    pool: str | None = None

    def __post_init__(self) -> None:
        """Refuse what cannot be an assumption, with a reason."""
        if (self.service is None) == (self.category is None):
            raise ScenarioError("An adjustment applies to either one line (its service) or one category.")

    @property
    def description(self) -> str:
        """A short phrase for tables and warnings: the label, else what it applies to."""
        if self.label:
            return self.label
        target = self.service if self.service is not None else f"category {self.category}"
        return f"Adjustment to {target}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named set of projection assumptions; immutable, so a what-if is a new scenario."""

    name: str
    inflation: Decimal = Decimal(0)
    growth: Decimal = Decimal(0)
    savings: Decimal = Decimal(0)
    overrides: tuple[RateOverride, ...] = ()
    additions_approved: bool = True
    removals_approved: bool = True
    adjustments: tuple[Adjustment, ...] = ()
    description: str = ""
    # Lookup table built once: (rate, category, year) → value. Not part of equality.
    _index: dict[tuple[str, str | None, int | None], Decimal] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        """Refuse what cannot be an assumption, with a reason."""
        if not self.name.strip():
            raise ScenarioError("A scenario needs a name.")
        for rate in RATE_NAMES:
            check_rate(getattr(self, rate), _RATE_LABELS[rate])
        seen: set[tuple[str, str | None, int | None]] = set()
        for override in self.overrides:
            key = (
                override.rate,
                override.category,
                None if override.year is None else override.year.start_year,
            )
            if key in seen:
                raise ScenarioError(
                    f"{_RATE_LABELS[override.rate]} is overridden twice for the same category and year."
                )
            seen.add(key)
            self._index[key] = override.value

    def with_rates(
        self,
        inflation: Decimal | None = None,
        growth: Decimal | None = None,
        savings: Decimal | None = None,
    ) -> Scenario:
        """The same scenario with some default rates replaced (command-line rates, meeting what-ifs).

        Category and year overrides are kept: they describe particular costs, not the general rate.
        """
        changes = {
            name: value
            for name, value in (("inflation", inflation), ("growth", growth), ("savings", savings))
            if value is not None
        }
        return replace(self, **changes) if changes else self

    def rate(self, name: str, category: str | None, year: FinancialYear) -> Decimal:
        """The ``name`` rate applied on the step into ``year`` for a line of ``category``."""
        index = self._index
        if index:
            # Most specific first; with no category the first two keys collapse to the year key.
            for key in (
                (name, category, year.start_year),
                (name, category, None),
                (name, None, year.start_year),
            ):
                value = index.get(key)
                if value is not None:
                    return value
        return getattr(self, name)

    def factor(self, category: str | None, year: FinancialYear) -> Fraction:
        """The exact multiplier ``(1 + inflation) × (1 + growth) × (1 − savings)`` into ``year``."""
        inflation = self.rate("inflation", category, year)
        growth = self.rate("growth", category, year)
        savings = self.rate("savings", category, year)
        return Fraction(1 + inflation) * Fraction(1 + growth) * Fraction(1 - savings)
