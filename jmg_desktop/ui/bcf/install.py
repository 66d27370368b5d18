"""Adds Tools ▸ Better Care Fund ▸ Reference Lists…, Income by Stream… and Minimum-Spend
Conditions…, and opens the matching dialog when a BCF row of the totals panel is double-clicked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTreeWidgetItem

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["install", "open_bcf_dialog"]

_ACTIONS = (
    ("lists", "&Reference Lists…", "Funding streams, scheme types, sub-types and areas of spend"),
    (
        "income",
        "&Income by Stream…",
        "This pool's income for the year, by funding stream and holding partner",
    ),
    ("conditions", "&Minimum-Spend Conditions…", "This pool's minimum-spend conditions for the year"),
)


def open_bcf_dialog(window: MainWindow, which: str, *, modal: bool = True) -> object | None:
    """Show one of the BCF dialogs (returned; run when ``modal``); None with a message when the
    pool and year it needs are not chosen."""
    from jmg_desktop.ui.bcf.dialogs import BcfDialog

    if window.workspace() is None:
        return None
    if which != "lists" and (window.current_pool_id() < 0 or window.current_year() < 0):
        window.show_message("Select a pool and a year first.")
        return None
    dialog = BcfDialog(window, which)
    if modal:
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
    return dialog


def install(window: MainWindow) -> None:
    """The Tools submenu, and double-click on the totals panel's BCF rows."""
    from jmg_desktop.ui.interchange.bcf_sections import EDITS_ROLE

    menu = QMenu("&Better Care Fund", window)
    menu.setObjectName("menuBcf")
    actions = []
    for which, text, tip in _ACTIONS:
        action = QAction(text, window)
        action.setObjectName(f"actionBcf{which.title()}")
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, which=which: open_bcf_dialog(window, which))
        menu.addAction(action)
        actions.append((which, action))
    window.menu_tools.addSeparator()
    window.menu_tools.addMenu(menu)

    def double_clicked(item: QTreeWidgetItem, _column: int) -> None:
        which = item.data(0, EDITS_ROLE)
        if which:
            open_bcf_dialog(window, str(which))

    window.totals_panel.tree.itemDoubleClicked.connect(double_clicked)

    def update_enabled(*_signal_args: object) -> None:
        open_ = window.workspace() is not None
        chosen = open_ and window.current_pool_id() >= 0 and window.current_year() >= 0
        for which, action in actions:
            action.setEnabled(open_ if which == "lists" else chosen)

    window.workspaceChanged.connect(update_enabled)
    window.selectionChanged.connect(update_enabled)
    update_enabled()
