"""Pool totals aggregated in SQL (never by loading lines), returned as core objects, for callers
holding an ORM session; the SQL is written once, in :mod:`jmg_desktop.store.reads.totals`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jmg_desktop.core.totals import PoolTotals, StatedComparison, StatedFigure, compare_stated
from jmg_desktop.store.reads import totals as reads
from jmg_desktop.store.reads.sa_rows import session_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["compare_stated", "linked_pool_ids", "pool_totals", "stated_comparisons", "stated_figures"]


def linked_pool_ids(session: Session, pool_id: int) -> list[int]:
    """The pools quoted "including" with ``pool_id``, in id order."""
    return reads.linked_pool_ids(session_rows(session), pool_id)


def pool_totals(session: Session, pool_id: int, financial_year: int) -> PoolTotals:
    """Totals for a pool and year by partner and status effect, with its linked pools alongside."""
    return reads.pool_totals(session_rows(session), pool_id, financial_year)


def stated_figures(session: Session, pool_id: int, financial_year: int) -> list[StatedFigure]:
    """The published figures recorded for a pool and year."""
    return reads.stated_figures(session_rows(session), pool_id, financial_year)


def stated_comparisons(session: Session, pool_id: int, financial_year: int) -> list[StatedComparison]:
    """Every stated figure for the pool and year beside its computed value."""
    return reads.stated_comparisons(session_rows(session), pool_id, financial_year)
