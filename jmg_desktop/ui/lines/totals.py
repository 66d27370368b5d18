"""The ``totalsPanel``: a pool's totals by partner and status, with and without its linked pools,
and every stated (published) total beside the computed one with the difference.

All sums come from SQL aggregates (:func:`jmg_desktop.store.totals.pool_totals`); the panel only
formats them. Figures are £m to three decimals; tooltips give the exact amount.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.totals import EffectSums, PoolTotals, StatedComparison

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace

__all__ = ["TotalsPanel", "describe_stated"]

_RED = QColor("#b00020")
_GREEN = QColor("#1b6e2a")
# The panel never asks for less than this, nor (however long a name) for more than the cap: the
# main window must still fit a 1366 px wide laptop screen beside the lines table.
_MIN_WIDTH = 260
_MAX_MIN_WIDTH = 420


def describe_stated(comparison: StatedComparison, partner_names: dict[int, str]) -> str:
    """How a stated figure is named: "OCC new, with linked"."""
    figure = comparison.stated
    who = partner_names.get(figure.partner_id, "?") if figure.partner_id is not None else "All"
    what = "now" if figure.basis == "current" else "new"
    scope = ", with linked" if figure.scope == "with_linked" else ""
    return f"{who} {what}{scope}"


class TotalsPanel(QWidget):
    """Totals for the pool and year shown; call :meth:`show_totals` after every change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty panel; call :meth:`show_totals`."""
        super().__init__(parent)
        self.setObjectName("totalsPanel")
        self.setAccessibleName("Totals")
        self.heading = QLabel(self)
        self.heading.setObjectName("totalsHeading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.setMinimumWidth(_MIN_WIDTH)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("totalsTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(12)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        self.totals: PoolTotals | None = None
        self.comparisons: list[StatedComparison] = []
        #: Features' extra sections, ``provide(panel, workspace, pool_id, year)``, added after the
        #: totals each time they are shown (e.g. the Better Care Fund balances).
        self.section_providers: list[Callable[[TotalsPanel, Workspace, int, int], None]] = []
        self.show_totals(None, -1, -1)

    # -- filling -----------------------------------------------------------------------------

    def show_totals(self, workspace: Workspace | None, pool_id: int, financial_year: int) -> None:
        """Recompute and show the totals (from SQL aggregates) for a pool and year."""
        self.tree.clear()
        self.totals, self.comparisons = None, []
        if workspace is None or pool_id < 0 or financial_year < 0:
            self.heading.setText("Totals")
            self._fit_width()
            return
        from jmg_desktop.core.totals import compare_stated
        from jmg_desktop.store.reads.lines import pools as list_pools
        from jmg_desktop.store.reads.lines import references
        from jmg_desktop.store.reads.totals import linked_pool_ids, pool_totals, stated_figures

        with workspace.reads() as rows:  # one snapshot: the totals and the names beside them agree
            totals = pool_totals(rows, pool_id, financial_year)
            comparisons = compare_stated(totals, stated_figures(rows, pool_id, financial_year))
            linked = linked_pool_ids(rows, pool_id)
            pools = {pool.id: pool.name for pool in list_pools(rows)}
            refs = references(rows)
        full_names = refs.names("partner_id")
        short_names = {p.id: p.short_name or p.name for p in refs.partners}
        self.totals, self.comparisons = totals, comparisons
        self.heading.setText(f"{pools.get(pool_id, '')} {FinancialYear(financial_year).label}")

        own = totals.overall()
        self._section("By partner, now")
        for partner_id in totals.partner_ids:
            if partner_id in totals.own:
                row = self._row(
                    short_names.get(partner_id, "?"), totals.for_partner(partner_id).current_value, 1
                )
                row.setToolTip(0, full_names.get(partner_id, ""))
        self._row("Pool now", own.current_value, 1, bold=True)

        self._section("By status")
        self._row("In pool", own.current, 1)
        self._row("Proposed additions", own.addition, 1)
        self._row("Proposed removals", -own.removal, 1)
        self._row("New value", own.new_value, 1, bold=True)
        if len(totals.own) > 1:
            for partner_id in totals.partner_ids:
                if partner_id in totals.own:
                    self._row(short_names.get(partner_id, "?"), totals.for_partner(partner_id).new_value, 2)

        if linked:
            names = ", ".join(pools.get(i, "?") for i in linked)
            self._section("With linked pools").setToolTip(0, f"Including {names}")
            with_linked = totals.overall(with_linked=True)
            for partner_id in totals.partner_ids:
                sums: EffectSums = totals.for_partner(partner_id, with_linked=True)
                self._row(
                    f"{short_names.get(partner_id, '?')} now → new",
                    None,
                    1,
                    pair=(sums.current_value, sums.new_value),
                )
            self._row("Now", with_linked.current_value, 1, bold=True)
            self._row("New value", with_linked.new_value, 1, bold=True)

        if comparisons:
            self._section("Stated vs computed").setToolTip(
                0, "Figures as published, beside the same figures computed from the lines"
            )
            for comparison in comparisons:
                self._stated(comparison, short_names)
        for provide in self.section_providers:
            provide(self, workspace, pool_id, financial_year)
        self.tree.expandAll()
        self._fit_width()

    def _fit_width(self) -> None:
        """Set the minimum width so that no label is elided (a finance officer must read every
        one without hovering), within :data:`_MAX_MIN_WIDTH`."""
        # The heading wraps rather than elides; a few pixels of slack keep it on one line.
        heading = QFontMetrics(self.heading.font()).horizontalAdvance(self.heading.text()) + 4
        self.setMinimumWidth(min(max(_MIN_WIDTH, self._rows_width(), heading), _MAX_MIN_WIDTH))

    def _rows_width(self) -> int:
        """The width the rows ask for: the widest label (with its figure), the frame and a
        vertical scroll bar; 0 with no rows (nothing to read, no scroll bar). The empty panel of
        the first paint so never names QStyle, whose 14 Python enums are built when it first is."""
        rows = self.tree.topLevelItemCount()
        if not rows:
            return 0
        from PySide6.QtWidgets import QStyle

        style = self.tree.style()
        # Item views inset text by the focus frame margin plus one pixel on each side.
        text_margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.tree) + 1)
        figures = self.tree.sizeHintForColumn(1)
        needed = 0
        for i in range(rows):
            item = self.tree.topLevelItem(i)
            label = QFontMetrics(item.font(0)).horizontalAdvance(item.text(0)) + text_margin
            needed = max(needed, label if item.isFirstColumnSpanned() else label + figures)
        # Room for the frame and a vertical scroll bar, which appears when many stated totals exist.
        return needed + 2 * self.tree.frameWidth() + style.pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

    def _section(self, title: str) -> QTreeWidgetItem:
        """A bold heading row spanning both columns."""
        item = QTreeWidgetItem(self.tree, [title, ""])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        item.setToolTip(0, title)
        item.setBackground(0, QBrush(QColor("#e8eef5")))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _row(
        self,
        label: str,
        amount: Money | None,
        indent: int,
        *,
        bold: bool = False,
        pair: tuple[Money, Money] | None = None,
    ) -> QTreeWidgetItem:
        """A label and an amount in £m (or a pair ``now → new``), the exact amount in the tooltip."""
        if pair is not None:
            text = f"{pair[0].format_m()} → {pair[1].format_m()}"
            tip = f"{pair[0].format_full()} → {pair[1].format_full()}"
        else:
            assert amount is not None
            text, tip = amount.format_m(), amount.format_full()
        item = QTreeWidgetItem(self.tree, [("  " * indent) + label, text])
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setToolTip(1, tip)
        item.setToolTip(0, label.strip())
        if bold:
            font = QFont(item.font(0))
            font.setBold(True)
            item.setFont(0, font)
            item.setFont(1, font)
        return item

    def _stated(self, comparison: StatedComparison, short_names: dict[int, str]) -> None:
        """A stated figure, the computed one, and either a tick or the difference in red."""
        # The section heading already says "Stated vs computed", so the row is just the figure's
        # name: a ": stated" suffix made the longest names elide at laptop width.
        label = describe_stated(comparison, short_names)
        stated_row = self._row(label, comparison.stated.amount, 1)
        source = comparison.stated.source
        stated_row.setToolTip(0, f"{label}: stated" + (f", published in {source}" if source else ""))
        computed = self._row("computed", comparison.computed, 2)
        difference = comparison.difference
        if comparison.reconciles:
            computed.setText(0, "    computed ✓")
            for column in (0, 1):
                computed.setForeground(column, QBrush(_GREEN))
            computed.setToolTip(0, "The lines add up to the published figure to the penny.")
        else:
            result = self._row("difference", difference, 2, bold=True)
            result.setText(1, f"{'+' if difference.pence > 0 else ''}{difference.format_full()}")
            result.setToolTip(0, "Computed from the lines less the published figure")
            for column in (0, 1):
                result.setForeground(column, QBrush(_RED))

    # -- reading back (for tests and assistive tech) -------------------------------------------

    def rows(self) -> list[tuple[str, str]]:
        """Every row as (label, figure) text, top to bottom."""
        return [
            (self.tree.topLevelItem(i).text(0).strip(), self.tree.topLevelItem(i).text(1))
            for i in range(self.tree.topLevelItemCount())
        ]
