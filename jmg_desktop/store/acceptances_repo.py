"""Accepted differences (``difference_acceptance``): reading, recording, withdrawing, checking.

When a stated total differs from the lines, a paper version is exported or made final only once
someone accepts that it prints the lines' figure. :func:`record_acceptances` keeps who, when and the
two amounts accepted, with one audit event per acceptance in the same transaction; an undo withdraws
them (:func:`withdraw_acceptances`, audited too) and a redo puts them back under their own ids.

The read is one small SQL statement (:data:`READ_SQL`, in ``store/reads/acceptances.py``), so the
command line's light ``sqlite3`` reader and an ORM session (:func:`acceptances_for`) share it. :func:`acceptance_findings` is what ``check`` says
about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jmg_desktop.core.money import Money
from jmg_desktop.store.audit import current_actor, record_event
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import DifferenceAcceptance, Paper
from jmg_desktop.store.reads import acceptances as reads
from jmg_desktop.store.reads.acceptances import READ_SQL, Acceptance
from jmg_desktop.store.reads.sa_rows import session_rows

__all__ = [
    "ENTITY",
    "READ_SQL",
    "Acceptance",
    "AcceptanceRefused",
    "acceptances_for",
    "record_acceptances",
    "remove_for_paper",
    "restore_acceptances",
    "withdraw_acceptances",
]

#: The audit trail's name for these rows.
ENTITY: Final = "difference_acceptance"
_TABLE = DifferenceAcceptance.__table__
_MAX_LISTED: Final = 20


class AcceptanceRefused(WorkspaceError):
    """An acceptance could not be recorded or withdrawn; ``str(error)`` says why. Nothing changed."""


def acceptances_for(session: Session, paper_id: int) -> list[Acceptance]:
    """Every acceptance recorded for one paper version, oldest first (on a session)."""
    return reads.acceptances_for(session_rows(session), paper_id)


# -- changing ------------------------------------------------------------------------------------


def _draft(session: Session, paper_id: int) -> Paper:
    """The draft version, or :class:`AcceptanceRefused` for a missing or final one."""
    paper = session.get(Paper, paper_id)
    if paper is None:
        raise AcceptanceRefused("That paper no longer exists in this workspace; nothing was changed.")
    if paper.status == "final":
        raise AcceptanceRefused(
            f"Version {paper.version} of “{paper.title}” is final: what was accepted for it is part of the "
            "paper as issued and cannot be changed."
        )
    return paper


def _insert(session: Session, acceptance: Acceptance, *, keep_id: bool) -> int:
    """Store one acceptance (under its own id when putting it back) and return its id."""
    values = acceptance.as_dict()
    if not keep_id:
        del values["id"]
    try:
        result = session.execute(insert(_TABLE).values(values))
    except IntegrityError:
        raise AcceptanceRefused(
            "That difference is already accepted for this paper; nothing was changed."
        ) from None
    return acceptance.id if keep_id else int(result.inserted_primary_key[0])  # type: ignore[index]


def record_acceptances(
    session: Session, paper_id: int, figures: Sequence[tuple[int, Money, Money]], *, at: str
) -> list[Acceptance]:
    """Accept, for a draft, each (stated total id, stated, computed); one audit event each.

    The person is the one the audit trail names (a shared workspace's login, else the user at the
    keyboard), so the footnote and the trail agree.
    """
    _draft(session, paper_id)
    actor = session.info.get("actor") or current_actor()
    recorded: list[Acceptance] = []
    for stated_total_id, stated, computed in figures:
        draft = Acceptance(0, paper_id, stated_total_id, stated, computed, actor, at)
        new_id = _insert(session, draft, keep_id=False)
        acceptance = Acceptance(new_id, paper_id, stated_total_id, stated, computed, actor, at)
        record_event(
            session,
            action="Accept Difference",
            entity=ENTITY,
            entity_id=new_id,
            new=acceptance.as_dict(),
            actor=actor,
        )
        recorded.append(acceptance)
    return recorded


def withdraw_acceptances(session: Session, acceptances: Sequence[Acceptance]) -> None:
    """Remove acceptances of a draft (undoing their recording); one audit event each."""
    for acceptance in acceptances:
        _draft(session, acceptance.paper_id)
        gone = session.execute(delete(_TABLE).where(_TABLE.c.id == acceptance.id)).rowcount
        if not gone:
            raise AcceptanceRefused("The accepted difference was already withdrawn; nothing was changed.")
        record_event(
            session,
            action="Withdraw Accepted Difference",
            entity=ENTITY,
            entity_id=acceptance.id,
            old=acceptance.as_dict(),
        )


def restore_acceptances(session: Session, acceptances: Sequence[Acceptance]) -> None:
    """Put withdrawn acceptances back under their own ids, as they were (redo)."""
    for acceptance in acceptances:
        _draft(session, acceptance.paper_id)
        _insert(session, acceptance, keep_id=True)
        record_event(
            session,
            action="Restore Accepted Difference",
            entity=ENTITY,
            entity_id=acceptance.id,
            new=acceptance.as_dict(),
        )


def remove_for_paper(session: Session, paper_id: int) -> None:
    """Remove a draft's acceptances before the draft itself is deleted (each removal audited)."""
    for acceptance in acceptances_for(session, paper_id):
        session.execute(delete(_TABLE).where(_TABLE.c.id == acceptance.id))
        record_event(
            session,
            action="Withdraw Accepted Difference",
            entity=ENTITY,
            entity_id=acceptance.id,
            old=acceptance.as_dict(),
        )
