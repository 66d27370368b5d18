"""Small message dialogs shared by the window and its features.

They open window-modal without blocking (``open()``), so a test can find them by object name and
read their text, and a user still cannot miss them. QMessageBox is imported when a box is first
shown: the main window imports this module, and naming the class builds its Python enums (and
QDialog's) before the window is first shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["show_error", "show_info"]


def show_error(parent: QWidget | None, title: str, message: str, *, details: str = "") -> QMessageBox:
    """Show a one-sentence error; ``details`` (never a traceback) go behind "Show Details…"."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    if details:
        box.setDetailedText(details)
    # Enter closes the box (with details, Qt would otherwise leave "Show Details…" in charge).
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.setEscapeButton(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_info(parent: QWidget | None, title: str, message: str) -> QMessageBox:
    """Show an informational message."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("infoDialog")
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box
