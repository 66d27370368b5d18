"""Pasting tab-separated rows from a spreadsheet (filled in by the paste step)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow


def paste_text(window: MainWindow, text: str) -> bool:
    """Paste ``text`` into the lines table."""
    window.show_message("Paste is not available yet.")
    return False
