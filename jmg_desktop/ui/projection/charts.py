"""QtCharts views of a projection: partners' totals stacked by year, and two scenarios compared.

Chart values are display-only floats of £m; every figure a user reads as text comes from the
exact pence. A chart updates its bar sets in place when only the values change, which keeps a
meeting's live what-if well inside its 100 ms budget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QResizeEvent
from PySide6.QtWidgets import QWidget

from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import Comparison

__all__ = ["PALETTE", "ComparisonChart", "PartnerStackChart", "nice_axis_max", "tick_step"]

#: Colours that stay distinct for colour-blind readers and on a projector (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def nice_axis_max(value: float) -> float:
    """A round number at or above ``value`` for the £m axis (1, 1.2, 1.5, 2 … 8 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power * (1 + 1e-12):
            return step * power
    return 10 * power


def tick_step(value: float) -> float:
    """A tick interval at or above ``value``: 1, 2, 2.5 or 5 × a power of ten."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power * (1 + 1e-12):
            return step * power
    return 10 * power


def _millions(amount: Money) -> float:
    """An amount as a float of £m, for drawing only."""
    return amount.pence / 100_000_000


class _Chart(QChartView):
    """Shared set-up: antialiasing, a legend at the bottom, light or dark theme, scalable text."""

    def __init__(self, title: str, dark: bool, parent: QWidget | None) -> None:
        """An empty chart."""
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # animation would lag the what-if
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(4, 4, 4, 4))
        self._dark = dark
        if dark:
            chart.setBackgroundBrush(QColor("#000000"))
            chart.setPlotAreaBackgroundVisible(False)
            chart.setTitleBrush(QColor("#ffffff"))
            chart.legend().setLabelColor(QColor("#ffffff"))
            chart.setBackgroundRoundness(0)
        self.setChart(chart)
        self._pixel_size = 0
        self.axis_x = QBarCategoryAxis()
        self.axis_y = QValueAxis()
        # Qt's printf-style label format mangles "£", so the unit goes in the axis title.
        self.axis_y.setLabelFormat("%.0f")
        self.axis_y.setTitleText("£m")
        self.axis_y.setTickType(QValueAxis.TickType.TicksDynamic)
        self.axis_y.setTickAnchor(0.0)
        for axis in (self.axis_x, self.axis_y):
            if dark:
                axis.setLabelsColor(QColor("#ffffff"))
                axis.setTitleBrush(QColor("#ffffff"))
                axis.setLinePenColor(QColor("#bbbbbb"))
                axis.setGridLineColor(QColor("#444444"))
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)

    def set_text_pixel_size(self, pixels: int) -> None:
        """Axis, legend and title text at ``pixels`` high (meeting mode scales it with the screen)."""
        self._pixel_size = pixels
        chart = self.chart()
        font = QFont(chart.font())
        font.setPixelSize(pixels)
        title = QFont(font)
        title.setBold(True)
        chart.setTitleFont(title)
        chart.legend().setFont(font)
        self.axis_x.setLabelsFont(font)
        self.axis_y.setLabelsFont(font)
        self.axis_y.setTitleFont(font)

    def _fit_axis(self, top: float, bottom: float = 0.0) -> None:
        """Round limits and up to six evenly spaced round ticks (0, 50, 100, 150 …)."""
        span = max(top, -bottom, 0.0)
        step = tick_step(span / 5) if span > 0 else 1.0
        # Exactly as many decimals as the tick interval has (2.5 → 1): no label is ever rounded.
        exponent = Decimal(repr(round(step, 10))).normalize().as_tuple().exponent
        decimals = max(0, -int(exponent))
        self.axis_y.setLabelFormat(f"%.{decimals}f")
        # A little headroom so the tallest bar never touches the top of the plot.
        upper = math.ceil(top * 1.03 / step) * step if top > 0 else step
        lower = math.floor(bottom / step) * step if bottom < 0 else 0.0
        self.axis_y.setTickInterval(step)
        self.axis_y.setRange(lower, upper)


class PartnerStackChart(_Chart):
    """Each partner's total per year, stacked, so the bar height is the pool's total."""

    def __init__(self, dark: bool = False, parent: QWidget | None = None) -> None:
        """An empty chart."""
        super().__init__("Projected totals by partner (£m)", dark, parent)
        self.series = QStackedBarSeries()
        self.chart().addSeries(self.series)
        self.series.attachAxis(self.axis_x)
        self.series.attachAxis(self.axis_y)
        self._shape: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._labels: list[str] = []

    def set_totals(self, years: Sequence[str], by_partner: Mapping[str, Sequence[Money]]) -> None:
        """Show ``by_partner`` over ``years``; values are replaced in place when the shape is unchanged."""
        shape = (tuple(years), tuple(by_partner))
        if shape != self._shape:
            self.series.clear()
            for number, partner in enumerate(by_partner):
                bar_set = QBarSet(partner)
                bar_set.setColor(QColor(PALETTE[number % len(PALETTE)]))
                bar_set.setBorderColor(QColor(PALETTE[number % len(PALETTE)]))
                if self._dark:
                    bar_set.setLabelColor(QColor("#ffffff"))
                bar_set.append([0.0] * len(years))
                self.series.append(bar_set)
            self._labels = list(years)
            self._fit_labels(force=True)
            self._shape = shape
        for bar_set, amounts in zip(self.series.barSets(), by_partner.values(), strict=True):
            for index, amount in enumerate(amounts):
                bar_set.replace(index, _millions(amount))
        column_totals = [sum(_millions(a[i]) for a in by_partner.values()) for i in range(len(years))]
        self._fit_axis(max(column_totals, default=0.0), min(column_totals, default=0.0))

    def _fit_labels(self, force: bool = False) -> None:
        """Full year labels when they fit under each bar, else the short form (``09/10``).

        QtCharts would otherwise elide them to ``2009/…``, which reads worse than the short form.
        """
        if not self._labels:
            if force:
                self.axis_x.setCategories([])
            return
        plot_width = self.chart().plotArea().width() or self.width() * 0.85
        room = plot_width / len(self._labels)
        metrics = QFontMetrics(self.axis_x.labelsFont())
        widest = max(metrics.horizontalAdvance(label) for label in self._labels)
        # QtCharts needs roughly one and a half times the type size of spare room or it elides.
        spare = 1.5 * self.axis_x.labelsFont().pixelSize() if self.axis_x.labelsFont().pixelSize() > 0 else 20
        wanted = self._labels if widest + spare <= room else [_short(x) for x in self._labels]
        if force or wanted != self.axis_x.categories():
            self.axis_x.setCategories(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-decide between full and short year labels for the new width."""
        super().resizeEvent(event)
        self._fit_labels()

    def set_text_pixel_size(self, pixels: int) -> None:
        """As for every chart, then re-fit the year labels."""
        super().set_text_pixel_size(pixels)
        self._fit_labels()


def _short(label: str) -> str:
    """``2009/10`` → ``09/10``."""
    return label[2:] if len(label) == 7 and label[4] == "/" else label


class ComparisonChart(_Chart):
    """Two scenarios' pool totals side by side per year, with the difference in the title."""

    def __init__(self, dark: bool = False, parent: QWidget | None = None) -> None:
        """An empty chart."""
        super().__init__("Scenarios compared (£m)", dark, parent)
        self.series = QBarSeries()
        self.chart().addSeries(self.series)
        self.series.attachAxis(self.axis_x)
        self.series.attachAxis(self.axis_y)

    def set_comparison(self, comparison: Comparison | None, first: str, second: str) -> None:
        """Show the two scenarios' totals, or nothing when there is no second scenario."""
        self.series.clear()
        if comparison is None:
            self.chart().setTitle("Scenarios compared: choose a second scenario")
            self.axis_x.setCategories([])
            return
        years = [year.label for year in comparison.years]
        for number, (name, amounts) in enumerate(((first, comparison.first), (second, comparison.second))):
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(PALETTE[number]))
            bar_set.append([_millions(amount) for amount in amounts])
            self.series.append(bar_set)
        self.axis_x.setCategories(years)
        top = max(_millions(a) for a in (*comparison.first, *comparison.second))
        self._fit_axis(top)
        difference = comparison.total_difference
        sign = "+" if difference.pence > 0 else ""
        self.chart().setTitle(
            f"{second} against {first}: {sign}{difference.format_m()} in total, {years[0]} to {years[-1]}"
        )
