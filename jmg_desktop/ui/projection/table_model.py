"""A Qt table model over a :class:`~jmg_desktop.core.projection.Projection`: years across, and
partners, categories or lines down, with a total row. It adapts the projection; it owns nothing."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import Projection

__all__ = ["GroupBy", "ProjectionTableModel"]

_Index = QModelIndex | QPersistentModelIndex


class GroupBy(Enum):
    """What the table's rows are."""

    PARTNERS = "Partners"
    CATEGORIES = "Categories"
    LINES = "Lines"


class ProjectionTableModel(QAbstractTableModel):
    """Rows of (label, amounts per year) plus a total; figures £m to three decimals, exact in tooltips."""

    def __init__(self, parent: object = None) -> None:
        """An empty model; call set_projection to fill it."""
        super().__init__(parent)  # type: ignore[arg-type]
        self._years: list[str] = []
        self._rows: list[tuple[str, tuple[Money, ...]]] = []
        self._total: tuple[Money, ...] = ()
        self._group_by = GroupBy.PARTNERS
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def group_by(self) -> GroupBy:
        """What the rows currently are."""
        return self._group_by

    def set_projection(self, projection: Projection | None, group_by: GroupBy, include_linked: bool) -> None:
        """Show ``projection`` grouped as asked (None clears the table)."""
        self.beginResetModel()
        self._group_by = group_by
        if projection is None:
            self._years, self._rows, self._total = [], [], ()
        else:
            self._years = [year.label for year in projection.years]
            if group_by is GroupBy.PARTNERS:
                self._rows = list(projection.totals_by_partner(include_linked).items())
            elif group_by is GroupBy.CATEGORIES:
                self._rows = [
                    (name or "(no category)", amounts)
                    for name, amounts in projection.totals_by_category(include_linked).items()
                ]
            else:
                self._rows = [
                    (
                        f"{line.service} — {line.partner}" + (f" [{line.pool}]" if line.linked else ""),
                        tuple(Money(p) for p in line.pence),
                    )
                    for line in projection.lines
                    if include_linked or not line.linked
                ]
            self._total = projection.pool_totals(include_linked)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Rows, and one for the total."""
        return 0 if parent.isValid() or not self._years else len(self._rows) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """The label column and one per year."""
        return 0 if parent.isValid() or not self._years else len(self._years) + 1

    def _row(self, row: int) -> tuple[str, tuple[Money, ...]]:
        """A row's label and amounts; the row after the last is the total."""
        return self._rows[row] if row < len(self._rows) else ("Total", self._total)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Labels and amounts; the exact amount as a tooltip; the total row bold."""
        if not index.isValid():
            return None
        label, amounts = self._row(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return label if column == 0 else amounts[column - 1].format_m()
        if role == Qt.ItemDataRole.ToolTipRole and column > 0:
            return f"{label}, {self._years[column - 1]}: {amounts[column - 1].format_full()}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows):
            return self._bold
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Year labels across the top."""
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 0:
            return {GroupBy.PARTNERS: "Partner", GroupBy.CATEGORIES: "Category", GroupBy.LINES: "Line"}[
                self._group_by
            ]
        return self._years[section - 1] if section - 1 < len(self._years) else None

    def amount(self, row: int, column: int) -> Money:
        """The exact amount behind a cell (for tests and exports)."""
        return self._row(row)[1][column - 1]
