"""A pool's projection as CSV text in pieces, for pools too big to hold as :class:`Projection` objects.

The ``project`` command writes a million lines over ten years with this. Lines are held column by
column (:class:`LineColumns`: a list or array per field, not a tuple per line) and each year's
amounts are one ``array('q')`` of pence; no :class:`~jmg_desktop.core.money.Money` object is made
per cell. The arithmetic and the rules are :mod:`jmg_desktop.core.projection`'s own (its factors,
adjustment placement and size limit), and the text is exactly
``projection_csv(project(...))``'s: the tests hold the two paths to the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import compress
from typing import Any, Final

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import PENCE_DIGITS
from jmg_desktop.core.projection import (
    _MAX_PENCE,
    _TOO_LARGE,
    BaseLine,
    ProjectionError,
    _adjustment_steps,
    _check_request,
    _factors_by_category,
    _in_linked_pool,
    _left_out,
    _place_adjustments,
    _project_amount,
)
from jmg_desktop.core.records import Record
from jmg_desktop.core.scenario import Adjustment, Scenario

__all__ = ["CsvStream", "LineColumns", "stream_projection_csv"]

_CHUNK: Final = 20_000  # rows per piece of text: a few MB at most


@dataclass(slots=True)
class LineColumns(Sequence[BaseLine]):
    """Base-year lines column by column, in pool order; a :class:`BaseLine` is made only when asked.

    Repeated names (categories, partners, effects, pools) should be one shared string each:
    :meth:`append` shares them.
    """

    keys: array[int] = field(default_factory=lambda: array("q"))
    services: list[str] = field(default_factory=list)
    categories: list[str | None] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    pence: array[int] = field(default_factory=lambda: array("q"))
    linked: bytearray = field(default_factory=bytearray)
    pools: list[str] = field(default_factory=list)
    _shared: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, lines: Iterable[BaseLine]) -> LineColumns:
        """The same lines, column by column."""
        columns = cls()
        columns.extend(lines)
        return columns

    def append(
        self,
        key: int,
        service: str,
        category: str | None,
        partner: str,
        effect: str,
        pence: int,
        linked: bool = False,
        pool: str = "",
    ) -> None:
        """Add one line at the end."""
        share = self._shared.setdefault
        self.keys.append(key)
        self.services.append(service)
        self.categories.append(None if category is None else share(category, category))
        self.partners.append(share(partner, partner))
        self.effects.append(share(effect, effect))
        self.pence.append(pence)
        self.linked.append(1 if linked else 0)
        self.pools.append(share(pool, pool))

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        """Add lines given as :class:`BaseLine`-shaped rows (key, service, category, partner, effect,
        pence, linked, pool), a column at a time: a million lines load several times faster
        than by :meth:`append`."""
        batch = rows if isinstance(rows, list) else list(rows)
        share = self._shared.setdefault
        self.keys.extend([row[0] for row in batch])
        self.services.extend([row[1] for row in batch])
        self.categories.extend([None if row[2] is None else share(row[2], row[2]) for row in batch])
        self.partners.extend([share(row[3], row[3]) for row in batch])
        self.effects.extend([share(row[4], row[4]) for row in batch])
        self.pence.extend([row[5] for row in batch])
        self.linked.extend([1 if row[6] else 0 for row in batch])
        self.pools.extend([share(row[7], row[7]) for row in batch])

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index: int) -> BaseLine:  # type: ignore[override]
        return BaseLine(
            self.keys[index],
            self.services[index],
            self.categories[index],
            self.partners[index],
            self.effects[index],
            self.pence[index],
            bool(self.linked[index]),
            self.pools[index],
        )

    def __iter__(self) -> Iterator[BaseLine]:
        return (self[index] for index in range(len(self)))


class _Included(Sequence[BaseLine]):
    """The lines that count under the scenario, by position among themselves (no copies)."""

    def __init__(self, columns: LineColumns, positions: Sequence[int]) -> None:
        self._columns, self._positions = columns, positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index: int) -> BaseLine:  # type: ignore[override]
        return self._columns[self._positions[index]]

    def __iter__(self) -> Iterator[BaseLine]:
        return (self._columns[position] for position in self._positions)


def _step(column: Sequence[int], category_index: Sequence[int], factors: list[tuple[int, int]]) -> list[int]:
    """One year's uplift of every amount, each by its category's factor, halves away from zero."""
    if len(factors) == 1:
        numerator, denominator = factors[0]
        twice_n, twice_d = 2 * numerator, 2 * denominator
        return [
            (p * twice_n + denominator) // twice_d if p >= 0 else -((denominator - p * twice_n) // twice_d)
            for p in column
        ]
    twice_ns = [2 * numerator for numerator, _ in factors]
    denominators = [denominator for _, denominator in factors]
    twice_ds = [2 * denominator for _, denominator in factors]
    return [
        (p * twice_ns[c] + denominators[c]) // twice_ds[c]
        if p >= 0
        else -((denominators[c] - p * twice_ns[c]) // twice_ds[c])
        for p, c in zip(column, category_index, strict=True)
    ]


_NEEDS_QUOTING: Final = re.compile(r'[,"\r\n]')


def _csv_field(text: str) -> str:
    """``text`` as the csv module writes it in a row: quoted only when it must be."""
    if not _NEEDS_QUOTING.search(text):
        return text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, ""])
    return buffer.getvalue()[:-2]  # less the empty second field's comma and the line's end


def _csv_rows(
    label: str, services: list[str], categories: list[str], partners: list[str], pence: Iterable[int]
) -> str:
    """CSV rows of already-quoted fields; the amount as ``Money.format_plain`` writes it (the pence
    from :data:`PENCE_DIGITS`: under callgrind a row costs 3,400 instructions against 5,600 with
    ``:02d``)."""
    return "".join(
        [
            f"{label},{service},{category},{partner},{p // 100}.{PENCE_DIGITS[p % 100]}\n"
            if p >= 0
            else f"{label},{service},{category},{partner},-{-p // 100}.{PENCE_DIGITS[-p % 100]}\n"
            for service, category, partner, p in zip(services, categories, partners, pence, strict=True)
        ]
    )


class CsvStream(Record):
    """A projection's CSV text to be written piece by piece, and the projection's warnings."""

    pieces: Iterator[str]
    warnings: tuple[str, ...]


def stream_projection_csv(
    lines: LineColumns,
    scenario: Scenario,
    base_year: FinancialYear,
    years: int,
    host_partner: str | None = None,
) -> CsvStream:
    """``projection_csv(project(lines, scenario, base_year, years, host_partner))`` in pieces, with
    ``project``'s warnings.

    Every amount is computed and checked (the size limit included) before this returns, so a
    refusal (:class:`ProjectionError`) never leaves half a file.
    """
    _check_request(years, set(lines.effects), lines)
    columns_years = tuple(base_year.plus(offset) for offset in range(years + 1))
    steps = columns_years[1:]
    left_out = _left_out(scenario)
    positions: Sequence[int] = (
        array("q", compress(range(len(lines)), [effect not in left_out for effect in lines.effects]))
        if left_out
        else range(len(lines))
    )
    included = _Included(lines, positions)
    categories = [lines.categories[position] for position in positions] if left_out else lines.categories
    factors = _factors_by_category(scenario, steps, set(categories))
    warnings: list[str] = []
    line_adjustments, extra_rows = _place_adjustments(
        included, scenario, base_year, steps, host_partner, warnings
    )
    order = list(factors)
    number = {category: index for index, category in enumerate(order)}
    category_index = array("b" if len(order) < 128 else "l", [number[c] for c in categories])
    adjusted = {
        index: _project_amount(lines.pence[positions[index]], factors[categories[index]], placed)
        for index, placed in line_adjustments.items()
    }
    extra = [
        (
            adjustment,
            partner,
            _in_linked_pool(adjustment, included),
            _project_amount(0, factors[adjustment.category], _adjustment_steps((adjustment,), steps)),
        )
        for adjustment, partner in extra_rows
    ]
    base = array("q", [lines.pence[position] for position in positions])
    step_factors = [[factors[c][step] for c in order] for step in range(years)]

    def amounts_by_year() -> Iterator[array[int]]:
        """Each year's amounts of the included lines, computed from the year before."""
        column = base
        for step in range(years + 1):
            if step:
                values = _step(column, category_index, step_factors[step - 1])
                for index, row in adjusted.items():
                    values[index] = row[step]
                column = array("q", values)
                del values  # a year of Python ints: a million of them is 40 MB
            elif adjusted:
                column = array("q", column)
                for index, row in adjusted.items():
                    column[index] = row[0]
            yield column

    # A refusal must come before any text. When a bound on every year's size is within the limit
    # (the usual case) nothing more is needed; else a first pass checks each year exactly, and the
    # second recomputes each year as it is written rather than holding every year (8 MB a year a
    # million).
    if not _surely_within_limit(base, step_factors, adjusted, [row for *_, row in extra], years):
        for step, column in enumerate(amounts_by_year()):
            if sum(map(abs, column)) + sum(abs(row[step]) for *_, row in extra) > _MAX_PENCE:
                raise ProjectionError(_TOO_LARGE)
    return CsvStream(
        _csv_pieces(lines, positions, categories, columns_years, amounts_by_year(), extra), tuple(warnings)
    )


def _surely_within_limit(
    base: Sequence[int],
    step_factors: Sequence[Sequence[tuple[int, int]]],
    adjusted: dict[int, Sequence[int]],
    extra: Sequence[Sequence[int]],
    years: int,
) -> bool:
    """True when no year's amounts can sum (in absolute value) beyond the limit, by a bound that
    is never below the exact sum: a year's lines are at most the year before's times the largest
    factor, plus half a penny each (rounding), plus the adjusted lines' own amounts. Exact
    fractions, so the bound is a proof; when it says no, the caller checks year by year.
    (Skipping that pass is 1.5 s of a 1M-line, 10-year projection.)"""
    halves = Fraction(len(base), 2)
    bound = Fraction(sum(map(abs, base)) + sum(abs(row[0]) for row in adjusted.values()))
    for step in range(years + 1):
        if bound + sum(abs(row[step]) for row in extra) > _MAX_PENCE:
            return False
        if step < years:
            largest = max(
                (Fraction(abs(numerator), abs(denominator)) for numerator, denominator in step_factors[step]),
                default=Fraction(0),
            )
            bound = bound * largest + halves + sum(abs(row[step + 1]) for row in adjusted.values())
    return True


def _csv_pieces(
    lines: LineColumns,
    positions: Sequence[int],
    categories: list[str | None],
    columns_years: tuple[FinancialYear, ...],
    by_year: Iterable[array[int]],
    extra: list[tuple[Adjustment, str, bool, tuple[int, ...]]],
) -> Iterator[str]:
    """The CSV text, a few thousand rows a piece: year by year, the pool's own lines then its
    category adjustments' rows (a linked pool's lines count only in totals)."""
    own = [not lines.linked[position] for position in positions]
    everything_own = all(own)
    services = [_csv_field(lines.services[p]) for p in compress(positions, own)]
    category_field = {category: _csv_field(category or "") for category in set(categories)}
    category_text = [category_field[category] for category in compress(categories, own)]
    partner_field = {partner: _csv_field(partner) for partner in set(lines.partners)}
    partners = [partner_field[lines.partners[p]] for p in compress(positions, own)]
    extra_own = [
        ([_csv_field(a.description)], [_csv_field(a.category or "")], [_csv_field(partner)], row)
        for a, partner, linked, row in extra
        if not linked
    ]
    yield "financial_year,service,category,partner,amount\n"
    for step, (year, column) in enumerate(zip(columns_years, by_year, strict=True)):
        amounts = column if everything_own else array("q", compress(column, own))
        label = year.label
        for start in range(0, len(services), _CHUNK):
            end = start + _CHUNK
            yield _csv_rows(
                label, services[start:end], category_text[start:end], partners[start:end], amounts[start:end]
            )
        for service, category, partner, row in extra_own:
            yield _csv_rows(label, service, category, partner, [row[step]])
