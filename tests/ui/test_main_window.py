"""The GUI shell: menus, title, pools and years, opening files, settings, About."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QListWidget, QMessageBox, QTableView, QWidget

from jmg_desktop import __version__
from jmg_desktop.ui.main_window import MainWindow
from jmg_desktop.ui.settings import app_settings, recent_files


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    return win


def _error_text(window: MainWindow) -> str:
    box = window.findChild(QMessageBox, "errorDialog")
    assert box is not None, "no error dialog was shown"
    return box.text()


def test_features_are_installed(window: MainWindow) -> None:
    from jmg_desktop.ui.features import FEATURE_INSTALLERS

    assert len(window.installed_features) == len(FEATURE_INSTALLERS)


def test_named_parts_exist(window: MainWindow) -> None:
    assert window.objectName() == "mainWindow"
    assert isinstance(window.findChild(QListWidget, "poolList"), QListWidget)
    assert isinstance(window.findChild(QTableView, "poolLinesTable"), QTableView)
    assert isinstance(window.findChild(QWidget, "totalsPanel"), QWidget)
    assert isinstance(window.findChild(QComboBox, "yearSelector"), QComboBox)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Tools", "Help"]


def test_file_menu_has_standard_shortcuts(qtbot) -> None:
    # The shell's own items, without the features (which may add their own, e.g. a PDF export).
    window = MainWindow(install_features=False)
    qtbot.addWidget(window)
    texts = [a.text().replace("&", "") for a in window.menu_file.actions() if a.text()]
    assert texts == ["New…", "Open…", "Open Recent", "Save a Copy As…", "Close", "Quit"]
    assert window.action_new.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.action_open.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.action_quit.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    assert window.action_close.shortcut() == QKeySequence(QKeySequence.StandardKey.Close)


def test_opening_demo_shows_pools_lines_and_title(window: MainWindow, demo_path: Path, qtbot) -> None:
    seen = []
    window.workspaceChanged.connect(seen.append)
    assert window.open_path(demo_path)
    assert "demo.jmg" in window.windowTitle()
    assert [window.pool_list.item(i).text() for i in range(window.pool_list.count())] == [
        "Older People",
        "Physical Disabilities",
        "Equipment",
        "Staffordshire Better Care Fund 2019/20 (illustrative)",
    ]
    assert window.year_selector.currentText() == "2009/10"
    assert window.current_year() == 2009
    assert window.current_pool_id() == window.pool_list.item(0).data(Qt.ItemDataRole.UserRole)
    model = window.lines_model
    assert model.rowCount() == 16
    first = [model.data(model.index(0, c)) for c in range(6)]
    assert first == [
        "Care homes – residential placements",
        "Care homes",
        "OCC",
        "In pool",
        "£21,874,000.00",
        "",
    ]
    assert seen == [window.workspace()]


def test_selecting_a_pool_emits_selection(window: MainWindow, demo_path: Path, qtbot) -> None:
    window.open_path(demo_path)
    with qtbot.waitSignal(window.selectionChanged) as blocker:
        window.pool_list.setCurrentRow(2)
    pool_id = window.pool_list.item(2).data(Qt.ItemDataRole.UserRole)
    assert blocker.args == [pool_id, 2009]
    assert window.lines_model.rowCount() == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"hello, this is a text file\n" * 10, "not a database file"),
    ],
)
def test_bad_file_shows_one_sentence(
    window: MainWindow, tmp_path: Path, content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.jmg"
    bad.write_bytes(content)
    assert not window.open_path(bad)
    text = _error_text(window)
    assert expected in text
    assert "Traceback" not in text
    assert window.workspace() is None
    assert bad.read_bytes() == content


def test_recent_files_and_geometry_are_remembered(window: MainWindow, demo_path: Path, qtbot) -> None:
    window.open_path(demo_path)
    window.resize(700, 500)
    window.close()
    settings = app_settings()
    assert recent_files(settings) == [str(demo_path.resolve())]
    again = MainWindow()
    qtbot.addWidget(again)
    assert (again.size().width(), again.size().height()) == (700, 500)
    recent = [a.text() for a in again.menu_recent.actions()]
    assert recent == ["&1 demo.jmg"]


def test_settings_are_isolated_from_the_real_user(isolated_settings: Path) -> None:
    settings = app_settings()
    settings.setValue("probe", 1)
    settings.sync()
    assert Path(settings.fileName()).parent == isolated_settings


def test_save_copy_and_close(window: MainWindow, demo_path: Path, tmp_path: Path) -> None:
    window.open_path(demo_path)
    copy = tmp_path / "copy.jmg"
    assert window.save_copy_to(copy)
    assert copy.exists()
    window.close_workspace()
    assert window.workspace() is None
    assert window.lines_model.rowCount() == 0
    assert window.windowTitle() == "JMG Desktop"
    assert window.open_path(copy)
    assert window.lines_model.rowCount() == 16


def test_new_workspace_is_empty(window: MainWindow, tmp_path: Path) -> None:
    assert window.new_workspace_at(tmp_path / "fresh")
    assert window.workspace() is not None
    assert window.workspace().path.name == "fresh.jmg"
    assert window.pool_list.count() == 0
    assert not window.line_actions.add_line.isEnabled()
    assert "Tools ▸ Pools…" in window.empty_hint.text()


def test_about_box_shows_version(window: MainWindow) -> None:
    box = window.show_about()
    assert __version__ in box.text()
    box.close()


def test_read_only_workspace_shows_banner_and_disables_edits(window: MainWindow, demo_path: Path) -> None:
    window.open_path(demo_path, read_only=True)
    assert not window.read_only_banner.isHidden()
    assert "Read-only" in window.read_only_banner.text()
    assert "[read-only]" in window.windowTitle()
    model = window.lines_model
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, 4), "1")
    for action in (window.line_actions.add_line, window.line_actions.paste, window.line_actions.delete):
        assert not action.isEnabled()


def test_file_suffix_matches_the_store() -> None:
    from jmg_desktop.store.workspace import FILE_SUFFIX
    from jmg_desktop.ui import main_window

    assert main_window.FILE_SUFFIX == FILE_SUFFIX


def test_window_module_does_not_import_the_store() -> None:
    # Start-up speed: the window appears before SQLAlchemy (and the features) are imported.
    import subprocess
    import sys

    code = (
        "import sys; import jmg_desktop.ui.main_window, jmg_desktop.ui.app;"
        "print('sqlalchemy' in sys.modules, 'typst' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_turning_read_only_while_open_disables_edits_and_undo(window: MainWindow, demo_path: Path) -> None:
    window.open_path(demo_path)
    model = window.lines_model
    assert model.setData(model.index(0, 5), "before the lock was lost")
    assert window.action_undo.isEnabled()
    workspace = window.workspace()
    workspace.read_only, workspace.read_only_reason = True, "another user took the workspace over"
    window.refresh_state()
    assert not window.action_undo.isEnabled()
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not window.line_actions.add_line.isEnabled()
    assert "another user took the workspace over" in window.read_only_banner.text()
    assert "[read-only]" in window.windowTitle()


def test_features_installed_after_opening_are_told_what_is_open(qtbot, demo_path: Path) -> None:
    window = MainWindow(install_features=False)
    qtbot.addWidget(window)
    window.open_path(demo_path)
    seen: list[object] = []
    window.workspaceChanged.connect(seen.append)
    selections: list[tuple[int, int]] = []
    window.selectionChanged.connect(lambda pool, year: selections.append((pool, year)))
    window.install_features()
    assert seen == [window.workspace()]
    assert selections == [(window.current_pool_id(), 2009)]
    window.install_features()  # only once
    assert len(seen) == 1
