"""The demo's decision register: three JMG meetings and their agreements (registered in
``store.demo.DEMO_EXTENSIONS``).

- 4 November 2008: a first, narrower proposal (day services only), later superseded.
- 2 December 2008: the five service budgets agreed in principle; recommended, approved by
  Cabinet on 20 January 2009, and now waiting for the PCT Board.
- 13 January 2009: the 2009/10 base budget changes agreed in principle at £1.600m on the Older
  People's pool; the line was firmed up to £1.646m afterwards, so the register shows that the
  figures have moved since they were agreed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.core.agreements import Status, Step
from jmg_desktop.store.agreements_repo import create_meeting, move_agreement, record_agreement
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.models import Partner, Pool, PoolLine

__all__ = ["add_demo_agreements"]

_BODY = "Older People Joint Management Group"
_FIVE = (
    "Day services – internal",
    "Day services – external",
    "Home support – internal",
    "Home support – external",
    "Intermediate care",
)
_BASE_CHANGES = "2009/10 base budget changes – inflation, growth and savings"
_ACTOR = "demo"


def _line_ids(session: Session, pool: str, services: tuple[str, ...]) -> list[int]:
    rows = dict(
        session.execute(
            select(PoolLine.service, PoolLine.id)
            .join(Pool, Pool.id == PoolLine.pool_id)
            .where(Pool.name == pool, PoolLine.financial_year == 2009, PoolLine.service.in_(services))
        ).all()
    )
    return [rows[service] for service in services]


def add_demo_agreements(session: Session) -> None:
    """Add the demo meetings and agreements, each change audited like a user's."""
    partners = dict(session.execute(select(Partner.short_name, Partner.id)).all())
    five = _line_ids(session, "Older People", _FIVE)

    november = create_meeting(
        session, body=_BODY, held_on=date(2008, 11, 4), reference="OPJMG 08/11 item 4", actor=_ACTOR
    )
    first_draft = record_agreement(
        session,
        title="Bring the day services budgets into the Older People's pool",
        line_ids=five[:2],
        meeting_id=november,
        decision="The group supported, in principle, adding the internal and external day services "
        "budgets to the pool from April 2009.",
        reasons="Day services are commissioned for the same people as the care already in the pool.",
        alternatives="Leaving day services with the council alone was discussed and not preferred.",
        conflicts="None declared.",
        actor=_ACTOR,
    )

    december = create_meeting(
        session, body=_BODY, held_on=date(2008, 12, 2), reference="OPJMG 08/12 item 3", actor=_ACTOR
    )
    five_additions = record_agreement(
        session,
        title="Add five service budgets to the Older People's pool for 2009/10",
        line_ids=five,
        meeting_id=december,
        decision="Agreed in principle that day services (internal and external), home support "
        "(internal and external) and intermediate care join the pool for 2009/10 at the draft "
        "budget figures, subject to Cabinet and the PCT Board.",
        reasons="One pooled budget lets the partners plan support at home and in care homes "
        "together, and moves money towards keeping people independent.",
        alternatives="Adding home support only; adding the services a year later.",
        conflicts="None declared.",
        assumptions="Draft 2009/10 budgets before the council's final budget setting.",
        actor=_ACTOR,
    )
    move_agreement(
        session,
        first_draft,
        Step(Status.SUPERSEDED, date(2008, 12, 2), superseded_by=five_additions),
        note="Folded into the wider agreement on five service budgets.",
        actor=_ACTOR,
    )
    move_agreement(
        session,
        five_additions,
        Step(Status.RECOMMENDED, date(2009, 1, 6)),
        note="Report to Cabinet with Annex 4(b).",
        actor=_ACTOR,
    )
    move_agreement(
        session,
        five_additions,
        Step(Status.APPROVED, date(2009, 1, 20), partner_id=partners["OCC"]),
        note="Cabinet approved the additions.",
        actor=_ACTOR,
    )

    january = create_meeting(
        session, body=_BODY, held_on=date(2009, 1, 13), reference="OPJMG 09/01 item 2", actor=_ACTOR
    )
    base_line = _line_ids(session, "Older People", (_BASE_CHANGES,))[0]
    linked = [
        *_line_ids(session, "Physical Disabilities", (_BASE_CHANGES,)),
        *_line_ids(session, "Equipment", (_BASE_CHANGES,)),
    ]
    # The group agreed the base changes while the Older People figure was still an estimate.
    line = session.get(PoolLine, base_line)
    assert line is not None
    final_pence = line.amount_pence
    line.amount_pence = 160_000_000
    session.flush()
    record_agreement(
        session,
        title="Base budget changes for 2009/10: inflation, growth and savings",
        line_ids=[base_line, *linked],
        meeting_id=january,
        decision="Agreed in principle to uplift the base budgets of the three pools for 2009/10 "
        "for inflation and demographic growth, net of planned savings.",
        reasons="The number of very old people in the county keeps rising, and prices with it.",
        alternatives="A flat cash budget, which would have meant cuts to services in the year.",
        conflicts="None declared.",
        assumptions="Older People's uplift estimated at £1.600m pending the final council budget.",
        actor=_ACTOR,
    )
    line.amount_pence = final_pence
    session.flush()
    record_event(
        session,
        action="edit",
        entity="pool_line",
        entity_id=base_line,
        old={"amount_pence": 160_000_000},
        new={"amount_pence": final_pence},
        actor=_ACTOR,
    )
