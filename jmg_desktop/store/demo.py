"""The demo workspace, built at run time from ``resources/demo/oxfordshire.json``.

It reproduces the Oxfordshire Older People's pool for 2009/10 with the gap between the published
new values and the lines made explicit, so every stated total reconciles to the penny. Features
add their own demo content (agreements, a paper, scenarios) through :data:`DEMO_EXTENSIONS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.resources import resource_path
from jmg_desktop.store.agreements_demo import add_demo_agreements
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.bcf_demo import add_demo_bcf
from jmg_desktop.store.models import (
    Category,
    LineStatus,
    Partner,
    Pool,
    PoolLine,
    PoolLink,
    StatedTotal,
    WorkspaceSetting,
)
from jmg_desktop.store.monitoring_demo import add_demo_monitoring
from jmg_desktop.store.papers_demo import add_demo_paper
from jmg_desktop.store.scenarios_demo import add_demo_scenarios
from jmg_desktop.store.workspace import Workspace

__all__ = ["DEMO_EXTENSIONS", "DEMO_SOURCE", "build_demo", "load_demo_source"]

DEMO_SOURCE = resource_path("demo", "oxfordshire.json")

#: Functions ``extension(session) -> None`` that add a feature's demo content after the lines exist.
#: Each runs in the same transaction as the core demo data.
DEMO_EXTENSIONS: list[Callable[[Session], None]] = [
    add_demo_agreements,
    add_demo_scenarios,
    add_demo_paper,
    add_demo_monitoring,
    add_demo_bcf,
]


def load_demo_source(source: Path = DEMO_SOURCE) -> dict[str, Any]:
    """The demo's source data as authored."""
    return json.loads(source.read_text(encoding="utf-8"))


def build_demo(path: Path | str, source: Path = DEMO_SOURCE) -> Workspace:
    """Create a fresh demo workspace at ``path`` (never touching the packaged data) and open it."""
    data = load_demo_source(source)
    workspace = Workspace.create(path, title=data["title"])
    try:
        with workspace.writing() as session:
            _populate(session, data)
            for extension in DEMO_EXTENSIONS:
                extension(session)
    except BaseException:
        workspace.close()
        Path(path).unlink(missing_ok=True)
        raise
    return workspace


def _populate(session: Session, data: dict[str, Any]) -> None:
    """Insert the partners, categories, pools, lines and stated totals of the demo."""
    partners: dict[str, Partner] = {}
    for position, item in enumerate(data["partners"], start=1):
        partners[item["name"]] = Partner(position=position, **item)
    session.add_all(partners.values())
    categories = {name: Category(name=name, position=i) for i, name in enumerate(data["categories"], start=1)}
    session.add_all(categories.values())
    pools: dict[str, Pool] = {}
    for position, item in enumerate(data["pools"], start=1):
        pools[item["name"]] = Pool(
            name=item["name"],
            host_partner_id=None,
            description=item.get("description", ""),
            position=position,
        )
    session.add_all(pools.values())
    session.flush()
    for item in data["pools"]:
        pools[item["name"]].host_partner_id = partners[item["host"]].id
        for linked in item.get("linked", []):
            session.add(PoolLink(pool_id=pools[item["name"]].id, linked_pool_id=pools[linked].id))
    statuses = {row.code: row.id for row in session.execute(select(LineStatus)).scalars()}
    positions: dict[tuple[str, str], int] = {}
    for item in data["lines"]:
        key = (item["pool"], item["year"])
        positions[key] = positions.get(key, 0) + 1
        line = PoolLine(
            pool_id=pools[item["pool"]].id,
            financial_year=FinancialYear.parse(item["year"]).start_year,
            service=item["service"],
            category_id=categories[item["category"]].id,
            partner_id=partners[item["partner"]].id,
            status_id=statuses[item["status"]],
            amount_pence=Money.parse(item["amount"]).pence,
            note=item.get("note", ""),
            position=positions[key],
            kind=item.get("kind", "service_budget"),
        )
        session.add(line)
    for item in data["stated_totals"]:
        session.add(
            StatedTotal(
                pool_id=pools[item["pool"]].id,
                financial_year=FinancialYear.parse(item["year"]).start_year,
                partner_id=partners[item["partner"]].id if item.get("partner") else None,
                basis=item["basis"],
                scope=item["scope"],
                amount_pence=Money.parse(item["amount"]).pence,
                source=item.get("source", ""),
            )
        )
    session.merge(WorkspaceSetting(key="demo", value="1"))
    session.flush()
    # The starting rows, recorded whole: check compares every later state with the trail.
    made = {
        "lines": [_columns(row) for row in session.execute(select(PoolLine)).scalars()],
        "stated_totals": [_columns(row) for row in session.execute(select(StatedTotal)).scalars()],
    }
    record_event(
        session,
        action="create_demo",
        entity="workspace",
        entity_id=None,
        new={"source": DEMO_SOURCE.name, **made},
    )


def _columns(row: PoolLine | StatedTotal) -> dict[str, Any]:
    """A row's columns by name, as the audit trail records rows."""
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}
