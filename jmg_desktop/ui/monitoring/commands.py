"""Monitoring changes on the window's undo stack: a QUndoCommand around each core change.

As in the lines editor, a change is made durable *before* it is pushed, so a refused change (a
closed period, a read-only workspace) never reaches the stack; undo and redo each run in their own
transaction with their own audit event. If one fails (the figures moved on elsewhere) the user is
told and the command is dropped from the stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from jmg_desktop.core.monitoring_commands import MonitoringChange
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.monitoring_changes import apply_change
from jmg_desktop.store.workspace import Workspace

__all__ = ["MonitoringRunner", "MonitoringUndoCommand", "make_change"]

Refresh = Callable[[MonitoringChange], None]
Report = Callable[[str], None]


def make_change(workspace: Workspace, change: MonitoringChange) -> None:
    """Apply ``change`` in its own transaction (raises :class:`WorkspaceError`, changing nothing)."""
    with workspace.writing() as session:
        apply_change(session, change)


class MonitoringUndoCommand(QUndoCommand):
    """One undoable monitoring change."""

    def __init__(
        self, change: MonitoringChange, workspace: Workspace, refresh: Refresh, report: Report
    ) -> None:
        """Wrap ``change`` (already applied); ``refresh`` runs after undo and redo."""
        super().__init__(change.text)
        self.change = change
        self._workspace = workspace
        self._refresh = refresh
        self._report = report
        self._applied_already = True

    def redo(self) -> None:
        """Make the change again (the push's own call is skipped: it was made before)."""
        if self._applied_already:
            self._applied_already = False
            return
        self._run(self.change, "Redo")

    def undo(self) -> None:
        """Reverse the change in a new transaction."""
        self._run(self.change.inverse(), "Undo")

    def _run(self, change: MonitoringChange, verb: str) -> None:
        try:
            make_change(self._workspace, change)
        except WorkspaceError as error:
            self._report(f"{verb} {self.change.text} failed: {error}")
            self.setObsolete(True)
            return
        self._refresh(change)


class MonitoringRunner:
    """Makes changes durable and undoable; reports refusals in one sentence."""

    def __init__(
        self, stack: QUndoStack, workspace: Callable[[], Workspace | None], refresh: Refresh, report: Report
    ) -> None:
        """Changes go onto ``stack``; ``refresh`` runs after each change, undo and redo."""
        self._stack = stack
        self._workspace = workspace
        self._refresh = refresh
        self._report = report

    def __call__(self, change: MonitoringChange) -> bool:
        """Apply ``change`` and push it; False (with a message) when refused."""
        workspace = self._workspace()
        if workspace is None or change.is_empty:
            return False
        try:
            make_change(workspace, change)
        except WorkspaceError as error:
            self._report(f"{change.text} was not made: {error}")
            return False
        self._stack.push(MonitoringUndoCommand(change, workspace, self._refresh, self._report))
        self._refresh(change)
        return True
