"""The monitoring table's Qt models: one row per line (forecast, actual and commentary editable in an
open period), and one row per category. They adapt a core :class:`MonitoringTable`; they never own
the figures. An edit is made durable first (through ``executor``), then the table updates the one
line and its totals in place.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from jmg_desktop.core.money import Money, MoneyError, parse_money
from jmg_desktop.core.monitoring import RAG_LABELS, MonitoringError
from jmg_desktop.core.monitoring_commands import ForecastEntry, MonitoringChange, forecast_change
from jmg_desktop.core.monitoring_table import LineFigures, MonitoringTable, Totals

__all__ = [
    "COLUMNS",
    "COLUMN_ACTUAL",
    "COLUMN_COMMENTARY",
    "COLUMN_FORECAST",
    "EDITABLE_COLUMNS",
    "CategoryModel",
    "MonitoringDelegate",
    "MonitoringModel",
    "money_text",
    "rag_colour",
]

COLUMNS: Final = (
    "Service",
    "Category",
    "Partner",
    "Budget",
    "Movements",
    "Latest",
    "Forecast",
    "Actual",
    "Variance",
    "RAG",
    "Commentary",
)
COLUMN_FORECAST: Final = 6
COLUMN_ACTUAL: Final = 7
COLUMN_COMMENTARY: Final = 10
EDITABLE_COLUMNS: Final = (COLUMN_FORECAST, COLUMN_ACTUAL, COLUMN_COMMENTARY)
_MONEY_COLUMNS: Final = (3, 4, 5, 6, 7, 8)
_RAG_COLOURS: Final = {"green": "#1b7f3b", "amber": "#b35c00", "red": "#b3261e"}
_Index = QModelIndex | QPersistentModelIndex


def rag_colour(rag: str) -> QColor:
    """The text colour of a traffic light (dark enough to read on white, in words as well)."""
    return QColor(_RAG_COLOURS.get(rag, "#000000"))


def money_text(pence: int | None) -> str:
    """An amount as the page shows it: whole pounds without pence (``£21,874,000``), pence only
    when there are some; exact either way, and it parses back to the same amount."""
    if pence is None:
        return ""
    if pence % 100:
        return Money(pence).format_full()
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}"


_money = money_text


class MonitoringModel(QAbstractTableModel):
    """One row per monitored line of the period."""

    #: A refusal or note for the user, shown beside the cell.
    message = Signal(str)
    #: The totals changed (after an edit, an undo or a reload).
    totalsChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        """An empty model; :meth:`set_table` fills it."""
        super().__init__(parent)
        self.table: MonitoringTable | None = None
        # The table positions shown, when filtered (None: every line, in order); a 100,000-line
        # table is never copied, and a line's figures are made only when its row is painted.
        self._shown: list[int] | None = None
        self._count = 0
        self._cache: dict[int, LineFigures] = {}
        self._editable = False
        self._where = (-1, -1, -1)  # pool, year, period
        self._labels: dict[str, str] = {}
        self.executor: Callable[[MonitoringChange], bool] | None = None

    # -- contents ------------------------------------------------------------------------------

    def set_table(
        self,
        table: MonitoringTable | None,
        where: tuple[int, int, int],
        *,
        editable: bool,
        only: Sequence[str] = (),
        labels: dict[str, str] | None = None,
    ) -> None:
        """Show ``table`` (``where`` is its pool, year and period); ``only`` limits the rows to those traffic lights (e.g. red and amber);
        ``labels`` gives partners' short names for the narrow Partner column."""
        self.beginResetModel()
        self._labels = dict(labels or {})
        self.table = table
        self._where = where
        self._editable = editable
        self._cache.clear()
        if table is None:
            self._shown, self._count = None, 0
        elif only:
            self._shown = table.numbers_rated(only)
            self._count = len(self._shown)
        else:
            self._shown, self._count = None, len(table.rows)
        self.endResetModel()
        self.totalsChanged.emit()

    def row_figures(self, row: int) -> LineFigures:
        """The figures shown in ``row`` (made on first asking, then kept until they change)."""
        figures = self._cache.get(row)
        if figures is None:
            if not 0 <= row < self._count or self.table is None:
                raise IndexError(row)
            if len(self._cache) > 2_000:  # the rows painted lately, not every row ever scrolled past
                self._cache.clear()
            number = row if self._shown is None else self._shown[row]
            figures = self._cache[row] = self.table.rows[number]
        return figures

    def shown_row(self, line_id: int) -> int | None:
        """The row showing ``line_id``, or None when it is not shown."""
        if self.table is None:
            return None
        number = self.table.row_number(line_id)
        if self._shown is None:
            return number
        at = bisect_left(self._shown, number)
        return at if at < len(self._shown) and self._shown[at] == number else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """One row per shown line."""
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """The columns of :data:`COLUMNS`."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles across; row numbers down."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return str(section + 1)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Forecast, actual and commentary are editable in an open period of a writable workspace."""
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and index.column() in EDITABLE_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, alignment, the traffic light's colour and tooltips."""
        if not index.isValid():
            return None
        row = self.row_figures(index.row())
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, column, role == Qt.ItemDataRole.EditRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 9:
                return QBrush(rag_colour(row.rag))
            if column == COLUMN_FORECAST and not row.has_forecast:
                return QBrush(QColor("#666666"))
        if role == Qt.ItemDataRole.ToolTipRole:
            # The full text first (a narrow column may cut it), then what the figure means.
            full = row.partner if column == 2 else self._text(row, column, False)
            if column == COLUMN_FORECAST and not row.has_forecast:
                return f"{full}\nNo forecast entered: taken as on budget."
            if column == 8:
                return f"{full}\nVariance = forecast − latest budget: overspend +, underspend −."
            return full or None
        return None

    def _text(self, row: LineFigures, column: int, editing: bool) -> str:
        """What one cell shows (or, editing, what the editor starts from)."""
        if column == 0:
            return row.service
        if column == 1:
            return row.category
        if column == 2:
            return self._labels.get(row.partner, row.partner)
        if column == 3:
            return _money(row.original)
        if column == 4:
            return _money(row.movements)
        if column == 5:
            return _money(row.latest)
        if column == COLUMN_FORECAST:
            if editing and not row.has_forecast:
                return ""
            return _money(row.forecast)
        if column == COLUMN_ACTUAL:
            return _money(row.actual)
        if column == 8:
            return _money(row.variance)
        if column == 9:
            return RAG_LABELS[row.rag]
        return row.commentary

    # -- editing -------------------------------------------------------------------------------

    def entry_for(self, row: LineFigures, column: int, text: str) -> ForecastEntry:
        """The entry a user's text makes of one cell (the other two fields kept); raises
        :class:`MoneyError` or :class:`MonitoringError` with the reason."""
        forecast = row.forecast if row.has_forecast else None
        actual = row.actual
        commentary = row.commentary
        if column == COLUMN_FORECAST:
            forecast = None if not text.strip() else parse_money(text).pence
        elif column == COLUMN_ACTUAL:
            actual = None if not text.strip() else parse_money(text).pence
        elif column == COLUMN_COMMENTARY:
            commentary = text.strip()
        else:
            raise MonitoringError(f"The {COLUMNS[column]} column cannot be edited here.")
        if forecast is None and (actual is not None or commentary):
            raise MonitoringError(
                "Enter the forecast outturn first: an actual to date or a commentary belongs to a forecast."
            )
        return ForecastEntry(forecast, actual, commentary)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Accept the text a user types; refuse bad input with a :attr:`message` beside the cell."""
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable)
        ):
            return False
        row = self.row_figures(index.row())
        try:
            entry = self.entry_for(row, index.column(), str(value))
        except (MoneyError, MonitoringError) as error:
            self.message.emit(f"{row.service}, {COLUMNS[index.column()]}: {error}")
            return False
        return self.apply_entries([(row.line_id, entry)], text=f"Edit {COLUMNS[index.column()]}")

    def apply_entries(self, entries: Sequence[tuple[int, ForecastEntry]], *, text: str) -> bool:
        """Make the entries durable as one undoable change; False (with a message) if refused."""
        pool, year, period = self._where
        try:
            change = forecast_change(
                pool,
                year,
                period,
                [(line, self._stored_row(line), entry) for line, entry in entries],
                text=text,
            )
        except MonitoringError as error:
            self.message.emit(str(error))
            return False
        if change.is_empty or self.executor is None:
            return False
        return self.executor(change)

    def _stored_row(self, line_id: int) -> dict[str, Any] | None:
        """The line's forecast row as stored, every column (the table holds what was stored: it
        was read from the store and follows every change made through it)."""
        if self.table is None:
            return None
        row = self.table.row(line_id)
        if not row.has_forecast:
            return None
        pool, year, period = self._where
        return {
            "line_id": line_id,
            "period": period,
            "pool_id": pool,
            "financial_year": year,
            "forecast_pence": row.forecast,
            "actual_pence": row.actual,
            "commentary": row.commentary,
        }

    def change_made(self, change: MonitoringChange) -> None:
        """A forecast change was made (or undone): update the stored rows, the lines and totals."""
        if self.table is None:
            return
        pool, year, period = self._where
        for row_change in change.rows:
            if row_change.table != "monitoring_forecast":
                continue
            key_row = row_change.new if row_change.new is not None else row_change.old
            assert key_row is not None
            if (key_row["pool_id"], key_row["financial_year"], key_row["period"]) != (pool, year, period):
                continue
            line_id = key_row["line_id"]
            if row_change.new is None:
                self.table.set_forecast(line_id, None, None, "")
            else:
                new = row_change.new
                self.table.set_forecast(
                    line_id, new["forecast_pence"], new["actual_pence"], new["commentary"]
                )
            shown = self.shown_row(line_id)
            if shown is not None:
                self._cache.pop(shown, None)
                self.dataChanged.emit(self.index(shown, 0), self.index(shown, len(COLUMNS) - 1))
        self.totalsChanged.emit()


class CategoryModel(QAbstractTableModel):
    """One row per category with lines, then the pool total (read-only)."""

    HEADERS: Final = ("Category", "Budget", "Movements", "Latest", "Forecast", "Variance", "RAG")

    def __init__(self, parent: Any = None) -> None:
        """An empty model."""
        super().__init__(parent)
        self._rows: list[Totals] = []

    def set_table(self, table: MonitoringTable | None, only: Sequence[str] = ()) -> None:
        """Show ``table``'s category totals (``only``: those traffic lights)."""
        self.beginResetModel()
        rows = [] if table is None else [t for t in table.by_category.values() if t.lines]
        if only:
            rows = [t for t in rows if t.rag in only]
        self._rows = rows if table is None else [*rows, table.pool]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Categories and the total."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """See :attr:`HEADERS`."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Titles across."""
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self.HEADERS[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The totals' text and the traffic light's colour."""
        if not index.isValid():
            return None
        totals = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                totals.name or "(no category)",
                _money(totals.original),
                _money(totals.movements),
                _money(totals.latest),
                _money(totals.forecast),
                _money(totals.variance),
                RAG_LABELS[totals.rag],
            )
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and 1 <= column <= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 6:
            return QBrush(rag_colour(totals.rag))
        if (
            role == Qt.ItemDataRole.FontRole
            and index.row() == len(self._rows) - 1
            and totals.name == "Pool total"
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None


class MonitoringDelegate(QStyledItemDelegate):
    """Plain text editors that say, before committing, why an entry is refused (the table keeps a
    refused editor open with the reason beside the cell, as the lines editor does)."""

    def __init__(self, model: MonitoringModel, parent: QObject | None = None) -> None:
        """Editors for ``model``'s editable columns."""
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        """A frameless line edit; amounts right-aligned with a hint of what is accepted."""
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setObjectName(f"monitoringEditor{index.column()}")
        if index.column() in (COLUMN_FORECAST, COLUMN_ACTUAL):
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
            editor.setPlaceholderText("e.g. 2,300,000 or £2.3m; empty clears")
        return editor

    def refusal(self, editor: QWidget, index: _Index) -> str | None:
        """Why the editor's text cannot go into the cell, or None when it can."""
        if not index.isValid() or not isinstance(editor, QLineEdit):
            return None
        row = self._model.row_figures(index.row())
        try:
            self._model.entry_for(row, index.column(), editor.text())
        except (MoneyError, MonitoringError) as error:
            return str(error)
        return None
