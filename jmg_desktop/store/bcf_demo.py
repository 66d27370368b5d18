"""The demo's Better Care Fund pool, from ``resources/demo/bcf_staffordshire.json``: Staffordshire's
published £123m and additional £19.25m, with illustrative streams, schemes and conditions that add
up to them (labelled illustrative in the data, the pool's description and the README)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jmg_desktop.core.money import Money
from jmg_desktop.resources import resource_path
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.bcf_repo import IncomeEntry, ensure_streams, replace_income
from jmg_desktop.store.models import (
    BcfCondition,
    BcfListItem,
    LineStatus,
    Partner,
    Pool,
    PoolLine,
    StatedTotal,
)

__all__ = ["BCF_DEMO_SOURCE", "add_demo_bcf"]

BCF_DEMO_SOURCE = resource_path("demo", "bcf_staffordshire.json")


def _pence(pounds: str) -> int:
    """Whole pounds as written in the demo data → pence."""
    return Money.from_pounds(pounds).pence


def add_demo_bcf(session: Session) -> None:
    """Add the BCF pool, its partners, lists, streams, income, schemes, conditions and stated totals."""
    data: dict[str, Any] = json.loads(BCF_DEMO_SOURCE.read_text(encoding="utf-8"))
    position = session.execute(select(func.max(Partner.position))).scalar() or 0
    partners: dict[str, Partner] = {}
    for item in data["partners"]:
        position += 1
        partners[item["short_name"]] = Partner(position=position, **item)
    session.add_all(partners.values())
    session.flush()
    pool_position = session.execute(select(func.max(Pool.position))).scalar() or 0
    pool = Pool(
        name=data["pool"]["name"],
        host_partner_id=partners["SCC"].id,
        description=data["pool"]["description"],
        position=pool_position + 1,
    )
    session.add(pool)
    list_position = 0
    for type_name, subtypes in data["scheme_types"].items():
        list_position += 1
        session.add(BcfListItem(list_name="scheme_type", name=type_name, parent="", position=list_position))
        for subtype in subtypes:
            list_position += 1
            session.add(
                BcfListItem(
                    list_name="scheme_subtype", name=subtype, parent=type_name, position=list_position
                )
            )
    for area in data["areas_of_spend"]:
        list_position += 1
        session.add(BcfListItem(list_name="area_of_spend", name=area, parent="", position=list_position))
    session.flush()
    year = int(data["year"])
    streams = ensure_streams(session, data["streams"])
    replace_income(
        session,
        pool.id,
        year,
        [
            IncomeEntry(i["stream"], partners[i["partner"]].id, Money.from_pounds(i["amount"]))
            for i in data["income"]
        ],
    )
    statuses = {
        code: status_id for status_id, code in session.execute(select(LineStatus.id, LineStatus.code))
    }
    for place, row in enumerate(data["schemes"], start=1):
        (
            ref,
            name,
            scheme_type,
            subtype,
            area,
            commissioner,
            nhs_bp,
            provider,
            stream,
            new,
            amount,
            status,
            partner,
        ) = row
        session.add(
            PoolLine(
                pool_id=pool.id,
                financial_year=year,
                service=name,
                category_id=None,
                partner_id=partners[partner].id,
                status_id=statuses[status],
                amount_pence=_pence(amount),
                note="Illustrative scheme",
                position=place,
                scheme_ref=ref,
                scheme_type=scheme_type,
                scheme_subtype=subtype,
                area_of_spend=area,
                commissioner=commissioner,
                nhs_share_bp=nhs_bp,
                council_share_bp=None if nhs_bp is None else 10_000 - nhs_bp,
                provider=provider,
                funding_stream_id=streams[stream.casefold()],
                new_or_existing=new,
            )
        )
    for place, item in enumerate(data["conditions"], start=1):
        session.add(
            BcfCondition(
                pool_id=pool.id,
                financial_year=year,
                label=item["label"],
                minimum_pence=_pence(item["minimum"]),
                stream_id=streams[item["stream"].casefold()] if item["stream"] else None,
                area_of_spend=item["area_of_spend"],
                commissioner=item["commissioner"],
                scheme_type="",
                position=place,
            )
        )
    for item in data["stated_totals"]:
        session.add(
            StatedTotal(
                pool_id=pool.id,
                financial_year=year,
                partner_id=None,
                basis=item["basis"],
                scope="pool",
                amount_pence=_pence(item["amount"]),
                source=item["source"],
                note="",
            )
        )
    session.flush()
    # The BCF pool's starting rows, recorded whole as the core demo records its own, so that
    # ``check`` finds every line and stated total in the trail.
    lines = session.execute(select(PoolLine).where(PoolLine.pool_id == pool.id)).scalars()
    stated = session.execute(select(StatedTotal).where(StatedTotal.pool_id == pool.id)).scalars()
    record_event(
        session,
        action="create_demo_bcf",
        entity="workspace",
        entity_id=None,
        new={
            "source": BCF_DEMO_SOURCE.name,
            "lines": [_columns(row) for row in lines],
            "stated_totals": [_columns(row) for row in stated],
        },
    )


def _columns(row: PoolLine | StatedTotal) -> dict[str, Any]:
    """A row's columns by name, as the audit trail records rows."""
    return {column.name: getattr(row, column.name) for column in row.__table__.columns}
