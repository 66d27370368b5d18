"""Pool totals aggregated in SQL (never by loading lines) and the stated figures beside them."""

from __future__ import annotations

from jmg_desktop.core.money import Money
from jmg_desktop.core.totals import (
    PoolTotals,
    StatedComparison,
    StatedFigure,
    build_pool_totals,
    compare_stated,
)
from jmg_desktop.store.reads.rows import Rows

__all__ = ["linked_pool_ids", "pool_totals", "stated_comparisons", "stated_figures", "stated_pool_years"]


def linked_pool_ids(rows: Rows, pool_id: int) -> list[int]:
    """The pools quoted "including" with ``pool_id``, in id order."""
    return [
        int(row[0])
        for row in rows.all(
            "SELECT linked_pool_id FROM pool_link WHERE pool_id = :pool ORDER BY linked_pool_id",
            {"pool": pool_id},
        )
    ]


def pool_totals(rows: Rows, pool_id: int, financial_year: int) -> PoolTotals:
    """Totals for a pool and year by partner and status effect, with its linked pools alongside."""
    pools = [pool_id, *linked_pool_ids(rows, pool_id)]
    # Grouped by status id with no join, so SQLite answers from the covering index
    # ix_pool_line_totals alone (100,000 lines in tens of milliseconds); the few statuses are
    # mapped to their effect here.
    effects = dict(rows.all("SELECT id, effect FROM line_status"))
    sums = rows.all(
        "SELECT pool_id, partner_id, status_id, SUM(amount_pence) FROM pool_line "
        "WHERE pool_id IN :pools AND financial_year = :year GROUP BY pool_id, partner_id, status_id",
        {"pools": pools, "year": financial_year},
    )
    return build_pool_totals(pool_id, financial_year, ((r[0], r[1], effects[r[2]], int(r[3])) for r in sums))


def stated_figures(rows: Rows, pool_id: int, financial_year: int) -> list[StatedFigure]:
    """The published figures recorded for a pool and year."""
    return [
        StatedFigure(
            id=row[0],
            partner_id=row[1],
            basis=row[2],
            scope=row[3],
            amount=Money(int(row[4])),
            source=row[5],
        )
        for row in rows.all(
            "SELECT id, partner_id, basis, scope, amount_pence, source FROM stated_total "
            "WHERE pool_id = :pool AND financial_year = :year ORDER BY id",
            {"pool": pool_id, "year": financial_year},
        )
    ]


def stated_comparisons(rows: Rows, pool_id: int, financial_year: int) -> list[StatedComparison]:
    """Every stated figure for the pool and year beside its computed value."""
    return compare_stated(
        pool_totals(rows, pool_id, financial_year), stated_figures(rows, pool_id, financial_year)
    )


def stated_pool_years(rows: Rows) -> list[tuple[int, int]]:
    """Every pool and year with a stated figure, in order."""
    return [
        (int(row[0]), int(row[1]))
        for row in rows.all(
            "SELECT DISTINCT pool_id, financial_year FROM stated_total ORDER BY pool_id, financial_year"
        )
    ]
