"""Undoable register edits: a QUndoCommand around each durable change, as the lines editor does.

A change is made *before* its command is pushed, so a refused change (a move that makes no sense,
a read-only workspace) never reaches the stack. Undo and redo each run in their own transaction
with their own audit event; if one fails (the agreement moved on meanwhile) the user is told and
the command is dropped from the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlalchemy.orm import Session

from jmg_desktop.core.agreements import Step
from jmg_desktop.store import agreements_repo as repo
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.workspace import Workspace

__all__ = [
    "RegisterCommand",
    "create_meeting_command",
    "edit_agreement_command",
    "edit_meeting_command",
    "move_command",
    "push_change",
    "record_agreement_command",
]

Refresh = Callable[[], None]
Report = Callable[[str], None]


class RegisterCommand(QUndoCommand):
    """One undoable register change: ``perform`` (first time), ``revert`` (undo), ``reapply`` (redo).

    Each callable gets a session in a new transaction; ``perform``'s result is kept in
    :attr:`result` and ``revert``'s in :attr:`undone` so redo can put back exactly what undo took.
    """

    def __init__(
        self,
        text: str,
        workspace: Workspace,
        perform: Callable[[Session], Any],
        revert: Callable[[RegisterCommand, Session], Any],
        reapply: Callable[[RegisterCommand, Session], Any],
    ) -> None:
        super().__init__(text)
        self.workspace = workspace
        self._perform = perform
        self._revert = revert
        self._reapply = reapply
        self.result: Any = None
        self.undone: Any = None
        self.refresh: Refresh = lambda: None
        self.report: Report = lambda _text: None
        self._performed = False

    def perform(self) -> Any:
        """Make the change for the first time (raises, changing nothing, if it is refused)."""
        with self.workspace.writing() as session:
            self.result = self._perform(session)
        self._performed = True
        return self.result

    def redo(self) -> None:
        """Redo in a new transaction; the push's own call is skipped (the change is already made)."""
        if self._performed:
            self._performed = False
            return
        self._run(lambda session: self._reapply(self, session), "Redo")

    def undo(self) -> None:
        """Reverse the change in a new transaction."""

        def revert(session: Session) -> None:
            self.undone = self._revert(self, session)

        self._run(revert, "Undo")

    def _run(self, step: Callable[[Session], Any], verb: str) -> None:
        try:
            with self.workspace.writing() as session:
                step(session)
        except (ValueError, WorkspaceError) as error:
            self.report(f"{verb} {self.text()} failed: {error}")
            self.setObsolete(True)
        self.refresh()


def push_change(
    stack: QUndoStack | None, command: RegisterCommand, *, refresh: Refresh, report: Report
) -> Any:
    """Perform ``command`` and push it; on refusal report the reason and return None."""
    command.refresh, command.report = refresh, report
    try:
        result = command.perform()
    except (ValueError, WorkspaceError) as error:
        report(str(error))
        return None
    if stack is not None:
        stack.push(command)
    refresh()
    return result


def create_meeting_command(
    workspace: Workspace, *, body: str, held_on: date, reference: str = "", note: str = ""
) -> RegisterCommand:
    """Record a meeting; undo removes it (only while no agreement refers to it)."""
    return RegisterCommand(
        "Add Meeting",
        workspace,
        lambda s: repo.create_meeting(s, body=body, held_on=held_on, reference=reference, note=note),
        lambda c, s: repo.delete_meeting(s, c.result),
        lambda c, s: repo.restore_meeting(s, c.undone),
    )


def record_agreement_command(workspace: Workspace, **fields: Any) -> RegisterCommand:
    """Record an agreement (``fields`` as for :func:`~jmg_desktop.store.agreements_repo.record_agreement`)."""
    return RegisterCommand(
        "Record Agreement",
        workspace,
        lambda s: repo.record_agreement(s, **fields),
        lambda c, s: repo.delete_agreement(s, c.result),
        lambda c, s: repo.restore_agreement(s, c.undone),
    )


def move_command(
    workspace: Workspace, agreement_id: int, step: Step, *, note: str, text: str
) -> RegisterCommand:
    """Move an agreement along its path; undo takes the step back."""
    return RegisterCommand(
        text,
        workspace,
        lambda s: repo.move_agreement(s, agreement_id, step, note=note),
        lambda c, s: repo.undo_step(s, agreement_id, c.result),
        lambda c, s: repo.restore_step(s, c.undone),
    )


def edit_agreement_command(workspace: Workspace, agreement_id: int, **fields: Any) -> RegisterCommand:
    """Change an agreement's words or meeting; undo puts the old words back."""
    return RegisterCommand(
        "Edit Agreement",
        workspace,
        lambda s: repo.update_agreement(s, agreement_id, **fields),
        lambda c, s: repo.update_agreement(s, agreement_id, **c.result),
        lambda c, s: repo.update_agreement(s, agreement_id, **fields),
    )


def edit_meeting_command(workspace: Workspace, meeting_id: int, **fields: Any) -> RegisterCommand:
    """Correct a meeting's body, date, reference or note; undo puts the old values back."""
    return RegisterCommand(
        "Edit Meeting",
        workspace,
        lambda s: repo.update_meeting(s, meeting_id, **fields),
        lambda c, s: repo.update_meeting(s, meeting_id, **c.result),
        lambda c, s: repo.update_meeting(s, meeting_id, **fields),
    )
