"""Adds Tools ▸ Stated Totals… and Tools ▸ Linked Pools… to the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["install", "open_linked_pools", "open_stated_totals"]


def _run(window: MainWindow, dialog: QDialog) -> None:
    """Show a dialog modally and free it afterwards (so it stops following the undo stack)."""
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()


def open_stated_totals(window: MainWindow) -> None:
    """Show the stated totals of the pool and year selected."""
    from jmg_desktop.ui.lines.stated_totals import StatedTotalsDialog

    if window.workspace() is None or window.current_pool_id() < 0 or window.current_year() < 0:
        window.show_message("Select a pool and a year first.")
        return
    _run(window, StatedTotalsDialog(window))


def open_linked_pools(window: MainWindow) -> None:
    """Show the linked pools of the pool selected."""
    from jmg_desktop.ui.lines.linked_pools import LinkedPoolsDialog

    if window.workspace() is None or window.current_pool_id() < 0:
        window.show_message("Select a pool first.")
        return
    _run(window, LinkedPoolsDialog(window))


def install(window: MainWindow) -> None:
    """Add the two actions to the Tools menu; they are enabled while a pool is selected (their
    dialogs can be read when the workspace is read-only and disable every change then)."""
    stated = QAction("Stated &Totals…", window)
    stated.setObjectName("actionStatedTotals")
    stated.setStatusTip("Figures as published for this pool and year, beside the computed totals")
    stated.triggered.connect(lambda _checked=False: open_stated_totals(window))
    linked = QAction("&Linked Pools…", window)
    linked.setObjectName("actionLinkedPools")
    linked.setStatusTip("Which pools this pool's figures are quoted including")
    linked.triggered.connect(lambda _checked=False: open_linked_pools(window))
    window.menu_tools.addSeparator()
    window.menu_tools.addAction(stated)
    window.menu_tools.addAction(linked)

    def update_enabled(*_signal_args: object) -> None:
        """Enabled while a pool (and, for stated totals, a year) is selected."""
        has_pool = window.workspace() is not None and window.current_pool_id() >= 0
        linked.setEnabled(has_pool)
        stated.setEnabled(has_pool and window.current_year() >= 0)

    window.workspaceChanged.connect(update_enabled)
    window.selectionChanged.connect(update_enabled)
    update_enabled()
    window.stated_totals_action = stated  # type: ignore[attr-defined]
    window.linked_pools_action = linked  # type: ignore[attr-defined]
