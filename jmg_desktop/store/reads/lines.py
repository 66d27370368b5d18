"""Reads of the pools, their years and lines, and the lists the lines editor draws on.

What the window shows first (the pool list, the years, the number of lines and a block of them)
is read here, so it can be read through a plain ``sqlite3`` connection before SQLAlchemy is
imported; :mod:`jmg_desktop.store.lines_repo` answers its callers with these same reads.

The lines table shows a pool's own order (position, then id) a window at a time, without reading
every line id first: it counts the lines, then reads each block of rows as a window of that order.
A window starts after the last line of the block before when that is known (a seek in
``ix_pool_line_pool_year_position``), else at an offset. Rows are found again by counting the
lines before them in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from jmg_desktop.core.commands import LineRecord
from jmg_desktop.core.scheme_fields import SchemeLists
from jmg_desktop.store.reads.rows import Rows, first

__all__ = [
    "SCHEME_TEST",
    "OrderKey",
    "PoolInfo",
    "RefItem",
    "References",
    "fetch_lines",
    "line_count",
    "lines_window",
    "pool_uses_schemes",
    "pool_years",
    "pools",
    "references",
    "rows_of_lines",
    "scheme_lists",
]

#: Where a line sits in the pool's own order: (position, id).
OrderKey = tuple[int, int]

#: A line is a scheme when any of these is set (SQL over ``pool_line``).
SCHEME_TEST: Final = (
    "(scheme_ref <> '' OR scheme_type <> '' OR commissioner <> '' OR funding_stream_id IS NOT NULL)"
)
_LINE_COLUMNS: Final = ", ".join(LineRecord._fields)
_IN_POOL: Final = "pool_id = :pool AND financial_year = :year"
#: Above this many lines to find, one pass over the ids in order beats a count for each.
_COUNT_EACH_UP_TO: Final = 16
#: Ids bound in one statement: far below SQLite's limit of 32,766 parameters.
_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class RefItem:
    """One row of a reference list: partner, category or status."""

    id: int
    name: str
    short_name: str = ""
    effect: str = ""


@dataclass(frozen=True, slots=True)
class References:
    """The reference lists a line's cells draw on, in display order."""

    partners: tuple[RefItem, ...]
    categories: tuple[RefItem, ...]
    statuses: tuple[RefItem, ...]

    def names(self, field: str) -> dict[int, str]:
        """Id → display name for ``partner_id``, ``category_id`` or ``status_id``."""
        return {item.id: item.name for item in self._items(field)}

    def choices(self, field: str) -> dict[str, int]:
        """Every accepted spelling (case-folded) → id: names, short names and status codes."""
        found: dict[str, int] = {}
        for item in self._items(field):
            for spelling in (item.short_name, item.name):
                if spelling:
                    found[" ".join(spelling.split()).casefold()] = item.id
        return found

    def _items(self, field: str) -> tuple[RefItem, ...]:
        """The reference list behind a line field."""
        return {"partner_id": self.partners, "category_id": self.categories, "status_id": self.statuses}[
            field
        ]


@dataclass(frozen=True, slots=True)
class PoolInfo:
    """A pool as the pool list shows it."""

    id: int
    name: str
    host_partner_id: int | None
    description: str


def references(rows: Rows) -> References:
    """Partners, categories and statuses, each in its display order."""
    return References(
        tuple(
            RefItem(r[0], r[1], r[2])
            for r in rows.all("SELECT id, name, short_name FROM partner ORDER BY position, id")
        ),
        tuple(RefItem(r[0], r[1]) for r in rows.all("SELECT id, name FROM category ORDER BY position, name")),
        tuple(
            RefItem(r[0], r[1], r[2], r[3])
            for r in rows.all("SELECT id, label, code, effect FROM line_status ORDER BY position, id")
        ),
    )


def pools(rows: Rows) -> list[PoolInfo]:
    """Every pool, in display order."""
    return [
        PoolInfo(r[0], r[1], r[2], r[3])
        for r in rows.all("SELECT id, name, host_partner_id, description FROM pool ORDER BY position, name")
    ]


def pool_years(rows: Rows, pool_id: int) -> list[int]:
    """The financial years (start years) in which the pool has lines or stated totals, ascending."""
    # One index seek per year (the next year after the last found), not a DISTINCT over every
    # line: a million-line pool has its few years in a millisecond.
    years: set[int] = set()
    year = -1
    while True:
        found = rows.all(
            "SELECT MIN(financial_year) FROM pool_line WHERE pool_id = :pool AND financial_year > :after",
            {"pool": pool_id, "after": year},
        )[0][0]
        if found is None:
            break
        year = int(found)
        years.add(year)
    years.update(
        int(r[0])
        for r in rows.all(
            "SELECT DISTINCT financial_year FROM stated_total WHERE pool_id = :pool", {"pool": pool_id}
        )
    )
    return sorted(years)


def line_count(rows: Rows, pool_id: int, financial_year: int) -> int:
    """How many lines a pool has in a year."""
    return int(
        rows.all(
            f"SELECT COUNT(*) FROM pool_line WHERE {_IN_POOL}", {"pool": pool_id, "year": financial_year}
        )[0][0]
    )


def lines_window(
    rows: Rows,
    pool_id: int,
    financial_year: int,
    *,
    limit: int,
    after: OrderKey | None = None,
    offset: int = 0,
) -> list[LineRecord]:
    """Up to ``limit`` lines in the pool's own order: those after ``after`` when given, else
    from row ``offset``."""
    where = {"pool": pool_id, "year": financial_year, "limit": limit}
    if after is not None:
        seek, page = " AND (position, id) > (:after_position, :after_id)", ""
        where.update(after_position=after[0], after_id=after[1])
    else:
        seek, page = "", " OFFSET :offset"
        where["offset"] = offset
    return [
        LineRecord(*row)
        for row in rows.all(
            f"SELECT {_LINE_COLUMNS} FROM pool_line WHERE {_IN_POOL}{seek} "
            f"ORDER BY position, id LIMIT :limit{page}",
            where,
        )
    ]


def fetch_lines(rows: Rows, ids: Sequence[int]) -> dict[int, LineRecord]:
    """The records for ``ids`` (missing ids are simply absent)."""
    found: dict[int, LineRecord] = {}
    for start in range(0, len(ids), _CHUNK):
        for row in rows.all(
            f"SELECT {_LINE_COLUMNS} FROM pool_line WHERE id IN :ids",
            {"ids": list(ids[start : start + _CHUNK])},
        ):
            found[row[0]] = LineRecord(*row)
    return found


def rows_of_lines(rows: Rows, pool_id: int, financial_year: int, line_ids: Iterable[int]) -> dict[int, int]:
    """The row (0-based, in the pool's own order) of each of ``line_ids`` that is in the pool
    and year; lines elsewhere are absent."""
    wanted = set(line_ids)
    if not wanted:
        return {}
    where = {"pool": pool_id, "year": financial_year}
    found: dict[int, int] = {}
    if len(wanted) <= _COUNT_EACH_UP_TO:
        keys = rows.all(
            f"SELECT id, position FROM pool_line WHERE {_IN_POOL} AND id IN :ids",
            {**where, "ids": sorted(wanted)},
        )
        for line_id, position in keys:
            before = rows.all(
                f"SELECT COUNT(*) FROM pool_line WHERE {_IN_POOL} AND (position, id) < (:position, :id)",
                {**where, "position": position, "id": line_id},
            )
            found[line_id] = int(before[0][0])
        return found
    row = 0
    for batch in rows.batches(
        f"SELECT id FROM pool_line WHERE {_IN_POOL} ORDER BY position, id", where, size=50_000
    ):
        for (line_id,) in batch:
            if line_id in wanted:
                found[line_id] = row
            row += 1
        if len(found) == len(wanted):
            break
    return found


def scheme_lists(rows: Rows) -> SchemeLists:
    """The funding streams and scheme reference lists the lines editor's scheme cells draw on."""
    streams = tuple(
        (int(r[0]), str(r[1])) for r in rows.all("SELECT id, name FROM bcf_stream ORDER BY position, id")
    )
    items = rows.all("SELECT list_name, name, parent FROM bcf_list_item ORDER BY position, id")
    subtypes: dict[str, list[str]] = {}
    for list_name, name, parent in items:
        if list_name == "scheme_subtype":
            subtypes.setdefault(parent, []).append(name)
    return SchemeLists(
        streams=streams,
        scheme_types=tuple(name for list_name, name, _ in items if list_name == "scheme_type"),
        subtypes={parent: tuple(names) for parent, names in subtypes.items()},
        areas=tuple(name for list_name, name, _ in items if list_name == "area_of_spend"),
    )


def pool_uses_schemes(rows: Rows, pool_id: int, financial_year: int) -> bool:
    """Whether any line of the pool and year carries scheme columns (so the editor shows them)."""
    return (
        first(
            rows,
            f"SELECT id FROM pool_line WHERE {_IN_POOL} AND {SCHEME_TEST} LIMIT 1",
            {"pool": pool_id, "year": financial_year},
        )
        is not None
    )
