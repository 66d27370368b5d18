"""Indexes that serve the pool lines editor (the tables themselves are in ``foundation``)."""

from __future__ import annotations

from sqlalchemy import Index, text

from jmg_desktop.store.models.foundation import PoolLine

__all__ = ["POOL_LINE_SCHEME_INDEX", "POOL_LINE_TOTALS_INDEX"]

#: Covers the totals aggregate (pool, year → partner, status, amount) so SQLite sums 100,000
#: lines from the index alone, without visiting the table's rows.
POOL_LINE_TOTALS_INDEX = Index(
    "ix_pool_line_totals",
    PoolLine.pool_id,
    PoolLine.financial_year,
    PoolLine.partner_id,
    PoolLine.status_id,
    PoolLine.amount_pence,
)

_SCHEME_LINE = "scheme_ref <> '' OR scheme_type <> '' OR commissioner <> '' OR funding_stream_id IS NOT NULL"

#: Only the lines that carry Better Care Fund scheme columns (migration 0012), so whether a pool
#: uses the scheme columns is answered without reading through its lines.
POOL_LINE_SCHEME_INDEX = Index(
    "ix_pool_line_scheme",
    PoolLine.pool_id,
    PoolLine.financial_year,
    sqlite_where=text(_SCHEME_LINE),
    postgresql_where=text(_SCHEME_LINE),
)
