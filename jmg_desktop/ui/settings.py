"""Per-user settings (window geometry, recent files) kept with QSettings in an INI file.

The file is ``jmg-desktop.ini`` in the per-user configuration folder of
:func:`jmg_desktop.userdirs.config_dir` (``JMG_DESKTOP_CONFIG_DIR`` when set: tests point it at a
temporary folder so they never read or write the real user's). Settings kept where Qt put them by
default before (``JMG Desktop/JMG Desktop.ini``) are copied over the first time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

from PySide6.QtCore import QSettings

from jmg_desktop import APP_NAME, ORGANISATION, userdirs

__all__ = ["MAX_RECENT", "add_recent_file", "app_settings", "recent_files", "remove_recent_file"]

MAX_RECENT: Final = 8
_RECENT_KEY: Final = "recentFiles"


def app_settings() -> QSettings:
    """The application's settings store."""
    path = userdirs.config_dir() / "jmg-desktop.ini"
    if not os.environ.get(userdirs.CONFIG_DIR_ENV) and not path.exists():
        _adopt_earlier_settings(path)
    return QSettings(str(path), QSettings.Format.IniFormat)


def _adopt_earlier_settings(path: Path) -> None:
    """Copy the settings file from Qt's default place, where earlier versions kept it, if any."""
    earlier = Path(
        QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APP_NAME).fileName()
    )
    if earlier.is_file() and earlier != path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(earlier, path)
        except OSError:
            pass  # settings are a convenience: start afresh rather than fail to start


def recent_files(settings: QSettings) -> list[str]:
    """Recently opened workspaces, newest first."""
    value = settings.value(_RECENT_KEY, [])
    if isinstance(value, str):  # QSettings gives a bare string for a one-item list in INI files
        value = [value]
    return [str(item) for item in (value or []) if item]


def _is_address(path: str | Path) -> bool:
    """A shared workspace's postgresql:// address rather than a file (kept as typed, password removed)."""
    return str(path).lower().startswith(("postgresql://", "postgres://"))


def add_recent_file(settings: QSettings, path: str | Path) -> list[str]:
    """Put ``path`` (or a shared workspace's address) first in the recent list; return the new list."""
    text = str(path) if _is_address(path) else str(Path(path).resolve())
    files = [text, *(item for item in recent_files(settings) if item != text)][:MAX_RECENT]
    settings.setValue(_RECENT_KEY, files)
    return files


def remove_recent_file(settings: QSettings, path: str | Path) -> list[str]:
    """Drop ``path`` from the recent files list (e.g. it no longer opens)."""
    text = str(path) if _is_address(path) else str(Path(path).resolve())
    files = [item for item in recent_files(settings) if item != text]
    settings.setValue(_RECENT_KEY, files)
    return files
