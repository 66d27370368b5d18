"""The Better Care Fund scheme columns of the lines table: hidden until the pool uses them.

A pool and year "uses" them when any of its lines carries scheme data; the user can also turn
them on or off from View ▸ Scheme Columns or the column headings' context menu, and that choice
is kept for the pool and year while the window is open. The columns' cell editors offer the
reference lists (:func:`scheme_choices`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from jmg_desktop.ui.lines.model import ALL_FIELDS, ALL_TITLES, COLUMN_SCHEME_FIRST, PoolLinesModel

if TYPE_CHECKING:
    from jmg_desktop.ui.lines.view import PoolLinesView

__all__ = ["SCHEME_COLUMNS", "SchemeColumns", "scheme_choices"]

#: The scheme columns' places in the model.
SCHEME_COLUMNS = tuple(range(COLUMN_SCHEME_FIRST, len(ALL_TITLES)))


def scheme_choices(model: PoolLinesModel, index: QModelIndex | QPersistentModelIndex) -> list[str] | None:
    """The entries a scheme cell's list offers (an empty first entry clears the cell), or None for
    a column typed as free text (scheme ID, provider, the shares)."""
    from jmg_desktop.core.bcf import COMMISSIONERS, NEW_OR_EXISTING  # not needed at start-up

    lists = model.scheme_lists
    field = ALL_FIELDS[index.column()]
    current = str(index.data(Qt.ItemDataRole.EditRole) or "")
    if field == "scheme_type":
        entries = list(lists.scheme_types)
    elif field == "scheme_subtype":
        scheme_type = str(model.index(index.row(), ALL_FIELDS.index("scheme_type")).data() or "")
        entries = list(lists.subtypes_of(scheme_type))
    elif field == "area_of_spend":
        entries = list(lists.areas)
    elif field == "commissioner":
        entries = list(COMMISSIONERS.values())
    elif field == "funding_stream_id":
        entries = [name for _id, name in lists.streams]
    elif field == "new_or_existing":
        entries = list(NEW_OR_EXISTING.values())
    else:
        return None
    # A value imported before its list entry existed stays pickable, so opening the editor and
    # leaving it changes nothing.
    if current and current.casefold() not in {entry.casefold() for entry in entries}:
        entries.append(current)
    return ["", *entries]


class SchemeColumns(QObject):
    """Shows or hides the scheme columns of one lines view, and the action that toggles them."""

    def __init__(self, view: PoolLinesView, parent: QObject | None = None) -> None:
        """Control ``view``'s scheme columns; they start hidden."""
        super().__init__(parent or view)
        self._view = view
        self._model = view.model
        #: The user's own choice per (pool, year), over whether the pool uses the columns.
        self._chosen: dict[tuple[int, int], bool] = {}
        self.action = QAction("&Scheme Columns", self)
        self.action.setObjectName("actionSchemeColumns")
        self.action.setCheckable(True)
        self.action.setStatusTip(
            "Show the Better Care Fund scheme columns: scheme ID, type, area of spend, commissioner, "
            "provider, funding stream"
        )
        self.action.toggled.connect(self._toggled)
        header = view.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self._model.modelReset.connect(self.refresh)
        self._apply(False)

    @property
    def shown(self) -> bool:
        """Whether the scheme columns are shown now."""
        return not self._view.table.isColumnHidden(COLUMN_SCHEME_FIRST)

    def refresh(self) -> None:
        """Show the columns when the pool and year shown use them (or the user chose so)."""
        key = (self._model.pool_id, self._model.financial_year)
        wanted = self._chosen.get(key)
        if wanted is None:
            wanted = self._uses_schemes()
        self._apply(wanted)

    def set_shown(self, shown: bool) -> None:
        """Show or hide the columns for the pool and year shown, as the user chose."""
        self._chosen[(self._model.pool_id, self._model.financial_year)] = shown
        self._apply(shown)

    def _uses_schemes(self) -> bool:
        """Whether any line of the pool and year carries scheme data."""
        workspace = self._model.workspace
        if workspace is None or self._model.pool_id < 0 or self._model.financial_year < 0:
            return False
        from jmg_desktop.store.reads.lines import pool_uses_schemes

        with workspace.reads() as rows:
            return pool_uses_schemes(rows, self._model.pool_id, self._model.financial_year)

    def _apply(self, shown: bool) -> None:
        """Hide or show every scheme column, keep the action's tick in step, and refit."""
        table = self._view.table
        changed = False
        for column in SCHEME_COLUMNS:
            if table.isColumnHidden(column) == shown:
                table.setColumnHidden(column, not shown)
                changed = True
        self.action.blockSignals(True)
        self.action.setChecked(shown)
        self.action.blockSignals(False)
        if changed:
            self._view.column_fit.schedule()
            if shown:  # a user who turned them on wants to see them: bring the first into view
                QTimer.singleShot(0, self._scroll_to_first)

    def _scroll_to_first(self) -> None:
        """Scroll so the first scheme column is in view (the table may be wider than the screen)."""
        table = self._view.table
        if self.shown and self._model.rowCount():
            row = max(table.currentIndex().row(), 0)
            table.scrollTo(self._model.index(row, COLUMN_SCHEME_FIRST))

    def _toggled(self, checked: bool) -> None:
        """The View menu's tick was changed by the user."""
        self.set_shown(checked)

    def _header_menu(self, position: QPoint) -> None:
        """The column headings' context menu: show or hide the scheme columns."""
        menu = QMenu(self._view.table)
        menu.setObjectName("linesHeaderMenu")
        menu.addAction(self.action)
        menu.exec(self._view.table.horizontalHeader().mapToGlobal(position))
        menu.deleteLater()
