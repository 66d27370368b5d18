"""Agreements, pure: the status path as a state machine, and agreed-vs-now figures line by line.

The path a decision travels (DOMAIN.md): proposed → agreed in principle (by the JMG) →
recommended to the partners → approved by each partner's sovereign body ("Cabinet",
"PCT Board") → implemented; or deferred, rejected, or superseded by a later agreement.

A move is checked against the state reached by the steps so far; a move that makes no sense
raises :class:`MoveRefused` whose text is the reason, fit to show a user as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum

from jmg_desktop.core.dates import format_day
from jmg_desktop.core.records import Record

__all__ = [
    "STATUS_LABELS",
    "Body",
    "DateError",
    "MoveRefused",
    "PathState",
    "Status",
    "Step",
    "allowed_moves",
    "apply_step",
    "check_step",
    "describe_step",
    "format_date",
    "parse_date",
    "replay",
    "status_text",
    "waiting_for",
]


class Status(StrEnum):
    """Where an agreement stands. Stored as these strings."""

    PROPOSED = "proposed"
    AGREED = "agreed_in_principle"
    RECOMMENDED = "recommended"
    APPROVED = "approved"
    IMPLEMENTED = "implemented"
    DEFERRED = "deferred"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


STATUS_LABELS: Mapping[Status, str] = {
    Status.PROPOSED: "Proposed",
    Status.AGREED: "Agreed in principle",
    Status.RECOMMENDED: "Recommended to partners",
    Status.APPROVED: "Approved",
    Status.IMPLEMENTED: "Implemented",
    Status.DEFERRED: "Deferred",
    Status.REJECTED: "Rejected",
    Status.SUPERSEDED: "Superseded",
}

# The forward path, in order; the others (deferred, rejected, superseded) leave it.
_RANK: Mapping[Status, int] = {
    Status.PROPOSED: 0,
    Status.AGREED: 1,
    Status.RECOMMENDED: 2,
    Status.APPROVED: 3,
    Status.IMPLEMENTED: 4,
}
_PAST: Mapping[Status, str] = {
    Status.PROPOSED: "proposed",
    Status.AGREED: "agreed in principle",
    Status.RECOMMENDED: "recommended to the partners",
    Status.APPROVED: "approved",
    Status.IMPLEMENTED: "implemented",
}


class MoveRefused(ValueError):
    """A status move that makes no sense; ``str(self)`` is the reason in a user's words."""


class DateError(ValueError):
    """A date that could not be read; ``str(self)`` says what was expected."""


class Body(Record):
    """A partner whose sovereign body must approve: ``name`` is e.g. "Cabinet"."""

    partner_id: int
    name: str
    partner: str = ""


class Step(Record):
    """One move: the status reached, on which date, and for approvals whose body; for
    supersession, which agreement replaced this one."""

    status: Status
    on: date
    partner_id: int | None = None
    superseded_by: int | None = None


class PathState(Record):
    """The state reached after some steps. ``status`` is None before the first step.

    ``approved_by`` holds the partners whose bodies have approved; while some are still to
    approve, ``status`` stays RECOMMENDED. ``deferred_from`` is the status it was deferred at.
    """

    status: Status | None = None
    approved_by: frozenset[int] = frozenset()
    deferred_from: Status | None = None
    last_date: date | None = None
    superseded_by: int | None = None


class _Bodies(Record):
    by_id: Mapping[int, Body]

    def name(self, partner_id: int | None) -> str:
        body = self.by_id.get(partner_id) if partner_id is not None else None
        return body.name if body is not None else "the partners"

    def names(self, ids: Iterable[int]) -> str:
        return _join([self.name(i) for i in ids])


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _bodies(bodies: Sequence[Body]) -> _Bodies:
    return _Bodies({body.partner_id: body for body in bodies})


def format_date(day: date) -> str:
    """A date in the application's one style: ``2 Dec 2008`` (see :mod:`.dates`)."""
    return format_day(day)


def _pending(state: PathState, bodies: Sequence[Body]) -> list[int]:
    """Partners whose bodies have yet to approve, in the given order."""
    return [body.partner_id for body in bodies if body.partner_id not in state.approved_by]


def check_step(
    state: PathState, step: Step, bodies: Sequence[Body], *, agreement_id: int | None = None
) -> None:
    """Raise :class:`MoveRefused` with the reason if ``step`` cannot follow ``state``."""
    named = _bodies(bodies)
    current = state.status
    target = step.status
    if current is None:
        if target not in (Status.PROPOSED, Status.AGREED):
            raise MoveRefused(
                f"An agreement starts as proposed or agreed in principle, not {STATUS_LABELS[target].lower()}."
            )
        return
    if state.last_date is not None and step.on < state.last_date:
        raise MoveRefused(
            f"The date {format_date(step.on)} is before its previous step "
            f"({format_date(state.last_date)}); steps are recorded in date order."
        )
    if current is Status.REJECTED:
        raise MoveRefused("It was rejected; record a new agreement instead of moving this one.")
    if current is Status.SUPERSEDED:
        raise MoveRefused(
            f"It has been superseded by agreement {state.superseded_by}; move that agreement instead."
        )
    if target is Status.SUPERSEDED:
        if step.superseded_by is None:
            raise MoveRefused("Say which agreement supersedes it.")
        if agreement_id is not None and step.superseded_by == agreement_id:
            raise MoveRefused("An agreement cannot supersede itself.")
        return
    if current is Status.IMPLEMENTED:
        raise MoveRefused("It has been implemented; only a later agreement can supersede it.")
    if target is Status.REJECTED:
        return
    if target is Status.DEFERRED:
        if current is Status.DEFERRED:
            raise MoveRefused("It is already deferred.")
        return
    # Taking up a deferred agreement again continues from where it was deferred.
    base = state.deferred_from if current is Status.DEFERRED else current
    assert base is not None
    resuming = current is Status.DEFERRED
    _check_forward(state._replace(status=base), step, bodies, named, resuming=resuming)


def _check_forward(
    state: PathState, step: Step, bodies: Sequence[Body], named: _Bodies, *, resuming: bool
) -> None:
    """Check a move along the forward path from ``state.status``."""
    base = state.status
    assert base is not None
    target = step.status
    if target is Status.APPROVED:
        _check_approval(state, step, bodies, named)
        return
    if resuming and target is base:
        return  # taken up again at the stage where it was deferred
    rank, target_rank = _RANK[base], _RANK[target]
    if target_rank == rank:
        raise MoveRefused(f"It is already {_PAST[target]}.")
    if target_rank < rank:
        raise MoveRefused(
            f"It has already been {_PAST[base]}; it cannot go back to {STATUS_LABELS[target].lower()}. "
            "Defer it, or record a new agreement."
        )
    if target is Status.AGREED:
        return  # from proposed
    if target is Status.RECOMMENDED and base is not Status.AGREED:
        raise MoveRefused("It cannot be recommended to the partners before it is agreed in principle.")
    if target is Status.IMPLEMENTED and base is not Status.APPROVED:
        if base is Status.PROPOSED:
            raise MoveRefused("It cannot be implemented: it has not been agreed in principle.")
        pending = _pending(state, bodies)
        waiting = named.names(pending) or "the partners"
        if base is Status.AGREED:
            raise MoveRefused(
                f"It cannot be implemented before it is recommended to the partners and approved by {waiting}."
            )
        verb = "has" if len(pending) == 1 else "have"
        raise MoveRefused(f"It cannot be implemented until {waiting} {verb} approved it.")


def _check_approval(state: PathState, step: Step, bodies: Sequence[Body], named: _Bodies) -> None:
    """Check an approval by one partner's sovereign body."""
    who = named.name(step.partner_id) if step.partner_id is not None else "A partner"
    base = state.status
    assert base is not None
    if base is Status.APPROVED:
        raise MoveRefused("Every body has already approved it.")
    if _RANK[base] < _RANK[Status.RECOMMENDED]:
        raise MoveRefused(f"{who} cannot approve it before it is recommended to the partners.")
    if not bodies:
        if step.partner_id is not None:
            raise MoveRefused("No partner's body is named to approve it.")
        return
    if step.partner_id is None:
        raise MoveRefused(f"Say whose body approved it: {named.names(_pending(state, bodies))}.")
    if step.partner_id not in named.by_id:
        raise MoveRefused("That partner is not one of the bodies asked to approve it.")
    if step.partner_id in state.approved_by:
        raise MoveRefused(f"{who} has already approved it.")


def apply_step(
    state: PathState, step: Step, bodies: Sequence[Body], *, agreement_id: int | None = None
) -> PathState:
    """The state after ``step``; raises :class:`MoveRefused` if the move makes no sense."""
    check_step(state, step, bodies, agreement_id=agreement_id)
    target = step.status
    after = state._replace(last_date=step.on)
    if target is Status.DEFERRED:
        return after._replace(status=Status.DEFERRED, deferred_from=state.status)
    if target is Status.SUPERSEDED:
        return after._replace(status=Status.SUPERSEDED, superseded_by=step.superseded_by)
    if target is Status.APPROVED:
        approved = state.approved_by | ({step.partner_id} if step.partner_id is not None else set())
        done = all(body.partner_id in approved for body in bodies)
        return after._replace(
            status=Status.APPROVED if done else Status.RECOMMENDED,
            approved_by=frozenset(approved),
            deferred_from=None,
        )
    return after._replace(status=target, deferred_from=None)


def replay(steps: Iterable[Step], bodies: Sequence[Body], *, agreement_id: int | None = None) -> PathState:
    """The state reached by ``steps`` in order; raises :class:`MoveRefused` at a bad one."""
    state = PathState()
    for step in steps:
        state = apply_step(state, step, bodies, agreement_id=agreement_id)
    return state


def allowed_moves(state: PathState, bodies: Sequence[Body]) -> list[tuple[Status, int | None]]:
    """The moves that would be accepted next (date aside), as (status, approving partner)."""
    candidates: list[tuple[Status, int | None]] = [(status, None) for status in Status]
    candidates += [(Status.APPROVED, body.partner_id) for body in bodies]
    allowed = []
    today = state.last_date or date.min
    for status, partner_id in candidates:
        step = Step(status, today, partner_id, superseded_by=-1 if status is Status.SUPERSEDED else None)
        try:
            check_step(state, step, bodies)
        except MoveRefused:
            continue
        allowed.append((status, partner_id))
    return allowed


def waiting_for(state: PathState, bodies: Sequence[Body]) -> str:
    """What the agreement waits for next, in a few words ("PCT Board"); empty when it is closed."""
    named = _bodies(bodies)
    status = state.status
    if status is Status.DEFERRED:
        return "Taking up again"
    if status is None or status is Status.PROPOSED:
        return "JMG agreement in principle"
    if status is Status.AGREED:
        return "Recommendation to partners"
    if status is Status.RECOMMENDED:
        pending = _pending(state, bodies)
        return named.names(pending) if pending or bodies else "Approval by the partners"
    if status is Status.APPROVED:
        return "Implementation"
    return ""


def status_text(state: PathState, bodies: Sequence[Body]) -> str:
    """The status in words, naming the bodies that have approved so far."""
    named = _bodies(bodies)
    if state.status is None:
        return ""
    if state.status is Status.RECOMMENDED and state.approved_by:
        approved = [b.partner_id for b in bodies if b.partner_id in state.approved_by]
        return f"Approved by {named.names(approved)}"
    if state.status is Status.APPROVED and bodies:
        return f"Approved by {named.names([b.partner_id for b in bodies])}"
    if state.status is Status.DEFERRED and state.deferred_from is not None:
        return f"Deferred (was {STATUS_LABELS[state.deferred_from].lower()})"
    if state.status is Status.SUPERSEDED and state.superseded_by is not None:
        return f"Superseded by agreement {state.superseded_by}"
    return STATUS_LABELS[state.status]


def describe_step(step: Step, bodies: Sequence[Body]) -> str:
    """One step in words for the history: "Approved by Cabinet (Oxfordshire County Council)"."""
    if step.status is Status.APPROVED:
        body = _bodies(bodies).by_id.get(step.partner_id) if step.partner_id is not None else None
        if body is None:
            return "Approved by the partners"
        return f"Approved by {body.name}" + (f" ({body.partner})" if body.partner else "")
    if step.status is Status.SUPERSEDED:
        return f"Superseded by agreement {step.superseded_by}"
    return STATUS_LABELS[step.status]


# -- dates -------------------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%d.%m.%Y")


def parse_date(text: str) -> date:
    """Read a date as people type it: ``2 December 2008``, ``2/12/2008``, ``2008-12-02``."""
    cleaned = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    cleaned = re.sub(r"^(\d{1,2})(st|nd|rd|th)\b", r"\1", cleaned, flags=re.IGNORECASE)
    if not cleaned:
        raise DateError("Enter a date, for example 2 Dec 2008.")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise DateError(f"“{cleaned[:40]}” is not a date; write it like 2 Dec 2008 or 02/12/2008.")
