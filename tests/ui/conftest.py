"""GUI test set-up: every test gets its own settings folder, never the real user's, and garbage is
collected on the main thread only (as the application does, see ``jmg_desktop.ui.gc_guard``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def collect_on_main_thread() -> Iterator[None]:
    """No automatic collection during a test (a worker thread could free GUI objects and crash
    Qt); collect on the main thread after it."""
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


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


def fill_pool(path: Path, lines: int, *, pool_id: int = 1, year: int = 2009) -> None:
    """Append ``lines`` generated lines to a pool of the workspace at ``path`` (fast, raw SQL)."""
    from jmg_desktop.store.workspace import Workspace

    with Workspace.open(path) as workspace, workspace.engine.begin() as connection:
        start = connection.exec_driver_sql(
            "SELECT COALESCE(MAX(position), 0) FROM pool_line WHERE pool_id = ? AND financial_year = ?",
            (pool_id, year),
        ).scalar_one()
        connection.exec_driver_sql(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id, status_id,"
            " amount_pence, note, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    pool_id,
                    year,
                    f"Generated service {n:06d}",
                    1 + n % 9,
                    1 + n % 2,
                    1 + n % 3,
                    (n * 7919) % 10_000_000 * 100,
                    "",
                    start + n,
                )
                for n in range(1, lines + 1)
            ],
        )


@pytest.fixture
def big_demo_path(demo_path: Path) -> Path:
    """The demo workspace with 20,000 more lines in the Older People pool for 2009/10."""
    fill_pool(demo_path, 20_000)
    return demo_path


@pytest.fixture
def window(qtbot, demo_path: Path):
    """The main window, open on a fresh copy of the demo workspace."""
    from jmg_desktop.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_path(demo_path)
    return win


@pytest.fixture(scope="session")
def fit_check():
    """The text-fit checks of ``tests/ui/fit_check.py`` (tests import nothing by path here)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("jmg_fit_check", Path(__file__).with_name("fit_check.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
