"""What the projection view and meeting mode read from the workspace, in one place.

Each function opens a short read transaction and returns core objects, so the widgets never hold
a session or an ORM row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.scenario import Scenario
from jmg_desktop.core.totals import PoolTotals
from jmg_desktop.store.models import Category, Partner, Pool, PoolLine
from jmg_desktop.store.scenarios_repo import (
    ProjectionInputs,
    load_scenario,
    projection_inputs,
    scenario_names,
)
from jmg_desktop.store.totals import pool_totals
from jmg_desktop.store.workspace import Workspace

__all__ = ["PoolSnapshot", "load_snapshot", "reference_names", "scenario_list"]


@dataclass(frozen=True, slots=True)
class PoolSnapshot:
    """A pool and year as projected: base lines, SQL totals and the scenarios on offer."""

    inputs: ProjectionInputs
    totals: PoolTotals
    partner_names: dict[int, str]
    scenarios: dict[str, Scenario]

    @property
    def title(self) -> str:
        """``Older People pool, 2009/10``."""
        return f"{self.inputs.pool_name} pool, {self.inputs.base_year.label}"


def scenario_list(workspace: Workspace) -> list[str]:
    """The names of the scenarios stored in the workspace."""
    with workspace.reading() as session:
        return scenario_names(session)


def load_snapshot(workspace: Workspace, pool_id: int, year: int) -> PoolSnapshot:
    """Everything needed to project ``pool_id`` from ``year``, read in one transaction."""
    base = FinancialYear(year)
    with workspace.reading() as session:
        inputs = projection_inputs(session, pool_id, base)
        totals = pool_totals(session, pool_id, year)
        partners = dict(session.execute(select(Partner.id, Partner.name)).all())
        scenarios = {name: load_scenario(session, name, inputs.pool_ids) for name in scenario_names(session)}
    return PoolSnapshot(inputs, totals, partners, scenarios)


def reference_names(workspace: Workspace) -> dict[str, list[str]]:
    """Categories, partners, pools and services, for the scenario editor's choices."""
    with workspace.reading() as session:
        return {
            "categories": list(
                session.scalars(select(Category.name).order_by(Category.position, Category.name))
            ),
            "partners": list(session.scalars(select(Partner.name).order_by(Partner.position, Partner.name))),
            "pools": list(session.scalars(select(Pool.name).order_by(Pool.position, Pool.name))),
            "services": list(session.scalars(select(PoolLine.service).distinct().order_by(PoolLine.service))),
        }
