"""While a workspace is open: refresh its lock, notice a moved file or a lost lock, and back it up
at intervals (in a worker thread, so a large workspace never freezes the window)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal

from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lock import HEARTBEAT_SECONDS
from jmg_desktop.store.workspace import Workspace

__all__ = ["BACKUP_INTERVAL_MS", "HEARTBEAT_INTERVAL_MS", "SafetyMonitor"]

HEARTBEAT_INTERVAL_MS = HEARTBEAT_SECONDS * 1000 // 2  # twice per heartbeat period: never stale
BACKUP_INTERVAL_MS = 10 * 60 * 1000


class SafetyMonitor(QObject):
    """Timers and actions for the open workspace; tell it which with :meth:`set_workspace`."""

    #: The workspace's read-only state or its reason changed (the Workspace).
    stateChanged = Signal(object)
    #: A short message for the status bar.
    message = Signal(str)
    #: A periodic or requested backup ended: the Backup, or None when nothing had changed.
    backupFinished = Signal(object)
    #: A backup could not be written: the one-sentence reason.
    backupFailed = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        heartbeat_ms: int = HEARTBEAT_INTERVAL_MS,
        backup_ms: int = BACKUP_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._backup_running = False
        self._backup_problem_told = False
        self.heartbeat_timer = QTimer(self)
        self.heartbeat_timer.setInterval(heartbeat_ms)
        self.heartbeat_timer.timeout.connect(self.heartbeat)
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(backup_ms)
        self.backup_timer.timeout.connect(self.backup_now)

    def workspace(self) -> Workspace | None:
        """The workspace being watched."""
        return self._workspace

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Watch ``workspace`` (or nothing), starting or stopping the timers."""
        if self._workspace is workspace:
            return
        if self._workspace is not None and self._on_state in self._workspace.state_listeners:
            self._workspace.state_listeners.remove(self._on_state)
        self._workspace = workspace
        self.heartbeat_timer.stop()
        self.backup_timer.stop()
        if workspace is None:
            return
        workspace.state_listeners.append(self._on_state)
        self._backup_problem_told = False
        self.heartbeat_timer.start()
        self.backup_timer.start()

    def _on_state(self, workspace: Workspace) -> None:
        """Relay a state change from the store as a Qt signal."""
        self.stateChanged.emit(workspace)

    # -- the timers ----------------------------------------------------------------------------

    def heartbeat(self) -> None:
        """Refresh the lock; a moved file or lost lock turns the workspace read-only (and says so)."""
        workspace = self._workspace
        if workspace is None:
            return
        workspace.heartbeat()
        # The backup taken on opening runs in the background; say once if it failed.
        if workspace.backup_problem and not self._backup_problem_told:
            self._backup_problem_told = True
            self.backupFailed.emit(workspace.backup_problem)

    def backup_now(self) -> bool:
        """Start a backup in a worker thread if the workspace changed; False if one is running."""
        workspace = self._workspace
        if workspace is None or self._backup_running:
            return False
        self._backup_running = True

        def work() -> None:
            """Take the backup in the worker thread and report through signals."""
            try:
                result = workspace.backup_now(reason="interval")
            except WorkspaceError as error:
                self.backupFailed.emit(str(error))
            except Exception as error:  # never let a worker thread die with a traceback
                self.backupFailed.emit(f"A backup could not be written: {type(error).__name__}.")
            else:
                self.backupFinished.emit(result)
            finally:
                self._backup_running = False

        threading.Thread(target=work, name="jmg-backup", daemon=True).start()
        return True

    # -- ending read-only ----------------------------------------------------------------------

    def take_over(self) -> str:
        """Take over the abandoned lock; return "" on success or the reason it was refused."""
        workspace = self._workspace
        if workspace is None:
            return "No workspace is open."
        try:
            workspace.take_over_lock()
        except WorkspaceError as error:
            return str(error)
        self.message.emit(f"You now have “{workspace.path.name}” open for changes.")
        return ""

    def try_again(self) -> bool:
        """Check whether the workspace can be changed now; True when it can."""
        workspace = self._workspace
        if workspace is None:
            return False
        if workspace.try_writable():
            self.message.emit(f"“{workspace.path.name}” can be changed again.")
            return True
        self.message.emit(f"Still read-only because {workspace.read_only_reason}.")
        return False
