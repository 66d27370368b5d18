"""The register as a Qt table model: one row per agreement, adapted from the store's summaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from jmg_desktop.core.agreements import STATUS_LABELS, Status, format_date
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.since_agreed import can_be_flagged
from jmg_desktop.store.agreements_repo import AgreementSummary

__all__ = ["COLUMNS", "SUMMARY_ROLE", "RegisterModel", "signed"]

COLUMNS: Final = (
    "Date",
    "Agreement",
    "Meeting",
    "Pool",
    "Year",
    "Status",
    "Waiting for",
    "Agreed",
    "Now",
    "Difference",
)
(
    COL_DATE,
    COL_TITLE,
    COL_MEETING,
    COL_POOL,
    COL_YEAR,
    COL_STATUS,
    COL_WAITING,
    COL_AGREED,
    COL_NOW,
    COL_DIFF,
) = range(len(COLUMNS))
#: Role holding the row's :class:`AgreementSummary`; the sort role gives sortable keys.
SUMMARY_ROLE: Final = Qt.ItemDataRole.UserRole + 1
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 2
_MONEY_COLUMNS = (COL_AGREED, COL_NOW, COL_DIFF)
_CLOSED = (Status.REJECTED, Status.SUPERSEDED)
_CHANGED_BRUSH = QBrush(QColor("#9a3a00"))
_CLOSED_BRUSH = QBrush(QColor("#777777"))

_Index = QModelIndex | QPersistentModelIndex


def signed(amount: Money) -> str:
    """A difference with its sign, to the penny: "+£46,000.00", "−£5,110,000.00", "£0.00"."""
    if amount.pence > 0:
        return "+" + amount.format_full()
    if amount.pence < 0:
        return "−" + (-amount).format_full()
    return amount.format_full()


class RegisterModel(QAbstractTableModel):
    """Agreements as rows; call :meth:`set_rows` with fresh summaries after any change."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AgreementSummary] = []

    def set_rows(self, rows: Sequence[AgreementSummary]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def summary(self, row: int) -> AgreementSummary:
        """The agreement shown in ``row``."""
        return self._rows[row]

    def row_of(self, agreement_id: int) -> int:
        """The row showing ``agreement_id``, or -1."""
        return next((i for i, s in enumerate(self._rows) if s.id == agreement_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Qt: one row per agreement."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Qt: the fixed columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Qt: column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(
                (Qt.AlignmentFlag.AlignRight if section in _MONEY_COLUMNS else Qt.AlignmentFlag.AlignLeft)
                | Qt.AlignmentFlag.AlignVCenter
            )
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt: the cell's text, sort key, colour, icon and tooltip."""
        if not index.isValid():
            return None
        summary = self._rows[index.row()]
        column = index.column()
        changed = summary.figures_changed
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(summary, column)
        if role == SORT_ROLE:
            return self._sort_key(summary, column)
        if role == SUMMARY_ROLE:
            return summary
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if summary.status in _CLOSED:
                return _CLOSED_BRUSH
            if changed and column in (COL_NOW, COL_DIFF):
                return _CHANGED_BRUSH
        if role == Qt.ItemDataRole.FontRole and changed and column == COL_DIFF:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and changed and column == COL_NOW:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(summary, column)
        return None

    @staticmethod
    def _text(summary: AgreementSummary, column: int) -> str:
        comparison = summary.comparison
        if column == COL_DATE:
            return format_date(summary.on)
        if column == COL_TITLE:
            return summary.title
        if column == COL_MEETING:
            return summary.meeting.body if summary.meeting else ""
        if column == COL_POOL:
            return summary.pool_name
        if column == COL_YEAR:
            return FinancialYear(summary.financial_year).label if summary.financial_year else ""
        if column == COL_STATUS:
            return summary.status_text
        if column == COL_WAITING:
            return summary.waiting_for or "—"
        if column == COL_AGREED:
            return comparison.agreed_total.format_m()
        if column == COL_NOW:
            return comparison.now_total.format_m()
        if column == COL_DIFF:
            if not can_be_flagged(summary.status):
                return "not checked"
            if summary.figures_changed:
                return signed(comparison.difference)
            if summary.lines_added:
                return f"{summary.lines_added} added"
            return "unchanged"
        return ""

    @staticmethod
    def _sort_key(summary: AgreementSummary, column: int) -> Any:
        if column == COL_DATE:
            return f"{summary.on.isoformat()}-{summary.id:09d}"
        if column in _MONEY_COLUMNS:
            comparison = summary.comparison
            return {
                COL_AGREED: comparison.agreed_total,
                COL_NOW: comparison.now_total,
                COL_DIFF: comparison.difference,
            }[column].pence
        if column == COL_YEAR:
            return summary.financial_year or 0
        return RegisterModel._text(summary, column).casefold()

    @staticmethod
    def _tooltip(summary: AgreementSummary, column: int) -> str | None:
        if column in (COL_NOW, COL_DIFF) and not can_be_flagged(summary.status):
            return f"{STATUS_LABELS[summary.status]}: its figures are no longer checked against the lines."
        if column in (COL_NOW, COL_DIFF) and (summary.figures_changed or summary.lines_added):
            parts = []
            if summary.figures_changed:
                count = len(summary.comparison.changed)
                parts.append(
                    f"{count} {'line has' if count == 1 else 'lines have'} changed since this was agreed"
                )
            if summary.lines_added:
                count = summary.lines_added
                parts.append(f"{count} {'line was' if count == 1 else 'lines were'} added since")
            return "; ".join(parts) + "; open it to see agreed against now."
        if column == COL_MEETING and summary.meeting:
            reference = f" ({summary.meeting.reference})" if summary.meeting.reference else ""
            return summary.meeting.label + reference
        if column == COL_TITLE:
            return summary.title
        return None
