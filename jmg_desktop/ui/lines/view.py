"""The pool lines view: a filter box over the ``poolLinesTable`` with spreadsheet keys.

Other features work with it through two documented methods:

* :meth:`PoolLinesView.selected_line_ids` — the ids of the lines the user has selected, in row order;
* :meth:`PoolLinesView.set_marked_line_ids` — flag lines with an icon and a tooltip (for example
  "changed since agreed"); pass an empty set to clear.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.ui.columns import ColumnFit
from jmg_desktop.ui.lines.frozen import FrozenColumn
from jmg_desktop.ui.lines.model import (
    COLUMN_CATEGORY,
    COLUMN_NOTE,
    COLUMN_SERVICE,
    COLUMN_STATUS,
    PoolLinesModel,
)
from jmg_desktop.ui.refusal import KeepsRefusedEditor
from jmg_desktop.ui.viewport import own_viewport

__all__ = ["LinesTable", "PoolLinesView"]


class LinesTable(KeepsRefusedEditor, QTableView):
    """A table that moves like a spreadsheet: Enter commits and moves down, F2 edits, Tab moves on;
    a refused entry keeps its editor open with the reason beside it (see :mod:`..refusal`)."""

    #: Asked to delete the selected lines (the Delete key).
    deleteRequested = Signal()
    #: The Service column kept in sight when scrolled sideways (set by the view).
    frozen: FrozenColumn | None = None

    def scrollTo(
        self,
        index: QModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        """Scroll to the cell, and out from under the frozen Service column; not while a click on
        that column's overlay selects a name (the table stays where the user scrolled it)."""
        frozen = self.frozen
        if frozen is not None and frozen.holding:
            return
        super().scrollTo(index, hint)
        if frozen is not None:
            frozen.uncover(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter moves down when not editing; Delete asks for the selected lines to go."""
        key = event.key()
        if (
            key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self._move_current(1 if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier else -1)
            return
        if event.matches(QKeySequence.StandardKey.Delete) or key == Qt.Key.Key_Delete:
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)

    def _after_close(self, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """After Enter commits an edit, move to the cell below, as a spreadsheet does."""
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self._move_current(1)

    def _move_current(self, step: int) -> None:
        """Move the current cell ``step`` rows down (up when negative), staying in the table."""
        model = self.model()
        current = self.currentIndex()
        if model is None or not current.isValid():
            return
        row = min(max(current.row() + step, 0), model.rowCount() - 1)
        self.setCurrentIndex(model.index(row, current.column()))


class PoolLinesView(QWidget):
    """The filter box and the lines table for the pool and year the model shows."""

    def __init__(self, model: PoolLinesModel | None = None, parent: QWidget | None = None) -> None:
        """The view over ``model`` (a new one when not given)."""
        super().__init__(parent)
        self.setObjectName("poolLinesView")
        self.model = model if model is not None else PoolLinesModel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("lineFilter")
        self.filter_edit.setPlaceholderText("Find in service, category or note…")
        self.filter_edit.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(200)  # filter once typing pauses, not at every key
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("lineCount")

        self.table = LinesTable(self)
        own_viewport(self.table)
        self.table.setObjectName("poolLinesTable")
        self.table.setModel(self.model)
        # No sort to begin with: the pool's own order. Clicking a header sorts (in the database).
        self.table.horizontalHeader().setSortIndicatorClearable(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setTabKeyNavigation(True)
        # Lines are reordered by dragging their row numbers (dragging across cells still
        # selects them, as in a spreadsheet); the header's own move is undone at once and the
        # model moves the line instead, as one undoable step.
        self.table.verticalHeader().setSectionsMovable(True)
        self.table.verticalHeader().sectionMoved.connect(self._row_header_moved)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(50)
        # Columns share the width by what they hold; the amount and partner code are never cut.
        # The scheme columns' longer texts give way too when shown (a hidden column takes no room).
        from jmg_desktop.ui.lines.model import ALL_TITLES

        scheme_text = {
            ALL_TITLES.index(title): 1.0
            for title in ("Scheme Type", "Sub-type", "Area of Spend", "Provider", "Funding Stream")
        }
        self.column_fit = ColumnFit(
            self.table,
            {COLUMN_SERVICE: 1.5, COLUMN_CATEGORY: 1.0, COLUMN_STATUS: 1.0, COLUMN_NOTE: 1.0, **scheme_text},
            column_floor_chars={COLUMN_SERVICE: 24},  # the line's name, when scheme columns crowd it
        )
        self.table.setAccessibleName("Pool lines")
        from jmg_desktop.ui.lines.delegates import LinesDelegate

        self.delegate = LinesDelegate(self.model, self.table)
        self.table.setItemDelegate(self.delegate)
        # Sideways by the pixel, so the frozen Service column can uncover a cell exactly.
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.frozen = FrozenColumn(self.table, COLUMN_SERVICE)
        self.model.message.connect(self._show_beside_cell)
        from jmg_desktop.ui.lines.scheme_columns import SchemeColumns

        #: Shows the BCF scheme columns when the pool uses them (View ▸ Scheme Columns).
        self.scheme_columns = SchemeColumns(self)
        #: The last message shown beside a cell (for tests and screen readers).
        self.last_message = ""

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)
        self._update_count()

    # -- the documented interface for other features -------------------------------------------

    def selected_line_ids(self) -> list[int]:
        """Ids of the lines with any selected cell (or the current cell), in row order."""
        rows = self.selected_rows()
        return [line for line in (self.model.line_id(row) for row in rows) if line >= 0]

    def set_marked_line_ids(self, line_ids: Iterable[int], tooltip: str = "") -> None:
        """Flag these lines with an icon and ``tooltip``; an empty set clears the flags."""
        self.model.set_marked_line_ids(line_ids, tooltip)

    # -- selection helpers ---------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        """Rows with any selected cell; the current row when nothing is selected."""
        selection = self.table.selectionModel()
        rows = sorted({index.row() for index in selection.selectedIndexes()}) if selection else []
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return rows

    def select_line_ids(self, line_ids: Iterable[int], column: int = 0) -> None:
        """Select the rows of these lines and make the first one's cell in ``column`` current."""
        rows = self.model.rows_for(list(line_ids))
        selection = self.table.selectionModel()
        if not rows or selection is None:
            return
        current = self.model.index(rows[0], column)
        selection.setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.clearSelection()
        for row in rows:
            selection.select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.table.scrollTo(current)

    def current_index(self) -> QModelIndex:
        """The current cell."""
        return self.table.currentIndex()

    def _row_header_moved(self, logical: int, old_visual: int, new_visual: int) -> None:
        """A row number was dragged from ``old_visual`` to ``new_visual``: move that line there."""
        header = self.table.verticalHeader()
        header.blockSignals(True)
        header.moveSection(new_visual, old_visual)  # the model, not the header, holds the order
        header.blockSignals(False)
        if not 0 <= logical < self.model.rowCount():
            return
        target = new_visual + 1 if new_visual > old_visual else new_visual
        self.move_rows_requested(self.model.line_id(logical), target)

    def move_rows_requested(self, line_id: int, target_row: int) -> None:
        """Hand a dragged line to the model's move handler (the window's line actions)."""
        handler = self.model.move_handler
        if handler is not None:
            handler([line_id], target_row)

    def _apply_filter(self) -> None:
        """Filter once typing has paused."""
        self.model.set_filter(self.filter_edit.text())

    def _show_beside_cell(self, text: str) -> None:
        """Show a refusal next to the current cell (the status bar shows it too)."""
        self.last_message = text
        index = self.table.currentIndex()
        if not index.isValid() or not self.isVisible():
            return
        rect = self.table.visualRect(index)
        QToolTip.showText(self.table.viewport().mapToGlobal(rect.bottomLeft()), text, self.table, rect, 6000)

    def _update_count(self) -> None:
        """Show how many lines are listed."""
        count = self.model.rowCount()
        self.count_label.setText(f"{count:,} line{'s' if count != 1 else ''}")
