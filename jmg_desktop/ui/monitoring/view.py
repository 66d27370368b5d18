"""The Monitoring page (``monitoringView``): one period of the selected pool and year.

A period chooser; the table by line (forecast, actual and commentary typed or pasted from Excel in
an open period, undone with Edit ▸ Undo) or by category; reds and ambers only at a tick; the
partners' totals, the risk-share split and a chart of forecast against budget over the periods;
the period's movements below the table. A closed period shows its frozen report and takes no edits.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import MoneyError
from jmg_desktop.core.monitoring import VARIANCE_CONVENTION, MonitoringError, period_label
from jmg_desktop.core.monitoring_commands import ForecastEntry, MonitoringChange
from jmg_desktop.core.monitoring_report import PeriodReport
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.monitoring_changes import close_period_change
from jmg_desktop.store.monitoring_repo import (
    Movement,
    closed_periods,
    current_period,
    load_settings,
    movements,
    partner_labels,
    period_report,
    period_series,
)
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.columns import ColumnFit
from jmg_desktop.ui.lines.clipboard import parse_tsv
from jmg_desktop.ui.lines.view import LinesTable
from jmg_desktop.ui.monitoring.commands import MonitoringRunner
from jmg_desktop.ui.monitoring.dialogs import MovementDialog, RiskShareDialog, SetupDialog
from jmg_desktop.ui.monitoring.model import (
    EDITABLE_COLUMNS,
    CategoryModel,
    MonitoringDelegate,
    MonitoringModel,
    money_text,
)
from jmg_desktop.ui.monitoring.panel import ForecastChart, MonitoringPanel

__all__ = ["MonitoringView"]

_REDS_AND_AMBERS = ("red", "amber")


class MonitoringView(QWidget):
    """The monitoring page for the window's pool and year."""

    #: A message for the status bar (refusals, what was done).
    message = Signal(str)

    def __init__(self, undo_stack: QUndoStack | None = None, parent: QWidget | None = None) -> None:
        """An empty page; :meth:`set_workspace` and :meth:`set_selection` fill it."""
        super().__init__(parent)
        self.setObjectName("monitoringView")
        self._workspace: Workspace | None = None
        self._pool_id = -1
        self._year = -1
        self._stale = True
        self.report: PeriodReport | None = None
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        #: How long the last full load took (ms), for the benchmark and the log.
        self.last_load_ms = 0.0
        self.last_message = ""
        self.model = MonitoringModel(self)
        self.model.executor = MonitoringRunner(
            self.undo_stack, lambda: self._workspace, self._after_change, self._say
        )
        self.model.message.connect(self._say_beside_cell)
        self.model.totalsChanged.connect(self._totals_changed)
        self.categories = CategoryModel(self)
        self._build()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Period:"))
        self.period_picker = QComboBox()
        self.period_picker.setObjectName("monitoringPeriod")
        self.period_picker.setMinimumContentsLength(28)
        self.period_picker.currentIndexChanged.connect(self._period_chosen)
        bar.addWidget(self.period_picker)
        self.grouping = QComboBox()
        self.grouping.setObjectName("monitoringGrouping")
        self.grouping.addItems(["By line", "By category"])
        self.grouping.currentIndexChanged.connect(self._grouping_chosen)
        bar.addWidget(self.grouping)
        self.reds_only = QCheckBox("Reds and ambers only")
        self.reds_only.setObjectName("monitoringRedsOnly")
        self.reds_only.toggled.connect(lambda _on: self._fill_models())
        bar.addWidget(self.reds_only)
        bar.addStretch(1)
        self.movement_button = self._button(
            bar, "Record Movement…", "monitoringRecordMovement", self.record_movement
        )
        self.close_button = self._button(bar, "Close Period…", "monitoringClosePeriod", self.close_period)
        self.setup_button = self._button(bar, "Set-up…", "monitoringSetup", self.edit_setup)
        self.rules_button = self._button(bar, "Risk Share…", "monitoringRules", self.edit_rules)
        layout.addLayout(bar)
        self.state_label = QLabel()
        self.state_label.setObjectName("monitoringState")
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)

        # The table takes the full width (services and commentary need it on a laptop); the
        # partners and risk share, the movements and the chart share a strip below it.
        self.stack = QStackedWidget()
        self.table = LinesTable()
        self.table.setObjectName("monitoringTable")
        self.table.setModel(self.model)
        self.delegate = MonitoringDelegate(self.model, self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.column_fit = ColumnFit(self.table, {0: 2.5, 1: 1.0, 10: 2.0})
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.deleteRequested.connect(self.clear_selected)
        self.stack.addWidget(self.table)
        self.category_table = QTableView()
        self.category_table.setObjectName("monitoringCategories")
        self.category_table.setModel(self.categories)
        self.category_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.category_table.verticalHeader().setVisible(False)
        self.stack.addWidget(self.category_table)
        layout.addWidget(self.stack, 1)
        strip = QWidget()
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        self.movements_table = QTableWidget(0, 5)
        self.movements_table.setObjectName("monitoringMovements")
        self.movements_table.setHorizontalHeaderLabels(["Period", "Movement", "Amount", "Approval", "Reason"])
        self.movements_fit = ColumnFit(self.movements_table, {3: 1.0, 4: 2.0})
        self.movements_table.setWordWrap(True)
        # A few movements a year and room below them: each row grows to show its approval and
        # reason whole once the columns are fitted, rather than cutting them.
        self.movements_table.horizontalHeader().sectionResized.connect(
            lambda *_sizes: self.movements_table.resizeRowsToContents()
        )
        self.movements_table.verticalHeader().setVisible(False)
        self.movements_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.panel = MonitoringPanel()
        self.panel.setMinimumWidth(360)
        row.addWidget(self.panel, 3)
        movements_box = QVBoxLayout()
        movements_box.addWidget(QLabel("<b>Budget movements this year</b>"))
        movements_box.addWidget(self.movements_table, 1)
        row.addLayout(movements_box, 4)
        self.chart = ForecastChart()
        self.chart.setMinimumWidth(300)
        row.addWidget(self.chart, 3)
        strip.setFixedHeight(230)
        layout.addWidget(strip)
        self.convention = QLabel()
        self.convention.setObjectName("monitoringConvention")
        self.convention.setWordWrap(True)
        layout.addWidget(self.convention)
        self.cell_note = QLabel(self.table.viewport())
        self.cell_note.setObjectName("monitoringCellNote")
        self.cell_note.setWordWrap(True)
        self.cell_note.setStyleSheet(
            "background: #fff4e5; color: #5c2b00; border: 1px solid #b35c00; padding: 3px;"
        )
        self.cell_note.hide()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(6000)
        self._note_timer.timeout.connect(self.cell_note.hide)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.table)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste_from_clipboard)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.table)
        copy.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.activated.connect(self.copy_selection)

    def _button(self, bar: QHBoxLayout, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        bar.addWidget(button)
        return button

    # -- state ---------------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show ``workspace`` (None: nothing)."""
        self._workspace = workspace
        self.mark_stale()

    def set_selection(self, pool_id: int, year: int) -> None:
        """Show ``pool_id`` in ``year`` (-1: none)."""
        if (pool_id, year) != (self._pool_id, self._year):
            self._pool_id, self._year = pool_id, year
            self.period_picker.blockSignals(True)
            self.period_picker.clear()
            self.period_picker.blockSignals(False)
        self.mark_stale()

    def mark_stale(self, *_args: object) -> None:
        """The workspace changed elsewhere (lines edited): re-read now if shown, else when shown."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        """Catch up when shown."""
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.reload()

    def period(self) -> int:
        """The period shown (-1 when none)."""
        data = self.period_picker.currentData()
        return -1 if data is None else int(data)

    def _writable(self) -> bool:
        return self._workspace is not None and not self._workspace.read_only

    # -- loading -------------------------------------------------------------------------------

    def reload(self, period: int | None = None) -> None:
        """Re-read the shown (or the given) period, the chooser, the movements and the chart."""
        started = time.perf_counter()
        self._stale = False
        if self._workspace is None or self._pool_id < 0 or self._year < 0:
            self.report = None
            self.period_picker.clear()
            self._fill_models()
            return
        wanted = period if period is not None else self.period()
        try:
            with self._workspace.reading() as session:
                settings = load_settings(session, self._pool_id, self._year)
                closed = closed_periods(session, self._pool_id, self._year)
                if not 1 <= wanted <= settings.periods:
                    wanted = current_period(session, self._pool_id, self._year)
                self.report = period_report(session, self._pool_id, self._year, wanted)
                self._series = period_series(session, self._pool_id, self._year, shown=self.report)
                self._movements = movements(session, self._pool_id, self._year)
                self._labels = partner_labels(session)
        except (WorkspaceError, MonitoringError) as error:
            self.report = None
            self._say(str(error))
            self._fill_models()
            return
        year = FinancialYear(self._year)
        self.period_picker.blockSignals(True)
        self.period_picker.clear()
        for number in range(1, settings.periods + 1):
            suffix = " — closed" if number in closed else ""
            self.period_picker.addItem(period_label(settings.period_kind, number, year) + suffix, number)
        self.period_picker.setCurrentIndex(wanted - 1)
        self.period_picker.blockSignals(False)
        self._fill_models()
        self._fill_movements()
        self.last_load_ms = (time.perf_counter() - started) * 1000

    def _fill_models(self) -> None:
        """Hand the report to the table models, the panel and the labels."""
        report = self.report
        only = _REDS_AND_AMBERS if self.reds_only.isChecked() else ()
        editable = report is not None and not report.closed and self._writable()
        self.model.set_table(
            None if report is None else report.table,
            (self._pool_id, self._year, self.period()),
            editable=editable,
            only=only,
            labels=getattr(self, "_labels", {}),
        )
        self.categories.set_table(None if report is None else report.table, only)
        for button in (self.movement_button, self.close_button):
            button.setEnabled(editable)
        for button in (self.setup_button, self.rules_button):
            button.setEnabled(self._writable() and self.report is not None)
        if report is None:
            self.state_label.setText("Choose a pool and a year to see its monitoring.")
            self.convention.setText("")
            return
        if report.closed:
            state = (
                f"<b>{report.label}</b> was closed on {(report.closed_at or '')[:10]} by {report.closed_by}: "
                "its figures are frozen as they stood then."
            )
        else:
            state = f"<b>{report.label}</b> is open: forecasts can be entered or pasted."
        self.state_label.setText(f"{report.pool}, {report.year.label}. {state}")
        self.convention.setText(f"{VARIANCE_CONVENTION} {report.thresholds.describe()}")

    def _fill_movements(self) -> None:
        """The year's movements, those above the limit marked."""
        listed: list[Movement] = getattr(self, "_movements", [])
        settings_kind = self.report.period_kind if self.report is not None else "quarter"
        self.movements_table.setRowCount(len(listed))
        for row, movement in enumerate(listed):
            moved = sum(pence for _line, _pool, pence in movement.legs if pence > 0)
            total = sum(pence for _line, _pool, pence in movement.legs)
            amount = money_text(moved if movement.kind == "virement" else total)
            kind = "Virement" if movement.kind == "virement" else "Supplementary estimate"
            approval = movement.approval_level
            if movement.needs_higher_approval:
                approval += " (above limit)"
            cells = [
                f"{'Q' if settings_kind == 'quarter' else 'M'}{movement.period}",
                kind,
                amount,
                approval,
                movement.reason + (f" (agreement {movement.agreement_id})" if movement.agreement_id else ""),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if movement.needs_higher_approval and column == 3:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.movements_table.setItem(row, column, item)
        self.movements_fit.schedule()

    def _totals_changed(self) -> None:
        """The partners, risk share and chart follow the table."""
        self.panel.show_report(self.report, getattr(self, "_labels", {}))
        series = list(getattr(self, "_series", []))
        report = self.report
        if report is not None and not report.closed:
            # The shown period's point moves with the table at once, without a re-read.
            series = [
                (n, report.table.pool.latest, report.table.pool.forecast, c)
                if n == report.period
                else (n, b, f, c)
                for n, b, f, c in series
            ]
            self._series = series
        if report is not None:
            self.chart.show_series(report.period_kind, series, report.period)

    def _period_chosen(self, _index: int) -> None:
        self.reload(self.period())

    def _grouping_chosen(self, index: int) -> None:
        self.stack.setCurrentIndex(index)

    # -- changes -------------------------------------------------------------------------------

    def _after_change(self, change: MonitoringChange) -> None:
        """After a change, its undo or redo: forecasts update in place; anything else re-reads."""
        if all(row.table == "monitoring_forecast" for row in change.rows) and self.report is not None:
            self.model.change_made(change)
            return
        self.reload()

    def submit(self, change: MonitoringChange) -> bool:
        """Make a change from a dialog durable and undoable."""
        executor = self.model.executor
        return executor is not None and executor(change)

    def _say(self, text: str) -> None:
        self.last_message = text
        self.message.emit(text)

    def _say_beside_cell(self, text: str) -> None:
        """A refusal in a note just below the current cell (hidden after a few seconds or at the
        next edit), and in the status bar."""
        self._say(text)
        index = self.table.currentIndex()
        note = self.cell_note
        if not index.isValid():
            note.hide()
            return
        rect = self.table.visualRect(index)
        note.setText(text)
        note.setMaximumWidth(max(self.table.viewport().width() - 8, 200))
        note.adjustSize()
        x = min(rect.left(), max(self.table.viewport().width() - note.width() - 4, 0))
        y = rect.bottom() + 2
        if y + note.height() > self.table.viewport().height():
            y = max(rect.top() - note.height() - 2, 0)
        note.move(x, y)
        note.show()
        note.raise_()
        self._note_timer.start()

    def paste_from_clipboard(self, text: str | None = None) -> bool:
        """Paste a block copied from Excel at the current cell: its columns fill forecast, actual
        and commentary in turn; every cell is checked first and nothing is pasted if any is refused."""
        if text is None:
            text = QGuiApplication.clipboard().text()
        index = self.table.currentIndex()
        if not index.isValid() or not (self.model.flags(index) & Qt.ItemFlag.ItemIsEditable):
            self._say_beside_cell("Paste onto a forecast, actual or commentary cell of an open period.")
            return False
        rows = parse_tsv(text)
        if not rows:
            return False
        problems: list[str] = []
        targets = [column for column in EDITABLE_COLUMNS if column >= index.column()]
        entries: dict[int, ForecastEntry] = {}
        for offset, cells in enumerate(rows):
            number = index.row() + offset
            if number >= self.model.rowCount():
                problems.append(f"row {offset + 1} is below the last line")
                break
            figures = self.model.row_figures(number)
            for step, cell in enumerate(cells):
                # Cells fill the editable columns in turn (forecast, actual, commentary): the
                # computed columns between them are skipped, as an officer's sheet has none.
                if step >= len(targets):
                    if cell.strip():
                        problems.append(
                            f"row {offset + 1}, column {step + 1}: only forecast, actual and commentary can be pasted"
                        )
                    continue
                column = targets[step]
                current = entries.get(figures.line_id)
                base = figures if current is None else _with_entry(figures, current)
                try:
                    entries[figures.line_id] = self.model.entry_for(base, column, cell)
                except (MoneyError, MonitoringError) as error:
                    problems.append(f"row {offset + 1}, column {step + 1}: {str(error).rstrip('.')}")
        if problems:
            listed = "; ".join(problems[:3]) + (
                f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
            )
            self._say_beside_cell(f"Nothing was pasted: {listed}.")
            return False
        return self.model.apply_entries(list(entries.items()), text="Paste Forecasts")

    def copy_selection(self) -> str:
        """Copy the selected cells as tab-separated text, as Excel reads it."""
        indexes = sorted(self.table.selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not indexes:
            return ""
        rows: dict[int, list[str]] = {}
        for index in indexes:
            rows.setdefault(index.row(), []).append(str(self.model.data(index) or ""))
        text = "\n".join("\t".join(cells) for cells in rows.values()) + "\n"
        QGuiApplication.clipboard().setText(text)
        return text

    def clear_selected(self) -> bool:
        """Delete: clear the selected lines' forecasts (with their actuals and commentary)."""
        if not self.model.flags(self.table.currentIndex()) & Qt.ItemFlag.ItemIsEditable:
            return False
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        entries = [(self.model.row_figures(row).line_id, ForecastEntry(None)) for row in rows]
        return self.model.apply_entries(entries, text="Clear Forecasts")

    def close_period(self, *, confirm: bool = True) -> QMessageBox | bool:
        """Close the shown period (asking first, without blocking, when ``confirm``)."""
        report = self.report
        if self._workspace is None or report is None or report.closed:
            return False
        if confirm:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Close Period",
                f"Close {report.label}? Its figures will be frozen as they stand now: later edits to "
                "lines, forecasts or rules will not change its report. (Edit ▸ Undo reopens it.)",
                QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
                self,
            )
            box.setObjectName("closePeriodQuestion")
            box.accepted.connect(lambda: self.close_period(confirm=False))
            box.open()
            return box
        try:
            with self._workspace.reading() as session:
                change = close_period_change(session, self._pool_id, self._year, report.period)
        except (WorkspaceError, MonitoringError) as error:
            self._say(str(error))
            return False
        return self.submit(change)

    def _dialog(
        self, kind: type[SetupDialog] | type[MovementDialog] | type[RiskShareDialog]
    ) -> QWidget | None:
        if self._workspace is None or self._pool_id < 0:
            return None
        dialog = kind(self._workspace, self._pool_id, self._year, self.submit, self)
        dialog.open()
        return dialog

    def record_movement(self) -> QWidget | None:
        """Open the Record Budget Movement dialog."""
        return self._dialog(MovementDialog)

    def edit_setup(self) -> QWidget | None:
        """Open the Monitoring Set-up dialog."""
        return self._dialog(SetupDialog)

    def edit_rules(self) -> QWidget | None:
        """Open the Risk Share dialog."""
        return self._dialog(RiskShareDialog)


def _with_entry(figures: object, entry: ForecastEntry) -> object:
    """A copy of ``figures`` carrying ``entry`` (so several cells of one pasted row combine)."""
    from dataclasses import replace

    return replace(
        figures,  # type: ignore[type-var]
        forecast=entry.forecast_pence if entry.forecast_pence is not None else 0,
        has_forecast=entry.forecast_pence is not None,
        actual=entry.actual_pence,
        commentary=entry.commentary,
    )
