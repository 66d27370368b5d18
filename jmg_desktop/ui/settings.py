"""Per-user settings (window geometry, recent files) kept with QSettings in an INI file.

The location is Qt's per-user configuration folder unless ``JMG_DESKTOP_CONFIG_DIR`` names
another; tests point it at a temporary folder so they never read or write the real user's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from PySide6.QtCore import QSettings

from jmg_desktop import APP_NAME, ORGANISATION

__all__ = ["MAX_RECENT", "add_recent_file", "app_settings", "recent_files", "remove_recent_file"]

MAX_RECENT: Final = 8
_RECENT_KEY: Final = "recentFiles"


def app_settings() -> QSettings:
    """The application's settings store."""
    folder = os.environ.get("JMG_DESKTOP_CONFIG_DIR")
    if folder:
        return QSettings(str(Path(folder) / "jmg-desktop.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APP_NAME)


def recent_files(settings: QSettings) -> list[str]:
    """Recently opened workspaces, newest first."""
    value = settings.value(_RECENT_KEY, [])
    if isinstance(value, str):  # QSettings gives a bare string for a one-item list in INI files
        value = [value]
    return [str(item) for item in (value or []) if item]


def add_recent_file(settings: QSettings, path: str | Path) -> list[str]:
    """Put ``path`` first in the recent files list; return the new list."""
    text = str(Path(path).resolve())
    files = [text, *(item for item in recent_files(settings) if item != text)][:MAX_RECENT]
    settings.setValue(_RECENT_KEY, files)
    return files


def remove_recent_file(settings: QSettings, path: str | Path) -> list[str]:
    """Drop ``path`` from the recent files list (e.g. it no longer opens)."""
    text = str(Path(path).resolve())
    files = [item for item in recent_files(settings) if item != text]
    settings.setValue(_RECENT_KEY, files)
    return files
