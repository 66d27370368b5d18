"""Small message dialogs shared by the window and its features.

They open window-modal without blocking (``open()``), so a test can find them by object name and
read their text, and a user still cannot miss them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["show_error", "show_info"]


def show_error(parent: QWidget | None, title: str, message: str, *, details: str = "") -> QMessageBox:
    """Show a one-sentence error; ``details`` (never a traceback) go behind "Show Details…"."""
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
    box = QMessageBox(QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("infoDialog")
    box.setDefaultButton(QMessageBox.StandardButton.Ok)
    box.open()
    return box
