"""Accepting a difference between a stated total and the lines for a draft paper, and undoing it.

Export and Make Final refuse a draft while a stated total differs from its lines and nobody has
accepted that for these very figures (:func:`jmg_desktop.papers.reading.gate`). Accepting records,
for each waiting difference, who accepted it and when, with an audit event each
(``store/acceptances_repo.py``); the paper then prints a footnote under the figure. An acceptance
covers exactly the figures accepted: a later change to the lines or the stated total asks again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from jmg_desktop.papers import reading
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.reading import Difference
from jmg_desktop.store import acceptances_repo
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.reads.acceptances import Acceptance
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.workspace import Workspace

__all__ = ["accept_differences", "restore_acceptances", "withdraw_acceptances"]


def _now() -> str:
    """The current moment, UTC, to the second, as ISO text (the acceptance's date on the paper)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def accept_differences(
    workspace: Workspace, paper_id: int, seen: Sequence[Difference] | None = None
) -> list[Acceptance]:
    """Record, for a draft, the acceptance of each difference not yet accepted (audited); returns
    them, for undo. With ``seen`` (what the user was shown) nothing is recorded unless the waiting
    differences are still exactly those: an acceptance covers the figures the user saw."""
    try:
        with workspace.writing() as session:
            rows = session_rows(session)
            record = reading.require(rows, paper_id)
            if record.is_final:
                raise PaperError(
                    f"Version {record.version} of “{record.title}” is final; its figures are frozen."
                )
            waiting = [d for d in reading.differences(rows, record) if not d.accepted]
            if seen is not None and {d.figures for d in waiting} != {
                d.figures for d in seen if not d.accepted
            }:
                raise PaperError(
                    "The figures changed while the differences were shown; nothing was accepted. "
                    "Look at the differences again."
                )
            return acceptances_repo.record_acceptances(
                session, paper_id, [d.figures for d in waiting], at=_now()
            )
    except WorkspaceError as error:
        raise PaperError(str(error)) from None


def withdraw_acceptances(workspace: Workspace, acceptances: Sequence[Acceptance]) -> None:
    """Withdraw recorded acceptances of a draft (undo), audited."""
    try:
        with workspace.writing() as session:
            acceptances_repo.withdraw_acceptances(session, acceptances)
    except WorkspaceError as error:
        raise PaperError(str(error)) from None


def restore_acceptances(workspace: Workspace, acceptances: Sequence[Acceptance]) -> None:
    """Put withdrawn acceptances back as they were (redo), audited."""
    try:
        with workspace.writing() as session:
            acceptances_repo.restore_acceptances(session, acceptances)
    except WorkspaceError as error:
        raise PaperError(str(error)) from None
