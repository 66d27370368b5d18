"""The Qt user interface: the only package that imports PySide6."""

from jmg_desktop.ui.none_guard import protect_none

# Before any Qt call: PySide6 6.12 on Python 3.11 leaks references to None (see none_guard).
protect_none()
