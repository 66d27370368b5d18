"""Accept Differences: asked when Export PDF or Make Final meets a stated total that differs from
the lines.

The dialog lists each figure as published beside the figure from the lines and the difference, to
the penny, and says what accepting does: it is recorded in the audit trail under the user's name,
the paper prints a footnote under each figure, and Edit ▸ Undo withdraws it. Cancel is the default
button, so Enter never accepts by accident. Opened window-modal without blocking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.papers.service import Difference

__all__ = ["AcceptDifferencesDialog"]

_FIGURES: Final = {
    ("current", "pool"): "Current value",
    ("current", "with_linked"): "Current value, including linked pools",
    ("new", "pool"): "New value",
    ("new", "with_linked"): "New value, including linked pools",
}
_COLUMNS: Final = ("Figure", "Published", "From the lines", "Difference")


def _signed(difference: Difference) -> str:
    """The difference with its sign: ``-£1,646,000.00`` or ``+£12.00``."""
    money = difference.comparison.difference
    return f"{'+' if money.pence > 0 else ''}{money.format_full()}"


class AcceptDifferencesDialog(QDialog):
    """Asks whether to accept the differences shown and go on (``verb``: "Accept and Export…")."""

    def __init__(
        self,
        differences: Sequence[Difference],
        *,
        verb: str,
        going_on: str,
        person: str,
        parent: QWidget | None = None,
    ) -> None:
        """``going_on`` says what happens next ("then choose where to write the PDF")."""
        super().__init__(parent)
        self.setObjectName("acceptDifferencesDialog")
        self.setWindowTitle("Accept Differences")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.differences = list(differences)
        count = len(self.differences)
        intro = QLabel(
            f"{'A stated total differs' if count == 1 else f'{count} stated totals differ'} from the figures "
            "computed from the lines. The paper prints the figures from the lines.",
            self,
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(count, len(_COLUMNS), self)
        self.table.setObjectName("acceptDifferencesTable")
        self.table.setAccessibleName("Differences to accept")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons, as in any form
        for row, difference in enumerate(self.differences):
            stated = difference.comparison.stated
            cells = (
                _FIGURES.get((stated.basis, stated.scope), stated.basis),
                stated.amount.format_full(),
                difference.comparison.computed.format_full(),
                _signed(difference),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        # Wide and tall enough to show every figure on one line with no scroll bar, at any scale.
        columns_width = sum(self.table.columnWidth(column) for column in range(len(_COLUMNS)))
        self.table.setMinimumWidth(columns_width + 2 * self.table.frameWidth() + 24)
        rows_height = sum(self.table.rowHeight(row) for row in range(count))
        self.table.setFixedHeight(rows_height + header.sizeHint().height() + 2 * self.table.frameWidth() + 2)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.explanation = QLabel(
            f"Accepting records in the audit trail that {person} accepted these figures today, and the paper "
            "prints a footnote under each figure giving the published figure, the one from the lines and the "
            "difference. Edit ▸ Undo withdraws it. If the lines or a stated total change afterwards, you "
            f"will be asked again. Accepting does not change the figures; {going_on}.",
            self,
        )
        self.explanation.setObjectName("acceptDifferencesExplanation")
        self.explanation.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.go = buttons.addButton(verb, QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setObjectName("acceptDifferencesGo")
        self.go.setAutoDefault(False)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # Enter does not accept: the user must choose to
        self._cancel = cancel
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # The wrapped sentences get the height they need at any scale (else 150 % cuts them off).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.explanation)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        """Start on Cancel (the default), so the first key pressed never accepts."""
        super().showEvent(event)
        self._cancel.setFocus()
        # The wrapped sentences know their height only once the width is known: fit to it.
        self.resize(self.width(), max(self.height(), self.layout().totalHeightForWidth(self.width())))
