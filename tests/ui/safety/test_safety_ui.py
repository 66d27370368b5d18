"""The safety feature in the GUI: the read-only banner (who, where, since), take-over, the timers,
and Restore from Backup…"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from jmg_desktop.store.backups import list_backups
from jmg_desktop.store.lock import format_local, lock_path
from jmg_desktop.store.models import Category, PoolLine
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.main_window import MainWindow
from jmg_desktop.ui.safety.banner import SafetyBanner, banner_text
from jmg_desktop.ui.safety.monitor import SafetyMonitor
from jmg_desktop.ui.safety.restore_dialog import RestoreDialog

SINCE = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def _other_lock(path: Path, *, host: str = "FINANCE-PC-07", heartbeat: datetime | None = None) -> None:
    """A lock written by alice's copy of the application on another machine."""
    beat = (heartbeat or datetime.now(UTC)).isoformat(timespec="seconds")
    lock_path(path).write_text(
        json.dumps(
            {
                "user": "alice",
                "host": host,
                "pid": 4242,
                "started_at": SINCE.isoformat(),
                "heartbeat_at": beat,
                "token": "alice-token",
            }
        ),
        encoding="utf-8",
    )


def _add_category(workspace: Workspace, name: str) -> None:
    with workspace.writing() as session:
        session.add(Category(name=name, position=60))


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    return win


# -- the banner ----------------------------------------------------------------------------------


def test_banner_says_who_where_and_since(demo_path: Path) -> None:
    _other_lock(demo_path)
    with Workspace.open(demo_path) as workspace:
        assert banner_text(workspace) == (
            f"Read-only: alice has this workspace open on FINANCE-PC-07 since {format_local(SINCE)}. "
            "You can look and copy, but not change anything."
        )


def test_banner_for_a_stale_lock_says_how_long_it_has_been_silent(demo_path: Path) -> None:
    now = datetime.now(UTC)
    _other_lock(demo_path, heartbeat=now - timedelta(hours=3, minutes=5))
    with Workspace.open(demo_path) as workspace:
        text = banner_text(workspace, now=now)
        assert text.endswith(
            "Their copy has given no sign of life for 3 hours; if they are no longer using it, "
            "you can take it over."
        )


def test_banner_for_other_reasons_and_for_a_writable_workspace(demo_path: Path) -> None:
    with Workspace.open(demo_path, read_only=True) as workspace:
        assert banner_text(workspace) == "Opened read-only. You can look and copy, but not change anything."
    with Workspace.open(demo_path) as workspace:
        assert banner_text(workspace) == ""
        lock_path(demo_path).unlink()
        workspace.heartbeat()
        assert banner_text(workspace) == (
            "Read-only because its lock file was removed by someone else. You can look and copy, but not change anything."
        )


def test_banner_widget_shows_the_actions_that_apply(qtbot, demo_path: Path, tmp_path: Path) -> None:
    banner = SafetyBanner()
    qtbot.addWidget(banner)
    banner.resize(900, 60)
    _other_lock(demo_path)
    with Workspace.open(demo_path) as held:
        banner.show_state(held)
        assert not banner.isHidden()
        assert banner.text.text().startswith("Read-only: alice has this workspace open on FINANCE-PC-07")
        assert banner.take_over_button.isHidden() and not banner.retry_button.isHidden()
    _other_lock(demo_path, heartbeat=datetime.now(UTC) - timedelta(hours=2))
    with Workspace.open(demo_path) as stale:
        banner.show_state(stale)
        assert not banner.take_over_button.isHidden() and banner.retry_button.isHidden()
        banner.show()
        banner.grab().save(str(tmp_path / "banner.png"))
    banner.show_state(None)
    assert banner.isHidden()


# -- in the window -------------------------------------------------------------------------------


def test_window_shows_the_banner_and_take_over_makes_it_writable(
    window: MainWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot
) -> None:
    _other_lock(demo_path, heartbeat=datetime.now(UTC) - timedelta(hours=5))
    assert window.open_path(demo_path)
    banner = window.findChild(SafetyBanner, "safetyBanner")
    assert banner is not None and not banner.isHidden()
    assert "alice has this workspace open on FINANCE-PC-07" in banner.text.text()
    assert window.read_only_banner.maximumHeight() == 0  # the plain label gave way to this banner
    assert "[read-only]" in window.windowTitle()
    asked: list[str] = []

    def answer_yes(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    banner.take_over_button.click()
    assert asked and asked[0].startswith("Take over “demo.jmg” from alice on FINANCE-PC-07?")
    workspace = window.workspace()
    assert workspace is not None and not workspace.read_only
    assert banner.isHidden()
    assert "[read-only]" not in window.windowTitle()
    _add_category(workspace, "Mine now")


def test_declining_take_over_changes_nothing(
    window: MainWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _other_lock(demo_path, heartbeat=datetime.now(UTC) - timedelta(hours=5))
    window.open_path(demo_path)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.safety_banner.take_over_button.click()  # type: ignore[attr-defined]
    assert window.workspace().read_only  # type: ignore[union-attr]
    assert json.loads(lock_path(demo_path).read_text())["token"] == "alice-token"


def test_lost_lock_mid_session_turns_the_window_read_only(window: MainWindow, demo_path: Path) -> None:
    window.open_path(demo_path)
    banner = window.safety_banner  # type: ignore[attr-defined]
    assert banner.isHidden()
    _other_lock(demo_path)  # alice took it over from another machine
    window.safety_monitor.heartbeat()  # type: ignore[attr-defined]
    assert not banner.isHidden()
    assert "it was taken over by alice on FINANCE-PC-07" in banner.text.text()
    assert "[read-only]" in window.windowTitle()
    assert window.statusBar().currentMessage().startswith("Read-only because it was taken over by alice")


def test_timers_run_only_while_a_workspace_is_open(window: MainWindow, demo_path: Path) -> None:
    monitor: SafetyMonitor = window.safety_monitor  # type: ignore[attr-defined]
    assert not monitor.heartbeat_timer.isActive() and not monitor.backup_timer.isActive()
    window.open_path(demo_path)
    assert monitor.heartbeat_timer.isActive() and monitor.backup_timer.isActive()
    assert monitor.heartbeat_timer.interval() == 30_000
    window.close_workspace()
    assert not monitor.heartbeat_timer.isActive() and not monitor.backup_timer.isActive()
    assert not lock_path(demo_path).exists()


def test_periodic_backup_runs_off_the_gui_thread_and_reports(qtbot, demo_path: Path) -> None:
    monitor = SafetyMonitor(heartbeat_ms=50, backup_ms=100)
    with Workspace.open(demo_path) as workspace:
        monitor.set_workspace(workspace)
        workspace.wait_for_backup()  # the one taken on opening
        _add_category(workspace, "Worth a backup")
        with qtbot.waitSignal(monitor.backupFinished, timeout=10_000) as blocker:
            pass  # the 100 ms timer starts it
        backup = blocker.args[0]
        assert backup is not None and backup.ok and backup.reason == "interval"
        monitor.set_workspace(None)
    assert [b.reason for b in list_backups(demo_path)] == ["interval", "opened"]


def test_menu_entries(window: MainWindow) -> None:
    file_texts = [a.text().replace("&", "") for a in window.menu_file.actions() if a.text()]
    assert file_texts.index("Restore from Backup…") == file_texts.index("Close") - 1
    assert "Back Up Now" in [a.text().replace("&", "") for a in window.menu_tools.actions()]
    # Enabled even with no workspace open: that is how a lost workspace's backups are reached.
    assert window.findChild(type(window.menu_file.actions()[0]), "actionRestoreFromBackup").isEnabled()


# -- Restore from Backup… ------------------------------------------------------------------------


@pytest.fixture
def two_backups(demo_path: Path) -> Path:
    with Workspace.open(demo_path) as workspace:  # "opened"
        workspace.wait_for_backup()
        _add_category(workspace, "Second state")
        workspace.backup_now()  # "interval"
    return demo_path


def test_restore_dialog_lists_backups_newest_first_with_latest_good_chosen(
    qtbot, two_backups: Path, tmp_path: Path
) -> None:
    dialog = RestoreDialog(two_backups)
    qtbot.addWidget(dialog)
    tree = dialog.tree
    assert tree.topLevelItemCount() == 2
    assert [tree.topLevelItem(i).text(1) for i in range(2)] == ["while editing", "on opening"]
    assert [tree.topLevelItem(i).text(3) for i in range(2)] == ["Latest good", "Good"]
    assert dialog.selected_backup() == list_backups(two_backups)[0]
    assert dialog.restore_button.isEnabled()
    assert dialog.suggested_path().name.startswith("demo (restored ")
    dialog.show()
    dialog.grab().save(str(tmp_path / "restore.png"))


def test_restore_dialog_writes_a_new_file_and_asks_before_replacing(
    qtbot, two_backups: Path, tmp_path: Path
) -> None:
    dialog = RestoreDialog(two_backups)
    qtbot.addWidget(dialog)
    target = tmp_path / "restored"
    with qtbot.waitSignal(dialog.restored) as blocker:
        assert dialog.restore_to(target)
    assert blocker.args == [tmp_path / "restored.jmg"]
    assert (tmp_path / "restored.jmg").exists()

    again = RestoreDialog(two_backups)
    qtbot.addWidget(again)
    again.tree.setCurrentItem(again.tree.topLevelItem(1))  # the older one
    before = (tmp_path / "restored.jmg").read_bytes()
    asked: list[Path] = []
    again.confirm_replace = lambda path: asked.append(path) or False  # type: ignore[method-assign]
    assert not again.restore_to(tmp_path / "restored.jmg")
    assert asked == [tmp_path / "restored.jmg"]
    assert (tmp_path / "restored.jmg").read_bytes() == before
    again.confirm_replace = lambda path: True  # type: ignore[method-assign]
    assert again.restore_to(tmp_path / "restored.jmg")
    with Workspace.open(tmp_path / "restored.jmg", read_only=True) as restored, restored.reading() as session:
        assert session.query(Category).filter_by(name="Second state").count() == 0


def test_restore_never_replaces_the_open_workspace(qtbot, two_backups: Path) -> None:
    with Workspace.open(two_backups):
        dialog = RestoreDialog(two_backups)
        qtbot.addWidget(dialog)
        before = two_backups.read_bytes()
        dialog.confirm_replace = lambda path: True  # type: ignore[method-assign]
        assert not dialog.restore_to(two_backups)
        assert dialog.last_error.startswith("A workspace cannot be replaced by its own backup here.")
        assert two_backups.read_bytes() == before
        box = dialog.findChild(QMessageBox, "errorDialog")
        assert box is not None and box.text() == dialog.last_error


def test_restore_dialog_with_no_backups_says_where_they_would_be(qtbot, tmp_path: Path) -> None:
    dialog = RestoreDialog(tmp_path / "never.jmg")
    qtbot.addWidget(dialog)
    assert dialog.tree.isHidden() and not dialog.empty.isHidden()
    assert dialog.empty.text().startswith("There are no backups of this workspace yet.")
    assert not dialog.restore_button.isEnabled()


def test_window_restore_action_opens_the_dialog_for_the_open_workspace(
    window: MainWindow, two_backups: Path
) -> None:
    window.open_path(two_backups)
    dialog = window.restore_from_backup()  # type: ignore[attr-defined]
    assert isinstance(dialog, RestoreDialog)
    assert dialog.workspace_path == two_backups.resolve()
    assert dialog.tree.topLevelItemCount() == 2  # unchanged since the last backup: none on opening
    dialog.close()


def test_same_host_lock_in_banner_names_this_machine(demo_path: Path) -> None:
    _other_lock(demo_path, host=socket.gethostname())
    lock = json.loads(lock_path(demo_path).read_text())
    lock["pid"] = os.getpid()  # alive: this very process, another window
    lock_path(demo_path).write_text(json.dumps(lock))
    with Workspace.open(demo_path) as workspace:
        text = banner_text(workspace)
    assert f"open on {socket.gethostname()} since" in text


# -- faults while editing in the window ------------------------------------------------------------


def test_disk_full_during_an_edit_keeps_the_table_true_and_shows_why(
    window: MainWindow, demo_path: Path
) -> None:
    window.open_path(demo_path)
    model = window.lines_model
    assert model.rowCount() > 0 and not model.read_only
    workspace = window.workspace()
    assert workspace is not None
    workspace.wait_for_backup()
    # The disk fills up: no page may be added, through the engine or the connection cell edits
    # run on (Workspace.editing; the cap is a connection's own setting).
    with workspace.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        connection.rollback()
    with workspace.editing() as transaction:
        transaction.connection().execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[union-attr]
    failed_row = -1
    for row in range(model.rowCount()):  # long notes until the file cannot grow any more
        if not model.setData(model.index(row, 5), f"Note {row} " + "x" * 1990):
            failed_row = row
            break
    assert failed_row >= 0, "the capped file never filled up"
    shown = model.data(model.index(failed_row, 5))
    assert not str(shown).startswith(f"Note {failed_row} ")  # the table shows what the file holds
    with workspace.reading() as session:
        held = session.get(PoolLine, model.record(failed_row).id)
        assert held is not None and held.note == (shown or "")
    banner = window.safety_banner  # type: ignore[attr-defined]
    assert not banner.isHidden()
    assert (
        banner.text.text()
        == "Read-only because the disk is full. You can look and copy, but not change anything."
    )
    assert model.read_only and "[read-only]" in window.windowTitle()
    assert not banner.retry_button.isHidden()


def test_after_take_over_the_table_can_be_edited(
    window: MainWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _other_lock(demo_path, heartbeat=datetime.now(UTC) - timedelta(hours=5))
    window.open_path(demo_path)
    model = window.lines_model
    shown = (model.pool_id, model.financial_year)
    assert model.read_only
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.safety_banner.take_over_button.click()  # type: ignore[attr-defined]
    assert not model.read_only
    assert (model.pool_id, model.financial_year) == shown
    assert model.setData(model.index(0, 5), "Edited after taking over")
    assert model.data(model.index(0, 5)) == "Edited after taking over"


def test_check_again_makes_it_writable_once_the_holder_has_closed(
    window: MainWindow, demo_path: Path
) -> None:
    _other_lock(demo_path)  # alice, active a moment ago
    window.open_path(demo_path)
    banner = window.safety_banner  # type: ignore[attr-defined]
    banner.retry_button.click()
    assert window.workspace().read_only  # type: ignore[union-attr]
    assert window.statusBar().currentMessage().startswith("Still read-only because in use by alice on ")
    lock_path(demo_path).unlink()  # alice closes it
    banner.retry_button.click()
    assert not window.workspace().read_only  # type: ignore[union-attr]
    assert banner.isHidden() and not window.lines_model.read_only
    assert window.statusBar().currentMessage() == "“demo.jmg” can be changed again."


def test_banner_for_a_deleted_file_points_to_save_a_copy(demo_path: Path) -> None:
    with Workspace.open(demo_path) as workspace:
        demo_path.unlink()
        workspace.heartbeat()
        assert banner_text(workspace) == (
            "Read-only because the file was moved, renamed or deleted while open. You can look and "
            "copy, but not change anything. File ▸ Save a Copy As… still saves everything it holds."
        )


def test_restore_dialog_finds_a_workspace_whose_file_was_lost(
    qtbot, two_backups: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.jmg"
    Workspace.create(other).close()
    Workspace.open(other).close()  # its first opening backs it up: the list holds two workspaces
    two_backups.unlink()  # the shared drive lost the demo workspace
    dialog = RestoreDialog()  # as from the menu with no workspace open
    qtbot.addWidget(dialog)
    box = dialog.workspace_box
    labels = [box.itemText(i) for i in range(box.count())]
    assert any(
        label.startswith("demo.jmg — ") and label.endswith("(the file is no longer there)")
        for label in labels
    )
    box.setCurrentIndex(next(i for i, label in enumerate(labels) if label.startswith("demo.jmg")))
    assert dialog.tree.topLevelItemCount() == 2
    assert dialog.restore_to(tmp_path / "demo.jmg")  # back where it was
    with Workspace.open(tmp_path / "demo.jmg", read_only=True) as restored, restored.reading() as session:
        assert session.query(Category).filter_by(name="Second state").count() == 1
