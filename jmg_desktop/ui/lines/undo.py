"""The undo stack's side of edit commands: a QUndoCommand around each core command.

A command is applied *before* it is pushed, so a change the store refuses never reaches the
stack; undo and redo then each run in their own transaction. If an undo or redo fails (the line
was changed elsewhere), the user is told and the command is dropped from the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from PySide6.QtGui import QUndoCommand, QUndoStack

from jmg_desktop.core.commands import ChangeSet, Command, LinesDocument

__all__ = ["UNDO_LIMIT", "CommandRunner", "LineUndoCommand"]

#: How many steps can be undone (the issue asks for at least 100).
UNDO_LIMIT: Final = 500

Refresh = Callable[[ChangeSet], None]
Report = Callable[[str], None]


class LineUndoCommand(QUndoCommand):
    """One undoable step: a core :class:`Command` against a document."""

    def __init__(self, command: Command, document: LinesDocument, refresh: Refresh, report: Report) -> None:
        """Wrap ``command``; ``refresh`` runs after each undo and redo, ``report`` on failure."""
        super().__init__(command.text)
        self.command = command
        self._document = document
        self._refresh = refresh
        self._report = report
        self._applied_already = True

    def redo(self) -> None:
        """Apply the command again (the first call is skipped: it was applied before the push)."""
        if self._applied_already:
            self._applied_already = False
            return
        self._run(self.command.changes, self.command.apply, "Redo")

    def undo(self) -> None:
        """Reverse the command in a new transaction."""
        self._run(self.command.changes.inverse(), self.command.revert, "Undo")

    def _run(self, changes: ChangeSet, step: Callable[[LinesDocument], None], verb: str) -> None:
        """Run one step; on failure tell the user and drop the command from the stack."""
        try:
            step(self._document)
        except Exception as error:  # refused by the store: tell the user, forget the step
            self._report(f"{verb} {self.command.text} failed: {error}")
            self.setObsolete(True)
            return
        self._refresh(changes)


class CommandRunner:
    """Runs commands for a model: apply, then push onto the undo stack; report refusals."""

    def __init__(
        self,
        stack: QUndoStack,
        document: Callable[[], LinesDocument | None],
        refresh: Refresh,
        report: Report,
    ) -> None:
        """Wrap ``command``; ``refresh`` runs after each undo and redo, ``report`` on failure."""
        self._stack = stack
        self._document = document
        self._refresh = refresh
        self._report = report

    def __call__(self, command: Command) -> bool:
        """Apply ``command`` durably and make it undoable; False (with a message) if refused."""
        document = self._document()
        if document is None or command.changes.is_empty:
            return False
        try:
            command.apply(document)
        except Exception as error:
            self._report(f"{command.text} was not made: {error}")
            return False
        self._stack.push(LineUndoCommand(command, document, self._refresh, self._report))
        self._refresh(command.changes)
        return True
