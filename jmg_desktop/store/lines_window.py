"""A pool's lines read a window at a time in the pool's own order (position, then id).

The lines table shows the pool's own order without reading every line id first: it counts the
lines, then reads each block of rows as a window of that order. A window starts after the last
line of the block before when that is known (a seek in ``ix_pool_line_pool_year_position``),
else at an offset. Rows are found again by counting the lines before them in the same order.
Sorted and filtered orders keep using :func:`jmg_desktop.store.lines_repo.line_ids`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sqlalchemy import Table, func, select, tuple_

from jmg_desktop.core.commands import LineRecord
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.raw_rows import raw_batches
from jmg_desktop.store.workspace import Workspace

__all__ = ["OrderKey", "lines_window", "rows_of_lines"]

#: Where a line sits in the pool's own order: (position, id).
OrderKey = tuple[int, int]

_LINE: Final[Table] = PoolLine.__table__  # type: ignore[assignment]
_LINE_COLUMNS: Final = tuple(_LINE.c[name] for name in LineRecord.__slots__)  # type: ignore[attr-defined]
_position_then_id: Final = tuple_(_LINE.c.position, _LINE.c.id)
#: Above this many lines to find, one pass over the ids in order beats a count for each.
_COUNT_EACH_UP_TO: Final = 16


def _in_pool(query, pool_id: int, financial_year: int):  # type: ignore[no-untyped-def]
    """``query`` limited to one pool and year."""
    return query.where(_LINE.c.pool_id == pool_id, _LINE.c.financial_year == financial_year)


def lines_window(
    workspace: Workspace,
    pool_id: int,
    financial_year: int,
    *,
    limit: int,
    after: OrderKey | None = None,
    offset: int = 0,
) -> list[LineRecord]:
    """Up to ``limit`` lines in the pool's own order: those after ``after`` when given, else
    from row ``offset``."""
    query = _in_pool(select(*_LINE_COLUMNS), pool_id, financial_year)
    if after is not None:
        query = query.where(_position_then_id > tuple_(*after))
    query = query.order_by(_LINE.c.position, _LINE.c.id).limit(limit)
    if after is None and offset:
        query = query.offset(offset)
    with workspace.engine.connect() as connection:
        rows = [LineRecord(*row) for batch in raw_batches(connection, query, limit) for row in batch]
        connection.rollback()
    return rows


def rows_of_lines(
    workspace: Workspace, pool_id: int, financial_year: int, line_ids: Iterable[int]
) -> dict[int, int]:
    """The row (0-based, in the pool's own order) of each of ``line_ids`` that is in the pool
    and year; lines elsewhere are absent."""
    wanted = set(line_ids)
    if not wanted:
        return {}
    found: dict[int, int] = {}
    with workspace.engine.connect() as connection:
        if len(wanted) <= _COUNT_EACH_UP_TO:
            keys = connection.execute(
                _in_pool(select(_LINE.c.id, _LINE.c.position), pool_id, financial_year).where(
                    _LINE.c.id.in_(sorted(wanted))
                )
            ).all()
            for line_id, position in keys:
                before = _in_pool(select(func.count()), pool_id, financial_year).where(
                    _position_then_id < tuple_(position, line_id)
                )
                found[line_id] = int(connection.execute(before.select_from(_LINE)).scalar_one())
        else:
            ids = _in_pool(select(_LINE.c.id), pool_id, financial_year).order_by(_LINE.c.position, _LINE.c.id)
            row = 0
            for batch in raw_batches(connection, ids, 50_000):
                for (line_id,) in batch:
                    if line_id in wanted:
                        found[line_id] = row
                    row += 1
                if len(found) == len(wanted):
                    break
        connection.rollback()
    return found
