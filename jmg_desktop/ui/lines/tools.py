"""The Tools menu of the lines editor: the reference lists and Copy Lines to Next Year…."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from jmg_desktop.ui.lines.actions import LineActions
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["install_tools", "open_reference_list", "open_roll_forward"]


def open_reference_list(window: MainWindow, table: str) -> None:
    """Show the dialog for one reference list (partner, pool or category)."""
    from jmg_desktop.ui.lines.references import ReferenceListDialog

    if window.workspace() is None:
        window.show_message("Open a workspace first.")
        return
    dialog = ReferenceListDialog(window, table)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()  # a closed list must not go on listening to the undo stack


def open_roll_forward(window: MainWindow) -> None:
    """Show Copy Lines to Next Year… (its module, with its dialog's Qt classes, is imported then,
    not while the window is built)."""
    from jmg_desktop.ui.lines.roll_forward import roll_forward_dialog

    roll_forward_dialog(window)


def install_tools(window: MainWindow, actions: LineActions) -> None:
    """Add the reference-list and roll-forward actions to the Tools menu."""
    menu = window.menu_tools
    tool_actions: list[QAction] = []
    roll = QAction("Copy Lines to &Next Year…", window)
    roll.triggered.connect(lambda _checked=False: open_roll_forward(window))
    menu.addAction(roll)
    menu.addSeparator()
    for table, text in (("partner", "&Partners…"), ("pool", "P&ools…"), ("category", "&Categories…")):
        action = QAction(text, window)
        action.triggered.connect(lambda _checked=False, t=table: open_reference_list(window, t))
        menu.addAction(action)
        tool_actions.append(action)
    actions.roll_forward = roll  # type: ignore[attr-defined]
    actions.tool_actions = tool_actions  # type: ignore[attr-defined]
