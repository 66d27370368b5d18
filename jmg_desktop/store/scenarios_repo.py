"""Projection scenarios and projection inputs, read from and written to the workspace as core objects.

Rates live in the file as INTEGER millionths; categories, partners and pools by id. The core
scenario speaks in names, so this module translates both ways. Saving a scenario replaces its
overrides and adjustments and writes one audit event, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Final

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.scenario import Scenario, ScenarioError
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.models import (
    Category,
    Partner,
    Pool,
    ProjectionScenario,
    ScenarioAdjustment,
    ScenarioRateOverride,
)
from jmg_desktop.store.reads import scenarios as reads
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.reads.scenarios import ProjectionInputs, ScenarioNotFound

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


def _to_ppm(rate: Decimal, what: str) -> int:
    """An exact rate as millionths; finer rates cannot be stored and are refused."""
    scaled = rate * _PPM
    if scaled != scaled.to_integral_value():
        raise ScenarioError(f"{what} can have at most four decimal places of a percent (like 2.1234%).")
    return int(scaled)


def scenario_names(session: Session) -> list[str]:
    """Every scenario's name, in the workspace's order."""
    return reads.scenario_names(session_rows(session))


def _scenario_row(session: Session, name: str) -> ProjectionScenario:
    """The row for ``name`` (exact, then ignoring case), or :class:`ScenarioNotFound`."""
    row = session.get(ProjectionScenario, reads.scenario_id(session_rows(session), name))
    assert row is not None  # found by id in this same transaction
    return row


def load_scenario(session: Session, name: str, pool_ids: Collection[int] | None = None) -> Scenario:
    """The named scenario; with ``pool_ids``, only adjustments for those pools (or for any pool)."""
    return reads.load_scenario(session_rows(session), name, pool_ids)


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
    """The pool's lines for ``base_year`` and its linked pools' lines (:func:`reads.projection_inputs`)."""
    return reads.projection_inputs(session_rows(session), pool_id, base_year, columnar=columnar)
