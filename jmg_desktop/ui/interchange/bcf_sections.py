"""The Better Care Fund sections of the totals panel, shown for a pool with BCF data: income by
stream, each stream's balance (overspent in red), the minimum-spend conditions with any
shortfall, and the checklist (green ✓ done, red ✗ to do)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace
    from jmg_desktop.ui.lines.totals import TotalsPanel

__all__ = ["EDITS_ROLE", "add_bcf_sections"]

#: A BCF row's data in this role names the dialog that edits what it shows (double-click opens it).
EDITS_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 7

_RED: Final = QColor("#b00020")
_GREEN: Final = QColor("#1b6e20")


def add_bcf_sections(panel: TotalsPanel, workspace: Workspace, pool_id: int, financial_year: int) -> None:
    """Add the BCF sections after the totals, when the pool has BCF data this year."""
    from jmg_desktop.core.money import Money
    from jmg_desktop.store.bcf_repo import bcf_plan

    with workspace.reading() as session:
        plan = bcf_plan(session, pool_id, financial_year)
    if not plan.is_bcf:
        return
    first = panel.tree.topLevelItemCount()
    panel._section("BCF income by stream").setToolTip(
        0, "Better Care Fund income into the pool, by funding stream"
    )
    for item in plan.income:
        row = panel._row(item.stream, item.amount, 1)
        row.setToolTip(0, f"{item.stream}, held by {item.partner}")
    panel._row("Income", plan.total_income, 1, bold=True)
    panel._row("Planned on schemes", plan.total_planned, 1, bold=True)

    panel._section("BCF balances (income − planned)")
    for balance in plan.balances:
        row = panel._row(balance.stream, balance.balance, 1)
        row.setToolTip(
            0,
            f"{balance.stream}: income {balance.income.format_full()}, planned {balance.planned.format_full()}, "
            f"balance {balance.balance.format_full()}" + (" — overspent" if balance.overspent else ""),
        )
        if balance.overspent:
            for column in (0, 1):
                row.setForeground(column, QBrush(_RED))
            row.setText(0, f"  ✗ {balance.stream}")
        elif balance.balance == Money(0):
            row.setForeground(1, QBrush(_GREEN))

    if plan.results:
        panel._section("BCF minimum-spend conditions")
        for result in plan.results:
            row = panel._row(result.condition.label, result.planned, 1)
            row.setToolTip(
                0,
                f"{result.condition.label}: minimum {result.condition.minimum.format_full()}, "
                f"planned {result.planned.format_full()}",
            )
            if result.met:
                row.setForeground(1, QBrush(_GREEN))
            else:
                short = panel._row("shortfall", result.shortfall, 2, bold=True)
                for column in (0, 1):
                    short.setForeground(column, QBrush(_RED))

    panel._section("BCF checklist")
    edits = "income"
    for number in range(first, panel.tree.topLevelItemCount()):
        item = panel.tree.topLevelItem(number)
        if item.text(0).startswith("BCF minimum"):
            edits = "conditions"
        _mark(item, edits)
    for check in plan.checks:
        item = panel._section(f"  {'✓' if check.ok else '✗'} {check.text}")
        font = item.font(0)
        font.setBold(False)
        item.setFont(0, font)
        item.setBackground(0, QBrush())
        item.setForeground(0, QBrush(_GREEN if check.ok else _RED))
        item.setToolTip(0, check.text)
        _mark(item, "lists")


def _mark(item: object, edits: str) -> None:
    """Say which dialog edits a section and its rows, and that a double-click opens it."""
    from PySide6.QtWidgets import QTreeWidgetItem

    assert isinstance(item, QTreeWidgetItem)
    tip = {
        "income": "Double-click to edit the income by stream.",
        "conditions": "Double-click to edit the conditions.",
        "lists": "Double-click to edit the reference lists.",
    }[edits]
    item.setData(0, EDITS_ROLE, edits)
    item.setToolTip(0, f"{item.toolTip(0)}\n{tip}" if item.toolTip(0) else tip)
