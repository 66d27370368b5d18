"""One period's monitoring table: every line's figures, and totals by category, by partner and for
the pool, kept up to date when one forecast changes.

A pool may hold 100,000 lines, so the table keeps each line as the plain tuple it was read as (a
:class:`MonitoredLine`, or a tuple in the same order straight from the database) and works out a
line's figures (:class:`LineFigures`: latest budget, variance, traffic light) only when they are
asked for. The totals are summed once, in one pass over the tuples, when the table is built; after
that an edit adjusts the one line and its three totals, in microseconds. Everything is exact
integer pence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from jmg_desktop.core.monitoring import MonitoringError, Rag, RagThresholds
from jmg_desktop.core.records import Record

__all__ = [
    "LineFigures",
    "LineRows",
    "MonitoredLine",
    "MonitoringTable",
    "Totals",
]


class MonitoredLine(Record):
    """One pool line as monitoring sees it: who pays for it, its original budget, and this
    period's movements (cumulative, pence) and forecast (None when none was entered). A plain
    tuple in this order (as the database returns it) stands for one too."""

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
    """A line's figures for one period, derived from a :class:`MonitoredLine` (a copy: changing
    it changes nothing in the table; :meth:`MonitoringTable.set_forecast` does)."""

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


def _figures(line: tuple, rate: Callable[[int, int], Rag]) -> LineFigures:  # type: ignore[type-arg]
    """The figures of one line tuple: latest = original + movements; no forecast means on budget."""
    line_id, service, category, partner, original, movements, forecast, actual, commentary = line
    latest = original + movements
    has_forecast = forecast is not None
    if forecast is None:
        forecast = latest
    variance = forecast - latest
    return LineFigures(
        line_id,
        service,
        category,
        partner,
        original,
        movements,
        latest,
        forecast,
        has_forecast,
        actual,
        variance,
        rate(variance, latest),
        commentary,
    )


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


class LineRows(Sequence[LineFigures]):
    """The table's lines in order, each line's :class:`LineFigures` made when it is asked for."""

    __slots__ = ("_lines", "_rate")

    def __init__(self, lines: list[tuple], rate: Callable[[int, int], Rag]) -> None:  # type: ignore[type-arg]
        """Rows over ``lines`` (the table's own list), rated by ``rate``."""
        self._lines = lines
        self._rate = rate

    def __len__(self) -> int:
        """How many lines."""
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> LineFigures: ...

    @overload
    def __getitem__(self, index: slice) -> list[LineFigures]: ...

    def __getitem__(self, index: int | slice) -> LineFigures | list[LineFigures]:
        """The figures of one line (or of a slice of lines)."""
        if isinstance(index, slice):
            return [_figures(line, self._rate) for line in self._lines[index]]
        return _figures(self._lines[index], self._rate)

    def __iter__(self) -> Iterator[LineFigures]:
        """Every line's figures, in order."""
        rate = self._rate
        for line in self._lines:
            yield _figures(line, rate)


class MonitoringTable:
    """One period's monitoring figures for a pool: every line, and totals kept up to date."""

    __slots__ = ("_index", "_lines", "by_category", "by_partner", "pool", "rows", "thresholds")

    def __init__(self, thresholds: RagThresholds, lines: list[tuple]) -> None:  # type: ignore[type-arg]
        """A table over ``lines`` (kept, not copied), with no totals yet: use :meth:`build`."""
        self.thresholds = thresholds
        self._lines = lines
        self.rows = LineRows(lines, thresholds.rate)
        self.by_category: dict[str, Totals] = {}
        self.by_partner: dict[str, Totals] = {}
        self.pool = Totals("Pool total")
        self._index: dict[int, int] | None = None

    @classmethod
    def build(
        cls,
        lines: Iterable[tuple],  # type: ignore[type-arg]
        thresholds: RagThresholds,
        *,
        categories: Sequence[str] = (),
        partners: Sequence[str] = (),
    ) -> MonitoringTable:
        """The table for ``lines`` (:class:`MonitoredLine` or tuples in its order) in their order;
        ``categories`` and ``partners`` give the order of the totals (names not listed follow in
        order of first appearance)."""
        table = cls(thresholds, lines if isinstance(lines, list) else list(lines))
        for name in categories:
            table.by_category[name] = Totals(name)
        for name in partners:
            table.by_partner[name] = Totals(name)
        table._total_all()
        return table

    def _total_all(self) -> None:
        """Sum every line into the category, partner and pool totals (once, on building).

        One pass over the tuples, summing per (category, partner) pair, then the pairs into the
        three kinds of total: no line's figures are made."""
        pairs: dict[tuple[str, str], list[int]] = {}
        for _id, _service, category, partner, original, movements, forecast, actual, _text in self._lines:
            sums = pairs.get((category, partner))
            if sums is None:
                sums = pairs[(category, partner)] = [0, 0, 0, 0, 0]
            sums[0] += original
            sums[1] += movements
            sums[2] += original + movements if forecast is None else forecast
            if actual is not None:
                sums[3] += actual
            sums[4] += 1
        for (category, partner), (original, movements, forecast, actual, count) in pairs.items():
            for totals in (
                self._group(self.by_category, category),
                self._group(self.by_partner, partner),
                self.pool,
            ):
                totals.original += original
                totals.movements += movements
                totals.latest += original + movements
                totals.forecast += forecast
                totals.actual += actual
                totals.lines += count
        for totals in (*self.by_category.values(), *self.by_partner.values(), self.pool):
            totals.rag = self.thresholds.rate(totals.variance, totals.latest)

    @staticmethod
    def _group(groups: dict[str, Totals], name: str) -> Totals:
        found = groups.get(name)
        if found is None:
            found = groups[name] = Totals(name)
        return found

    def _where(self) -> dict[int, int]:
        """Line id → position, made on first use (a read-only table never needs it)."""
        if self._index is None:
            index = {line[0]: number for number, line in enumerate(self._lines)}
            if len(index) != len(self._lines):
                seen: set[int] = set()
                twice = next(line[0] for line in self._lines if line[0] in seen or seen.add(line[0]))
                raise MonitoringError(f"Line {twice} appears twice in the monitoring table.")
            self._index = index
        return self._index

    @property
    def lines(self) -> Sequence[tuple]:  # type: ignore[type-arg]
        """The lines as they stand (after edits), as :class:`MonitoredLine`-ordered tuples."""
        return self._lines

    def row(self, line_id: int) -> LineFigures:
        """The figures of one line."""
        return self.rows[self.row_number(line_id)]

    def row_number(self, line_id: int) -> int:
        """Where a line sits in :attr:`rows`."""
        try:
            return self._where()[line_id]
        except KeyError:
            raise MonitoringError(f"Line {line_id} is not in this monitoring table.") from None

    def check_unique(self) -> None:
        """Raise :class:`MonitoringError` if a line appears twice."""
        self._where()

    def set_forecast(
        self,
        line_id: int,
        forecast: int | None,
        actual: int | None = None,
        commentary: str | None = None,
    ) -> LineFigures:
        """Change one line's forecast (None: on budget), actual and commentary (None keeps it); the
        line, its category, its partner and the pool total are updated in place."""
        number = self.row_number(line_id)
        old = self._lines[number]
        before = _figures(old, self.thresholds.rate)
        line = (*old[:6], forecast, actual, old[8] if commentary is None else commentary)
        self._lines[number] = line
        after = _figures(line, self.thresholds.rate)
        for totals in (self.by_category[before.category], self.by_partner[before.partner], self.pool):
            totals.add(before, -1)
            totals.add(after)
            totals.rag = self.thresholds.rate(totals.variance, totals.latest)
        return after

    def contributions(self) -> dict[str, int]:
        """Each partner's latest budget: what it puts into the pool this period."""
        return {name: totals.latest for name, totals in self.by_partner.items()}

    def rags(self) -> list[Rag]:
        """Every line's traffic light, in table order (without making each line's figures)."""
        rate = self.thresholds.rate
        out: list[Rag] = []
        append = out.append
        for line in self._lines:
            latest = line[4] + line[5]
            forecast = line[6]
            append("green" if forecast is None else rate(forecast - latest, latest))
        return out

    def numbers_rated(self, rags: Iterable[str]) -> list[int]:
        """The positions of the lines whose light is one of ``rags``, in table order."""
        wanted = set(rags)
        return [number for number, rag in enumerate(self.rags()) if rag in wanted]

    def rows_rated(self, rags: Iterable[str]) -> list[LineFigures]:
        """The lines whose light is one of ``rags`` (e.g. ``("red", "amber")``), in table order."""
        return [self.rows[number] for number in self.numbers_rated(rags)]
