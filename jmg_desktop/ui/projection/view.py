"""The ``projectionView`` page: pick or edit a scenario, see the pool projected year by year as a
table (partners, categories or lines) and as charts, compare two scenarios, and export.

The view reads through :mod:`jmg_desktop.ui.projection.data`, projects with the core engine and
writes only scenarios (each save one audited transaction). Errors become a sentence in the view.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.projection import (
    MAX_PROJECTION_YEARS,
    Comparison,
    Projection,
    ProjectionError,
    compare,
    project,
)
from jmg_desktop.core.scenario import Scenario, ScenarioError, format_percent
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.safe_write import SafeWriteError
from jmg_desktop.store.scenarios_repo import delete_scenario, save_scenario
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.projection.charts import ComparisonChart, PartnerStackChart
from jmg_desktop.ui.projection.data import PoolSnapshot, load_snapshot, reference_names
from jmg_desktop.ui.projection.export import export_csv, export_xlsx
from jmg_desktop.ui.projection.scenario_editor import ScenarioEditor
from jmg_desktop.ui.projection.table_model import GroupBy, ProjectionTableModel

__all__ = ["NO_CHANGE", "ProjectionView", "describe_scenario"]

#: Used when a workspace has no scenarios yet: every line stays as it is.
NO_CHANGE = Scenario("No change")
_NONE = "(none)"
DEFAULT_YEARS = 10


def describe_scenario(scenario: Scenario) -> str:
    """``Central: inflation 2.5%, growth 2%, savings 1.5%; 1 override; 2 adjustments``."""
    parts = [
        f"{scenario.name}: inflation {format_percent(scenario.inflation)}, growth "
        f"{format_percent(scenario.growth)}, savings {format_percent(scenario.savings)}"
    ]
    if scenario.overrides:
        parts.append(f"{len(scenario.overrides)} override{'s' if len(scenario.overrides) > 1 else ''}")
    if scenario.adjustments:
        parts.append(f"{len(scenario.adjustments)} adjustment{'s' if len(scenario.adjustments) > 1 else ''}")
    if not scenario.additions_approved:
        parts.append("proposed additions left out")
    if not scenario.removals_approved:
        parts.append("proposed removals kept in")
    return "; ".join(parts)


class ProjectionView(QWidget):
    """A pool projected under a chosen scenario; standalone or as a page of the main window."""

    #: Emitted after a scenario is saved or deleted (meeting mode re-reads its list).
    scenariosChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty view; give it a workspace and a selection."""
        super().__init__(parent)
        self.setObjectName("projectionView")
        self.setAccessibleName("Projection")
        self._workspace: Workspace | None = None
        self._pool_id = -1
        self._year = -1
        self._snapshot: PoolSnapshot | None = None
        self._projection: Projection | None = None
        self._comparison: Comparison | None = None
        # Re-read lazily: a hidden page does no work when the selection or the lines change.
        self._stale = True
        self._build()
        self._update_enabled()

    # -- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        """The controls, the table and the two charts, and their connections."""
        self.scenario_picker = QComboBox(self)
        self.scenario_picker.setObjectName("scenarioPicker")
        self.scenario_picker.setAccessibleName("Scenario")
        self.compare_picker = QComboBox(self)
        self.compare_picker.setObjectName("comparePicker")
        self.compare_picker.setAccessibleName("Compare with")
        self.years_spin = QSpinBox(self)
        self.years_spin.setObjectName("projectionYears")
        self.years_spin.setRange(1, MAX_PROJECTION_YEARS)
        self.years_spin.setValue(DEFAULT_YEARS)
        self.years_spin.setAccessibleName("Years ahead")
        self.group_picker = QComboBox(self)
        self.group_picker.setObjectName("projectionRows")
        self.group_picker.addItems([group.value for group in GroupBy])
        self.linked_box = QCheckBox("Include &linked pools", self)
        self.linked_box.setObjectName("includeLinked")
        self.new_button = QPushButton("&New…", self)
        self.edit_button = QPushButton("&Edit…", self)
        self.delete_button = QPushButton("De&lete", self)
        self.csv_button = QPushButton("Export &CSV…", self)
        self.xlsx_button = QPushButton("Export &XLSX…", self)
        for button, name in (
            (self.new_button, "newScenario"),
            (self.edit_button, "editScenario"),
            (self.delete_button, "deleteScenario"),
            (self.csv_button, "exportCsv"),
            (self.xlsx_button, "exportXlsx"),
        ):
            button.setObjectName(name)

        top = QHBoxLayout()
        for label_text, widget in (("&Scenario", self.scenario_picker),):
            label = QLabel(label_text, self)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        top.addSpacing(16)
        compare_label = QLabel("Com&pare with", self)
        compare_label.setBuddy(self.compare_picker)
        top.addWidget(compare_label)
        top.addWidget(self.compare_picker, 1)
        second = QHBoxLayout()
        years_label = QLabel("&Years ahead", self)
        years_label.setBuddy(self.years_spin)
        rows_label = QLabel("&Rows", self)
        rows_label.setBuddy(self.group_picker)
        second.addWidget(years_label)
        second.addWidget(self.years_spin)
        second.addSpacing(12)
        second.addWidget(rows_label)
        second.addWidget(self.group_picker)
        second.addSpacing(12)
        second.addWidget(self.linked_box)
        second.addStretch(1)
        second.addWidget(self.csv_button)
        second.addWidget(self.xlsx_button)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("projectionSummary")
        self.summary_label.setWordWrap(True)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("projectionMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #8a4b00;")

        self.model = ProjectionTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("projectionTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setMinimumSectionSize(80)

        self.partner_chart = PartnerStackChart(parent=self)
        self.partner_chart.setObjectName("projectionChart")
        self.compare_chart = ComparisonChart(parent=self)
        self.compare_chart.setObjectName("comparisonChart")
        self.charts = QTabWidget(self)
        self.charts.setObjectName("projectionCharts")
        self.charts.addTab(self.partner_chart, "By partner")
        compare_page = QWidget(self)
        compare_layout = QVBoxLayout(compare_page)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        self.compare_table = QTableWidget(compare_page)
        self.compare_table.setObjectName("comparisonTable")
        self.compare_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.compare_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.compare_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.compare_table.setSizeAdjustPolicy(QTableWidget.SizeAdjustPolicy.AdjustToContents)
        compare_layout.addWidget(self.compare_chart, 1)
        compare_layout.addWidget(self.compare_table)
        self.charts.addTab(compare_page, "Scenarios compared")

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.charts)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 440])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        self.scenario_picker.currentIndexChanged.connect(lambda _i: self._scenario_chosen())
        self.compare_picker.currentIndexChanged.connect(lambda _i: self.recompute())
        self.years_spin.valueChanged.connect(lambda _v: self.recompute())
        self.group_picker.currentIndexChanged.connect(lambda _i: self._show_table())
        # The comparison's totals depend on the scope, so toggling re-projects.
        self.linked_box.toggled.connect(lambda _on: self.recompute())
        self.new_button.clicked.connect(lambda: self.edit_scenario(new=True))
        self.edit_button.clicked.connect(lambda: self.edit_scenario(new=False))
        self.delete_button.clicked.connect(self.delete_current)
        self.csv_button.clicked.connect(self._export_csv_dialog)
        self.xlsx_button.clicked.connect(self._export_xlsx_dialog)

    # -- state ------------------------------------------------------------------------------------

    @property
    def projection(self) -> Projection | None:
        """The projection shown (None when there is nothing to project)."""
        return self._projection

    @property
    def comparison(self) -> Comparison | None:
        """The two-scenario comparison shown, if a second scenario is chosen."""
        return self._comparison

    @property
    def snapshot(self) -> PoolSnapshot | None:
        """The pool and year data behind the view."""
        return self._snapshot

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show projections from ``workspace`` (None clears the view)."""
        self._workspace = workspace
        self.mark_stale()

    def set_selection(self, pool_id: int, year: int) -> None:
        """Project ``pool_id`` from base year ``year`` (-1 for none)."""
        self._pool_id, self._year = pool_id, year
        self.mark_stale()

    def mark_stale(self, *_args: object) -> None:
        """The data changed: re-read now if the page is on screen, else when it is next shown."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with changes made while the page was hidden."""
        super().showEvent(event)
        if self._stale:
            self.reload()

    def current_scenario(self) -> Scenario | None:
        """The scenario chosen in the picker."""
        if self._snapshot is None:
            return None
        name = self.scenario_picker.currentText()
        return self._snapshot.scenarios.get(name, NO_CHANGE if name == NO_CHANGE.name else None)

    def select_scenario(self, name: str, compare_with: str | None = None) -> None:
        """Choose scenarios by name (for the menu, tests and meeting mode)."""
        index = self.scenario_picker.findText(name)
        if index >= 0:
            self.scenario_picker.setCurrentIndex(index)
        if compare_with is not None:
            other = self.compare_picker.findText(compare_with)
            if other >= 0:
                self.compare_picker.setCurrentIndex(other)

    def reload(self, keep: str | None = None) -> None:
        """Re-read the pool, its lines and the scenarios from the workspace, then project."""
        self._stale = False
        keep = keep or self.scenario_picker.currentText()
        keep_compare = self.compare_picker.currentText()
        self._snapshot = None
        self.message_label.clear()
        if self._workspace is not None and self._pool_id >= 0 and self._year >= 0:
            try:
                self._snapshot = load_snapshot(self._workspace, self._pool_id, self._year)
            except (WorkspaceError, ScenarioError) as error:
                self.message_label.setText(str(error))
        names = list(self._snapshot.scenarios) if self._snapshot else []
        self._fill_picker(self.scenario_picker, names or [NO_CHANGE.name], keep)
        self._fill_compare(keep_compare)
        self._update_enabled()
        self.recompute()

    @staticmethod
    def _fill_picker(picker: QComboBox, choices: list[str], wanted: str | None) -> None:
        """Refill a list without signalling, keeping ``wanted`` chosen when it is still offered."""
        picker.blockSignals(True)
        picker.clear()
        picker.addItems(choices)
        index = picker.findText(wanted) if wanted else -1
        picker.setCurrentIndex(max(index, 0))
        picker.blockSignals(False)

    def _fill_compare(self, wanted: str | None) -> None:
        """ "Compare with" offers every scenario but the one shown (comparing it with itself says nothing)."""
        shown = self.scenario_picker.currentText()
        names = [name for name in (self._snapshot.scenarios if self._snapshot else ()) if name != shown]
        self._fill_picker(self.compare_picker, [_NONE, *names], wanted)

    def _scenario_chosen(self) -> None:
        """Another scenario is shown: take it out of "Compare with", then project."""
        self._fill_compare(self.compare_picker.currentText())
        self.recompute()

    def recompute(self) -> None:
        """Project under the chosen scenario (and the comparison scenario), then redraw."""
        self._projection = None
        self._comparison = None
        scenario = self.current_scenario()
        snapshot = self._snapshot
        if snapshot is not None and scenario is not None:
            inputs = snapshot.inputs
            years = self.years_spin.value()
            try:
                self._projection = project(
                    inputs.lines, scenario, inputs.base_year, years, inputs.host_partner
                )
                other_name = self.compare_picker.currentText()
                other = snapshot.scenarios.get(other_name)
                if other is not None:
                    second = project(inputs.lines, other, inputs.base_year, years, inputs.host_partner)
                    self._comparison = compare(self._projection, second, self.linked_box.isChecked())
            except ProjectionError as error:
                self.message_label.setText(str(error))
        self._show()

    def _show(self) -> None:
        """Redraw the summary, table and charts from the current projection."""
        projection = self._projection
        include_linked = self.linked_box.isChecked()
        if projection is None or self._snapshot is None:
            self.summary_label.setText(
                "Open a workspace and choose a pool and year to project." if self._snapshot is None else ""
            )
            self.model.set_projection(None, GroupBy.PARTNERS, include_linked)
            self.partner_chart.set_totals([], {})
            self.compare_chart.set_comparison(None, "", "")
            self._show_comparison_table()
            return
        scope = " including linked pools" if include_linked else ""
        self.summary_label.setText(
            f"{self._snapshot.title}{scope}. {describe_scenario(projection.scenario)}."
        )
        if projection.warnings:
            self.message_label.setText(" ".join(projection.warnings))
        self._show_table()
        self.partner_chart.set_totals(
            [year.label for year in projection.years], projection.totals_by_partner(include_linked)
        )
        self.compare_chart.set_comparison(
            self._comparison, projection.scenario.name, self.compare_picker.currentText()
        )
        self._show_comparison_table()

    def _show_comparison_table(self) -> None:
        """The two scenarios and their difference per year and in total (£m; exact in tooltips)."""
        table = self.compare_table
        comparison = self._comparison
        table.clear()
        if comparison is None or self._projection is None:
            table.setRowCount(0)
            table.setColumnCount(0)
            table.hide()
            return
        first = self._projection.scenario.name
        second = self.compare_picker.currentText()
        rows = (
            (first, comparison.first, comparison.total_first),
            (second, comparison.second, comparison.total_second),
            (f"Difference ({second} − {first})", comparison.difference, comparison.total_difference),
        )
        table.setColumnCount(len(comparison.years) + 1)
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels([year.label for year in comparison.years] + ["Total"])
        table.setVerticalHeaderLabels([label for label, _amounts, _total in rows])
        for row, (_label, amounts, total) in enumerate(rows):
            for column, amount in enumerate((*amounts, total)):
                text = amount.format_m() if row < 2 or amount.pence <= 0 else f"+{amount.format_m()}"
                item = QTableWidgetItem(text)
                item.setToolTip(amount.format_full())
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.show()

    def _show_table(self) -> None:
        """Fill the table with the rows chosen (partners, categories or lines)."""
        group = GroupBy(self.group_picker.currentText())
        self.model.set_projection(self._projection, group, self.linked_box.isChecked())

    def _update_enabled(self) -> None:
        """Scenario changes need a writable workspace; exports need a projection."""
        writable = (
            self._workspace is not None and not self._workspace.read_only and self._snapshot is not None
        )
        self.new_button.setEnabled(writable)
        has_stored = self._snapshot is not None and bool(self._snapshot.scenarios)
        self.edit_button.setEnabled(writable and has_stored)
        self.delete_button.setEnabled(writable and has_stored)
        why = "" if writable else "The workspace is read-only or no pool is chosen."
        for button in (self.new_button, self.edit_button, self.delete_button):
            button.setToolTip(why)
        has_projection = self._snapshot is not None
        self.csv_button.setEnabled(has_projection)
        self.xlsx_button.setEnabled(has_projection)

    # -- scenarios --------------------------------------------------------------------------------

    def edit_scenario(self, new: bool) -> ScenarioEditor | None:
        """Open the editor for a new scenario or the current one; save it when accepted."""
        if self._workspace is None:
            return None
        current = None if new else self.current_scenario()
        editor = ScenarioEditor(current, reference_names(self._workspace), self)
        editor.accepted.connect(
            lambda: self.store_scenario(editor.scenario(), None if new or current is None else current.name)
        )
        editor.open()
        return editor

    def store_scenario(self, scenario: Scenario | None, replacing: str | None = None) -> bool:
        """Save ``scenario`` (replacing the one called ``replacing``); say why if it cannot be."""
        if scenario is None or self._workspace is None:
            return False
        try:
            with self._workspace.writing() as session:
                save_scenario(session, scenario, replacing=replacing)
        except (ScenarioError, WorkspaceError) as error:
            self.message_label.setText(f"The scenario was not saved: {error}")
            return False
        self.reload(keep=scenario.name)
        self.scenariosChanged.emit()
        return True

    def delete_current(self, confirm: bool = True) -> bool:
        """Delete the chosen scenario, after asking."""
        scenario = self.current_scenario()
        if self._workspace is None or scenario is None or scenario is NO_CHANGE:
            return False
        if confirm:
            answer = QMessageBox.question(
                self, "Delete Scenario", f"Delete the scenario “{scenario.name}” from this workspace?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            with self._workspace.writing() as session:
                delete_scenario(session, scenario.name)
        except (ScenarioError, WorkspaceError) as error:
            self.message_label.setText(f"The scenario was not deleted: {error}")
            return False
        self.reload()
        self.scenariosChanged.emit()
        return True

    # -- export -----------------------------------------------------------------------------------

    def export_csv_to(self, path: Path | str) -> bool:
        """Write the projection as CSV; report failure in the view."""
        return self._export(lambda projection: export_csv(projection, path), path)

    def export_xlsx_to(self, path: Path | str) -> bool:
        """Write the projection as an XLSX workbook; report failure in the view."""
        pool = self._snapshot.inputs.pool_name if self._snapshot else ""
        return self._export(lambda projection: export_xlsx(projection, pool, path), path)

    def _export(self, write: object, path: Path | str) -> bool:
        """Run one export, reporting success or the reason it failed."""
        if self._projection is None:
            self.message_label.setText("There is no projection to export.")
            return False
        try:
            write(self._projection)  # type: ignore[operator]
        except (SafeWriteError, OSError) as error:
            self.message_label.setText(f"The export was not written: {error}")
            return False
        self.message_label.setText(f"Exported to {Path(path).name}.")
        return True

    def _default_name(self, suffix: str) -> str:
        """A file name from the pool and scenario, safe on every platform."""
        if self._snapshot is None or self._projection is None:
            return f"projection{suffix}"
        name = f"{self._snapshot.inputs.pool_name} {self._projection.scenario.name} projection"
        return "".join(c if c.isalnum() or c in " -_" else "-" for c in name).strip() + suffix

    def _export_csv_dialog(self) -> None:
        """Ask where to save the CSV, then export."""
        path, _ = QFileDialog.getSaveFileName(self, "Export Projection as CSV", self._default_name(".csv"),
                                              "CSV files (*.csv)")  # fmt: skip
        if path:
            self.export_csv_to(path)

    def _export_xlsx_dialog(self) -> None:
        """Ask where to save the workbook, then export."""
        path, _ = QFileDialog.getSaveFileName(self, "Export Projection as XLSX", self._default_name(".xlsx"),
                                              "Excel workbooks (*.xlsx)")  # fmt: skip
        if path:
            self.export_xlsx_to(path)
