"""Restore from Backup…: the open workspace's backups, newest first; restoring writes a new file
(or, only after the user confirms, replaces another one) and never the open workspace itself."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.dates import format_moment
from jmg_desktop.store.backups import Backup, backups_dir, data_dir, known_workspaces, list_backups, restore
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.workspace import FILE_SUFFIX

__all__ = ["RestoreDialog"]

_PATH_ROLE = Qt.ItemDataRole.UserRole
#: Why each backup was taken, as the list shows it.
_REASONS: Final = {
    "opened": "on opening",
    "interval": "while editing",
    "before-upgrade": "before upgrade",
    "before-restore": "before restore",
    "manual": "by request",
}


class RestoreDialog(QDialog):
    """Lists the backups of a workspace (``workspace_path`` first, or any workspace that has
    backups, including one whose file was lost) and restores the chosen one to a file."""

    #: A backup was restored to this path (a :class:`pathlib.Path`).
    restored = Signal(object)

    def __init__(self, workspace_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from Backup")
        self.backups: list[Backup] = []
        self.last_error = ""
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Choose a workspace and one of its backups, newest first. Restoring writes the backup to "
            "a new file, which you can then open; no open workspace is changed.",
            self,
        )
        intro.setObjectName("restoreIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        label = QLabel("&Workspace:", self)
        self.workspace_box = QComboBox(self)
        self.workspace_box.setObjectName("backupWorkspace")
        self.workspace_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        label.setBuddy(self.workspace_box)
        row.addWidget(label)
        row.addWidget(self.workspace_box, 1)
        layout.addLayout(row)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("backupList")
        self.tree.setHeaderLabels(["Taken", "Why", "Size", "State"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self.choose_and_restore())
        layout.addWidget(self.tree, 1)
        self.empty = QLabel(self)
        self.empty.setObjectName("restoreEmpty")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton("Restore As…", self)
        self.restore_button.setObjectName("restoreAs")
        self.restore_button.setDefault(True)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.choose_and_restore)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_workspaces(Path(workspace_path) if workspace_path is not None else None)
        self.workspace_box.currentIndexChanged.connect(lambda _index: self.show_workspace())
        self.show_workspace()
        self.resize(700, 380)

    @property
    def workspace_path(self) -> Path | None:
        """The workspace whose backups are listed."""
        chosen = self.workspace_box.currentData()
        return Path(chosen) if chosen else None

    def _fill_workspaces(self, current: Path | None) -> None:
        """Every workspace with backups (a lost file is marked), ``current`` first and chosen."""
        known = known_workspaces()
        paths = [item.path for item in known]
        current = current.resolve() if current is not None else None  # backups record full paths
        if current is not None and current not in paths:
            paths.insert(0, current)
        for path in paths:
            gone = "" if path.exists() else " (the file is no longer there)"
            self.workspace_box.addItem(f"{path.name} — {path.parent}{gone}", str(path))
        if current is not None:
            self.workspace_box.setCurrentIndex(paths.index(current))

    def show_workspace(self) -> None:
        """List the backups of the chosen workspace."""
        path = self.workspace_path
        self.backups = list_backups(path) if path is not None else []
        self.tree.clear()
        self._fill()
        where = backups_dir(path) if path is not None else data_dir() / "backups"
        self.empty.setText(f"There are no backups of this workspace yet. They are kept in {where}.")

    def _fill(self) -> None:
        """One row per backup; unusable ones greyed out with why; the latest good one chosen."""
        latest_good = next((backup for backup in self.backups if backup.ok), None)
        for backup in self.backups:
            state = "Latest good" if backup is latest_good else ("Good" if backup.ok else "Not usable")
            size = f"{max(1, round(backup.size / 1024)):,} KB"
            item = QTreeWidgetItem(
                [
                    format_moment(backup.taken_at),
                    _REASONS.get(backup.reason, backup.reason),
                    size,
                    state,
                ]
            )
            item.setData(0, _PATH_ROLE, str(backup.path))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not backup.ok:
                item.setToolTip(3, backup.detail or "not verified")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable & ~Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(item)
            if backup is latest_good:
                self.tree.setCurrentItem(item)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        self.tree.setVisible(bool(self.backups))
        self.empty.setVisible(not self.backups)
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Restoring needs a usable backup chosen."""
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def selected_backup(self) -> Backup | None:
        """The backup chosen in the list (only usable ones can be chosen)."""
        items = self.tree.selectedItems()
        if not items:
            return None
        chosen = items[0].data(0, _PATH_ROLE)
        return next((b for b in self.backups if str(b.path) == chosen and b.ok), None)

    def suggested_path(self) -> Path:
        """``NAME (restored 2026-11-23 0730).jmg`` beside the workspace."""
        backup = self.selected_backup()
        stamp = backup.taken_at.astimezone().strftime("%Y-%m-%d %H%M") if backup else "backup"
        workspace = self.workspace_path or Path.home() / f"workspace{FILE_SUFFIX}"
        folder = workspace.parent if workspace.parent.is_dir() else Path.home()
        return folder / f"{workspace.stem} (restored {stamp}){FILE_SUFFIX}"

    def choose_and_restore(self) -> bool:
        """Ask where to write the chosen backup, then restore it there."""
        if self.selected_backup() is None:
            return False
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Restore Backup As",
            str(self.suggested_path()),
            f"JMG Desktop workspaces (*{FILE_SUFFIX})",
            options=QFileDialog.Option.DontConfirmOverwrite,  # restore_to asks, in its own words
        )
        return bool(name) and self.restore_to(Path(name))

    def confirm_replace(self, path: Path) -> bool:
        """Ask before replacing an existing file (tests replace this method)."""
        answer = QMessageBox.question(
            self,
            "Replace File?",
            f"“{path.name}” already exists. Replace it with the backup? The file being replaced is "
            "backed up first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def restore_to(self, path: Path) -> bool:
        """Restore the chosen backup to ``path``; True when written. Errors are shown, not raised."""
        backup = self.selected_backup()
        if backup is None:
            return False
        if path.suffix.lower() != FILE_SUFFIX:
            path = path.with_name(path.name + FILE_SUFFIX)
        workspace = self.workspace_path
        if workspace is not None and path.exists() and path.resolve() == workspace.resolve():
            return self._fail(
                "A workspace cannot be replaced by its own backup here. Restore to a new file, then "
                "open that."
            )
        overwrite = path.exists()
        if overwrite and not self.confirm_replace(path):
            return False
        try:
            restore(backup.path, path, overwrite=overwrite)
        except WorkspaceError as error:
            return self._fail(str(error))
        self.restored.emit(path)
        self.accept()
        return True

    def _fail(self, message: str) -> bool:
        """Show why nothing was restored, and keep it for tests."""
        from jmg_desktop.ui.dialogs import show_error

        self.last_error = message
        show_error(self, "Backup Not Restored", message)
        return False
