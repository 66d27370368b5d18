"""Reads of projection scenarios and of the lines a projection starts from.

Rates live in the file as INTEGER millionths; categories, partners and pools by id. The core
scenario speaks in names, so the reads translate.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import BaseLine
from jmg_desktop.core.projection_stream import LineColumns
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.reads.rows import Rows, first
from jmg_desktop.store.reads.totals import linked_pool_ids

__all__ = [
    "ProjectionInputs",
    "ScenarioNotFound",
    "from_ppm",
    "load_scenario",
    "projection_inputs",
    "scenario_id",
    "scenario_names",
]

_PPM: Final = Decimal(1_000_000)


class ScenarioNotFound(WorkspaceError):
    """No scenario (or pool) by the name asked for; the message lists what there is."""


@dataclass(frozen=True, slots=True)
class ProjectionInputs:
    """What a projection of one pool needs: its base-year lines (linked pools' lines marked)."""

    pool_id: int
    pool_name: str
    host_partner: str | None
    base_year: FinancialYear
    lines: Sequence[BaseLine]  # a list, or LineColumns for a big pool
    pool_ids: tuple[int, ...]  # the pool, then its linked pools


def from_ppm(value: int) -> Decimal:
    """Millionths back to an exact rate."""
    return Decimal(value) / _PPM


def scenario_names(rows: Rows) -> list[str]:
    """Every scenario's name, in the workspace's order."""
    return [row[0] for row in rows.all("SELECT name FROM projection_scenario ORDER BY position, id")]


def scenario_id(rows: Rows, name: str) -> int:
    """The id of the scenario called ``name`` (exact, then ignoring case), or :class:`ScenarioNotFound`."""
    row = first(rows, "SELECT id FROM projection_scenario WHERE name = :name", {"name": name})
    if row is not None:
        return int(row[0])
    matches = rows.all(
        "SELECT id FROM projection_scenario WHERE lower(name) = :name", {"name": name.strip().lower()}
    )
    if len(matches) == 1:
        return int(matches[0][0])
    names = scenario_names(rows)
    known = ", ".join(f"“{n}”" for n in names) if names else "none"
    raise ScenarioNotFound(f"There is no scenario called “{name}” (scenarios: {known}).")


def load_scenario(rows: Rows, name: str, pool_ids: Collection[int] | None = None) -> Scenario:
    """The named scenario; with ``pool_ids``, only adjustments for those pools (or for any pool).

    Pass a pool with its linked pools, as :attr:`ProjectionInputs.pool_ids` gives them.
    """
    key = scenario_id(rows, name)
    found = first(
        rows,
        "SELECT name, inflation_ppm, growth_ppm, savings_ppm, additions_approved, removals_approved, "
        "description FROM projection_scenario WHERE id = :id",
        {"id": key},
    )
    assert found is not None  # scenario_id found it in this same snapshot
    title, inflation, growth, savings, additions, removals, description = found
    categories = dict(rows.all("SELECT id, name FROM category"))
    partners = dict(rows.all("SELECT id, name FROM partner"))
    pools = dict(rows.all("SELECT id, name FROM pool"))
    overrides = tuple(
        RateOverride(
            rate=rate,
            value=from_ppm(value),
            category=None if category_id is None else categories[category_id],
            year=None if year is None else FinancialYear(year),
        )
        for rate, value, category_id, year in rows.all(
            "SELECT rate, value_ppm, category_id, financial_year FROM scenario_rate_override "
            "WHERE scenario_id = :id ORDER BY id",
            {"id": key},
        )
    )
    params: dict[str, Any] = {"id": key}
    only_pools = ""
    if pool_ids is not None:
        only_pools = " AND (pool_id IS NULL OR pool_id IN :pools)"
        params["pools"] = list(pool_ids)
    adjustments = tuple(
        Adjustment(
            amount=Money(pence),
            from_year=FinancialYear(from_year),
            recurrent=bool(recurrent),
            service=service,
            category=None if category_id is None else categories[category_id],
            partner=None if partner_id is None else partners[partner_id],
            label=label,
            pool=None if pool_id is None else pools[pool_id],
        )
        for pence, from_year, recurrent, service, category_id, partner_id, label, pool_id in rows.all(
            "SELECT amount_pence, from_year, recurrent, service, category_id, partner_id, label, pool_id "
            f"FROM scenario_adjustment WHERE scenario_id = :id{only_pools} ORDER BY position, id",
            params,
        )
    )
    return Scenario(
        name=title,
        inflation=from_ppm(inflation),
        growth=from_ppm(growth),
        savings=from_ppm(savings),
        overrides=overrides,
        additions_approved=bool(additions),
        removals_approved=bool(removals),
        adjustments=adjustments,
        description=description,
    )


_BASE_LINES: Final = (
    "SELECT pl.id, pl.service, c.name, pa.name, ls.effect, pl.amount_pence, pl.pool_id <> :pool, po.name "
    "FROM pool_line pl JOIN partner pa ON pa.id = pl.partner_id "
    "JOIN line_status ls ON ls.id = pl.status_id JOIN pool po ON po.id = pl.pool_id "
    "LEFT OUTER JOIN category c ON c.id = pl.category_id WHERE pl.financial_year = :year"
)


def projection_inputs(
    rows: Rows, pool_id: int, base_year: FinancialYear, *, columnar: bool = False
) -> ProjectionInputs:
    """The pool's lines for ``base_year`` and its linked pools' lines (marked linked), in order.

    Plain tuples in batches: a 10,000-line pool loads in milliseconds. With ``columnar`` the lines
    are a :class:`LineColumns` (a list per field): a million-line pool in a third of the memory,
    for :func:`stream_projection_csv`.
    """
    pool = first(
        rows,
        "SELECT po.id, po.name, pa.name FROM pool po LEFT OUTER JOIN partner pa ON pa.id = po.host_partner_id "
        "WHERE po.id = :pool",
        {"pool": pool_id},
    )
    if pool is None:
        raise ScenarioNotFound("The pool asked for is not in this workspace.")
    linked = linked_pool_ids(rows, pool_id)
    params = {"pool": pool_id, "year": base_year.start_year, "linked": linked}
    # The pool's own lines first, in its order (straight from the index, no sort), then the
    # linked pools' lines.
    queries = [
        f"{_BASE_LINES} AND pl.pool_id = :pool ORDER BY pl.position, pl.id",
        f"{_BASE_LINES} AND pl.pool_id IN :linked ORDER BY po.position, pl.position, pl.id",
    ]
    lines: Sequence[BaseLine]
    if columnar:
        lines = LineColumns()
        for sql in queries:
            for batch in rows.batches(sql, params):
                lines.extend(batch)
    else:
        lines = [
            BaseLine(key, service, category, partner, effect, pence, bool(linked_line), pool_name)
            for sql in queries
            for batch in rows.batches(sql, params)
            for key, service, category, partner, effect, pence, linked_line, pool_name in batch
        ]
    return ProjectionInputs(pool[0], pool[1], pool[2], base_year, lines, (pool[0], *linked))
