"""Plugging shared workspaces into the main window.

* File ▸ Open Shared Workspace… asks for a ``postgresql://`` address (``jmg-desktop ADDRESS`` and
  the recent list open one too, through :meth:`MainWindow.open_path`).
* While a shared workspace is open, other people's changes arrive by LISTEN/NOTIFY and the window
  re-reads what it shows within a second, keeping the user's place and selection.
* The status bar names the user's role and how many people are connected; clicking it (or View ▸
  Who Is Connected…) lists them.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox

from jmg_desktop.store.workspace import Workspace

if TYPE_CHECKING:
    from jmg_desktop.store.pg_notify import ChangeListener
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["SharedFollower", "install"]

#: Other people's changes are gathered for this long before one refresh (well inside the 1 s).
_COALESCE_MS = 80
_PEOPLE_REFRESH_MS = 10_000
#: Actions only a chair may use (recording agreements and meetings), by object name.
_CHAIR_ACTIONS = frozenset({"actionRecordAgreement", "actionNewMeeting", "actionEditMeeting"})
#: Actions only an administrator may use (partners and pools), by their menu text.
_ADMIN_ACTION_TEXTS = frozenset({"&Partners…", "P&ools…"})
#: ... and by object name (linked pools change the pool links, an administrator's table).
_ADMIN_ACTIONS = frozenset({"actionLinkedPools"})


class SharedFollower(QObject):
    """Follows the shared workspace open in a window: its changes, its people, its connection."""

    #: A change arrived from the listener thread (queued to the GUI thread).
    changed = Signal()
    #: The listener's connection dropped (False) or came back (True).
    link = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._listener: ChangeListener | None = None
        self._workspace: Workspace | None = None
        self.refreshes = 0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(_COALESCE_MS)
        self._pending.timeout.connect(self.refresh)
        self.changed.connect(self._pending.start)
        self.link.connect(self._link_changed)
        self._people_timer = QTimer(self)
        self._people_timer.setInterval(_PEOPLE_REFRESH_MS)
        self._people_timer.timeout.connect(self.update_people)
        self.status = QLabel(window)
        self.status.setObjectName("sharedStatus")
        self.status.hide()
        window.statusBar().addPermanentWidget(self.status)
        self.people: list[object] = []
        self._on_stale = self.changed.emit  # one callable, so it can be removed again

    @property
    def workspace(self) -> Workspace | None:
        """The shared workspace followed, if one is open."""
        return self._workspace

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Follow ``workspace`` if it is shared; stop following the one before."""
        self.stop()
        if workspace is None or workspace.backend != "postgresql":
            self.status.hide()
            return
        from jmg_desktop.store.pg_notify import ChangeListener

        self._workspace = workspace
        workspace.stale_listeners.append(self._on_stale)  # type: ignore[attr-defined]
        self._guard_actions()
        self._listener = ChangeListener(
            workspace.url,  # type: ignore[attr-defined]
            on_change=lambda _change: self.changed.emit(),
            on_state=self.link.emit,
            ignore_client=workspace.client_id,  # type: ignore[attr-defined]
        ).start()
        self._people_timer.start()
        self.update_people()
        self.status.show()

    def allows(self, action: QAction) -> bool:
        """Whether the open workspace's role lets ``action`` be used (always, for a file)."""
        role = getattr(self._workspace, "role", None)
        if role is None:
            return True
        if action.objectName() in _CHAIR_ACTIONS:
            return bool(role.can_chair)
        if action.text() in _ADMIN_ACTION_TEXTS or action.objectName() in _ADMIN_ACTIONS:
            return bool(role.can_administer)
        return True

    def _guard_actions(self) -> None:
        """Keep the actions the role does not allow disabled, whatever else enables them later."""
        for action in self._window.findChildren(QAction):
            if action.objectName() in _CHAIR_ACTIONS | _ADMIN_ACTIONS or action.text() in _ADMIN_ACTION_TEXTS:
                if not action.property("jmgRoleGuarded"):
                    action.setProperty("jmgRoleGuarded", True)
                    action.changed.connect(lambda a=action: self._hold(a))
                self._hold(action)

    def _hold(self, action: QAction) -> None:
        """Disable ``action`` if the role does not allow it (re-entrant safe: only ever disables)."""
        if action.isEnabled() and not self.allows(action):
            action.setEnabled(False)
            action.setToolTip("Your role on this shared workspace does not allow this.")

    def stop(self) -> None:
        """Stop listening (closing the window or another workspace)."""
        self._people_timer.stop()
        self._pending.stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._workspace is not None:
            with suppress(ValueError):
                self._workspace.stale_listeners.remove(self._on_stale)  # type: ignore[attr-defined]
        self._workspace = None

    def refresh(self) -> None:
        """Someone else changed the workspace: re-read what the window shows, keeping its place."""
        workspace = self._workspace
        if workspace is None or self._window.workspace() is not workspace:
            return
        workspace.mark_seen()  # type: ignore[attr-defined]
        self._window.refresh_from_store()
        self.refreshes += 1

    def _link_changed(self, connected: bool) -> None:
        """The listener lost or regained the server: let the workspace find out, and catch up."""
        workspace = self._workspace
        if workspace is None:
            return
        workspace.heartbeat()
        if connected:
            self.refresh()
        self.update_people()

    def update_people(self) -> None:
        """Re-read who is connected and show the role and the count in the status bar."""
        workspace = self._workspace
        if workspace is None:
            return
        from jmg_desktop.store.pg_notify import connected_people

        try:
            with workspace.reading() as session:
                self.people = list(connected_people(session.connection()))
        except Exception:  # a lost server is reported by the banner; the list just keeps its last state
            return
        role = getattr(workspace, "role", None)
        role_text = f"{role.title} · " if role is not None else ""
        count = len(self.people)
        self.status.setText(f"Shared: {role_text}{count} {'person' if count == 1 else 'people'} connected")
        self.status.setToolTip(self.people_text())

    def people_text(self) -> str:
        """The connected list, one person a line."""
        lines = []
        for person in self.people:
            where = f" from {person.client}" if person.client else ""  # type: ignore[attr-defined]
            since = person.since  # type: ignore[attr-defined]
            when = f", since {since.astimezone():%H:%M}" if since is not None else ""
            lines.append(f"{person.name} ({person.user}){where}{when}")  # type: ignore[attr-defined]
        return "\n".join(lines) or "Nobody else is connected."


def _open_dialog(window: MainWindow) -> None:
    """Ask for a shared workspace's address and open it."""
    address, ok = QInputDialog.getText(
        window,
        "Open Shared Workspace",
        "Address of the shared workspace (postgresql://user@server:5432/database).\n"
        "Passwords come from your .pgpass or service file; JMG Desktop never stores them.",
        QLineEdit.EchoMode.Normal,
        "postgresql://",
    )
    address = address.strip()
    if ok and address and address != "postgresql://":
        window.open_path(address)


def install(window: MainWindow) -> None:
    """Add File ▸ Open Shared Workspace…, View ▸ Who Is Connected… and the follower."""
    follower = SharedFollower(window)
    window.shared_follower = follower  # type: ignore[attr-defined]
    open_action = QAction("Open &Shared Workspace…", window)
    open_action.setObjectName("actionOpenShared")
    open_action.triggered.connect(lambda _checked=False: _open_dialog(window))
    actions = window.menu_file.actions()
    window.menu_file.insertAction(actions[2] if len(actions) > 2 else None, open_action)  # after Open…
    people_action = QAction("Who Is &Connected…", window)
    people_action.setObjectName("actionWhoIsConnected")
    people_action.setEnabled(False)

    def show_people() -> None:
        follower.update_people()
        QMessageBox.information(window, "Who is connected", follower.people_text())

    people_action.triggered.connect(lambda _checked=False: show_people())
    window.menu_view.addAction(people_action)

    def workspace_changed(workspace: Workspace | None) -> None:
        follower.set_workspace(workspace)
        people_action.setEnabled(follower.workspace is not None)

    window.workspaceChanged.connect(workspace_changed)
    window.destroyed.connect(lambda *_: follower.stop())
    if window.workspace() is not None:
        workspace_changed(window.workspace())
