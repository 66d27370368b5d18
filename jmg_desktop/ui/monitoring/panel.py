"""The monitoring page's strip below the table: partners' totals with the risk-share split (each
share's explanation in its tooltip), and a chart of forecast outturn against latest budget over the
periods."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.money import Money
from jmg_desktop.core.monitoring import MonitoringError, period_short_label
from jmg_desktop.core.monitoring_report import PeriodReport
from jmg_desktop.core.monitoring_risk import REMAINDER_RULE
from jmg_desktop.ui.monitoring.model import money_text, rag_colour

__all__ = ["ForecastChart", "MonitoringPanel"]

_BUDGET_COLOUR = QColor("#1f4e79")
_FORECAST_COLOUR = QColor("#b3261e")


def _table(object_name: str, headers: Sequence[str]) -> QTableWidget:
    """A compact read-only table."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _cell(text: str, *, right: bool = False, tip: str = "", colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    if colour is not None:
        item.setForeground(colour)
    return item


class ForecastChart(QChartView):
    """Latest budget and forecast outturn for the pool, period by period (£m)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty chart."""
        super().__init__(parent)
        self.setObjectName("monitoringChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setTitle("Forecast against latest budget (£m)")
        self.budget = QLineSeries()
        self.budget.setName("Budget")
        self.budget.setPen(QPen(_BUDGET_COLOUR, 2))
        self.forecast = QLineSeries()
        self.forecast.setName("Forecast")
        self.forecast.setPen(QPen(_FORECAST_COLOUR, 2, Qt.PenStyle.DashLine))
        self.current = QScatterSeries()
        self.current.setName("This period")
        self.current.setMarkerSize(10)
        self.current.setColor(_FORECAST_COLOUR)
        for series in (self.budget, self.forecast, self.current):
            chart.addSeries(series)
        self.x_axis = QCategoryAxis()
        self.x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%.1f")
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (self.budget, self.forecast, self.current):
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        self.setChart(chart)
        self.setMinimumHeight(180)
        #: The figures drawn, for tests: (period, latest, forecast) in pence.
        self.points: list[tuple[int, int, int]] = []

    def show_series(
        self, kind: str, series: Sequence[tuple[int, int, int | None, bool]], current: int
    ) -> None:
        """Draw ``(period, latest, forecast, closed)`` for each period, marking ``current``; a
        period with no forecast yet has no forecast point."""
        self.points = [(n, latest, forecast) for n, latest, forecast, _closed in series]
        for old in list(self.x_axis.categoriesLabels()):
            self.x_axis.remove(old)
        values: list[float] = []
        budget, forecast, mark = [], [], []
        for number, latest, outturn, closed in series:
            # The chart's scale only: money itself is never a float.
            y_budget = float(Money(latest).millions(3))
            budget.append(QPointF(number, y_budget))
            values.append(y_budget)
            if outturn is not None:
                y_forecast = float(Money(outturn).millions(3))
                forecast.append(QPointF(number, y_forecast))
                values.append(y_forecast)
                if number == current:
                    mark.append(QPointF(number, y_forecast))
            self.x_axis.append(period_short_label(kind, number) + (" ✓" if closed else ""), number)
        self.budget.replace(budget)
        self.forecast.replace(forecast)
        self.current.replace(mark)
        if series:
            self.x_axis.setRange(0.5, len(series) + 0.5)
            low, high = min(values), max(values)
            pad = max((high - low) * 0.15, 0.05)
            self.y_axis.setRange(low - pad, high + pad)


class MonitoringPanel(QWidget):
    """Partners' totals, the risk share and the chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty panel."""
        super().__init__(parent)
        self.setObjectName("monitoringPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        heading = QLabel("<b>Partners</b>")
        layout.addWidget(heading)
        self.partners = _table("monitoringPartners", ("Partner", "Latest", "Forecast", "Variance"))
        layout.addWidget(self.partners)
        layout.addWidget(QLabel("<b>Risk share of the projected variance</b>"))
        self.rule = QLabel()
        self.rule.setObjectName("monitoringRiskRule")
        self.rule.setWordWrap(True)
        layout.addWidget(self.rule)
        self.shares = _table("monitoringRiskShare", ("Partner", "Bears"))
        self.shares.setToolTip(REMAINDER_RULE)
        layout.addWidget(self.shares)
        layout.addStretch(1)

    def show_report(self, report: PeriodReport | None, labels: dict[str, str] | None = None) -> None:
        """Fill the partners and the risk share from ``report`` (None: empty); ``labels`` gives
        partners' short names (the full name is in each row's tooltip)."""
        labels = labels or {}
        self.partners.setRowCount(0)
        self.shares.setRowCount(0)
        if report is None:
            self.rule.setText("")
            return
        table = report.table
        rows = [t for t in table.by_partner.values() if t.lines] + [table.pool]
        self.partners.setRowCount(len(rows))
        for number, totals in enumerate(rows):
            self.partners.setItem(number, 0, _cell(labels.get(totals.name, totals.name), tip=totals.name))
            self.partners.setItem(number, 1, _cell(money_text(totals.latest), right=True))
            self.partners.setItem(number, 2, _cell(money_text(totals.forecast), right=True))
            self.partners.setItem(
                number, 3, _cell(money_text(totals.variance), right=True, colour=rag_colour(totals.rag))
            )
        self._fit(self.partners)
        try:
            split = report.split()
        except MonitoringError as error:
            self.rule.setText(str(error))
            self._fit(self.shares)
            return
        default = "" if report.rules_recorded else " (no rule recorded: the default)"
        kind = {
            "overspend": "Projected overspend",
            "underspend": "Projected underspend",
            "nil": "No variance",
        }[split.kind]
        self.rule.setText(f"{kind} {Money(abs(split.variance)).format_full()}. {split.rule_text}{default}.")
        rows_shares = [(s.partner, s.amount, s.explanation) for s in split.shares]
        if split.unallocated:
            rows_shares.append(
                ("Beyond every cap: to be settled", split.unallocated, "No partner's cap leaves room for it.")
            )
        self.shares.setRowCount(len(rows_shares))
        for number, (partner, amount, tip) in enumerate(rows_shares):
            self.shares.setItem(number, 0, _cell(labels.get(partner, partner), tip=f"{partner}\n{tip}"))
            self.shares.setItem(number, 1, _cell(money_text(amount), right=True, tip=tip))
        self._fit(self.shares)

    @staticmethod
    def _fit(table: QTableWidget) -> None:
        """Make a small table exactly as tall as its rows."""
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setFixedHeight(max(height, table.horizontalHeader().height() + 8))
