"""The Better Care Fund dialogs: Reference Lists (funding streams, scheme types, sub-types,
areas of spend, a tab each), Income by Stream and Minimum-Spend Conditions (for the pool and year
shown). Each table is edited in place; Add and Remove act on the tab shown; every change can be
undone with Edit ▸ Undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.ui.bcf.specs import SPECS
from jmg_desktop.ui.bcf.tables import BcfTable, BcfTableModel

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["TITLES", "BcfDialog"]

#: Each dialog's title and what it says first.
TITLES = {
    "lists": (
        "Better Care Fund Reference Lists",
        "The lists every pool's schemes draw on. Renaming a scheme type, sub-type or area of spend "
        "renames it on the lines and conditions that use it; an entry still in use cannot be removed.",
    ),
    "income": (
        "Better Care Fund Income by Stream",
        "The income into {pool} for {year}, by funding stream and the partner holding it.",
    ),
    "conditions": (
        "Better Care Fund Minimum-Spend Conditions",
        "The minimum-spend conditions of {pool} for {year}. ",
    ),
}


class BcfDialog(QDialog):
    """One of the BCF dialogs (``which`` is ``lists``, ``income`` or ``conditions``)."""

    def __init__(self, window: MainWindow, which: str, parent: QWidget | None = None) -> None:
        """The dialog over ``window``'s workspace (and the pool and year it shows)."""
        super().__init__(parent or window)
        self.setObjectName(f"bcf{which.title()}Dialog")
        title, intro = TITLES[which]
        self.setWindowTitle(title)
        self.models = [BcfTableModel(window, spec, self) for spec in SPECS[which]]
        self.tables = [BcfTable(model, self) for model in self.models]
        item = window.pool_list.currentItem()
        pool = item.text() if item is not None else ""
        year = FinancialYear(window.current_year()).label if window.current_year() >= 0 else ""
        extra = self.models[0].spec.intro
        self.intro = QLabel(
            intro.format(pool=f"“{pool}”", year=year)
            + extra
            + " Double-click a cell to change it; Edit ▸ Undo takes a change back.",
            self,
        )
        self.intro.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("bcfMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel#bcfMessage { color: #8a0010; }")
        for model in self.models:
            model.message.connect(self.message.setText)
        window.lines_model.message.connect(self.message.setText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        if len(self.tables) > 1:
            self.tabs: QTabWidget | None = QTabWidget(self)
            for table, model in zip(self.tables, self.models, strict=True):
                table.setObjectName(f"bcfTable_{model.spec.plural.replace(' ', '')}")
                self.tabs.addTab(table, model.spec.plural)
            self.tabs.currentChanged.connect(self._tab_changed)
            layout.addWidget(self.tabs, 1)
        else:
            self.tabs = None
            self.tables[0].setObjectName(f"bcfTable_{self.models[0].spec.plural.replace(' ', '')}")
            layout.addWidget(self.tables[0], 1)
        self.add_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        read_only = window.is_read_only() or (
            self.models[0].spec.pool_year and (window.current_pool_id() < 0 or window.current_year() < 0)
        )
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        window.undo_stack.indexChanged.connect(self._reload)
        self._tab_changed(0)
        self.resize(960, 440)

    def current(self) -> tuple[BcfTable, BcfTableModel]:
        """The table (and its model) shown."""
        index = self.tabs.currentIndex() if self.tabs is not None else 0
        return self.tables[index], self.models[index]

    def _tab_changed(self, _index: int) -> None:
        """The buttons name what they add and remove."""
        singular = self.current()[1].spec.singular
        self.add_button.setText(f"Add {singular}")
        self.remove_button.setText(f"Remove {singular}")
        self.message.clear()

    def _reload(self, *_signal_args: object) -> None:
        """After any change, undo or redo, show every table as it now is."""
        for model in self.models:
            model.reload()

    def _add(self) -> None:
        """Add a row and start editing its first cell."""
        table, model = self.current()
        if model.add_row():
            self.message.clear()
            index = model.index(model.rowCount() - 1, 0)
            table.setCurrentIndex(index)
            table.edit(index)

    def _remove(self) -> None:
        """Remove the current row (refused, with the reason, while something uses it)."""
        table, model = self.current()
        index = table.currentIndex()
        if index.isValid() and model.remove_row(index.row()):
            self.message.clear()
