"""The per-user folders for settings, data (backups, demo copies) and the log, from platformdirs.

The same from the venv and from the bundle (nothing here depends on where the code lives):

| | settings | data (backups, demo copies) | log |
| --- | --- | --- | --- |
| Linux | ``$XDG_CONFIG_HOME/jmg-desktop`` | ``$XDG_DATA_HOME/jmg-desktop`` | ``$XDG_STATE_HOME/jmg-desktop/log`` |
| Windows | ``%APPDATA%\\JMG Desktop`` | ``%LOCALAPPDATA%\\JMG Desktop`` | ``%LOCALAPPDATA%\\JMG Desktop\\Logs`` |
| macOS | ``~/Library/Application Support/JMG Desktop`` (both) | | ``~/Library/Logs/JMG Desktop`` |

(XDG defaults: ``~/.config``, ``~/.local/share``, ``~/.local/state``.) Settings roam with a Windows
profile; backups never do (they are large, and must not land on the shared drive).
``JMG_DESKTOP_CONFIG_DIR`` and ``JMG_DESKTOP_DATA_DIR`` override the first two; when the data
folder is overridden the log goes there too, so a test run writes nothing to the real profile.
Nothing here creates a folder: callers do, when they first write.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Final

import platformdirs

__all__ = ["CONFIG_DIR_ENV", "DATA_DIR_ENV", "config_dir", "data_dir", "log_dir"]

CONFIG_DIR_ENV: Final = "JMG_DESKTOP_CONFIG_DIR"
DATA_DIR_ENV: Final = "JMG_DESKTOP_DATA_DIR"


def _app_name() -> str:
    """The folder name: lower-case and hyphenated on Linux (as XDG folders are), else spelled out."""
    return "jmg-desktop" if sys.platform.startswith("linux") else "JMG Desktop"


def _dirs(roaming: bool) -> platformdirs.PlatformDirs:
    """platformdirs for this application (no vendor folder level on Windows)."""
    return platformdirs.PlatformDirs(appname=_app_name(), appauthor=False, roaming=roaming)


def config_dir() -> Path:
    """Where the settings file lives."""
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(_dirs(roaming=True).user_config_dir)


def data_dir() -> Path:
    """The folder for the application's own files: backups, demo copies."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(_dirs(roaming=False).user_data_dir)


def log_dir() -> Path:
    """Where the log file goes."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(_dirs(roaming=False).user_log_dir)
