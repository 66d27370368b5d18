"""Budget monitoring: periods, latest budgets, forecasts, variances and the traffic light.

Everything is exact integer pence. The sign convention is the councils' own and is stated once
here: **variance = forecast outturn − latest budget**, so an overspend is positive and an
underspend negative. The latest budget of a line in a period is its original budget (the line's
amount) plus every budget movement recorded in that period or earlier. A line with no forecast for
the period is taken to be on budget (forecast = latest budget) and is marked so.

:class:`MonitoringTable` holds one period's figures and keeps its totals by category, by partner
and for the pool up to date when one forecast changes, without recomputing the other lines: on a
100,000-line pool an edit costs microseconds, not a full pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money

__all__ = [
    "MONTHS",
    "PERIOD_KINDS",
    "RAG_LABELS",
    "VARIANCE_CONVENTION",
    "LineFigures",
    "MonitoredLine",
    "MonitoringError",
    "MonitoringTable",
    "PeriodKind",
    "Rag",
    "RagThresholds",
    "Totals",
    "cumulative_movements",
    "monitored_lines",
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


@dataclass(frozen=True, slots=True)
class MonitoredLine:
    """One pool line as monitoring sees it: who pays for it, its original budget, and this
    period's movements (cumulative, pence) and forecast (None when none was entered)."""

    line_id: int
    service: str
    category: str
    partner: str
    original: int
    movements: int = 0
    forecast: int | None = None
    actual: int | None = None
    commentary: str = ""


@dataclass(slots=True)
class LineFigures:
    """A line's figures for one period, derived from a :class:`MonitoredLine`."""

    line_id: int
    service: str
    category: str
    partner: str
    original: int
    movements: int
    latest: int
    forecast: int
    has_forecast: bool
    actual: int | None
    variance: int
    rag: Rag
    commentary: str


@dataclass(slots=True)
class Totals:
    """Summed figures for a group of lines (a category, a partner or the whole pool)."""

    name: str
    original: int = 0
    movements: int = 0
    latest: int = 0
    forecast: int = 0
    actual: int = 0
    lines: int = 0
    rag: Rag = "green"

    @property
    def variance(self) -> int:
        """Forecast − latest budget (overspend +)."""
        return self.forecast - self.latest

    def add(self, figures: LineFigures, sign: int = 1) -> None:
        """Add (``sign`` 1) or take away (−1) one line's figures."""
        self.original += sign * figures.original
        self.movements += sign * figures.movements
        self.latest += sign * figures.latest
        self.forecast += sign * figures.forecast
        self.actual += sign * (figures.actual or 0)
        self.lines += sign


@dataclass(slots=True)
class MonitoringTable:
    """One period's monitoring figures for a pool: every line, and totals kept up to date."""

    thresholds: RagThresholds
    rows: list[LineFigures] = field(default_factory=list)
    by_category: dict[str, Totals] = field(default_factory=dict)
    by_partner: dict[str, Totals] = field(default_factory=dict)
    pool: Totals = field(default_factory=lambda: Totals("Pool total"))
    _index: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        lines: Iterable[MonitoredLine],
        thresholds: RagThresholds,
        *,
        categories: Sequence[str] = (),
        partners: Sequence[str] = (),
    ) -> MonitoringTable:
        """The table for ``lines`` in their order; ``categories`` and ``partners`` give the order of
        the totals (names not listed follow in order of first appearance)."""
        table = cls(thresholds)
        for name in categories:
            table.by_category[name] = Totals(name)
        for name in partners:
            table.by_partner[name] = Totals(name)
        rate = thresholds.rate
        rows = table.rows
        index = table._index
        for line in lines:
            latest = line.original + line.movements
            has_forecast = line.forecast is not None
            forecast = line.forecast if line.forecast is not None else latest
            variance = forecast - latest
            figures = LineFigures(
                line.line_id,
                line.service,
                line.category,
                line.partner,
                line.original,
                line.movements,
                latest,
                forecast,
                has_forecast,
                line.actual,
                variance,
                rate(variance, latest),
                line.commentary,
            )
            if line.line_id in index:
                raise MonitoringError(f"Line {line.line_id} appears twice in the monitoring table.")
            index[line.line_id] = len(rows)
            rows.append(figures)
        table._total_all()
        return table

    def _total_all(self) -> None:
        """Sum every row into the category, partner and pool totals (once, on building)."""
        for totals in (*self.by_category.values(), *self.by_partner.values(), self.pool):
            totals.original = totals.movements = totals.latest = totals.forecast = totals.actual = 0
            totals.lines = 0
        for row in self.rows:
            self._group(self.by_category, row.category).add(row)
            self._group(self.by_partner, row.partner).add(row)
            self.pool.add(row)
        for totals in (*self.by_category.values(), *self.by_partner.values(), self.pool):
            totals.rag = self.thresholds.rate(totals.variance, totals.latest)

    @staticmethod
    def _group(groups: dict[str, Totals], name: str) -> Totals:
        found = groups.get(name)
        if found is None:
            found = groups[name] = Totals(name)
        return found

    def row(self, line_id: int) -> LineFigures:
        """The figures of one line."""
        try:
            return self.rows[self._index[line_id]]
        except KeyError:
            raise MonitoringError(f"Line {line_id} is not in this monitoring table.") from None

    def row_number(self, line_id: int) -> int:
        """Where a line sits in :attr:`rows`."""
        return self._index[line_id]

    def set_forecast(
        self,
        line_id: int,
        forecast: int | None,
        actual: int | None = None,
        commentary: str | None = None,
    ) -> LineFigures:
        """Change one line's forecast (None: on budget), actual and commentary (None keeps it); the
        line, its category, its partner and the pool total are updated in place."""
        row = self.row(line_id)
        category = self.by_category[row.category]
        partner = self.by_partner[row.partner]
        for totals in (category, partner, self.pool):
            totals.add(row, -1)
        row.has_forecast = forecast is not None
        row.forecast = forecast if forecast is not None else row.latest
        row.actual = actual
        if commentary is not None:
            row.commentary = commentary
        row.variance = row.forecast - row.latest
        row.rag = self.thresholds.rate(row.variance, row.latest)
        for totals in (category, partner, self.pool):
            totals.add(row)
            totals.rag = self.thresholds.rate(totals.variance, totals.latest)
        return row

    def contributions(self) -> dict[str, int]:
        """Each partner's latest budget: what it puts into the pool this period."""
        return {name: totals.latest for name, totals in self.by_partner.items()}

    def rows_rated(self, rags: Iterable[str]) -> list[LineFigures]:
        """The lines whose light is one of ``rags`` (e.g. ``("red", "amber")``), in table order."""
        wanted = set(rags)
        return [row for row in self.rows if row.rag in wanted]


def cumulative_movements(legs: Iterable[tuple[int, int, int]], period: int) -> dict[int, int]:
    """Per line, the sum of movement legs ``(line_id, period, pence)`` recorded up to ``period``."""
    totals: dict[int, int] = {}
    for line_id, leg_period, pence in legs:
        if leg_period <= period:
            totals[line_id] = totals.get(line_id, 0) + pence
    return totals


def monitored_lines(
    lines: Iterable[tuple[int, str, str, str, int]],
    movements: Mapping[int, int],
    forecasts: Mapping[int, tuple[int, int | None, str]],
) -> list[MonitoredLine]:
    """Monitored lines from ``(line_id, service, category, partner, original)`` tuples, the
    cumulative movements by line and the period's forecasts ``line_id → (forecast, actual,
    commentary)``."""
    result = []
    for line_id, service, category, partner, original in lines:
        entry = forecasts.get(line_id)
        if entry is None:
            result.append(
                MonitoredLine(line_id, service, category, partner, original, movements.get(line_id, 0))
            )
        else:
            result.append(
                MonitoredLine(
                    line_id,
                    service,
                    category,
                    partner,
                    original,
                    movements.get(line_id, 0),
                    entry[0],
                    entry[1],
                    entry[2],
                )
            )
    return result
