"""Monitoring changes on the window's undo stack: a QUndoCommand around each core change.

As in the lines editor, a change is made durable *before* it is pushed, so a refused change (a
closed period, a read-only workspace) never reaches the stack; undo and redo each run in their own
transaction with their own audit event. If one fails (the figures moved on elsewhere) the user is
told and the command is dropped from the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtGui import QUndoStack

from jmg_desktop.core.monitoring_commands import MonitoringChange
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.monitoring_changes import apply_change
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.lines.undo import AppliedUndoCommand

__all__ = ["MonitoringRunner", "MonitoringUndoCommand", "make_change"]

Refresh = Callable[[MonitoringChange], None]
Report = Callable[[str], None]


def make_change(workspace: Workspace, change: MonitoringChange) -> None:
    """Apply ``change`` in its own transaction (raises :class:`WorkspaceError`, changing nothing)."""
    with workspace.writing() as session:
        apply_change(session, change)


class MonitoringUndoCommand(AppliedUndoCommand):
    """One undoable monitoring change."""

    failures = (WorkspaceError,)

    def __init__(
        self, change: MonitoringChange, workspace: Workspace, refresh: Refresh, report: Report
    ) -> None:
        """Wrap ``change`` (already applied); ``refresh`` runs after undo and redo."""
        super().__init__(change.text, report)
        self.change = change
        self._workspace = workspace
        self._refresh = refresh

    def apply_again(self) -> MonitoringChange:
        """Make the change again."""
        make_change(self._workspace, self.change)
        return self.change

    def reverse(self) -> MonitoringChange:
        """Reverse the change."""
        inverse = self.change.inverse()
        make_change(self._workspace, inverse)
        return inverse

    def made(self, change: object) -> None:
        """Refresh the page with the change made."""
        self._refresh(cast("MonitoringChange", change))


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
