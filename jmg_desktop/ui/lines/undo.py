"""The undo stack's side of edit commands: a QUndoCommand around each core command.

A command is applied *before* it is pushed, so a change the store refuses never reaches the
stack; undo and redo then each run in their own transaction. If an undo or redo fails (the line
was changed elsewhere), the user is told and the command is dropped from the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

from PySide6.QtGui import QUndoCommand, QUndoStack

from jmg_desktop.core.commands import ChangeSet, Command, LinesDocument

__all__ = ["UNDO_LIMIT", "AppliedUndoCommand", "CommandRunner", "LineUndoCommand"]

#: How many steps can be undone (the issue asks for at least 100).
UNDO_LIMIT: Final = 500

Refresh = Callable[[ChangeSet], None]
Report = Callable[[str], None]


class AppliedUndoCommand(QUndoCommand):
    """An undoable step that was made *before* it was pushed: the push's own call of :meth:`redo`
    is skipped; later undos and redos each run in their own transaction. A step that fails (the
    figures moved on elsewhere) is reported in one sentence and dropped from the stack.

    Subclasses say how to make the step again (:meth:`apply_again`) and reverse it
    (:meth:`reverse`), each returning what was made, which :meth:`made` is then told of (outside
    the refusal handling: only the store's refusal drops a step); :attr:`failures` are the errors
    that mean "refused".
    """

    failures: tuple[type[Exception], ...] = (Exception,)

    def __init__(self, text: str, report: Report) -> None:
        """A step called ``text``; ``report`` tells the user when an undo or redo fails."""
        super().__init__(text)
        self._report = report
        self._applied_already = True

    def apply_again(self) -> object:
        """Make the step again (redo); return what was made."""
        raise NotImplementedError

    def reverse(self) -> object:
        """Reverse the step (undo); return what was made."""
        raise NotImplementedError

    def made(self, change: object) -> None:
        """After a successful undo or redo of ``change`` (the views catch up)."""
        raise NotImplementedError

    def redo(self) -> None:
        """Make the step again (the first call is skipped: it was made before the push)."""
        if self._applied_already:
            self._applied_already = False
            return
        self._run(self.apply_again, "Redo")

    def undo(self) -> None:
        """Reverse the step in a new transaction."""
        self._run(self.reverse, "Undo")

    def _run(self, step: Callable[[], object], verb: str) -> None:
        """Run one step; on failure tell the user and drop the command from the stack."""
        try:
            change = step()
        except self.failures as error:  # refused by the store: tell the user, forget the step
            self._report(f"{verb} {self.text()} failed: {error}")
            self.setObsolete(True)
            return
        self.made(change)


class LineUndoCommand(AppliedUndoCommand):
    """One undoable step: a core :class:`Command` against a document."""

    def __init__(self, command: Command, document: LinesDocument, refresh: Refresh, report: Report) -> None:
        """Wrap ``command``; ``refresh`` runs after each undo and redo, ``report`` on failure."""
        super().__init__(command.text, report)
        self.command = command
        self._document = document
        self._refresh = refresh

    def apply_again(self) -> ChangeSet:
        """Apply the command again."""
        self.command.apply(self._document)
        return self.command.changes

    def reverse(self) -> ChangeSet:
        """Revert the command."""
        self.command.revert(self._document)
        return self.command.changes.inverse()

    def made(self, change: object) -> None:
        """Refresh the views with the changes made."""
        self._refresh(cast("ChangeSet", change))


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
