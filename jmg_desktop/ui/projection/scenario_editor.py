"""The scenario editor: name, the three rates, proposals treated as approved, overrides, adjustments.

The dialog only gathers text; :meth:`ScenarioEditor.scenario` turns it into a core
:class:`~jmg_desktop.core.scenario.Scenario` or explains, in one sentence, what is wrong. Saving is
the caller's business (one transaction, audited).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.financial_year import FinancialYear, FinancialYearError
from jmg_desktop.core.money import Money, MoneyError
from jmg_desktop.core.scenario import (
    RATE_NAMES,
    Adjustment,
    RateOverride,
    Scenario,
    ScenarioError,
    format_percent,
    parse_percent,
)

__all__ = ["ScenarioEditor"]

_RATE_TITLES = {"inflation": "Inflation", "growth": "Growth", "savings": "Savings"}
_ANY = "(any)"
_HOST = "(default)"
_OVERRIDE_COLUMNS = ("Rate", "Category", "Year", "Rate %")
_ADJUSTMENT_COLUMNS = (
    "Applies to",
    "Service or category",
    "Partner",
    "Pool",
    "From year",
    "Amount",
    "Kind",
    "Label",
)


def _combo(items: Sequence[str], current: str | None, editable: bool = False) -> QComboBox:
    """A combo box with ``current`` chosen (or typed, when editable)."""
    box = QComboBox()
    box.setEditable(editable)
    box.addItems(list(items))
    if current is not None:
        index = box.findText(current)
        if index >= 0:
            box.setCurrentIndex(index)
        elif editable:
            box.setEditText(current)
    return box


class ScenarioEditor(QDialog):
    """Edit (or create) one scenario; :meth:`scenario` gives the result once accepted."""

    def __init__(
        self,
        scenario: Scenario | None,
        references: dict[str, list[str]],
        parent: QWidget | None = None,
    ) -> None:
        """Fill the fields from ``scenario`` (a new scenario when None)."""
        super().__init__(parent)
        self.setObjectName("scenarioEditor")
        self.setWindowTitle("Edit Scenario" if scenario else "New Scenario")
        self._references = references
        self._result: Scenario | None = None
        base = scenario or Scenario("New scenario", additions_approved=True, removals_approved=True)

        self.name_edit = QLineEdit(base.name)
        self.name_edit.setObjectName("scenarioName")
        self.description_edit = QPlainTextEdit(base.description)
        self.description_edit.setFixedHeight(60)
        self.rate_edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Description", self.description_edit)
        for name, label in (("inflation", "&Inflation %"), ("growth", "Demographic &growth %"),
                            ("savings", "Efficiency &savings %")):  # fmt: skip
            edit = QLineEdit(format_percent(getattr(base, name)).removesuffix("%"))
            edit.setObjectName(f"{name}Edit")
            edit.setToolTip("A yearly rate in percent, like 2.5; negative savings add to the budget.")
            self.rate_edits[name] = edit
            form.addRow(label, edit)
        self.additions_box = QCheckBox("Treat proposed &additions as approved")
        self.additions_box.setChecked(base.additions_approved)
        self.removals_box = QCheckBox("Treat proposed &removals as approved")
        self.removals_box.setChecked(base.removals_approved)
        form.addRow(self.additions_box)
        form.addRow(self.removals_box)

        self.overrides = self._table(_OVERRIDE_COLUMNS, "scenarioOverrides")
        for override in base.overrides:
            self._add_override(override)
        self.adjustments = self._table(_ADJUSTMENT_COLUMNS, "scenarioAdjustments")
        self.adjustments.horizontalHeaderItem(2).setToolTip(
            "For a category: the partner who pays (by default the pool's host). "
            "For a line: only that partner's line with the service named (by default any partner's)."
        )
        # Room for a service name and a partner's full name; the label takes what is left.
        for column, width in enumerate((100, 300, 230, 160, 90, 130, 110)):
            self.adjustments.setColumnWidth(column, width)
        for column, width in enumerate((120, 220, 90)):
            self.overrides.setColumnWidth(column, width)
        for adjustment in base.adjustments:
            self._add_adjustment(adjustment)

        self.error_label = QLabel()
        self.error_label.setObjectName("scenarioError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020; font-weight: bold;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._group("Overrides (most specific wins: category and year, category, year)",
                                     self.overrides, self._add_override))  # fmt: skip
        layout.addWidget(self._group("Adjustments (added from a year, to a line or a category)",
                                     self.adjustments, self._add_adjustment))  # fmt: skip
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(1340, 680)

    # -- building ---------------------------------------------------------------------------------

    def _table(self, columns: Sequence[str], name: str) -> QTableWidget:
        """An empty table with the given column titles."""
        table = QTableWidget(0, len(columns))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(list(columns))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        return table

    def _group(self, title: str, table: QTableWidget, add: object) -> QGroupBox:
        """A titled box holding a table and its Add and Remove buttons."""
        box = QGroupBox(title)
        add_button = QPushButton("Add")
        remove_button = QPushButton("Remove")
        add_button.clicked.connect(lambda: add())  # type: ignore[operator]
        remove_button.clicked.connect(
            lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None
        )
        buttons = QHBoxLayout()
        buttons.addWidget(add_button)
        buttons.addWidget(remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(table)
        layout.addLayout(buttons)
        return box

    def _add_override(self, override: RateOverride | None = None) -> None:
        """Append an override row (blank, or filled from ``override``)."""
        table = self.overrides
        row = table.rowCount()
        table.insertRow(row)
        rate = _RATE_TITLES[override.rate] if override else "Inflation"
        table.setCellWidget(row, 0, _combo(list(_RATE_TITLES.values()), rate))
        category = override.category if override and override.category else _ANY
        table.setCellWidget(row, 1, _combo([_ANY, *self._references.get("categories", [])], category))
        year = override.year.label if override and override.year else ""
        table.setItem(row, 2, QTableWidgetItem(year))
        value = format_percent(override.value).removesuffix("%") if override else ""
        table.setItem(row, 3, QTableWidgetItem(value))

    def _add_adjustment(self, adjustment: Adjustment | None = None) -> None:
        """Append an adjustment row (blank, or filled from ``adjustment``)."""
        table = self.adjustments
        row = table.rowCount()
        table.insertRow(row)
        kind = "Category" if adjustment and adjustment.category is not None else "Line"
        table.setCellWidget(row, 0, _combo(["Line", "Category"], kind))
        target = (adjustment.service or adjustment.category) if adjustment else ""
        choices = sorted({*self._references.get("services", []), *self._references.get("categories", [])})
        table.setCellWidget(row, 1, _combo(choices, target or "", editable=True))
        partner = adjustment.partner if adjustment and adjustment.partner else _HOST
        table.setCellWidget(row, 2, _combo([_HOST, *self._references.get("partners", [])], partner))
        pool = adjustment.pool if adjustment and adjustment.pool else _ANY
        table.setCellWidget(row, 3, _combo([_ANY, *self._references.get("pools", [])], pool))
        table.setItem(row, 4, QTableWidgetItem(adjustment.from_year.label if adjustment else ""))
        table.setItem(row, 5, QTableWidgetItem(adjustment.amount.format_full() if adjustment else ""))
        recurrent = "Recurrent" if adjustment is None or adjustment.recurrent else "One-off"
        table.setCellWidget(row, 6, _combo(["Recurrent", "One-off"], recurrent))
        table.setItem(row, 7, QTableWidgetItem(adjustment.label if adjustment else ""))

    # -- reading ----------------------------------------------------------------------------------

    def _text(self, table: QTableWidget, row: int, column: int) -> str:
        """A cell's text, whether it holds a combo box or an item."""
        widget = table.cellWidget(row, column)
        if isinstance(widget, QComboBox):
            return widget.currentText().strip()
        item = table.item(row, column)
        return item.text().strip() if item is not None else ""

    def build(self) -> Scenario:
        """The scenario the fields describe; raises ValueError (with a user message) if any is wrong."""
        rates = {
            name: parse_percent(edit.text(), _RATE_TITLES[name]) for name, edit in self.rate_edits.items()
        }
        overrides = []
        for row in range(self.overrides.rowCount()):
            where = f"Override {row + 1}"
            rate_title = self._text(self.overrides, row, 0)
            rate = next(name for name in RATE_NAMES if _RATE_TITLES[name] == rate_title)
            category = self._text(self.overrides, row, 1)
            year_text = self._text(self.overrides, row, 2)
            overrides.append(
                RateOverride(
                    rate=rate,
                    value=parse_percent(self._text(self.overrides, row, 3), f"{where}'s rate"),
                    category=None if category in ("", _ANY) else category,
                    year=FinancialYear.parse(year_text) if year_text else None,
                )
            )
        adjustments = []
        for row in range(self.adjustments.rowCount()):
            where = f"Adjustment {row + 1}"
            target = self._text(self.adjustments, row, 1)
            if not target:
                raise ScenarioError(f"{where} needs a service or a category.")
            is_category = self._text(self.adjustments, row, 0) == "Category"
            partner = self._text(self.adjustments, row, 2)
            pool = self._text(self.adjustments, row, 3)
            year_text = self._text(self.adjustments, row, 4)
            if not year_text:
                raise ScenarioError(f"{where} needs the year it starts, like 2011/12.")
            adjustments.append(
                Adjustment(
                    amount=Money.parse(self._text(self.adjustments, row, 5)),
                    from_year=FinancialYear.parse(year_text),
                    recurrent=self._text(self.adjustments, row, 6) == "Recurrent",
                    service=None if is_category else target,
                    category=target if is_category else None,
                    partner=None if partner == _HOST else partner,
                    label=self._text(self.adjustments, row, 7),
                    pool=None if pool == _ANY else pool,
                )
            )
        return Scenario(
            name=self.name_edit.text().strip(),
            description=self.description_edit.toPlainText().strip(),
            inflation=rates["inflation"],
            growth=rates["growth"],
            savings=rates["savings"],
            overrides=tuple(overrides),
            additions_approved=self.additions_box.isChecked(),
            removals_approved=self.removals_box.isChecked(),
            adjustments=tuple(adjustments),
        )

    def accept(self) -> None:
        """Close only when every field makes sense; otherwise say what is wrong and stay open."""
        try:
            self._result = self.build()
        except (ScenarioError, MoneyError, FinancialYearError) as error:
            self.error_label.setText(str(error))
            return
        super().accept()

    def scenario(self) -> Scenario | None:
        """The accepted scenario (None until accepted)."""
        return self._result
