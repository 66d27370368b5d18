"""Budget monitoring: periods, latest budgets, forecasts, variances and the traffic light.

Everything is exact integer pence. The sign convention is the councils' own and is stated once
here: **variance = forecast outturn − latest budget**, so an overspend is positive and an
underspend negative. The latest budget of a line in a period is its original budget (the line's
amount) plus every budget movement recorded in that period or earlier. A line with no forecast for
the period is taken to be on budget (forecast = latest budget) and is marked so.

:class:`~jmg_desktop.core.monitoring_table.MonitoringTable` holds one period's figures and keeps
its totals up to date when one forecast changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money

__all__ = [
    "MONTHS",
    "PERIOD_KINDS",
    "RAG_LABELS",
    "VARIANCE_CONVENTION",
    "MonitoringError",
    "PeriodKind",
    "Rag",
    "RagThresholds",
    "cumulative_movements",
    "period_count",
    "period_label",
    "period_short_label",
]

PeriodKind = Literal["month", "quarter"]
Rag = Literal["green", "amber", "red"]

PERIOD_KINDS: Final = ("month", "quarter")
RAG_LABELS: Final = {"green": "Green", "amber": "Amber", "red": "Red"}
VARIANCE_CONVENTION: Final = "Variance = forecast outturn − latest budget: overspend +, underspend −."

MONTHS: Final = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)
_PPM: Final = 1_000_000  # percentages are stored as millionths of a whole (51 % = 510,000)


class MonitoringError(ValueError):
    """Monitoring input that cannot be used; the message says what is wrong, for the user."""


def period_count(kind: str) -> int:
    """How many periods a year has: 12 months or 4 quarters."""
    if kind == "month":
        return 12
    if kind == "quarter":
        return 4
    raise MonitoringError(f"“{kind}” is not a kind of monitoring period (months or quarters).")


def _check_period(kind: str, number: int) -> None:
    count = period_count(kind)
    if not 1 <= number <= count:
        what = "month" if kind == "month" else "quarter"
        raise MonitoringError(f"There is no {what} {number}: a year has {count} (1 to {count}).")


def period_label(kind: str, number: int, year: FinancialYear) -> str:
    """``Quarter 2 (July–September 2009)`` or ``Month 3 (June 2009)``."""
    _check_period(kind, number)
    start = year.start_year
    if kind == "month":
        calendar = start if number <= 9 else start + 1
        return f"Month {number} ({MONTHS[number - 1]} {calendar})"
    first, last = MONTHS[3 * (number - 1)], MONTHS[3 * number - 1]
    calendar = start if number <= 3 else start + 1
    return f"Quarter {number} ({first}–{last} {calendar})"


def period_short_label(kind: str, number: int) -> str:
    """``Q2`` or ``M3``, for chart axes and narrow columns."""
    _check_period(kind, number)
    return f"{'M' if kind == 'month' else 'Q'}{number}"


@dataclass(frozen=True, slots=True)
class RagThresholds:
    """A pool's traffic-light limits, as data. Percentages are of the latest budget, in millionths
    (1 % = 10,000); ``red_amount_pence`` is an optional amount beyond which a variance is red
    whatever its percentage.

    The rule, on the size of the variance (over- and underspends alike): **red** when it is more
    than ``amber_ppm`` of the latest budget, or more than ``red_amount_pence`` when that is set;
    otherwise **amber** when it is more than ``green_ppm`` of the latest budget; otherwise
    **green**. A line with no budget is green only when its variance is nil.
    """

    green_ppm: int = 10_000
    amber_ppm: int = 30_000
    red_amount_pence: int | None = 25_000_000

    def __post_init__(self) -> None:
        if not 0 <= self.green_ppm <= self.amber_ppm <= 100 * _PPM:
            raise MonitoringError(
                "The traffic-light limits must satisfy 0 ≤ green ≤ amber ≤ 10,000 %: green is the "
                "smaller percentage."
            )
        if self.red_amount_pence is not None and self.red_amount_pence < 0:
            raise MonitoringError("The amount beyond which a variance is red cannot be negative.")

    def rate(self, variance: int, latest: int) -> Rag:
        """The traffic light for ``variance`` against ``latest`` budget (both pence), exactly."""
        size = abs(variance) * _PPM
        base = abs(latest)
        if size > self.amber_ppm * base or (
            self.red_amount_pence is not None and abs(variance) > self.red_amount_pence
        ):
            return "red"
        if size > self.green_ppm * base:
            return "amber"
        return "green"

    def describe(self) -> str:
        """The rule in words, for the page and the paper."""
        green, amber = _percent_text(self.green_ppm), _percent_text(self.amber_ppm)
        limit = ""
        if self.red_amount_pence is not None:
            limit = f" or more than {Money(self.red_amount_pence).format_full()}"
        return (
            f"Green: variance within ±{green} of the latest budget; amber: within ±{amber}; "
            f"red: beyond ±{amber}{limit}."
        )


def _percent_text(ppm: int) -> str:
    """Millionths as a percentage without trailing zeros: 10,000 → ``1%``, 12,500 → ``1.25%``."""
    value = (Decimal(ppm) / 10_000).normalize()
    return f"{value:f}%"


def cumulative_movements(legs: Iterable[tuple[int, int, int]], period: int) -> dict[int, int]:
    """Per line, the sum of movement legs ``(line_id, period, pence)`` recorded up to ``period``."""
    totals: dict[int, int] = {}
    for line_id, leg_period, pence in legs:
        if leg_period <= period:
            totals[line_id] = totals.get(line_id, 0) + pence
    return totals
