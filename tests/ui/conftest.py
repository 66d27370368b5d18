"""GUI test set-up: every test gets its own settings folder, never the real user's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point QSettings and the per-user data folder at the test's own folders."""
    config = tmp_path / "config"
    data = tmp_path / "data"
    config.mkdir()
    data.mkdir()
    monkeypatch.setenv("JMG_DESKTOP_CONFIG_DIR", str(config))
    monkeypatch.setenv("JMG_DESKTOP_DATA_DIR", str(data))
    yield config
