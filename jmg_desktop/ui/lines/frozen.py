"""The Service column kept in sight when the lines table is scrolled sideways.

With the Better Care Fund scheme columns shown the table is wider than the window, and scrolling
right used to take every line's name off screen. Once the table is scrolled, a second view over the
same model and selection shows just the Service column, laid over the table's left edge (header
included) and scrolled up and down with it, like a spreadsheet's frozen first column.

The overlay only shows and selects: a click selects that cell in the table, a double-click scrolls
back and edits the name in the table itself (so every edit goes through the one editor, with its
refusals), and the wheel scrolls the table. Moving the cursor onto a column hidden under the
overlay scrolls that column out from under it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFrame, QHeaderView, QTableView

from jmg_desktop.ui.viewport import own_viewport

if TYPE_CHECKING:
    from jmg_desktop.ui.lines.view import LinesTable

__all__ = ["FrozenColumn"]


class FrozenColumn(QObject):
    """One column of ``table`` kept at its left edge while the table is scrolled sideways."""

    def __init__(self, table: LinesTable, column: int) -> None:
        """Freeze ``column`` of ``table`` (which must already have its model and delegate)."""
        super().__init__(table)
        self.table = table
        self.column = column
        #: True while a click in the overlay selects a cell: the table must not scroll to it.
        self.holding = False
        model = table.model()
        overlay = QTableView(table)
        own_viewport(overlay)
        overlay.setObjectName("frozenServiceColumn")
        overlay.setAccessibleName("Service names")
        overlay.setModel(model)
        overlay.setSelectionModel(table.selectionModel())
        overlay.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        overlay.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        overlay.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        overlay.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        overlay.setFrameShape(QFrame.Shape.NoFrame)
        overlay.verticalHeader().hide()
        overlay.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        overlay.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        overlay.horizontalHeader().setHighlightSections(False)
        overlay.horizontalHeader().setSectionsClickable(True)
        overlay.horizontalHeader().sectionClicked.connect(self._sort_clicked)
        overlay.setAlternatingRowColors(table.alternatingRowColors())
        overlay.setWordWrap(False)
        overlay.setShowGrid(table.showGrid())
        # A shadow on its right edge says the columns to its right run on beneath it.
        overlay.setStyleSheet("QTableView#frozenServiceColumn { border-right: 2px solid palette(mid); }")
        from jmg_desktop.ui.lines.delegates import LinesDelegate

        # Its own delegate (one per view, as Qt asks), so the cells are drawn as the table draws them.
        overlay.setItemDelegate(LinesDelegate(model, overlay))
        overlay.viewport().installEventFilter(self)
        overlay.hide()
        self.overlay = overlay

        table.horizontalScrollBar().valueChanged.connect(self.update)
        table.horizontalScrollBar().rangeChanged.connect(self.update)
        table.verticalScrollBar().valueChanged.connect(overlay.verticalScrollBar().setValue)
        table.horizontalHeader().sectionResized.connect(self.update)
        table.horizontalHeader().sortIndicatorChanged.connect(self._mirror_sort)
        table.verticalHeader().geometriesChanged.connect(self.update)
        model.modelReset.connect(self.update)
        model.layoutChanged.connect(self.update)
        model.columnsInserted.connect(self.update)
        table.installEventFilter(self)
        self.update()

    # -- keeping the overlay in place ----------------------------------------------------------

    def update(self, *_args: object) -> None:
        """Show the overlay when the table is scrolled sideways, sized and placed over its column."""
        table, overlay = self.table, self.overlay
        model = table.model()
        for column in range(model.columnCount()):
            overlay.setColumnHidden(column, column != self.column)
        scrolled = table.horizontalScrollBar().value() > 0 and not table.isColumnHidden(self.column)
        if not scrolled:
            overlay.hide()
            return
        width = table.columnWidth(self.column)
        overlay.setColumnWidth(self.column, width)
        header = table.horizontalHeader()
        overlay.horizontalHeader().setFixedHeight(header.height())
        left = table.frameWidth() + (
            table.verticalHeader().width() if table.verticalHeader().isVisible() else 0
        )
        overlay.setGeometry(left, table.frameWidth(), width + 2, header.height() + table.viewport().height())
        overlay.verticalScrollBar().setValue(table.verticalScrollBar().value())
        overlay.show()
        overlay.raise_()

    def uncover(self, index: QModelIndex) -> None:
        """Scroll the table so that the cell at ``index`` is not hidden under the overlay."""
        if not self.overlay.isVisible() or not index.isValid() or index.column() == self.column:
            return
        covered = self.overlay.width() - self.table.visualRect(index).left()
        if covered > 0:
            bar = self.table.horizontalScrollBar()
            bar.setValue(bar.value() - covered)

    def _mirror_sort(self, section: int, order: Qt.SortOrder) -> None:
        """Show the table's sort on the overlay's heading too."""
        header = self.overlay.horizontalHeader()
        header.setSortIndicatorShown(section == self.column)
        header.setSortIndicator(section, order)

    def _sort_clicked(self, section: int) -> None:
        """A click on the overlay's heading sorts the table, as one on the table's heading does."""
        header = self.table.horizontalHeader()
        ascending = Qt.SortOrder.AscendingOrder
        same = header.sortIndicatorSection() == section and header.sortIndicatorOrder() == ascending
        header.setSortIndicator(section, Qt.SortOrder.DescendingOrder if same else ascending)

    # -- what the user does over it ------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Place the overlay when the table resizes; hand clicks and the wheel on to the table."""
        kind = event.type()
        if watched is self.table:
            if kind in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LayoutRequest):
                self.update()
            return False
        if kind == QEvent.Type.Wheel:
            QApplication.sendEvent(self.table.viewport(), event)
            return True
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) and isinstance(
            event, QMouseEvent
        ):
            index = self.overlay.indexAt(event.position().toPoint())
            if index.isValid():
                if kind == QEvent.Type.MouseButtonDblClick:
                    self._edit(index)
                else:
                    self._select(index, event.modifiers())
            return True
        return kind in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease)

    def _select(self, index: QModelIndex, modifiers: Qt.KeyboardModifier) -> None:
        """Make ``index`` the table's current cell without scrolling the table back to it."""
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            flags = QItemSelectionModel.SelectionFlag.Toggle
        self.table.setFocus(Qt.FocusReason.MouseFocusReason)
        self.holding = True
        try:
            self.table.selectionModel().setCurrentIndex(index, flags)
        finally:
            self.holding = False

    def _edit(self, index: QModelIndex) -> None:
        """Edit the name in the table itself, scrolled back so its editor is in sight."""
        self.table.horizontalScrollBar().setValue(0)
        self.table.setFocus(Qt.FocusReason.MouseFocusReason)
        self.table.setCurrentIndex(index)
        self.table.edit(index)
