"""File ▸ Import Lines…: the mapping dialog.

The user chooses the sheet, checks the header row found by name, changes any column's mapping,
sees a preview of the lines and every refused cell (sheet row, column, reason), and only then
imports — as one command on the undo stack, audited like any edit. Nothing is written before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.interchange.bcf_fields import SCHEME_FIELDS, SCHEME_SYNONYMS, scheme_readers
from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.headings import FIELD_NAMES, auto_map, unit_of
from jmg_desktop.interchange.import_lines import import_command
from jmg_desktop.interchange.mapping import Defaults, ImportPlan, find_header, headings_of, plan_import
from jmg_desktop.interchange.sources import Source
from jmg_desktop.interchange.table import SheetData, column_letter

if TYPE_CHECKING:
    from jmg_desktop.store.lines_repo import References
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["ImportLinesDialog"]

_NOT_IMPORTED: Final = "— not imported —"
_PREVIEW_ROWS: Final = 200
_REFUSALS_SHOWN: Final = 2000
_RED: Final = QColor("#b00020")


class ImportLinesDialog(QDialog):
    """The mapping dialog for one file, into the window's selected pool and year."""

    def __init__(
        self,
        window: MainWindow,
        source: Source,
        refs: References,
        defaults: Defaults,
        streams: dict[str, int],
    ) -> None:
        """A dialog over an opened ``source``; :meth:`plan` is recomputed on every change."""
        super().__init__(window)
        self.setObjectName("importLinesDialog")
        self.setWindowTitle(f"Import Lines from {source.path.name}")
        self._window = window
        self._source = source
        self._refs = refs
        self._defaults = defaults
        self._readers = scheme_readers(streams)
        self.plan: ImportPlan | None = None
        self._sheet: SheetData | None = None
        self._fields = {**FIELD_NAMES, **SCHEME_FIELDS}

        self.target = QLabel(f"Into <b>{defaults.pool_name}</b>, {defaults.year.label}, after its last line.")
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setObjectName("importSheet")
        self.sheet_combo.addItems(source.sheet_names)
        self.header_spin = QSpinBox(self)
        self.header_spin.setObjectName("importHeaderRow")
        self.header_spin.setRange(1, 1_000_000)
        self.header_note = QLabel(self)
        header_row = QHBoxLayout()
        header_row.addWidget(self.header_spin)
        header_row.addWidget(self.header_note, 1)
        form = QFormLayout()
        form.addRow(self.target)
        form.addRow("&Sheet:", self.sheet_combo)
        header_label = QLabel("&Headings on row:", self)
        header_label.setBuddy(self.header_spin)
        form.addRow(header_label, header_row)

        self.mapping_table = self._table("importMapping", ["Column", "Heading", "Imported as"])
        self.preview_table = self._table("importPreview", ["Row", "Service", "Partner", "Status", "Amount"])
        self.refusal_table = self._table("importRefusals", ["Row", "Column", "Heading", "Why it is refused"])
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.notes = QLabel(self)
        self.notes.setObjectName("importNotes")
        self.notes.setWordWrap(True)
        self.skip_refused = QCheckBox(
            "Import the other rows, leaving out every row with a refused cell", self
        )
        self.skip_refused.setObjectName("importSkipRefused")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)

        left = self._boxed("Columns", self.mapping_table)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self._boxed("Preview of the lines to add", self.preview_table))
        right.addWidget(
            self._boxed("Refused cells (nothing is imported from these rows)", self.refusal_table)
        )
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([480, 820])
        self.mapping_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.horizontalHeader().setStretchLastSection(False)
        self.preview_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.preview_table.horizontalHeader().setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.skip_refused)
        layout.addWidget(self.buttons)

        self.resize(1180, 640)  # fits a 1366×768 laptop, and 1920×1080 at 150 %
        first = self._first_sheet_with_header()
        self.sheet_combo.setCurrentText(first)
        self.sheet_combo.currentTextChanged.connect(self._sheet_chosen)
        self.header_spin.valueChanged.connect(self._header_chosen)
        self.skip_refused.toggled.connect(self._update_buttons)
        self._sheet_chosen(first)

    # -- building ------------------------------------------------------------------------------

    def _table(self, name: str, headings: list[str]) -> QTableWidget:
        """A read-only table with ``headings``."""
        table = QTableWidget(0, len(headings), self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headings)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _boxed(self, title: str, widget: QWidget) -> QWidget:
        """``widget`` under a bold title."""
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(f"<b>{title}</b>", box)
        label.setBuddy(widget)
        layout.addWidget(label)
        layout.addWidget(widget, 1)
        return box

    def _first_sheet_with_header(self) -> str:
        """The first sheet whose header row is found by name, else the first sheet."""
        for name in self._source.sheet_names:
            try:
                if find_header(self._source.sheet(name), SCHEME_SYNONYMS) is not None:
                    return name
            except InterchangeError:
                continue
        return self._source.sheet_names[0]

    # -- reacting ------------------------------------------------------------------------------

    def _sheet_chosen(self, name: str) -> None:
        """Read the sheet, find its header and map its columns."""
        try:
            self._sheet = self._source.sheet(name)
        except InterchangeError as error:
            self._sheet = None
            self._show_problem(str(error))
            return
        index = find_header(self._sheet, SCHEME_SYNONYMS)
        self.header_spin.blockSignals(True)
        if index is None:
            self.header_spin.setValue(self._sheet.rows[0][0] if self._sheet.rows else 1)
            self.header_note.setText("No row of headings was recognised: choose the row and map the columns.")
        else:
            self.header_spin.setValue(self._sheet.rows[index][0])
            self.header_note.setText("found by its headings")
        self.header_spin.blockSignals(False)
        self._fill_mapping(auto_map(self._headings(), SCHEME_SYNONYMS))

    def _header_chosen(self, _row: int) -> None:
        """Another header row: map its headings afresh."""
        self.header_note.setText("chosen by you")
        self._fill_mapping(auto_map(self._headings(), SCHEME_SYNONYMS))

    def _header_index(self) -> int | None:
        """The index in the sheet's rows of the header row chosen, or None when it is empty."""
        if self._sheet is None:
            return None
        wanted = self.header_spin.value()
        return next((i for i, (number, _cells) in enumerate(self._sheet.rows) if number == wanted), None)

    def _headings(self) -> dict[int, str]:
        """The chosen header row's headings."""
        index = self._header_index()
        return {} if index is None or self._sheet is None else headings_of(self._sheet, index)

    def _fill_mapping(self, mapping: dict[int, str]) -> None:
        """One row per heading: column letter, heading (with its unit), and a field chooser."""
        headings = self._headings()
        self.mapping_table.setRowCount(len(headings))
        for row, column in enumerate(sorted(headings)):
            heading = headings[column]
            unit = unit_of(heading)
            shown = heading + {1: "", 1_000: "  (× 1,000)", 1_000_000: "  (× 1,000,000)"}[unit]
            self.mapping_table.setItem(row, 0, QTableWidgetItem(column_letter(column)))
            self.mapping_table.setItem(row, 1, QTableWidgetItem(shown))
            chooser = QComboBox(self.mapping_table)
            chooser.setAccessibleName(f"Column {column_letter(column)} imported as")
            chooser.addItem(_NOT_IMPORTED, "ignore")
            for field, label in self._fields.items():
                chooser.addItem(label, field)
            chooser.setCurrentIndex(max(chooser.findData(mapping.get(column, "ignore")), 0))
            chooser.setProperty("column", column)
            chooser.currentIndexChanged.connect(lambda _i: self._replan())
            self.mapping_table.setCellWidget(row, 2, chooser)
        self._replan()

    def mapping(self) -> dict[int, str]:
        """Column index → field, as chosen in the table."""
        chosen: dict[int, str] = {}
        for row in range(self.mapping_table.rowCount()):
            chooser = self.mapping_table.cellWidget(row, 2)
            if isinstance(chooser, QComboBox) and chooser.currentData() != "ignore":
                chosen[int(chooser.property("column"))] = str(chooser.currentData())
        return chosen

    def choose(self, heading: str, field: str) -> None:
        """Map the column with ``heading`` to ``field`` (as a user would with its chooser)."""
        for row in range(self.mapping_table.rowCount()):
            if self.mapping_table.item(row, 1).text().startswith(heading):
                chooser = self.mapping_table.cellWidget(row, 2)
                assert isinstance(chooser, QComboBox)
                chooser.setCurrentIndex(chooser.findData(field))
                return
        raise KeyError(heading)

    def _replan(self) -> None:
        """Plan the import again with the current choices and show the result."""
        index = self._header_index()
        self.plan = None
        if self._sheet is None or index is None:
            self._show_problem(f"Row {self.header_spin.value()} is empty, so it cannot hold the headings.")
            return
        try:
            self.plan = plan_import(
                self._sheet, index, self.mapping(), self._refs, self._defaults, self._readers
            )
        except InterchangeError as error:
            self._show_problem(str(error))
            return
        self._show_plan(self.plan)

    def _show_problem(self, text: str) -> None:
        """A plan cannot be made: say why and allow nothing to be imported."""
        self.preview_table.setRowCount(0)
        self.refusal_table.setRowCount(0)
        self.summary.setText(text)
        self.notes.setText("")
        self.notes.setVisible(False)
        self._update_buttons()

    def _show_plan(self, plan: ImportPlan) -> None:
        """Fill the preview, the refusals and the summary."""
        names = self._refs.names("partner_id"), self._refs.names("status_id")
        self.preview_table.setRowCount(min(len(plan.lines), _PREVIEW_ROWS))
        for row, line in enumerate(plan.lines[:_PREVIEW_ROWS]):
            values = [
                str(line.row),
                line.service,
                names[0].get(line.partner_id, ""),
                names[1].get(line.status_id, ""),
                line.amount.format_full(),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column in (0, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.preview_table.setItem(row, column, item)
        shown = plan.refusals[:_REFUSALS_SHOWN]
        self.refusal_table.setRowCount(len(shown))
        for row, refusal in enumerate(shown):
            for column, value in enumerate(
                [str(refusal.row), refusal.column, refusal.heading, refusal.reason]
            ):
                item = QTableWidgetItem(value)
                item.setToolTip(refusal.sentence())
                if column == 3:
                    item.setForeground(QBrush(_RED))
                self.refusal_table.setItem(row, column, item)
        count = len(plan.lines)
        text = f"{count:,} line{'s' if count != 1 else ''} to add, totalling {plan.total.format_full()}."
        if plan.refusals:
            text += (
                f" {len(plan.refusals):,} cell{'s' if len(plan.refusals) != 1 else ''} refused in "
                f"{plan.refused_rows:,} row{'s' if plan.refused_rows != 1 else ''}: nothing is imported "
                "until they are fixed, or you choose to leave those rows out."
            )
        if len(plan.lines) > _PREVIEW_ROWS:
            text += f" The preview shows the first {_PREVIEW_ROWS}."
        if len(plan.refusals) > _REFUSALS_SHOWN:
            text += f" The first {_REFUSALS_SHOWN:,} refused cells are listed."
        self.summary.setText(text)
        self.notes.setText(" ".join([*plan.notes, *plan.skipped]))
        self.notes.setVisible(bool(self.notes.text()))
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        """Import only a plan with lines, and with refusals only when the user agrees to skip them."""
        plan = self.plan
        self.skip_refused.setEnabled(bool(plan and plan.refusals))
        allowed = bool(plan and plan.lines) and (not plan.refusals or self.skip_refused.isChecked())  # type: ignore[union-attr]
        self.import_button.setEnabled(allowed)

    def _import(self) -> None:
        """Add the planned lines as one undoable, audited command and close."""
        plan = self.plan
        store = self._window.lines_model.store
        if plan is None or not plan.lines or store is None or not self.import_button.isEnabled():
            return
        pool_id, year = self._window.current_pool_id(), self._window.current_year()
        command = import_command(store, plan, pool_id, year, self._source.path.name)
        if self._window.lines_model.execute(command):
            self._window.show_message(
                f"{command.text}: {plan.total.format_full()}. Edit ▸ Undo removes them."
            )
            self.accept()
