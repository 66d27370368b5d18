"""Which line each row of the lines table shows, and the records of the rows in sight.

Records are held in blocks of :data:`BLOCK_SIZE` rows, at most :data:`MAX_BLOCKS` of them, the
least recently used dropped first. How a block is found depends on the order shown:

* the pool's own order (no sort, no filter): nothing is read up front but the number of lines;
  each block is a window of the order read from the database (after the last line of the block
  before when that is known, else at an offset), so a million-line pool opens as quickly as a
  small one. These reads go through the workspace's plain read connections
  (:mod:`jmg_desktop.store.reads.lines`), so the first screen needs no SQLAlchemy;
* sorted or filtered: the database sorts once and the ids are kept in that order, 8 bytes each.
  Sort keys such as a lower-cased name have no index: reading windows of them would sort the
  whole pool again for every block, so the order is read once when the user asks for it.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from jmg_desktop.core.commands import FieldUpdate, LineRecord

if TYPE_CHECKING:  # the store is imported when a workspace is first shown
    from jmg_desktop.store.reads.lines import OrderKey
    from jmg_desktop.store.workspace import Workspace

__all__ = ["BLOCK_SIZE", "MAX_BLOCKS", "LineRows"]

BLOCK_SIZE: Final = 200
MAX_BLOCKS: Final = 60  # at most 12,000 rows held in memory


class _Block:
    """The line ids of one block of rows in row order, and their records (by id)."""

    __slots__ = ("ids", "records")

    def __init__(self, ids: Sequence[int], records: dict[int, LineRecord]) -> None:
        self.ids = list(ids)
        self.records = records


class LineRows:
    """The rows of one pool and year in the order shown (see the module's docstring)."""

    def __init__(self) -> None:
        """No rows until :meth:`reset` is given a pool and year."""
        self._workspace: Workspace | None = None
        self._pool_id, self._year = -1, -1
        self._count = 0
        #: Sorted or filtered: every id in row order. None: the pool's own order, read in windows.
        self._ids: array[int] | None = None
        self._rows_by_id: dict[int, int] | None = None
        self._blocks: OrderedDict[int, _Block] = OrderedDict()
        #: Own order: for a block, the order key of the last line of the block before it.
        self._after: dict[int, OrderKey] = {}

    def reset(
        self,
        workspace: Workspace | None,
        pool_id: int,
        financial_year: int,
        *,
        sort_field: str | None = None,
        descending: bool = False,
        needle: str = "",
    ) -> None:
        """Show a pool and year (none when ``workspace`` is None or either is -1) in an order."""
        self._workspace, self._pool_id, self._year = workspace, pool_id, financial_year
        self._blocks.clear()
        self._after.clear()
        self._rows_by_id = None
        self._ids = None
        if workspace is None or pool_id < 0 or financial_year < 0:
            self._count = 0
            self._ids = array("q")
        elif sort_field is None and not needle.strip():
            from jmg_desktop.store.reads.lines import line_count

            with workspace.reads() as rows:
                self._count = line_count(rows, pool_id, financial_year)
        else:
            from jmg_desktop.store.lines_repo import line_ids

            self._ids = array(
                "q",
                line_ids(
                    workspace,
                    pool_id,
                    financial_year,
                    sort_field=sort_field,
                    descending=descending,
                    needle=needle,
                ),
            )
            self._count = len(self._ids)

    @property
    def count(self) -> int:
        """How many rows there are."""
        return self._count

    def loaded_row_count(self) -> int:
        """How many records are held in memory now."""
        return sum(len(block.records) for block in self._blocks.values())

    # -- rows and lines ------------------------------------------------------------------------

    def line_id(self, row: int) -> int:
        """The id of the line in ``row``; -1 for a row whose line has gone (removed elsewhere)."""
        if self._ids is not None:
            return self._ids[row] if 0 <= row < self._count else -1
        if not 0 <= row < self._count:
            return -1
        ids = self._block(row // BLOCK_SIZE).ids
        offset = row % BLOCK_SIZE
        return ids[offset] if offset < len(ids) else -1

    def record(self, row: int) -> LineRecord:
        """The record of the line in ``row``, read with its block when not held; LookupError when
        the line no longer exists."""
        block = self._block(row // BLOCK_SIZE)
        offset = row % BLOCK_SIZE
        line_id = block.ids[offset] if offset < len(block.ids) else -1
        found = block.records.get(line_id)
        if found is None and line_id >= 0:  # dropped after an edit, or changed behind our back
            found = self._fetch([line_id]).get(line_id)
            if found is not None:
                block.records[line_id] = found
        if found is None:
            raise LookupError(f"row {row} no longer shows a line")
        return found

    def row_of(self, line_id: int) -> int:
        """The row showing ``line_id``, or -1."""
        return self.rows_of([line_id]).get(line_id, -1)

    def rows_of(self, line_ids: Iterable[int]) -> dict[int, int]:
        """The rows of those of ``line_ids`` that are shown."""
        wanted = set(line_ids)
        if self._ids is not None:
            if self._rows_by_id is None:
                self._rows_by_id = {line: row for row, line in enumerate(self._ids)}
            return {line: self._rows_by_id[line] for line in wanted if line in self._rows_by_id}
        found: dict[int, int] = {}
        for number, block in self._blocks.items():
            # Matched in C first: a Python loop over every held id (up to 12,000) was most of the
            # time a cell edit spent refreshing its row.
            for line in wanted.intersection(block.ids):
                found[line] = number * BLOCK_SIZE + block.ids.index(line)
        missing = wanted - found.keys()
        if missing and self._workspace is not None and self._count:
            from jmg_desktop.store.reads.lines import rows_of_lines

            with self._workspace.reads() as rows:
                found.update(rows_of_lines(rows, self._pool_id, self._year, missing))
        return found

    def all_ids(self) -> list[int]:
        """Every line id shown, in row order."""
        if self._ids is not None:
            return list(self._ids)
        if self._workspace is None:
            return []
        from jmg_desktop.store.lines_repo import line_ids

        return line_ids(self._workspace, self._pool_id, self._year)

    # -- after a change ------------------------------------------------------------------------

    def patch(self, updates: Iterable[FieldUpdate]) -> list[int]:
        """Give the held records the values a committed change set stored; return the rows of
        the lines it touched.

        Nothing is read again: each update was made only where the line still held its old value,
        so the stored line is now the held one with the new values (a re-read was a quarter of a
        cell edit's time on a 100,000-line pool).
        """
        by_line: dict[int, list[FieldUpdate]] = {}
        for update in updates:
            by_line.setdefault(update.line_id, []).append(update)
        for block in self._blocks.values():
            for line in by_line.keys() & block.records.keys():
                block.records[line] = block.records[line]._replace(
                    **{update.field: update.new for update in by_line[line]}
                )
        return sorted(self.rows_of(by_line).values())

    # -- reading -------------------------------------------------------------------------------

    def _block(self, number: int) -> _Block:
        """Block ``number``, read when it is not held (the least recently used is dropped)."""
        block = self._blocks.get(number)
        if block is not None:
            self._blocks.move_to_end(number)
            return block
        start = number * BLOCK_SIZE
        if self._ids is not None:
            ids = self._ids[start : start + BLOCK_SIZE]
            block = _Block(ids, self._fetch(ids))
        else:
            block = self._window(number)
        self._blocks[number] = block
        while len(self._blocks) > MAX_BLOCKS:
            self._blocks.popitem(last=False)
        return block

    def _window(self, number: int) -> _Block:
        """Block ``number`` of the pool's own order, read as a window of it."""
        if self._workspace is None:
            return _Block([], {})
        from jmg_desktop.store.reads.lines import lines_window

        after = self._after.get(number)
        with self._workspace.reads() as rows:
            records = lines_window(
                rows,
                self._pool_id,
                self._year,
                limit=BLOCK_SIZE,
                after=after,
                offset=number * BLOCK_SIZE if after is None else 0,
            )
        if len(records) == BLOCK_SIZE:
            self._after[number + 1] = (records[-1].position, records[-1].id)
        return _Block([record.id for record in records], {record.id: record for record in records})

    def _fetch(self, ids: Sequence[int]) -> dict[int, LineRecord]:
        """Records of ``ids`` (those that still exist)."""
        if self._workspace is None or not ids:
            return {}
        from jmg_desktop.store.reads.lines import fetch_lines

        with self._workspace.reads() as rows:
            return fetch_lines(rows, list(ids))
