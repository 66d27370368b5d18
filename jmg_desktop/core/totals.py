"""Pool totals by partner and by status effect, and their reconciliation with stated figures.

A line proposed for removal is still in the pool today, so it counts in the current value and not
in the new one; a proposed addition counts only in the new value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final, Literal

from jmg_desktop.core.money import Money
from jmg_desktop.core.records import Record

__all__ = [
    "Basis",
    "EffectSums",
    "PoolTotals",
    "Scope",
    "StatedComparison",
    "StatedFigure",
    "build_pool_totals",
    "compare_stated",
]

Effect = Literal["current", "addition", "removal"]
Basis = Literal["current", "new"]
Scope = Literal["pool", "with_linked"]


class EffectSums(Record):
    """Sums of lines by how their status counts.

    This module's records are :class:`~jmg_desktop.core.records.Record` named tuples, not frozen
    dataclasses: the decorator compiles its methods from source at import, which short commands
    such as ``export-paper`` paid on every run.
    """

    current: Money = Money(0)
    addition: Money = Money(0)
    removal: Money = Money(0)

    def __add__(self, other: EffectSums) -> EffectSums:
        return EffectSums(
            self.current + other.current, self.addition + other.addition, self.removal + other.removal
        )

    @property
    def current_value(self) -> Money:
        """What is in the pool today: lines in the pool, including those proposed for removal."""
        return self.current + self.removal

    @property
    def new_value(self) -> Money:
        """What the pool holds once the proposals are approved."""
        return self.current + self.addition

    @property
    def change(self) -> Money:
        """New value less current value."""
        return self.addition - self.removal

    def value(self, basis: Basis) -> Money:
        """The current or the new value."""
        return self.current_value if basis == "current" else self.new_value


_NO_SUMS: Final[Mapping[int, EffectSums]] = MappingProxyType({})


class PoolTotals(Record):
    """Totals for one pool and year: ``own`` for the pool alone, ``linked`` for its linked pools."""

    pool_id: int
    financial_year: int
    own: Mapping[int, EffectSums] = _NO_SUMS
    linked: Mapping[int, EffectSums] = _NO_SUMS

    @property
    def partner_ids(self) -> tuple[int, ...]:
        """Every partner with lines in the pool or its linked pools, in id order."""
        return tuple(sorted(set(self.own) | set(self.linked)))

    def for_partner(self, partner_id: int, *, with_linked: bool = False) -> EffectSums:
        """One partner's sums, for the pool alone or including linked pools."""
        sums = self.own.get(partner_id, EffectSums())
        if with_linked:
            sums = sums + self.linked.get(partner_id, EffectSums())
        return sums

    def overall(self, *, with_linked: bool = False) -> EffectSums:
        """All partners together."""
        total = EffectSums()
        for partner_id in self.partner_ids:
            total = total + self.for_partner(partner_id, with_linked=with_linked)
        return total

    def value(self, basis: Basis, scope: Scope, partner_id: int | None) -> Money:
        """The figure a stated total describes: basis, scope, and one partner or all (None)."""
        with_linked = scope == "with_linked"
        sums = (
            self.overall(with_linked=with_linked)
            if partner_id is None
            else self.for_partner(partner_id, with_linked=with_linked)
        )
        return sums.value(basis)


def build_pool_totals(
    pool_id: int, financial_year: int, rows: Iterable[tuple[int, int, str, int]]
) -> PoolTotals:
    """Fold aggregate rows ``(pool_id, partner_id, effect, pence)`` into :class:`PoolTotals`.

    Rows for ``pool_id`` go to ``own``; rows for any other pool are taken to be its linked pools.
    """
    own: dict[int, EffectSums] = {}
    linked: dict[int, EffectSums] = {}
    for row_pool_id, partner_id, effect, pence in rows:
        target = own if row_pool_id == pool_id else linked
        amount = Money(int(pence))
        if effect == "current":
            part = EffectSums(current=amount)
        elif effect == "addition":
            part = EffectSums(addition=amount)
        elif effect == "removal":
            part = EffectSums(removal=amount)
        else:
            raise ValueError(f"unknown status effect {effect!r}")
        target[partner_id] = target.get(partner_id, EffectSums()) + part
    return PoolTotals(pool_id, financial_year, own, linked)


class StatedFigure(Record):
    """A figure as published, e.g. "new value of the council's contribution: £86.946m"."""

    id: int
    partner_id: int | None
    basis: Basis
    scope: Scope
    amount: Money
    source: str = ""


class StatedComparison(Record):
    """A stated figure beside the value computed from the lines."""

    stated: StatedFigure
    computed: Money

    @property
    def difference(self) -> Money:
        """Computed less stated: positive when the lines come to more than was published."""
        return self.computed - self.stated.amount

    @property
    def reconciles(self) -> bool:
        """True when the published figure matches the lines to the penny."""
        return self.difference.pence == 0


def compare_stated(totals: PoolTotals, stated: Iterable[StatedFigure]) -> list[StatedComparison]:
    """Each stated figure with its computed value."""
    return [
        StatedComparison(figure, totals.value(figure.basis, figure.scope, figure.partner_id))
        for figure in stated
    ]
