"""Pool lines and their reference lists, read in windows and changed one transaction at a time.

Reads return :mod:`jmg_desktop.core.commands` records, never ORM objects, so a pool of 100,000
lines is shown by fetching the few hundred rows on screen; those the window opens with are written
once in :mod:`jmg_desktop.store.reads.lines` and run on the workspace's read connections, and the
read functions live in :mod:`jmg_desktop.store.lines_queries` (re-exported here). Writes go through
:class:`LinesStore.apply_changes`: one change set, one transaction, one audit event — so every edit,
undo and redo is durable the moment it is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from operator import attrgetter
from typing import Any, Final

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jmg_desktop.core.commands import ChangeSet, FieldUpdate, LineRecord, RefChange
from jmg_desktop.store.audit import EncodedDetail, encode_field, encode_lists, record_event
from jmg_desktop.store.edit_transaction import EditTransaction
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.json_rows import SameFields
from jmg_desktop.store.line_inserts import insert_lines
from jmg_desktop.store.lines_queries import (
    REF_TABLES,
    SORT_FIELDS,
    fetch_lines,
    line_count,
    line_ids,
    list_pools,
    load_references,
    pool_years,
    reference_rows,
    usage_count,
)
from jmg_desktop.store.models import (
    Category,
    LineStatus,
    Partner,
    Pool,
    PoolLine,
    WorkspaceSetting,
)
from jmg_desktop.store.raw_writes import driver_of, execute, prepare, run
from jmg_desktop.store.reads.lines import PoolInfo, References, RefItem
from jmg_desktop.store.workspace import Workspace

__all__ = [
    "SORT_FIELDS",
    "LinesStore",
    "PoolInfo",
    "RefItem",
    "References",
    "StaleEditError",
    "fetch_lines",
    "line_count",
    "line_ids",
    "list_pools",
    "load_references",
    "pool_years",
    "reference_rows",
    "usage_count",
]

_LINE: Final[Table] = PoolLine.__table__  # type: ignore[assignment]
_CATEGORY: Final[Table] = Category.__table__  # type: ignore[assignment]
_PARTNER: Final[Table] = Partner.__table__  # type: ignore[assignment]
_STATUS: Final[Table] = LineStatus.__table__  # type: ignore[assignment]
_POOL: Final[Table] = Pool.__table__  # type: ignore[assignment]
_SETTING: Final[Table] = WorkspaceSetting.__table__  # type: ignore[assignment]
_HIGH_WATER_KEY: Final = "pool_line_id_high_water"
_RECORD_FIELDS: Final[tuple[str, ...]] = LineRecord._fields
_LINE_COLUMNS: Final = tuple(_LINE.c[name] for name in _RECORD_FIELDS)
_ID_OF: Final = attrgetter("id")
_BLOCK_OF: Final = attrgetter("pool_id", "financial_year")
_ORDER_OF: Final = attrgetter("position", "id")

_STALE_LINE: Final = "The line was changed or deleted elsewhere since it was shown; nothing was changed."
_NO_END: Final = 2**31 - 1  # an upper bound above any position (the largest 32-bit INTEGER, for PostgreSQL)
_SHIFT: Final = (
    update(_LINE)
    .where(
        _LINE.c.pool_id == bindparam("s_pool"),
        _LINE.c.financial_year == bindparam("s_year"),
        _LINE.c.position >= bindparam("s_low"),
        _LINE.c.position < bindparam("s_high"),
    )
    .values(position=_LINE.c.position + bindparam("s_by"))
)


@cache
def _field_update(field: str) -> Any:
    """``UPDATE pool_line SET field = :u_new WHERE id = :u_id AND field IS :u_old``, built once
    per field (building it on every edit cost more than running it)."""
    column = _LINE.c[field]
    return (
        update(_LINE)
        .where(_LINE.c.id == bindparam("u_id"), column.is_not_distinct_from(bindparam("u_old")))
        .values({field: bindparam("u_new")})
    )


#: :func:`_field_update`'s SQL for SQLite's own connection, by field (see :func:`_cell_update`).
_FIELD_SQL: Final[dict[str, str]] = {}


def _cell_update(connection: Any, update_: FieldUpdate) -> int:
    """Run one field update (the common edit: one cell); return how many rows it changed. On
    SQLite the statement's SQL is kept per field and its parameters given in order."""
    driver = driver_of(connection)
    if driver is None:
        row = {"u_id": update_.line_id, "u_old": update_.old, "u_new": update_.new}
        return run(connection, _field_update(update_.field), [row])
    sql = _FIELD_SQL.get(update_.field)
    if sql is None:
        sql = _FIELD_SQL[update_.field] = prepare(_field_update(update_.field), ("u_new", "u_id", "u_old"))[0]
    return execute(driver, sql, (update_.new, update_.line_id, update_.old)).rowcount


def _move(block: tuple[int, int], low: int, high: int, by: int) -> dict[str, int]:
    """Parameters for one range of :data:`_SHIFT`."""
    return {"s_pool": block[0], "s_year": block[1], "s_low": low, "s_high": high, "s_by": by}


class StaleEditError(WorkspaceError):
    """The line was changed or removed by someone else since it was read; nothing was changed.

    ``entity`` and ``ids`` name the rows (a shared workspace looks up who changed them)."""

    def __init__(self, message: str, *, entity: str = "pool_line", ids: Iterable[int] = ()) -> None:
        super().__init__(message)
        self.entity = entity
        self.ids = tuple(ids)


def _audit_detail(
    changes: ChangeSet,
) -> tuple[dict[str, Any] | EncodedDetail | None, dict[str, Any] | EncodedDetail | None, int | None]:
    """The old and new values an audit event records, and the entity id when one line is touched.

    Lists of rows are encoded one row at a time (:func:`encode_lists`): a large import or delete
    never holds a dict for every line beside the lines themselves.
    """
    if len(changes.updates) == 1 and not (changes.inserts or changes.deletes):
        update_ = changes.updates[0]  # the common case: one cell, recorded plainly
        field = update_.field
        return encode_field(field, update_.old), encode_field(field, update_.new), update_.line_id
    ids = changes.touched_line_ids()
    entity_id = next(iter(ids)) if len(ids) == 1 else None
    old: dict[str, Iterable[dict[str, Any]] | SameFields] = {}
    new: dict[str, Iterable[dict[str, Any]] | SameFields] = {}
    if changes.updates:
        old["updates"] = ({"id": u.line_id, u.field: u.old} for u in changes.updates)
        new["updates"] = ({"id": u.line_id, u.field: u.new} for u in changes.updates)
    if changes.deletes:
        old["lines"] = SameFields(_RECORD_FIELDS, changes.deletes)
    if changes.inserts:
        new["lines"] = SameFields(_RECORD_FIELDS, changes.inserts)
    if changes.refs:
        old["references"] = ({"table": r.table, "id": r.row_id, "row": r.old} for r in changes.refs)
        new["references"] = ({"table": r.table, "id": r.row_id, "row": r.new} for r in changes.refs)
    return encode_lists(old), encode_lists(new), entity_id


class LinesStore:
    """The workspace as a :class:`~jmg_desktop.core.commands.LinesDocument`."""

    def __init__(self, workspace: Workspace) -> None:
        """A document over ``workspace``."""
        self.workspace = workspace

    def allocate_line_ids(self, count: int) -> list[int]:
        """Ids above every line id this workspace has ever used (undone inserts included), so a
        line id is never reused for a different line."""
        with self.workspace.engine.connect() as connection:
            highest = connection.execute(select(func.max(_LINE.c.id))).scalar() or 0
            mark = connection.execute(
                select(_SETTING.c.value).where(_SETTING.c.key == _HIGH_WATER_KEY)
            ).scalar()
            connection.rollback()
        start = max(int(highest), int(mark or 0)) + 1
        return list(range(start, start + count))

    def apply_changes(self, changes: ChangeSet, *, action: str) -> None:
        """Apply a change set in one transaction with one audit event; raise :class:`StaleEditError`
        (changing nothing) if a line is not as the change set expects."""
        if changes.is_empty:
            return
        try:
            self._apply(changes, action)
        except IntegrityError as error:
            # Another table (an agreement, a paper, a stated total) still refers to the row.
            detail = str(error.orig) if error.orig is not None else "a constraint"
            raise WorkspaceError(
                f"The change would break data that depends on it ({detail}); nothing was changed."
            ) from None

    def _apply(self, changes: ChangeSet, action: str) -> None:
        """The body of :meth:`apply_changes`: one transaction, one audit event."""
        if not (changes.inserts or changes.deletes or changes.refs):
            # Cell changes only (an edit, a paste, their undo): statements on the driver alone,
            # run without SQLAlchemy's session on a workspace file (Workspace.editing).
            with self.workspace.editing() as transaction:
                self.apply_in(transaction, changes, action=action)
            return
        with self.workspace.writing() as session:
            self.apply_in(session, changes, action=action)

    def apply_in(self, session: Session | EditTransaction, changes: ChangeSet, *, action: str) -> None:
        """Apply a change set inside the caller's transaction (so an import can add its lines and
        other rows together), with one audit event; the caller commits or rolls back."""
        connection = session.connection()
        for ref in changes.refs:
            if ref.new is not None:
                self._apply_ref(connection, ref)
        if changes.deletes:
            self._delete_lines(connection, changes.deletes)
        updates = changes.updates
        if len(updates) == 1:  # one cell: no batch to group by field
            if _cell_update(connection, updates[0]) != 1:
                raise StaleEditError(_STALE_LINE, ids=[updates[0].line_id])
            updates = ()
        by_field: dict[str, list[dict[str, Any]]] = {}
        for field_update in updates:  # one prepared statement per field, in order
            by_field.setdefault(field_update.field, []).append(
                {"u_id": field_update.line_id, "u_old": field_update.old, "u_new": field_update.new}
            )
        for field, rows in by_field.items():
            # Each row matches only if the line still holds the old value: otherwise someone
            # else changed it since it was shown, and the whole change set is refused.
            if run(connection, _field_update(field), rows) != len(rows):
                raise StaleEditError(_STALE_LINE, ids=[row["u_id"] for row in rows])
        if changes.inserts:
            self._insert_lines(connection, changes.inserts)
            self._raise_high_water(connection, max(map(_ID_OF, changes.inserts)))
        for ref in changes.refs:
            if ref.new is None:
                self._apply_ref(connection, ref)
        old, new, entity_id = _audit_detail(changes)
        record_event(session, action=action, entity="pool_line", entity_id=entity_id, old=old, new=new)

    @staticmethod
    def _blocks(lines: Iterable[LineRecord]) -> dict[tuple[int, int], list[LineRecord]]:
        """Lines grouped by pool and year, each group in position order."""
        blocks: dict[tuple[int, int], list[LineRecord]] = {}
        for line in lines:
            blocks.setdefault(_BLOCK_OF(line), []).append(line)
        for group in blocks.values():
            group.sort(key=_ORDER_OF)  # keys made in C: an import sorts 100,000 lines here
        return blocks

    @staticmethod
    def _shift(connection: Connection, moves: list[dict[str, int]]) -> None:
        """Move lines by ranges, in the order given: each move shifts the lines of one pool and
        year whose position is in [low, high) by ``by`` places. One prepared statement, run for
        every range (building a statement per range was most of the cost of a large delete)."""
        if moves:
            connection.execute(_SHIFT, moves)

    def _delete_lines(self, connection: Connection, lines: Sequence[LineRecord]) -> None:
        """Delete lines and close the gaps, exactly as deleting them one by one from the bottom up
        would, but with one range update per gap (so deleting thousands of lines stays quick)."""
        for block, group in self._blocks(lines).items():
            result = connection.execute(
                delete(_LINE).where(
                    _LINE.c.id == bindparam("b_id"), _LINE.c.position == bindparam("b_position")
                ),
                [{"b_id": line.id, "b_position": line.position} for line in group],
            )
            if result.rowcount != len(group):
                raise StaleEditError(
                    "A line was changed or deleted elsewhere since it was shown; nothing was changed."
                )
            positions = [line.position for line in group]
            moves = []
            # Lines between the i-th and (i+1)-th deleted positions move up by i places.
            for i, low in enumerate(positions, start=1):
                high = positions[i] if i < len(positions) else _NO_END
                if high > low + 1:
                    moves.append(_move(block, low + 1, high, -i))
            self._shift(connection, moves)

    def _insert_lines(self, connection: Connection, lines: Sequence[LineRecord]) -> None:
        """Insert lines at their positions, moving the others down exactly as inserting them one
        by one from the top would, with one range update per run of inserted positions."""
        for block, group in self._blocks(lines).items():
            positions = [line.position for line in group]
            count = len(positions)
            # A line at original position q ends up i places lower when
            # positions[i-1] - (i-1) <= q < positions[i] - i; the highest range is moved first so
            # that no line is moved twice.
            moves = []
            for i in range(count, 0, -1):
                low = positions[i - 1] - (i - 1)
                high = positions[i] - i if i < count else _NO_END
                if high > low:
                    moves.append(_move(block, low, high, i))
            self._shift(connection, moves)
            insert_lines(connection, group)

    @staticmethod
    def _raise_high_water(connection: Connection, line_id: int) -> None:
        """Remember the highest line id ever used, so undone inserts' ids are not reused."""
        current = connection.execute(
            select(_SETTING.c.value).where(_SETTING.c.key == _HIGH_WATER_KEY)
        ).scalar()
        if current is None:
            connection.execute(insert(_SETTING).values(key=_HIGH_WATER_KEY, value=str(line_id)))
        elif int(current) < line_id:
            connection.execute(
                update(_SETTING).where(_SETTING.c.key == _HIGH_WATER_KEY).values(value=str(line_id))
            )

    @staticmethod
    def _apply_ref(connection: Connection, ref: RefChange) -> None:
        """Add, change or remove one reference-list row; refuse if it is not as expected."""
        table = REF_TABLES[ref.table]
        if ref.old is None and ref.new is not None:
            connection.execute(insert(table).values(dict(ref.new)))
            return
        if ref.new is None:
            result = connection.execute(delete(table).where(table.c.id == ref.row_id))
        else:
            values = {k: v for k, v in ref.new.items() if k != "id"}
            result = connection.execute(update(table).where(table.c.id == ref.row_id).values(values))
        if result.rowcount != 1:
            raise StaleEditError("The list entry was changed or removed elsewhere; nothing was changed.")

    def next_reference_id(self, table: str) -> int:
        """An id for a new reference row."""
        ref = REF_TABLES[table]
        with self.workspace.engine.connect() as connection:
            highest = connection.execute(select(func.max(ref.c.id))).scalar() or 0
            connection.rollback()
        return int(highest) + 1

    def next_reference_position(self, table: str) -> int:
        """The display position after the last row of a reference list."""
        ref = REF_TABLES[table]
        with self.workspace.engine.connect() as connection:
            highest = connection.execute(select(func.max(ref.c.position))).scalar() or 0
            connection.rollback()
        return int(highest) + 1

    def lines_in_block(self, pool_id: int, financial_year: int) -> list[LineRecord]:
        """Every line of a pool and year by position (for roll forward and moves, not for display)."""
        with self.workspace.engine.connect() as connection:
            rows = connection.execute(
                select(*_LINE_COLUMNS)
                .where(_LINE.c.pool_id == pool_id, _LINE.c.financial_year == financial_year)
                .order_by(_LINE.c.position, _LINE.c.id)
            ).all()
            connection.rollback()
        return [LineRecord(*row) for row in rows]

    def max_position(self, pool_id: int, financial_year: int) -> int:
        """The highest position used in a pool and year (0 when it has no lines)."""
        with self.workspace.engine.connect() as connection:
            value = connection.execute(
                select(func.max(_LINE.c.position)).where(
                    _LINE.c.pool_id == pool_id, _LINE.c.financial_year == financial_year
                )
            ).scalar()
            connection.rollback()
        return int(value or 0)


def records_by_position(records: Iterable[LineRecord]) -> list[LineRecord]:
    """Records ordered as the pool shows them."""
    return sorted(records, key=lambda r: (r.position, r.id))
