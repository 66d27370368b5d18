"""Plugging workspace safety into the main window: the banner, the timers, and the menu entries
File ▸ Restore from Backup… and Tools ▸ Back Up Now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.dialogs import show_error
from jmg_desktop.ui.safety.banner import SafetyBanner
from jmg_desktop.ui.safety.monitor import SafetyMonitor
from jmg_desktop.ui.safety.restore_dialog import RestoreDialog

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["install"]


def _place_banner(window: MainWindow, banner: SafetyBanner) -> None:
    """Put the banner where the window's plain read-only label is, and retire that label."""
    plain: QWidget | None = getattr(window, "read_only_banner", None)
    layout = plain.parentWidget().layout() if plain is not None and plain.parentWidget() else None
    if plain is None or layout is None:
        window.centralWidget().layout().insertWidget(0, banner)  # type: ignore[union-attr]
        return
    layout.insertWidget(layout.indexOf(plain), banner)  # type: ignore[attr-defined]
    # The window may still show() its label on changes it makes itself: with no height it is never
    # seen, and this banner (which says who, where and since when, with actions) speaks instead.
    plain.setMaximumHeight(0)
    plain.hide()


def _refresh_window(window: MainWindow) -> None:
    """Bring the window (title, editable cells, actions) in line with a read-only state that
    changed while the workspace is open, and keep the plain read-only label out of sight."""
    window.refresh_state()
    plain = getattr(window, "read_only_banner", None)
    if plain is not None:
        plain.hide()


def install(window: MainWindow) -> None:
    """Add the safety banner, timers and backup menu entries to ``window``."""
    banner = SafetyBanner(window)
    _place_banner(window, banner)
    monitor = SafetyMonitor(window)
    window.safety_banner = banner  # type: ignore[attr-defined]
    window.safety_monitor = monitor  # type: ignore[attr-defined]

    def workspace_changed(workspace: Workspace | None) -> None:
        """Follow the window to another workspace (or none)."""
        monitor.set_workspace(workspace)
        banner.show_state(workspace)
        backup_action.setEnabled(workspace is not None)

    def state_changed(workspace: Workspace) -> None:
        """The open workspace became read-only or writable: show it everywhere."""
        banner.show_state(workspace)
        _refresh_window(window)
        if workspace.read_only and workspace.read_only_reason:
            window.show_message(f"Read-only because {workspace.read_only_reason}.")

    def take_over() -> None:
        """Ask, then take over an abandoned lock."""
        workspace = monitor.workspace()
        if workspace is None or not workspace.can_take_over:
            return
        holder = workspace.lock_holder
        who = f"{holder.user} on {holder.host}" if holder is not None else "its unknown holder"
        answer = QMessageBox.question(
            window,
            "Take Over Workspace?",
            f"Take over “{workspace.path.name}” from {who}? Do this only if they are no longer using "
            "it: any change they then try to make will be refused.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        problem = monitor.take_over()
        if problem:
            show_error(window, "Not Taken Over", problem)
            banner.show_state(workspace)

    def restore_from_backup() -> RestoreDialog:
        """Open the Restore from Backup dialog: on the open workspace, or on any with backups
        (the way back to a workspace whose file was lost)."""
        workspace = window.workspace()
        dialog = RestoreDialog(workspace.path if workspace is not None else None, window)
        dialog.restored.connect(lambda path: _offer_to_open(window, path))
        dialog.open()
        return dialog

    def backup_finished(backup: object) -> None:
        """Say in the status bar what a requested or periodic backup did."""
        if backup is None:
            window.show_message("No backup was needed: nothing changed since the last one.")
        else:
            window.show_message("A backup of the workspace was taken.")

    restore_action = QAction("Restore from &Backup…", window)
    restore_action.setObjectName("actionRestoreFromBackup")
    restore_action.setStatusTip("Write one of this workspace's automatic backups to a new file")
    restore_action.triggered.connect(restore_from_backup)
    close_action = getattr(window, "action_close", None)
    if close_action is not None:
        window.menu_file.insertAction(close_action, restore_action)
    else:
        window.menu_file.addAction(restore_action)
    backup_action = QAction("Back &Up Now", window)
    backup_action.setObjectName("actionBackUpNow")
    backup_action.setStatusTip("Take a backup of the workspace now (only if it changed)")
    backup_action.triggered.connect(monitor.backup_now)
    window.menu_tools.addAction(backup_action)
    window.restore_from_backup = restore_from_backup  # type: ignore[attr-defined]

    window.workspaceChanged.connect(workspace_changed)
    monitor.stateChanged.connect(state_changed)
    monitor.message.connect(window.show_message)
    monitor.backupFinished.connect(backup_finished)
    monitor.backupFailed.connect(window.show_message)
    banner.takeOverClicked.connect(take_over)
    banner.retryClicked.connect(monitor.try_again)
    workspace_changed(window.workspace())


def _offer_to_open(window: MainWindow, path: object) -> None:
    """After a restore: say where it went, and offer to open it."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Backup Restored",
        f"The backup was written to “{path}”. Open it now?",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        window,
    )
    box.setObjectName("restoredDialog")
    box.accepted.connect(lambda: window.open_path(path))  # type: ignore[arg-type]
    box.open()
