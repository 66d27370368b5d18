"""Reads of the decision register: agreed-vs-now for many agreements at once, and the standing
agreements a paper cites."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final, Protocol

from jmg_desktop.core.agreed_figures import Comparison, LineFigures, compare_figures
from jmg_desktop.core.agreements import (
    Body,
    MoveRefused,
    PathState,
    Status,
    Step,
    apply_step,
)
from jmg_desktop.core.money import Money
from jmg_desktop.core.records import Record
from jmg_desktop.store.reads.rows import Rows

__all__ = [
    "AgreementScope",
    "StandingAgreement",
    "agreement_findings",
    "bodies_of",
    "comparisons",
    "standing_agreements",
]

#: A line as it is now, with its names: id, service, partner, category, status, year, pence,
#: pool name, pool id, kind (the kind last, so the columns before it keep their places).
_CURRENT: Final = (
    "pl.id, pl.service, pa.name, c.name, ls.label, pl.financial_year, pl.amount_pence, po.name, "
    "pl.pool_id, pl.kind"
)
_CURRENT_WIDTH: Final = 10
_CURRENT_JOINS: Final = (
    "JOIN partner pa ON pa.id = pl.partner_id JOIN line_status ls ON ls.id = pl.status_id "
    "JOIN pool po ON po.id = pl.pool_id LEFT OUTER JOIN category c ON c.id = pl.category_id"
)
# The line's joins must be outer: a deleted line leaves its snapshot row with no match.
_SNAPSHOT_AGAINST_NOW: Final = (
    f"SELECT {_CURRENT}, al.agreement_id, al.line_id, al.service, al.partner_name, al.category_name, "
    "al.status_label, al.financial_year, al.amount_pence, al.pool_id, al.kind "
    "FROM agreement_line al LEFT OUTER JOIN pool_line pl ON pl.id = al.line_id "
    "LEFT OUTER JOIN partner pa ON pa.id = pl.partner_id "
    "LEFT OUTER JOIN line_status ls ON ls.id = pl.status_id "
    "LEFT OUTER JOIN pool po ON po.id = pl.pool_id "
    "LEFT OUTER JOIN category c ON c.id = pl.category_id"
)
# Above this many agreements, reading every snapshot row beats binding thousands of ids.
_MANY_IDS: Final = 500


class AgreementScope(Protocol):
    """What a comparison needs of an agreement (an ORM row or a :class:`StandingAgreement`)."""

    @property
    def id(self) -> int: ...
    @property
    def pool_id(self) -> int | None: ...
    @property
    def financial_year(self) -> int | None: ...
    @property
    def covers_whole_pool(self) -> bool: ...


def _figures(row: Sequence[Any]) -> LineFigures:
    """A row of :data:`_CURRENT` as figures."""
    line_id, service, partner, category, status, year, pence, pool, _pool_id, kind = row
    return LineFigures(
        line_id, service, partner, category or "", status, year, Money(pence), pool, kind or ""
    )


def _snapshot_figures(row: Sequence[Any], pools: dict[int, str]) -> LineFigures:
    """A snapshot row (agreement id first) as figures."""
    _agreement_id, line_id, service, partner, category, status, year, pence, pool_id, kind = row
    pool = pools.get(pool_id, "") if pool_id is not None else ""
    return LineFigures(line_id, service, partner, category, status, year, Money(pence), pool, kind)


def comparisons(rows: Rows, agreements: Sequence[AgreementScope]) -> dict[int, Comparison]:
    """Agreed-vs-now for many agreements: one query joins each snapshot row to its line as it is
    now; whole-pool agreements also see every line of their pool and year (added since agreed)."""
    ids = [agreement.id for agreement in agreements]
    if not ids:
        return {}
    pools = dict(rows.all("SELECT id, name FROM pool"))
    order = " ORDER BY al.agreement_id, al.position"
    if len(ids) <= _MANY_IDS:
        snapshot_rows = rows.all(
            f"{_SNAPSHOT_AGAINST_NOW} WHERE al.agreement_id IN :ids{order}", {"ids": ids}
        )
    else:
        snapshot_rows = rows.all(_SNAPSHOT_AGAINST_NOW + order)
    wanted = set(ids)
    snapshots: dict[int, list[LineFigures]] = {agreement_id: [] for agreement_id in ids}
    current: dict[int, LineFigures] = {}
    for row in snapshot_rows:
        agreement_id = row[_CURRENT_WIDTH]
        if agreement_id not in wanted:
            continue
        snapshots[agreement_id].append(_snapshot_figures(row[_CURRENT_WIDTH:], pools))
        if row[0] is not None:
            current[row[0]] = _figures(row[:_CURRENT_WIDTH])
    whole = sorted(
        {(a.pool_id, a.financial_year or 0) for a in agreements if a.covers_whole_pool and a.pool_id}
    )
    by_pool_year: dict[tuple[int, int], list[LineFigures]] = {}
    if whole:
        params: dict[str, Any] = {}
        terms = []
        for index, (pool_id, year) in enumerate(whole):
            terms.append(f"(pl.pool_id = :p{index} AND pl.financial_year = :y{index})")
            params |= {f"p{index}": pool_id, f"y{index}": year}
        # Every line of a pool and year, in the editor's order, for whole-pool agreements.
        for row in rows.all(
            f"SELECT {_CURRENT} FROM pool_line pl {_CURRENT_JOINS} WHERE {' OR '.join(terms)} "
            "ORDER BY pl.position, pl.id",
            params,
        ):
            by_pool_year.setdefault((row[8], row[5]), []).append(_figures(row))
    result: dict[int, Comparison] = {}
    for agreement in agreements:
        agreed = snapshots[agreement.id]
        if agreement.covers_whole_pool and agreement.pool_id is not None:
            now = by_pool_year.get((agreement.pool_id, agreement.financial_year or 0), [])
            result[agreement.id] = compare_figures(agreed, now, include_new=True)
        else:
            now = [current[f.line_id] for f in agreed if f.line_id is not None and f.line_id in current]
            result[agreement.id] = compare_figures(agreed, now)
    return result


class StandingAgreement(Record):
    """An agreement in principle that still stands, as a paper cites it."""

    id: int
    title: str
    pool_id: int | None
    financial_year: int | None
    covers_whole_pool: bool
    agreed_on: str  # the in-principle step's date, ISO text as stored
    body: str | None
    held_on: str | None
    reference: str | None


#: An agreement that went on to one of these no longer stands, so a paper must not cite it.
NOT_STANDING: Final = ("proposed", "deferred", "rejected", "superseded")


def standing_agreements(rows: Rows, pool_id: int, financial_year: int) -> list[StandingAgreement]:
    """Agreements in principle for the pool and year that still stand, by the date of their
    in-principle step (oldest first), each once: about the pool, or spanning several pools and
    covering some of its lines."""
    found = rows.all(
        "SELECT a.id, a.title, a.pool_id, a.financial_year, a.covers_whole_pool, s.on_date, m.body, "
        "m.held_on, m.reference FROM agreement a "
        "JOIN agreement_step s ON s.agreement_id = a.id "
        "LEFT OUTER JOIN meeting m ON m.id = a.meeting_id "
        "WHERE (a.pool_id = :pool OR EXISTS (SELECT 1 FROM agreement_line al "
        "WHERE al.agreement_id = a.id AND al.pool_id = :pool)) "
        "AND a.financial_year = :year AND s.status = :step AND a.status NOT IN :not_standing "
        "ORDER BY s.on_date, a.id",
        {
            "pool": pool_id,
            "year": financial_year,
            "step": "agreed_in_principle",
            "not_standing": NOT_STANDING,
        },
    )
    seen: set[int] = set()
    result = []
    for agreement_id, title, pool, year, whole, on_date, body, held_on, reference in found:
        if agreement_id in seen:
            continue
        seen.add(agreement_id)
        result.append(
            StandingAgreement(agreement_id, title, pool, year, bool(whole), on_date, body, held_on, reference)
        )
    return result


def bodies_of(rows: Rows, agreement_ids: Sequence[int]) -> dict[int, tuple[Body, ...]]:
    """The approving bodies of each agreement, in the partners' own order."""
    ids = list(agreement_ids)
    if not ids:
        return {}
    result: dict[int, list[Body]] = {agreement_id: [] for agreement_id in ids}
    for agreement_id, partner_id, sovereign_body, name in rows.all(
        "SELECT b.agreement_id, pa.id, pa.sovereign_body, pa.name FROM agreement_body b "
        "JOIN partner pa ON pa.id = b.partner_id WHERE b.agreement_id IN :ids ORDER BY pa.position, pa.id",
        {"ids": ids},
    ):
        result[agreement_id].append(Body(partner_id, sovereign_body or name, name))
    return {key: tuple(value) for key, value in result.items()}


def agreement_findings(rows: Rows) -> list[str]:
    """Agreements whose stored history makes no sense (edited outside the application), each a
    sentence for ``jmg-desktop check``; empty when every history is a valid path."""
    agreements = rows.all("SELECT id, title, status FROM agreement ORDER BY id")
    bodies = bodies_of(rows, [row[0] for row in agreements])
    steps: dict[int, list[tuple[Any, ...]]] = {row[0]: [] for row in agreements}
    for batch in rows.batches(
        "SELECT agreement_id, status, on_date, partner_id, superseded_by_id FROM agreement_step "
        "ORDER BY agreement_id, ordinal"
    ):
        for agreement_id, *step in batch:
            steps.setdefault(agreement_id, []).append(tuple(step))
    findings = []
    for agreement_id, title, status in agreements:
        state = PathState()
        number = 0
        try:
            for step_status, on_date, partner_id, superseded_by in steps[agreement_id]:
                number += 1
                step = Step(Status(step_status), date.fromisoformat(on_date), partner_id, superseded_by)
                state = apply_step(state, step, bodies[agreement_id], agreement_id=agreement_id)
        except (MoveRefused, ValueError) as refused:  # ValueError: a status or date that cannot be read
            findings.append(
                f"Agreement {agreement_id} (“{title}”): step {number} does not follow on: {refused}"
            )
            continue
        if not steps[agreement_id]:
            findings.append(f"Agreement {agreement_id} (“{title}”) has no recorded steps.")
        elif state.status is not None and state.status.value != status:
            findings.append(
                f"Agreement {agreement_id} (“{title}”) is marked {status} but its steps end at {state.status.value}."
            )
    return findings
