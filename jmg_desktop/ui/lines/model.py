"""The pool lines table model: a window onto one pool's lines for one financial year.

The model holds a few blocks of rows (:mod:`jmg_desktop.ui.lines.rows`); in the pool's own order
it starts from the number of lines alone and reads each block as the view asks for it, so a
million lines open and scroll without being loaded. Sorting and the filter are done by the
database. Edits are parsed with :mod:`jmg_desktop.core.validation`, turned
into :mod:`jmg_desktop.core.commands` and handed to an executor (the window's undo stack); the
model never writes behind the undo stack's back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon

from jmg_desktop.core.commands import ChangeSet, Command, FieldUpdate, LineRecord, RefChange, edit_fields
from jmg_desktop.core.line_kinds import KIND_DESCRIPTIONS, KIND_SHORT, kind_label
from jmg_desktop.core.money import Money
from jmg_desktop.core.scheme_fields import SCHEME_FIELDS, SCHEME_TITLES, SchemeLists, parse_scheme_cell
from jmg_desktop.core.validation import COLUMN_FIELDS, COLUMN_TITLES, CellError, parse_cell
from jmg_desktop.ui.lines.rows import BLOCK_SIZE, LineRows

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when a workspace is first shown
    from jmg_desktop.store.lines_repo import LinesStore
    from jmg_desktop.store.reads.lines import References
    from jmg_desktop.store.workspace import Workspace

__all__ = [
    "ALL_FIELDS",
    "ALL_TITLES",
    "BLOCK_SIZE",
    "COLUMN_AMOUNT",
    "COLUMN_SCHEME_FIRST",
    "LINE_ID_ROLE",
    "MARK_INFO",
    "MARK_WARNING",
    "PoolLinesModel",
]

COLUMN_SERVICE, COLUMN_CATEGORY, COLUMN_PARTNER, COLUMN_STATUS, COLUMN_AMOUNT, COLUMN_NOTE = range(6)
COLUMN_KIND = 6  # after Note, so the columns DESIGN.md fixes keep their places
#: The Better Care Fund scheme columns follow Kind; the view hides them until a pool uses them.
COLUMN_SCHEME_FIRST: Final = len(COLUMN_TITLES)
#: Every column's title and stored field, scheme columns included.
ALL_TITLES: Final = COLUMN_TITLES + SCHEME_TITLES
ALL_FIELDS: Final = COLUMN_FIELDS + SCHEME_FIELDS
_LAST_COLUMN: Final = len(ALL_TITLES) - 1
#: The list columns' fields, and the keyword parse_cell takes their spellings by.
_CHOICE_KEYWORDS: Final = {"category_id": "categories", "partner_id": "partners", "status_id": "statuses"}
_SHARE_COLUMNS: Final = frozenset(
    COLUMN_SCHEME_FIRST + SCHEME_FIELDS.index(name) for name in ("nhs_share_bp", "council_share_bp")
)
#: A role giving the line id of a row (for features that work on selected lines).
LINE_ID_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
_ValidIndex = QModelIndex | QPersistentModelIndex
_LINE_IDS_MIME: Final = "application/x-jmg-desktop-line-ids"

Executor = Callable[[Command], bool]
#: The icons a line can be flagged with: a warning (changed since agreed), information (added since).
MARK_WARNING: Final = "warning"
MARK_INFO: Final = "info"


class _EmptyReferences:
    """The reference lists when no workspace is open (avoids importing the store at start-up)."""

    partners: tuple = ()
    categories: tuple = ()
    statuses: tuple = ()

    def names(self, field: str) -> dict[int, str]:
        """No names."""
        return {}

    def choices(self, field: str) -> dict[str, int]:
        """No choices."""
        return {}


class PoolLinesModel(QAbstractTableModel):
    """Lines of one pool and year; columns Service, Category, Partner, Status, Amount, Note, Kind."""

    #: A message for the user (an edit refused and why, or a note about what happened).
    message = Signal(str)
    #: Lines were changed (by an edit, undo or redo): totals and other views should refresh.
    linesChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        """An empty model; give it a workspace and a pool and year to show lines."""
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._store: LinesStore | None = None
        self._pool_id = -1
        self._year = -1
        self._rows = LineRows()
        self._refs: References = _EmptyReferences()  # type: ignore[assignment]
        self._scheme_lists = SchemeLists()
        self._names: dict[str, dict[int, str]] = {"partner_id": {}, "category_id": {}, "status_id": {}}
        self._short: dict[int, str] = {}
        self._sort_field: str | None = None
        self._descending = False
        self._needle = ""
        self._read_only = True
        self._marks: dict[int, tuple[str, str]] = {}
        self._mark_icons: dict[str, QIcon] = {}
        self._executor: Executor | None = None
        self._move_handler: Callable[[list[int], int], bool] | None = None

    # -- source ------------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show another workspace (or none); the pool and year are cleared."""
        self._workspace = workspace
        self._store = None  # made on first use (see store)
        self._read_only = workspace is None or workspace.read_only
        self._pool_id, self._year = -1, -1
        self.reload_references()
        self.reload()

    def set_read_only(self, read_only: bool) -> None:
        """Allow or refuse edits (the workspace turned read-only or writable while open)."""
        if read_only == self._read_only or (self._workspace is None and not read_only):
            return
        self._read_only = read_only
        if self._rows.count:  # views re-read flags() on repaint
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows.count - 1, _LAST_COLUMN))

    def set_pool(self, pool_id: int, financial_year: int) -> None:
        """Show one pool's lines for one year (``-1`` for none)."""
        if (pool_id, financial_year) == (self._pool_id, self._year):
            return
        self._pool_id, self._year = pool_id, financial_year
        self.reload()

    def set_executor(self, executor: Executor | None) -> None:
        """Who runs edit commands (the window's undo stack); without one, commands apply directly."""
        self._executor = executor

    @property
    def workspace(self) -> Workspace | None:
        """The workspace shown."""
        return self._workspace

    @property
    def store(self) -> LinesStore | None:
        """The document commands are applied to; made on first use, as it brings in SQLAlchemy
        and the ORM (the window shows its first screen without them)."""
        if self._store is None and self._workspace is not None:
            from jmg_desktop.store.lines_repo import LinesStore

            self._store = LinesStore(self._workspace)
        return self._store

    @property
    def pool_id(self) -> int:
        """The pool shown, or -1."""
        return self._pool_id

    @property
    def financial_year(self) -> int:
        """The financial year shown (start year), or -1."""
        return self._year

    @property
    def references(self) -> References:
        """The partner, category and status lists."""
        return self._refs

    @property
    def scheme_lists(self) -> SchemeLists:
        """The funding streams and scheme reference lists the scheme columns draw on."""
        return self._scheme_lists

    @property
    def read_only(self) -> bool:
        """True when edits are refused (no workspace, or one opened read-only)."""
        return self._read_only

    def reload_references(self) -> None:
        """Re-read partners, categories and statuses (after a reference list changed)."""
        if self._workspace is not None:
            from jmg_desktop.store.reads.lines import references, scheme_lists

            with self._workspace.reads() as rows:
                self._refs = references(rows)
                self._scheme_lists = scheme_lists(rows)
        else:
            self._refs = _EmptyReferences()  # type: ignore[assignment]
            self._scheme_lists = SchemeLists()
        self._names = {f: self._refs.names(f) for f in ("partner_id", "category_id", "status_id")}
        self._short = {item.id: item.short_name or item.name for item in self._refs.partners}
        if self._rows.count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows.count - 1, _LAST_COLUMN))

    def reload(self) -> None:
        """Re-read the row order (after rows were added, removed or moved, or the sort changed)."""
        self.beginResetModel()
        self._reset_rows()
        self.endResetModel()

    def _reset_rows(self) -> None:
        """Read the rows again in the order and filter chosen."""
        self._rows.reset(
            self._workspace,
            self._pool_id,
            self._year,
            sort_field=self._sort_field,
            descending=self._descending,
            needle=self._needle,
        )

    # -- rows --------------------------------------------------------------------------------

    def line_id(self, row: int) -> int:
        """The id of the line shown in ``row`` (-1 for a row whose line was removed elsewhere)."""
        return self._rows.line_id(row)

    def all_line_ids(self) -> list[int]:
        """Every line id shown, in display order."""
        return self._rows.all_ids()

    def row_of(self, line_id: int) -> int:
        """The row showing ``line_id``, or -1."""
        return self._rows.row_of(line_id)

    def record(self, row: int) -> LineRecord:
        """The full record of the line in ``row``, fetched with its block when not yet loaded."""
        return self._rows.record(row)

    def records(self, rows: Iterable[int]) -> list[LineRecord]:
        """The records of several rows, in the order given."""
        return [self.record(row) for row in rows]

    def loaded_row_count(self) -> int:
        """How many rows are held in memory now (for tests of lazy loading)."""
        return self._rows.loaded_row_count()

    # -- marking -----------------------------------------------------------------------------

    def set_marked_line_ids(self, line_ids_: Iterable[int], tooltip: str = "") -> None:
        """Flag lines with a warning icon and a tooltip (agreements use this for "changed since
        agreed"). Pass an empty set to clear. Only the Service column shows the flag."""
        self.set_line_marks({line_id: (MARK_WARNING, tooltip) for line_id in line_ids_})

    def set_line_marks(self, marks: Mapping[int, tuple[str, str]]) -> None:
        """Flag lines each with its own icon (:data:`MARK_WARNING` or :data:`MARK_INFO`) and tooltip."""
        self._marks = dict(marks)
        if self._rows.count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows.count - 1, 0))

    def marked_line_ids(self, kind: str | None = None) -> set[int]:
        """The lines currently flagged (with the given icon, when ``kind`` is given)."""
        return {line for line, (mark, _tip) in self._marks.items() if kind is None or mark == kind}

    def line_mark(self, line_id: int) -> tuple[str, str] | None:
        """A flagged line's icon kind and tooltip, or None."""
        return self._marks.get(line_id)

    # -- Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: _ValidIndex = QModelIndex()) -> int:  # noqa: B008
        """Lines shown."""
        return 0 if parent.isValid() else self._rows.count

    def columnCount(self, parent: _ValidIndex = QModelIndex()) -> int:  # noqa: B008
        """The six columns DESIGN.md fixes, Kind, then the scheme columns."""
        return 0 if parent.isValid() else len(ALL_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; row numbers down the side."""
        if role != Qt.ItemDataRole.DisplayRole:
            if (
                role == Qt.ItemDataRole.TextAlignmentRole
                and orientation == Qt.Orientation.Horizontal
                and (section == COLUMN_AMOUNT or section in _SHARE_COLUMNS)
            ):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if orientation == Qt.Orientation.Horizontal:
            return ALL_TITLES[section] if 0 <= section < len(ALL_TITLES) else None
        return section + 1

    def flags(self, index: _ValidIndex) -> Qt.ItemFlag:
        """Selectable, and editable unless read-only."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if not self._read_only else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if not self._read_only:
            flags |= Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def data(self, index: _ValidIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What each cell shows, edits, and says in its tooltip."""
        if not index.isValid() or not 0 <= index.row() < self._rows.count:
            return None
        column = index.column()
        try:
            return self._data(index.row(), column, role)
        except LookupError:  # the line went away behind our back; the next reload drops the row
            return None

    def _data(self, row: int, column: int, role: int) -> Any:
        """``data()`` for a valid row (may raise LookupError when the line has gone)."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            record = self.record(row)
            return self._text(record, column, edit=role == Qt.ItemDataRole.EditRole)
        if role == LINE_ID_ROLE:
            return self._rows.line_id(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COLUMN_AMOUNT or column in _SHARE_COLUMNS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == COLUMN_SERVICE:
            mark = self._marks.get(self._rows.line_id(row)) if self._marks else None
            return self._marked_icon(mark[0]) if mark is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and column == COLUMN_AMOUNT:
            if self.record(row).amount_pence < 0:
                return QBrush(QColor("#b00020"))
            return None
        return None

    def _text(self, record: LineRecord, column: int, *, edit: bool) -> str:
        """A cell's text: as shown, or as a user would type it (``edit``)."""
        if column == COLUMN_SERVICE:
            return record.service
        if column == COLUMN_CATEGORY:
            return self._names["category_id"].get(record.category_id, "") if record.category_id else ""
        if column == COLUMN_PARTNER:
            if edit:
                return self._names["partner_id"].get(record.partner_id, "")
            return self._short.get(record.partner_id, "")
        if column == COLUMN_STATUS:
            return self._names["status_id"].get(record.status_id, "")
        if column == COLUMN_AMOUNT:
            return Money(record.amount_pence).format_full()
        if column == COLUMN_NOTE:
            return record.note if edit else record.note.replace("\n", " ⏎ ")
        if column == COLUMN_KIND:  # one word on screen, the full name to edit and copy
            return kind_label(record.kind) if edit else KIND_SHORT.get(record.kind, record.kind)
        if COLUMN_SCHEME_FIRST <= column <= _LAST_COLUMN:
            from jmg_desktop.core.scheme_fields import scheme_text

            return scheme_text(record, ALL_FIELDS[column], self._scheme_lists)
        return ""

    def _tooltip(self, row: int, column: int) -> str | None:
        """Full texts that the cell elides, the partner's full name, an amount in £m and words."""
        record = self.record(row)
        tips = []
        mark = self._marks.get(record.id) if column == COLUMN_SERVICE else None
        if mark is not None and mark[1]:
            tips.append(mark[1])
        if column == COLUMN_PARTNER:
            tips.append(self._names["partner_id"].get(record.partner_id, ""))
        elif column == COLUMN_NOTE and record.note:
            tips.append(record.note)
        elif column == COLUMN_AMOUNT:
            tips.append(
                f"{Money(record.amount_pence).format_m()} ({Money(record.amount_pence).format_prose()})"
            )
        elif column == COLUMN_KIND:
            tips.append(KIND_DESCRIPTIONS.get(record.kind, ""))
        elif (
            column >= COLUMN_SCHEME_FIRST
            and record.commissioner == "joint"
            and (ALL_FIELDS[column] in ("commissioner", "nhs_share_bp", "council_share_bp"))
        ):
            from jmg_desktop.core.bcf import format_share

            nhs, council = format_share(record.nhs_share_bp), format_share(record.council_share_bp)
            tips.append(
                f"Jointly commissioned: {nhs or '?'} NHS, {council or '?'} council"
                if nhs or council
                else "Jointly commissioned: type the NHS share in % NHS (the council's follows)"
            )
        elif column == COLUMN_SERVICE and len(record.service) > 40:
            tips.append(record.service)
        return "\n".join(tip for tip in tips if tip) or None

    def _marked_icon(self, kind: str) -> QIcon:
        """The icon a flagged line shows (the style's warning or information icon), made once."""
        icon = self._mark_icons.get(kind)
        if icon is None:
            from PySide6.QtWidgets import QApplication, QStyle

            pixmap = (
                QStyle.StandardPixmap.SP_MessageBoxInformation
                if kind == MARK_INFO
                else QStyle.StandardPixmap.SP_MessageBoxWarning
            )
            icon = self._mark_icons[kind] = QApplication.style().standardIcon(pixmap)
        return icon

    # -- editing -----------------------------------------------------------------------------

    def parse(self, column: int, text: str) -> object | CellError:
        """Parse what a user typed for ``column`` into the value to store, or why it is refused."""
        if column >= COLUMN_SCHEME_FIRST:
            return parse_scheme_cell(ALL_FIELDS[column], text, self._scheme_lists)
        field = COLUMN_FIELDS[column]
        # Only a list column's own spellings are gathered (an amount needs none of them).
        keyword = _CHOICE_KEYWORDS.get(field)
        if keyword is None:
            return parse_cell(field, text)
        return parse_cell(field, text, **{keyword: self._refs.choices(field)})

    def setData(self, index: _ValidIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Accept the same text a user types; refuse bad input with a :attr:`message`."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._read_only:
            return False
        column = index.column()
        title = ALL_TITLES[column]
        parsed = self.parse(column, str(value) if value is not None else "")
        if isinstance(parsed, CellError):
            self.message.emit(f"{title} not changed: {parsed.message}")
            return False
        record = self.record(index.row())
        if column >= COLUMN_SCHEME_FIRST:
            return self._set_scheme_field(record, column, parsed)
        field = COLUMN_FIELDS[column]
        update = FieldUpdate(record.id, field, getattr(record, field), parsed)
        if update.old == update.new:
            return True
        return self.execute(edit_fields([update]))

    def _scheme_changes(
        self, record: LineRecord, column: int, parsed: object
    ) -> list[FieldUpdate] | CellError:
        """The updates one scheme cell's new value makes to its line (shares and sub-type follow)."""
        from jmg_desktop.core.scheme_fields import scheme_updates

        return scheme_updates(record, {ALL_FIELDS[column]: parsed}, self._scheme_lists)

    def _set_scheme_field(self, record: LineRecord, column: int, parsed: object) -> bool:
        """Give a line a scheme cell's value as one undoable, audited step."""
        updates = self._scheme_changes(record, column, parsed)
        if isinstance(updates, CellError):
            self.message.emit(f"{ALL_TITLES[column]} not changed: {updates.message}")
            return False
        return self.execute(edit_fields(updates, text=f"Edit {ALL_TITLES[column]}"))

    def refusal(self, index: _ValidIndex, text: str) -> str | None:
        """Why ``text`` cannot go into the cell at ``index`` (its own column's rules and, for a
        scheme column, how it fits the line's other scheme columns), or None when it can."""
        parsed = self.parse(index.column(), text)
        if isinstance(parsed, CellError):
            return parsed.message
        if index.column() >= COLUMN_SCHEME_FIRST and index.isValid():
            try:
                changes = self._scheme_changes(self.record(index.row()), index.column(), parsed)
            except LookupError:
                return None
            if isinstance(changes, CellError):
                return changes.message
        return None

    def add_category_and_set(self, index: _ValidIndex, name: str) -> bool:
        """Add ``name`` to the category list and give it to the line at ``index``: one undo step."""
        from jmg_desktop.core.validation import check_name

        store = self.store
        if store is None or self._read_only or not index.isValid():
            return False
        checked = check_name(name, title="Category", taken={item.name for item in self._refs.categories})
        if isinstance(checked, CellError):
            self.message.emit(f"Category not changed: {checked.message}")
            return False
        new_id = store.next_reference_id("category")
        row = {"id": new_id, "name": checked, "position": store.next_reference_position("category")}
        record = self.record(index.row())
        changes = ChangeSet(
            updates=(FieldUpdate(record.id, "category_id", record.category_id, new_id),),
            refs=(RefChange("category", new_id, None, row),),
        )
        return self.execute(Command("Edit Category", changes, action="edit_lines"))

    def execute(self, command: Command) -> bool:
        """Run a command through the executor (the undo stack) or directly; report failures."""
        if command.changes.is_empty:
            return True
        if self._executor is not None:
            return self._executor(command)
        store = self.store
        if store is None:
            return False
        try:
            command.apply(store)
        except Exception as error:
            self.message.emit(f"{command.text} failed: {error}")
            return False
        self.changes_applied(command.changes)
        return True

    def changes_applied(self, changes: ChangeSet) -> None:
        """Refresh after a change set was made durable (by a command, its undo or its redo)."""
        if changes.refs:
            self.reload_references()
        # Edited cells stay where they are even when sorted or filtered (as in a spreadsheet);
        # the order is read again only when lines appear, disappear or move.
        if changes.changes_order():
            self.reload()
        else:
            for row in self._rows.patch(changes.updates):
                self.dataChanged.emit(self.index(row, 0), self.index(row, _LAST_COLUMN))
        self.linesChanged.emit()

    # -- sort and filter ---------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column in the database; column -1 goes back to the pool's own order."""
        self.layoutAboutToBeChanged.emit()
        self._sort_field = ALL_FIELDS[column] if 0 <= column < len(ALL_FIELDS) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._reload_keeping_persistent()

    def set_filter(self, needle: str) -> None:
        """Show only lines whose service, category or note contains ``needle`` (any case)."""
        if needle.strip() == self._needle:
            return
        self._needle = needle.strip()
        self.reload()

    @property
    def is_reordered(self) -> bool:
        """True when sorted or filtered (positions cannot be changed by dragging then)."""
        return self._sort_field is not None or bool(self._needle)

    def refresh_keeping_place(self) -> None:
        """Re-read every row (someone else changed the workspace), keeping the selection and
        the current cell on the same lines."""
        self.layoutAboutToBeChanged.emit()
        self._reload_keeping_persistent()

    def _reload_keeping_persistent(self) -> None:
        """Re-read the order inside a layout change, moving persistent indexes (the selection)."""
        persistent = self.persistentIndexList()
        # The lines under the selection, read before the order changes (from the rows held).
        lines = [self._rows.line_id(index.row()) for index in persistent]
        self._reset_rows()
        rows = self._rows.rows_of(line for line in lines if line >= 0)
        new_indexes = []
        for index, line in zip(persistent, lines, strict=True):
            row = rows.get(line, -1)
            new_indexes.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, new_indexes)
        self.layoutChanged.emit()

    # -- drag to reorder ---------------------------------------------------------------------

    def set_move_handler(self, handler: Callable[[list[int], int], bool] | None) -> None:
        """Who moves dragged lines: ``handler(line_ids, target_row)`` (the window's actions)."""
        self._move_handler = handler

    @property
    def move_handler(self) -> Callable[[list[int], int], bool] | None:
        """Who moves lines dragged to a new place (see :meth:`set_move_handler`)."""
        return self._move_handler

    def supportedDropActions(self) -> Qt.DropAction:
        """Lines are moved within the table, never copied by dragging."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        """The line ids being dragged travel as a private type."""
        return [_LINE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # type: ignore[override]
        """The dragged rows' line ids, in row order."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        data = QMimeData()
        data.setData(_LINE_IDS_MIME, QByteArray(",".join(str(self._rows.line_id(r)) for r in rows).encode()))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _ValidIndex
    ) -> bool:
        """Dropping reorders lines: only in the pool's own order, and only when editable."""
        return (
            data.hasFormat(_LINE_IDS_MIME)
            and action == Qt.DropAction.MoveAction
            and not self._read_only
            and not self.is_reordered
            and self._move_handler is not None
        )

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _ValidIndex
    ) -> bool:
        """Move the dragged lines before ``row`` (or the row dropped on) as one undo step."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        target = row if row >= 0 else (parent.row() if parent.isValid() else self._rows.count)
        raw = bytes(data.data(_LINE_IDS_MIME).data()).decode()
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit()]
        assert self._move_handler is not None
        self._move_handler(ids, target)
        return False  # the move is done; the view must not remove the dragged rows itself

    # -- helpers for views -------------------------------------------------------------------

    def rows_for(self, line_ids_: Sequence[int]) -> list[int]:
        """Rows of the given lines that are shown, ascending."""
        return sorted(self._rows.rows_of(line_ids_).values())
