"""Projection scenarios and projection inputs, read from and written to the workspace as core objects.

Rates live in the file as INTEGER millionths; categories, partners and pools by id. The core
scenario speaks in names, so this module translates both ways. Saving a scenario replaces its
overrides and adjustments and writes one audit event, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import BaseLine
from jmg_desktop.core.projection_stream import LineColumns
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario, ScenarioError
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import (
    Category,
    LineStatus,
    Partner,
    Pool,
    PoolLine,
    ProjectionScenario,
    ScenarioAdjustment,
    ScenarioRateOverride,
)
from jmg_desktop.store.raw_rows import raw_batches
from jmg_desktop.store.totals import linked_pool_ids

__all__ = [
    "ProjectionInputs",
    "ScenarioNotFound",
    "delete_scenario",
    "find_pool",
    "load_scenario",
    "projection_inputs",
    "save_scenario",
    "scenario_names",
]

_PPM: Final = Decimal(1_000_000)


class ScenarioNotFound(WorkspaceError):
    """No scenario (or pool) by the name asked for; the message lists what there is."""


@dataclass(frozen=True, slots=True)
class ProjectionInputs:
    """What a projection of one pool needs: its base-year lines (linked pools' lines marked)."""

    pool_id: int
    pool_name: str
    host_partner: str | None
    base_year: FinancialYear
    lines: Sequence[BaseLine]  # a list, or LineColumns for a big pool
    pool_ids: tuple[int, ...]  # the pool, then its linked pools


def _to_ppm(rate: Decimal, what: str) -> int:
    """An exact rate as millionths; finer rates cannot be stored and are refused."""
    scaled = rate * _PPM
    if scaled != scaled.to_integral_value():
        raise ScenarioError(f"{what} can have at most four decimal places of a percent (like 2.1234%).")
    return int(scaled)


def _from_ppm(value: int) -> Decimal:
    """Millionths back to an exact rate."""
    return Decimal(value) / _PPM


def scenario_names(session: Session) -> list[str]:
    """Every scenario's name, in the workspace's order."""
    return list(
        session.execute(
            select(ProjectionScenario.name).order_by(ProjectionScenario.position, ProjectionScenario.id)
        )
        .scalars()
        .all()
    )


def _scenario_row(session: Session, name: str) -> ProjectionScenario:
    """The row for ``name`` (exact, then ignoring case), or :class:`ScenarioNotFound`."""
    row = session.execute(
        select(ProjectionScenario).where(ProjectionScenario.name == name)
    ).scalar_one_or_none()
    if row is None:
        matches = (
            session.execute(
                select(ProjectionScenario).where(func.lower(ProjectionScenario.name) == name.strip().lower())
            )
            .scalars()
            .all()
        )
        if len(matches) == 1:
            return matches[0]
        names = scenario_names(session)
        known = ", ".join(f"“{n}”" for n in names) if names else "none"
        raise ScenarioNotFound(f"There is no scenario called “{name}” (scenarios: {known}).")
    return row


def load_scenario(session: Session, name: str, pool_ids: Collection[int] | None = None) -> Scenario:
    """The named scenario; with ``pool_ids``, only adjustments for those pools (or for any pool).

    Pass a pool with its linked pools, as :attr:`ProjectionInputs.pool_ids` gives them.
    """
    row = _scenario_row(session, name)
    categories = dict(session.execute(select(Category.id, Category.name)).all())
    partners = dict(session.execute(select(Partner.id, Partner.name)).all())
    pools = dict(session.execute(select(Pool.id, Pool.name)).all())
    overrides = tuple(
        RateOverride(
            rate=item.rate,
            value=_from_ppm(item.value_ppm),
            category=None if item.category_id is None else categories[item.category_id],
            year=None if item.financial_year is None else FinancialYear(item.financial_year),
        )
        for item in session.execute(
            select(ScenarioRateOverride)
            .where(ScenarioRateOverride.scenario_id == row.id)
            .order_by(ScenarioRateOverride.id)
        ).scalars()
    )
    adjustment_query = select(ScenarioAdjustment).where(ScenarioAdjustment.scenario_id == row.id)
    if pool_ids is not None:
        adjustment_query = adjustment_query.where(
            (ScenarioAdjustment.pool_id.is_(None)) | (ScenarioAdjustment.pool_id.in_(list(pool_ids)))
        )
    adjustments = tuple(
        Adjustment(
            amount=Money(item.amount_pence),
            from_year=FinancialYear(item.from_year),
            recurrent=bool(item.recurrent),
            service=item.service,
            category=None if item.category_id is None else categories[item.category_id],
            partner=None if item.partner_id is None else partners[item.partner_id],
            label=item.label,
            pool=None if item.pool_id is None else pools[item.pool_id],
        )
        for item in session.execute(
            adjustment_query.order_by(ScenarioAdjustment.position, ScenarioAdjustment.id)
        ).scalars()
    )
    return Scenario(
        name=row.name,
        inflation=_from_ppm(row.inflation_ppm),
        growth=_from_ppm(row.growth_ppm),
        savings=_from_ppm(row.savings_ppm),
        overrides=overrides,
        additions_approved=bool(row.additions_approved),
        removals_approved=bool(row.removals_approved),
        adjustments=adjustments,
        description=row.description,
    )


def _id_by_name(
    session: Session, model: type[Category] | type[Partner] | type[Pool], name: str, what: str
) -> int:
    """The id of a category, partner or pool named by the user; refuses an unknown name."""
    found = session.execute(select(model.id).where(model.name == name)).scalar_one_or_none()
    if found is None:
        raise ScenarioError(f"There is no {what} called “{name}” in this workspace.")
    return found


def _snapshot(scenario: Scenario) -> dict[str, object]:
    """The scenario as plain values, for the audit trail."""
    return {
        "name": scenario.name,
        "inflation": str(scenario.inflation),
        "growth": str(scenario.growth),
        "savings": str(scenario.savings),
        "additions_approved": scenario.additions_approved,
        "removals_approved": scenario.removals_approved,
        "overrides": len(scenario.overrides),
        "adjustments": len(scenario.adjustments),
    }


def save_scenario(session: Session, scenario: Scenario, replacing: str | None = None) -> int:
    """Store ``scenario`` (new, or replacing the one called ``replacing``); return its id.

    Raises :class:`ScenarioError` with a user message for a duplicate name or an unknown category,
    partner or pool; nothing is written then (the caller's transaction rolls back).
    """
    row = _scenario_row(session, replacing) if replacing is not None else None
    clash = session.execute(
        select(ProjectionScenario.id).where(
            func.lower(ProjectionScenario.name) == scenario.name.strip().lower()
        )
    ).scalar_one_or_none()
    if clash is not None and (row is None or clash != row.id):
        raise ScenarioError(f"A scenario called “{scenario.name}” already exists; choose another name.")
    old = None if row is None else _snapshot(load_scenario(session, row.name))
    values = {
        "name": scenario.name.strip(),
        "description": scenario.description,
        "inflation_ppm": _to_ppm(scenario.inflation, "Inflation"),
        "growth_ppm": _to_ppm(scenario.growth, "Growth"),
        "savings_ppm": _to_ppm(scenario.savings, "Savings"),
        "additions_approved": scenario.additions_approved,
        "removals_approved": scenario.removals_approved,
    }
    if row is None:
        position = session.execute(
            select(func.coalesce(func.max(ProjectionScenario.position), 0))
        ).scalar_one()
        row = ProjectionScenario(position=position + 1, **values)
        session.add(row)
        session.flush()
    else:
        for key, value in values.items():
            setattr(row, key, value)
        session.execute(delete(ScenarioRateOverride).where(ScenarioRateOverride.scenario_id == row.id))
        session.execute(delete(ScenarioAdjustment).where(ScenarioAdjustment.scenario_id == row.id))
    for override in scenario.overrides:
        session.add(
            ScenarioRateOverride(
                scenario_id=row.id,
                rate=override.rate,
                category_id=None
                if override.category is None
                else _id_by_name(session, Category, override.category, "category"),
                financial_year=None if override.year is None else override.year.start_year,
                value_ppm=_to_ppm(override.value, "An override"),
            )
        )
    for position, adjustment in enumerate(scenario.adjustments, start=1):
        session.add(
            ScenarioAdjustment(
                scenario_id=row.id,
                pool_id=None
                if adjustment.pool is None
                else _id_by_name(session, Pool, adjustment.pool, "pool"),
                service=adjustment.service,
                category_id=None
                if adjustment.category is None
                else _id_by_name(session, Category, adjustment.category, "category"),
                partner_id=None
                if adjustment.partner is None
                else _id_by_name(session, Partner, adjustment.partner, "partner"),
                from_year=adjustment.from_year.start_year,
                recurrent=adjustment.recurrent,
                amount_pence=adjustment.amount.pence,
                label=adjustment.label,
                position=position,
            )
        )
    session.flush()
    record_event(
        session,
        action="save_scenario" if old is None else "update_scenario",
        entity="projection_scenario",
        entity_id=row.id,
        old=old,
        new=_snapshot(scenario),
    )
    return row.id


def delete_scenario(session: Session, name: str) -> None:
    """Remove a scenario with its overrides and adjustments."""
    row = _scenario_row(session, name)
    old = _snapshot(load_scenario(session, row.name))
    session.delete(row)
    session.flush()
    record_event(session, action="delete_scenario", entity="projection_scenario", entity_id=row.id, old=old)


def find_pool(session: Session, name: str) -> Pool:
    """The pool called ``name`` (exact, then ignoring case), or :class:`ScenarioNotFound`."""
    pool = session.execute(select(Pool).where(Pool.name == name)).scalar_one_or_none()
    if pool is None:
        matches = (
            session.execute(select(Pool).where(func.lower(Pool.name) == name.strip().lower())).scalars().all()
        )
        if len(matches) == 1:
            return matches[0]
        names = ", ".join(
            f"“{n}”" for n in session.execute(select(Pool.name).order_by(Pool.position)).scalars()
        )
        raise ScenarioNotFound(f"There is no pool called “{name}” (pools: {names or 'none'}).")
    return pool


def projection_inputs(
    session: Session, pool_id: int, base_year: FinancialYear, *, columnar: bool = False
) -> ProjectionInputs:
    """The pool's lines for ``base_year`` and its linked pools' lines (marked linked), in order.

    One query with plain tuples, not ORM objects: a 10,000-line pool loads in milliseconds. With
    ``columnar`` the lines are a :class:`LineColumns` (a list per field, read in batches): a
    million-line pool in a third of the memory, for :func:`stream_projection_csv`.
    """
    pool = session.get(Pool, pool_id)
    if pool is None:
        raise ScenarioNotFound("The pool asked for is not in this workspace.")
    host = None if pool.host_partner_id is None else session.get(Partner, pool.host_partner_id)
    linked = linked_pool_ids(session, pool_id)
    query = (
        select(
            PoolLine.id,
            PoolLine.service,
            Category.name,
            Partner.name,
            LineStatus.effect,
            PoolLine.amount_pence,
            PoolLine.pool_id != pool_id,
            Pool.name,
        )
        .join(Partner, Partner.id == PoolLine.partner_id)
        .join(LineStatus, LineStatus.id == PoolLine.status_id)
        .join(Pool, Pool.id == PoolLine.pool_id)
        .outerjoin(Category, Category.id == PoolLine.category_id)
        .where(PoolLine.financial_year == base_year.start_year)
    )
    # The pool's own lines first, in its order (straight from the index, no sort), then the
    # linked pools' lines.
    queries = [
        query.where(PoolLine.pool_id == pool_id).order_by(PoolLine.position, PoolLine.id),
        query.where(PoolLine.pool_id.in_(linked)).order_by(Pool.position, PoolLine.position, PoolLine.id),
    ]
    connection = session.connection()
    lines: Sequence[BaseLine]
    if columnar:
        # Straight from the SQLite cursor: SQLAlchemy's rows would cost a second per million lines,
        # and these columns need no conversion.
        lines = LineColumns()
        for statement in queries:
            for batch in raw_batches(connection, statement):
                lines.extend(batch)
    else:  # Core rows: the ORM adds nothing to plain columns
        lines = [
            BaseLine(key, service, category, partner, effect, pence, bool(linked_line), pool_name)
            for statement in queries
            for key, service, category, partner, effect, pence, linked_line, pool_name in connection.execute(
                statement
            )
        ]
    return ProjectionInputs(
        pool.id, pool.name, None if host is None else host.name, base_year, lines, (pool.id, *linked)
    )
