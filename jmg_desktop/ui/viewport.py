"""A scroll area's viewport made in Python, so that Python never wraps the one Qt made.

The first time PySide6 hands Python a QWidget that Qt made (a table's viewport, from
``viewport()`` or an event filter), it cannot tell its type from its name and walks every
QWidget subclass it binds to find it, building each one's Python type and enums on the way: about
60 enums (QWizard's, QGraphicsView's, QCalendarWidget's…), which the window paid before it was
first shown. A viewport made here, with the three properties Qt gives its own, is already known
to Python; :meth:`QAbstractScrollArea.setViewport` does the rest as for Qt's (focus proxy, the
scroll area's event filter, gestures, layout).
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

__all__ = ["own_viewport"]


def own_viewport(area: QAbstractScrollArea) -> QWidget:
    """Give ``area`` a viewport made in Python, like the one Qt makes; return it. Call it before
    anything else is set on the viewport (it replaces the old one, which is deleted)."""
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    area.setViewport(viewport)
    return viewport
