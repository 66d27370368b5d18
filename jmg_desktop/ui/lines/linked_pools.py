"""Tools ▸ Linked Pools…: which pools the current pool is quoted "including", as check boxes.

Saving replaces the pool's links in one audited transaction (:func:`set_linked_pools`), refusing a
loop with a sentence that names it, and is one undoable step on the window's undo stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lines_repo import list_pools
from jmg_desktop.store.stated_repo import linked_pools, set_linked_pools
from jmg_desktop.ui.lines.stated_totals import push_store_change

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["LinkedPoolsDialog"]


class LinkedPoolsDialog(QDialog):
    """Check boxes for every other pool; Save makes the checked ones the current pool's links."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        """A dialog over ``window``'s workspace and current pool."""
        super().__init__(parent or window)
        self.window_ = window
        self.workspace = window.workspace()
        self.pool_id = window.current_pool_id()
        self.setObjectName("linkedPoolsDialog")
        self.setWindowTitle("Linked Pools")
        pools = list_pools(self.workspace) if self.workspace is not None else []
        name = next((p.name for p in pools if p.id == self.pool_id), "")
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setText(
            f"Tick the pools whose lines count in “{name}” figures quoted including linked pools."
            if name
            else "Select a pool first."
        )
        self.list = QListWidget(self)
        self.list.setObjectName("linkedPoolsList")
        self.message = QLabel(self)
        self.message.setObjectName("linkedPoolsMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("&Save", self)
        self.save_button.clicked.connect(lambda _checked=False: self.apply())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ApplyRole)
        buttons.rejected.connect(self.reject)
        # Enter saves the ticks (Close as the default would quietly drop them).
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        self.save_button.setAutoDefault(True)
        self.save_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._pools = [(p.id, p.name) for p in pools if p.id != self.pool_id]
        window.undo_stack.indexChanged.connect(self._reload)
        self.reload()
        self.resize(440, 240)

    def can_edit(self) -> bool:
        """True when a pool is shown and the workspace may be changed."""
        return self.workspace is not None and not self.workspace.read_only and self.pool_id >= 0

    def reload(self) -> None:
        """Tick the pools linked now."""
        linked = set(linked_pools(self.workspace, self.pool_id)) if self.workspace is not None else set()
        editable = self.can_edit()
        self.list.clear()
        for pool_id, name in self._pools:
            item = QListWidgetItem(name, self.list)
            item.setData(Qt.ItemDataRole.UserRole, pool_id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if editable:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if pool_id in linked else Qt.CheckState.Unchecked)
        self.save_button.setEnabled(editable)
        if self.workspace is not None and self.workspace.read_only:
            self.message.setText("The workspace is open read-only: the links can be read, not changed.")

    def _reload(self, *_signal_args: object) -> None:
        """After any undo or redo, show the links as they now are."""
        self.reload()

    def checked(self) -> list[int]:
        """The pools ticked."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, pool_ids: list[int]) -> None:
        """Tick exactly ``pool_ids`` (for tests and keyboard users' scripts)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in pool_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def apply(self) -> bool:
        """Save the ticked pools as the links (one undoable step); a refusal is shown, nothing changes."""
        if not self.can_edit() or self.workspace is None:
            return False
        workspace, pool_id, wanted = self.workspace, self.pool_id, self.checked()
        try:
            before = set_linked_pools(workspace, pool_id, wanted)
        except WorkspaceError as error:
            self.message.setText(str(error))
            return False
        if before == sorted(wanted):
            self.message.setText("The links are as they were.")
            return True
        push_store_change(
            self.window_,
            "Change Linked Pools",
            lambda: set_linked_pools(workspace, pool_id, wanted),
            lambda: set_linked_pools(workspace, pool_id, before),
            lines_changed=True,  # the lines "including linked pools" are different now
        )
        self.message.setText("Links saved.")
        return True
