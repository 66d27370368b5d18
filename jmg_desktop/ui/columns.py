"""Table columns that share the width by content, and the full text of a cut cell in its tooltip.

Qt offers a column that stretches and columns sized to their contents, but not both at once: on a
1366-pixel laptop either the stretched column eats the room (the note reads "Draft budget for
200…") or the table scrolls sideways. :class:`ColumnFit` gives every column the width its header
and visible cells want when the table has room; when it has not, the columns named *flexible*
give way, the shortest keeping their full width and the longest sharing what is left evenly. A
cell that is still cut shows its full text in its tooltip (:func:`full_text_tooltip`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QToolTip,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

__all__ = [
    "ColumnFit",
    "FullTextDelegate",
    "cell_is_elided",
    "cell_tooltip",
    "full_text_tooltip",
    "install_full_text_tooltips",
    "share_widths",
]

_Index = QModelIndex | QPersistentModelIndex


def share_widths(
    wants: Sequence[int], weights: Sequence[float], room: int, floors: Sequence[int]
) -> list[int]:
    """Widths for columns that want ``wants`` pixels in ``room`` pixels.

    A weight of 0 marks a fixed column: it always gets what it wants. With room to spare, the
    flexible columns (weight > 0) share the spare in proportion to what they want; short of room,
    each gets the lesser of what it wants and ``cap × weight``, the cap chosen as large as will
    fit, but never less than its ``floors`` entry (or what it wants, when that is less): the table scrolls
    rather than cut a column to nothing.
    """
    widths = list(wants)
    flex = [i for i, weight in enumerate(weights) if weight > 0]
    if not flex:
        return widths
    left = room - sum(w for i, w in enumerate(wants) if weights[i] <= 0)
    wanted = sum(wants[i] for i in flex)
    if wanted <= left:
        spare = left - wanted
        for i in flex:
            widths[i] += spare * wants[i] // max(wanted, 1)
        widths[flex[-1]] += left - sum(widths[i] for i in flex)  # the pixels integer shares lost
        return widths

    def used(cap: float) -> int:
        return sum(min(wants[i], max(int(cap * weights[i]), floors[i])) for i in flex)

    low, high = 0.0, max(wants[i] / weights[i] for i in flex)
    for _ in range(40):  # bisection: exact to well under a pixel
        middle = (low + high) / 2
        low, high = (middle, high) if used(middle) <= left else (low, middle)
    for i in flex:
        widths[i] = min(wants[i], max(int(low * weights[i]), floors[i]))
    return widths


class ColumnFit(QObject):
    """Keeps a table's columns sized by content within its width; see the module docstring.

    ``flexible`` maps the columns that may give way (text) to their weight (the more important,
    the larger); the others keep their content width (amounts, dates, short codes). The fit is
    redone when the table is resized or its rows change.
    """

    def __init__(
        self,
        table: QTableView,
        flexible: Mapping[int, float],
        *,
        floor_chars: int = 10,
        column_floor_chars: Mapping[int, int] | None = None,
    ) -> None:
        """Fit ``table``'s columns from now on; ``column_floor_chars`` gives some columns a wider
        floor than ``floor_chars`` (the column that names a row, when many columns share the room)."""
        super().__init__(table)
        self._table = table
        self._flexible = dict(flexible)
        self._floor_chars = floor_chars
        self._column_floor_chars = dict(column_floor_chars or {})
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.verticalHeader().setResizeContentsPrecision(0)  # visible rows only: big pools stay quick
        header.setResizeContentsPrecision(0)
        table.viewport().installEventFilter(self)
        self._model = None
        self._connect_model()

    def _connect_model(self) -> None:
        """Refit when the rows change (any model the table is given)."""
        model = self._table.model()
        if model is None or model is self._model:
            return
        self._model = model
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.dataChanged):
            signal.connect(self.schedule)

    def schedule(self, *_signal_args: object) -> None:
        """Fit once control returns to the event loop (many changes, one fit)."""
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Refit when the viewport is resized or first shown."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.schedule()
        return False

    def _cell_widths(self, column: int) -> list[int]:
        """The widths the visible non-empty cells of ``column`` ask for."""
        table = self._table
        model = table.model()
        viewport = table.viewport().rect()
        first = max(table.rowAt(viewport.top()), 0)
        last = table.rowAt(viewport.bottom())
        last = model.rowCount() - 1 if last < 0 else last
        if last < first:
            return []
        # QStyle and its options are imported when first used: naming them builds 19 Python enums,
        # which the window need not pay before it is first shown (it has no cells then).
        from PySide6.QtWidgets import QStyleOptionViewItem

        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        out = []
        for row in range(first, last + 1):
            index = model.index(row, column)
            if index.data(Qt.ItemDataRole.DisplayRole) in (None, ""):
                continue
            out.append(table.itemDelegateForIndex(index).sizeHint(option, index).width() + 1)
        return out

    def wants(self) -> tuple[list[int], list[int]]:
        """What each column wants in full (its heading or widest visible cell) and what it needs
        for most of its cells to show whole (three in four)."""
        table, header = self._table, self._table.horizontalHeader()
        model = table.model()
        count = model.columnCount() if model is not None else 0
        full, typical = [], []
        for column in range(count):
            if table.isColumnHidden(column):  # a hidden column takes no room
                full.append(0)
                typical.append(0)
                continue
            heading = header.sectionSizeFromContents(column).width()
            cells = (
                sorted(self._cell_widths(column))
                if model.rowCount() and not table.isColumnHidden(column)
                else []
            )
            full.append(max([heading, *cells]))
            typical.append(max(heading, cells[-(-len(cells) * 3 // 4) - 1] if cells else 0))
        return full, typical

    def fit(self) -> None:
        """Size the columns to the table's present width."""
        self._connect_model()
        table = self._table
        model = table.model()
        if model is None or not table.isVisible():
            return
        wants, typical = self.wants()
        header = table.horizontalHeader()
        weights = [
            0.0 if header.isSectionHidden(c) else self._flexible.get(c, 0.0) for c in range(len(wants))
        ]
        char = QFontMetrics(table.font()).averageCharWidth()
        # Never narrower than the heading: a column must say what it is.
        floors = [
            max(
                char * self._column_floor_chars.get(c, self._floor_chars),
                header.sectionSizeFromContents(c).width(),
            )
            for c in range(len(wants))
        ]
        room = table.viewport().width()
        # Where the room allows, most cells of every column show whole before any column gets
        # more (one long note must not leave the others cut).
        common = [
            max(f, t) if weights[c] > 0 else wants[c]
            for c, (f, t) in enumerate(zip(floors, typical, strict=True))
        ]
        if sum(common) <= room:
            floors = common
        for column, width in enumerate(share_widths(wants, weights, room, floors)):
            if not header.isSectionHidden(column):
                header.resizeSection(column, width)


def _option(view: QAbstractItemView, index: _Index) -> QStyleOptionViewItem:
    """The style option the view paints ``index`` with."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.rect = view.visualRect(index)
    delegate = view.itemDelegateForIndex(index)
    if isinstance(delegate, QStyledItemDelegate):
        delegate.initStyleOption(option, index)
    return option


def cell_is_elided(view: QAbstractItemView, index: _Index) -> bool:
    """True when ``index``'s text is wider than the room its cell gives it (Qt draws "…")."""
    text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
    if not text:
        return False
    from PySide6.QtWidgets import QStyle

    option = _option(view, index)
    style = view.style()
    room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    return QFontMetrics(option.font).horizontalAdvance(text) + margin > room.width()


def cell_tooltip(view: QAbstractItemView, index: _Index) -> str | None:
    """The tooltip a cell shows: its own, led by its full text when the cell cuts it."""
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    tip = str(tip) if tip else ""
    if cell_is_elided(view, index):
        text = str(index.data(Qt.ItemDataRole.DisplayRole))
        tip = text if not tip or tip == text else (tip if tip.startswith(text) else f"{text}\n{tip}")
    return tip or None


def full_text_tooltip(view: QAbstractItemView | None, event: QHelpEvent, index: _Index) -> bool:
    """Show :func:`cell_tooltip` for a tooltip event; True when it was handled."""
    if view is None or event.type() != QEvent.Type.ToolTip or not index.isValid():
        return False
    tip = cell_tooltip(view, index)
    if tip:
        QToolTip.showText(event.globalPos(), tip, view, view.visualRect(index))
    else:
        QToolTip.hideText()
    return True


class FullTextDelegate(QStyledItemDelegate):
    """The standard delegate, with the full text of a cut cell in its tooltip."""

    #: Delegates that lead a cut cell's tooltip with its full text say so (tests rely on it).
    shows_full_text = True

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: _Index
    ) -> bool:
        """Tooltips name the full text of a cut cell."""
        if full_text_tooltip(view, event, index):
            return True
        return super().helpEvent(event, view, option, index)


def install_full_text_tooltips(view: QAbstractItemView, parent: QWidget | None = None) -> FullTextDelegate:
    """Give ``view`` the :class:`FullTextDelegate`; return it."""
    delegate = FullTextDelegate(parent or view)
    view.setItemDelegate(delegate)
    return delegate
