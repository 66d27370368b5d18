"""Stated totals (figures as published) and a pool's linked pools, read and changed from the GUI.

Validation is pure (:func:`parse_stated_amount`, :func:`stated_problems`, :func:`link_problems`):
each returns the reasons a change is refused, in words fit to show a user. Every change runs in its
own transaction through :meth:`Workspace.writing` with one audit event in that same transaction,
and re-checks its rules there, so a figure typed in two windows at once cannot slip in twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jmg_desktop.core.money import Money, MoneyError, parse_money
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import Partner, Pool, PoolLink, StatedTotal
from jmg_desktop.store.workspace import Workspace

__all__ = [
    "BASIS_LABELS",
    "SCOPE_LABELS",
    "StatedEntry",
    "StatedRefused",
    "StatedRow",
    "add_stated",
    "all_links",
    "link_problems",
    "linked_pools",
    "list_stated",
    "parse_stated_amount",
    "remove_stated",
    "restore_stated",
    "set_linked_pools",
    "stated_problems",
    "update_stated",
]

#: How the basis of a figure is named to a user.
BASIS_LABELS: Final = {"current": "Current value", "new": "New value after proposals"}
#: How the scope of a figure is named to a user.
SCOPE_LABELS: Final = {"pool": "Pool alone", "with_linked": "Including linked pools"}
_SOURCE_LIMIT: Final = 500
_NOTE_LIMIT: Final = 2000


class StatedRefused(WorkspaceError):
    """A stated-total or pool-link change was refused; ``str(error)`` says why. Nothing changed."""


@dataclass(frozen=True, slots=True)
class StatedEntry:
    """What a user gives for a stated total (the pool and year come from where it is typed)."""

    partner_id: int | None  # None: all partners together
    basis: str
    scope: str
    amount: Money
    source: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class StatedRow:
    """A stored stated total."""

    id: int
    pool_id: int
    financial_year: int
    entry: StatedEntry

    def as_dict(self) -> dict[str, Any]:
        """Every stored column, for audit records and re-inserting on undo."""
        values = asdict(self.entry)
        values["amount_pence"] = self.entry.amount.pence
        del values["amount"]
        return {"id": self.id, "pool_id": self.pool_id, "financial_year": self.financial_year, **values}


# -- pure validation -----------------------------------------------------------------------------


def parse_stated_amount(text: str) -> Money | str:
    """The amount typed, or why it is refused (every form :func:`parse_money` accepts)."""
    if not text.strip():
        return "Type the stated amount, e.g. £94.836m or 94,836,000."
    try:
        return parse_money(text)
    except MoneyError as error:
        return str(error)


def stated_problems(
    entry: StatedEntry,
    others: Iterable[StatedRow],
    *,
    partner_ids: Iterable[int],
) -> list[str]:
    """Why ``entry`` cannot be stored beside ``others`` (the pool and year's other figures, the
    one being edited left out); an empty list when it can."""
    problems: list[str] = []
    if entry.basis not in BASIS_LABELS:
        problems.append("The basis must be the current value or the new value after proposals.")
    if entry.scope not in SCOPE_LABELS:
        problems.append("The scope must be the pool alone or including linked pools.")
    if entry.partner_id is not None and entry.partner_id not in set(partner_ids):
        problems.append("The partner no longer exists; choose another.")
    if len(entry.source) > _SOURCE_LIMIT:
        problems.append(f"The source is longer than {_SOURCE_LIMIT:,} characters.")
    if len(entry.note) > _NOTE_LIMIT:
        problems.append(f"The note is longer than {_NOTE_LIMIT:,} characters.")
    key = (entry.partner_id, entry.basis, entry.scope)
    if any((o.entry.partner_id, o.entry.basis, o.entry.scope) == key for o in others):
        problems.append(
            "This pool and year already has a stated figure for that partner, basis and scope; "
            "edit that one instead."
        )
    return problems


def link_problems(
    pool_id: int,
    linked: Iterable[int],
    links: Mapping[int, Iterable[int]],
    names: Mapping[int, str],
) -> list[str]:
    """Why ``pool_id`` cannot be linked to ``linked`` given every other pool's ``links``: a pool
    linked to itself, or a chain of links that leads back to the pool."""
    wanted = sorted(set(linked))
    problems: list[str] = []
    if pool_id in wanted:
        problems.append(f"“{names.get(pool_id, pool_id)}” cannot be linked to itself.")
    graph = {p: set(targets) for p, targets in links.items() if p != pool_id}
    for start in wanted:
        if start == pool_id:
            continue
        path = _path_to(start, pool_id, graph)
        if path is not None:
            chain = " → ".join(str(names.get(p, p)) for p in [pool_id, *path])
            problems.append(f"Linking “{names.get(start, start)}” would make a loop: {chain}.")
    return problems


def _path_to(start: int, goal: int, graph: Mapping[int, set[int]]) -> list[int] | None:
    """The pools from ``start`` to ``goal`` following links (breadth first), or None."""
    previous: dict[int, int | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in sorted(graph.get(node, ())):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


# -- reading -------------------------------------------------------------------------------------


def _row(record: StatedTotal) -> StatedRow:
    """A stored row as a plain value."""
    return StatedRow(
        id=record.id,
        pool_id=record.pool_id,
        financial_year=record.financial_year,
        entry=StatedEntry(
            partner_id=record.partner_id,
            basis=record.basis,
            scope=record.scope,
            amount=Money(record.amount_pence),
            source=record.source,
            note=record.note,
        ),
    )


def _stated_in(session: Session, pool_id: int, financial_year: int) -> list[StatedRow]:
    """The stated totals of a pool and year, oldest first."""
    records = session.execute(
        select(StatedTotal)
        .where(StatedTotal.pool_id == pool_id, StatedTotal.financial_year == financial_year)
        .order_by(StatedTotal.id)
    ).scalars()
    return [_row(record) for record in records]


def list_stated(workspace: Workspace, pool_id: int, financial_year: int) -> list[StatedRow]:
    """The stated totals recorded for a pool and year, oldest first."""
    with workspace.reading() as session:
        return _stated_in(session, pool_id, financial_year)


def _links(session: Session) -> dict[int, set[int]]:
    """Every pool's linked pools."""
    found: dict[int, set[int]] = {}
    for pool_id, linked_id in session.execute(select(PoolLink.pool_id, PoolLink.linked_pool_id)):
        found.setdefault(pool_id, set()).add(linked_id)
    return found


def all_links(workspace: Workspace) -> dict[int, set[int]]:
    """Every pool's linked pools (pools with none are left out)."""
    with workspace.reading() as session:
        return _links(session)


def linked_pools(workspace: Workspace, pool_id: int) -> list[int]:
    """The pools quoted "including" with ``pool_id``, in id order."""
    return sorted(all_links(workspace).get(pool_id, set()))


# -- changing ------------------------------------------------------------------------------------


def _check(session: Session, pool_id: int, year: int, entry: StatedEntry, editing: int | None) -> None:
    """Refuse ``entry`` (raising :class:`StatedRefused`) if the rules say no."""
    others = [row for row in _stated_in(session, pool_id, year) if row.id != editing]
    partners = session.execute(select(Partner.id)).scalars()
    problems = stated_problems(entry, others, partner_ids=partners)
    if session.get(Pool, pool_id) is None:
        problems.insert(0, "The pool no longer exists.")
    if problems:
        raise StatedRefused(" ".join(problems) + " Nothing was changed.")


def _insert(session: Session, row: StatedRow | None, pool_id: int, year: int, entry: StatedEntry) -> int:
    """Insert a stated total (under ``row``'s id when restoring) and return its id."""
    values: dict[str, Any] = {
        "pool_id": pool_id,
        "financial_year": year,
        "partner_id": entry.partner_id,
        "basis": entry.basis,
        "scope": entry.scope,
        "amount_pence": entry.amount.pence,
        "source": entry.source,
        "note": entry.note,
    }
    if row is not None:
        values["id"] = row.id
    try:
        result = session.execute(insert(StatedTotal).values(values))
    except IntegrityError:
        raise StatedRefused(
            "The figure could not be stored (it is already there); nothing was changed."
        ) from None
    return int(row.id if row is not None else result.inserted_primary_key[0])  # type: ignore[index]


def add_stated(workspace: Workspace, pool_id: int, financial_year: int, entry: StatedEntry) -> int:
    """Record a stated total for a pool and year; its id. Raises :class:`StatedRefused`."""
    with workspace.writing() as session:
        _check(session, pool_id, financial_year, entry, None)
        new_id = _insert(session, None, pool_id, financial_year, entry)
        row = StatedRow(new_id, pool_id, financial_year, entry)
        record_event(
            session, action="Add Stated Total", entity="stated_total", entity_id=new_id, new=row.as_dict()
        )
    return new_id


def restore_stated(workspace: Workspace, row: StatedRow) -> None:
    """Put a removed stated total back under its own id (undoing a removal)."""
    with workspace.writing() as session:
        _check(session, row.pool_id, row.financial_year, row.entry, None)
        _insert(session, row, row.pool_id, row.financial_year, row.entry)
        record_event(
            session, action="Restore Stated Total", entity="stated_total", entity_id=row.id, new=row.as_dict()
        )


def _stored(session: Session, stated_id: int) -> StatedTotal:
    """The stored row, or :class:`StatedRefused` when it has gone."""
    record = session.get(StatedTotal, stated_id)
    if record is None:
        raise StatedRefused("The stated figure was removed elsewhere; nothing was changed.")
    return record


def update_stated(workspace: Workspace, stated_id: int, entry: StatedEntry) -> StatedRow:
    """Change a stated total; returns it as it was before. Raises :class:`StatedRefused`."""
    with workspace.writing() as session:
        record = _stored(session, stated_id)
        before = _row(record)
        _check(session, record.pool_id, record.financial_year, entry, stated_id)
        record.partner_id = entry.partner_id
        record.basis = entry.basis
        record.scope = entry.scope
        record.amount_pence = entry.amount.pence
        record.source = entry.source
        record.note = entry.note
        after = StatedRow(stated_id, record.pool_id, record.financial_year, entry)
        session.flush()
        record_event(
            session,
            action="Edit Stated Total",
            entity="stated_total",
            entity_id=stated_id,
            old=before.as_dict(),
            new=after.as_dict(),
        )
    return before


def remove_stated(workspace: Workspace, stated_id: int) -> StatedRow:
    """Remove a stated total; returns it (so it can be put back). Raises :class:`StatedRefused`."""
    with workspace.writing() as session:
        before = _row(_stored(session, stated_id))
        session.execute(delete(StatedTotal).where(StatedTotal.id == stated_id))
        record_event(
            session,
            action="Remove Stated Total",
            entity="stated_total",
            entity_id=stated_id,
            old=before.as_dict(),
        )
    return before


def set_linked_pools(workspace: Workspace, pool_id: int, linked: Sequence[int]) -> list[int]:
    """Make ``linked`` the pools quoted "including" with ``pool_id``; returns the links before.
    Raises :class:`StatedRefused` for a self-link, a loop or a pool that has gone."""
    wanted = sorted(set(linked))
    with workspace.writing() as session:
        names = {row[0]: row[1] for row in session.execute(select(Pool.id, Pool.name))}
        links = _links(session)
        before = sorted(links.get(pool_id, set()))
        problems = link_problems(pool_id, wanted, links, names)
        missing = [p for p in [pool_id, *wanted] if p not in names]
        if missing:
            problems.insert(0, "A pool was removed elsewhere; look again.")
        if problems:
            raise StatedRefused(" ".join(problems) + " Nothing was changed.")
        if before == wanted:
            return before
        session.execute(delete(PoolLink).where(PoolLink.pool_id == pool_id))
        if wanted:
            session.execute(insert(PoolLink), [{"pool_id": pool_id, "linked_pool_id": p} for p in wanted])
        record_event(
            session,
            action="Set Linked Pools",
            entity="pool",
            entity_id=pool_id,
            old={"linked_pool_ids": before},
            new={"linked_pool_ids": wanted},
        )
    return before
