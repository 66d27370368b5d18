"""The Tools menu of the lines editor (filled in later)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jmg_desktop.ui.lines.actions import LineActions
    from jmg_desktop.ui.main_window import MainWindow


def install_tools(window: MainWindow, actions: LineActions) -> None:
    """Add the reference-list and roll-forward actions to the Tools menu."""
    actions.tool_actions = []  # type: ignore[attr-defined]
