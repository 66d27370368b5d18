"""Settings, data and the log go to the platform's per-user folders, from the venv as from the bundle
(the bundle's smoke test checks the same folders from the frozen application)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop import userdirs

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux (XDG) folders")


@pytest.fixture
def clean_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A home folder with no XDG variables and no overrides, as on a fresh login."""
    for name in (
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        userdirs.CONFIG_DIR_ENV,
        userdirs.DATA_DIR_ENV,
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@linux_only
def test_xdg_defaults_under_home(clean_profile: Path) -> None:
    assert userdirs.config_dir() == clean_profile / ".config" / "jmg-desktop"
    assert userdirs.data_dir() == clean_profile / ".local" / "share" / "jmg-desktop"
    assert userdirs.log_dir() == clean_profile / ".local" / "state" / "jmg-desktop" / "log"


@linux_only
def test_xdg_variables_are_followed(clean_profile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(clean_profile / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(clean_profile / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(clean_profile / "state"))
    assert userdirs.config_dir() == clean_profile / "cfg" / "jmg-desktop"
    assert userdirs.data_dir() == clean_profile / "data" / "jmg-desktop"
    assert userdirs.log_dir() == clean_profile / "state" / "jmg-desktop" / "log"


def test_overrides_win_and_the_log_follows_the_data_override(
    clean_profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(userdirs.CONFIG_DIR_ENV, str(clean_profile / "c"))
    monkeypatch.setenv(userdirs.DATA_DIR_ENV, str(clean_profile / "d"))
    assert userdirs.config_dir() == clean_profile / "c"
    assert userdirs.data_dir() == clean_profile / "d"
    assert userdirs.log_dir() == clean_profile / "d"


def test_backups_live_in_the_data_folder(clean_profile: Path, tmp_path: Path) -> None:
    from jmg_desktop.store.backups import backups_dir

    assert userdirs.data_dir() / "backups" in backups_dir(tmp_path / "Budget.jmg").parents


@linux_only
def test_settings_file_is_in_the_config_folder_and_earlier_settings_are_kept(clean_profile: Path) -> None:
    """Earlier versions let Qt choose (``~/.config/JMG Desktop/JMG Desktop.ini``): its recent files
    are adopted the first time, in a separate process as a real start would."""
    earlier = clean_profile / ".config" / "JMG Desktop" / "JMG Desktop.ini"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("[General]\nrecentFiles=/shared/Older People.jmg\n", encoding="utf-8")
    probe = (
        "from jmg_desktop.ui.settings import app_settings, recent_files\n"
        "s = app_settings(); print(s.fileName()); print(recent_files(s))"
    )
    env = {"HOME": str(clean_profile), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    file_name, recent = result.stdout.splitlines()
    assert file_name == str(clean_profile / ".config" / "jmg-desktop" / "jmg-desktop.ini")
    assert recent == "['/shared/Older People.jmg']"
    assert earlier.is_file()  # copied, not moved: an older version still installed keeps working
