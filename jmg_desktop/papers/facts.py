"""Reading the facts a paper's figures blocks need from the workspace, in one read transaction.

Totals come from :func:`jmg_desktop.store.totals.pool_totals` (aggregated in SQL); only the lines
proposed for addition or removal are read one by one, because the table lists them.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import MAX_POUNDS, Money, MoneyError
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.figures import AgreementFact, FigureFacts, ProposedLine
from jmg_desktop.store.agreements_repo import agreement_detail
from jmg_desktop.store.models import (
    Agreement,
    AgreementLine,
    AgreementStep,
    LineStatus,
    Meeting,
    Partner,
    Pool,
    PoolLine,
)
from jmg_desktop.store.totals import linked_pool_ids, pool_totals

__all__ = ["load_facts"]

# An agreement that went on to one of these no longer stands, so the paper must not cite it.
_NOT_STANDING: Final = ("proposed", "deferred", "rejected", "superseded")
_DEFAULT_BODY: Final = "Joint Management Group"


def load_facts(session: Session, pool_id: int, financial_year: int, partner_id: int | None) -> FigureFacts:
    """The figures facts for a pool, year and (optionally) one partner's contribution; an amount
    over the application's limit is refused naming its line."""
    try:
        return _load_facts(session, pool_id, financial_year, partner_id)
    except MoneyError:
        raise PaperError(_too_large(session, pool_id, financial_year)) from None


def _too_large(session: Session, pool_id: int, financial_year: int) -> str:
    """Which line (or which pool's total) is over the application's £1 trillion."""
    limit = MAX_POUNDS * 100
    pools = [pool_id, *linked_pool_ids(session, pool_id)]
    row = session.execute(
        select(PoolLine.service, Pool.name, PoolLine.position)
        .join(Pool, Pool.id == PoolLine.pool_id)
        .where(
            PoolLine.pool_id.in_(pools),
            PoolLine.financial_year == financial_year,
            or_(PoolLine.amount_pence > limit, PoolLine.amount_pence < -limit),
        )
        .order_by(PoolLine.pool_id != pool_id, PoolLine.position)
        .limit(1)
    ).first()
    year = FinancialYear(financial_year).label
    if row is not None:
        return (
            f"The paper cannot be built: line {row.position} “{row.service}” of the {row.name} pool for {year} "
            "holds more than £1 trillion, the most this application accepts. Correct its amount in the lines editor."
        )
    return (
        f"The paper cannot be built: the lines of the pool for {year} add up to more than £1 trillion, "
        "the most this application accepts."
    )


def _load_facts(session: Session, pool_id: int, financial_year: int, partner_id: int | None) -> FigureFacts:
    """:func:`load_facts` without the guard."""
    pool = session.get(Pool, pool_id)
    if pool is None:
        raise PaperError("The pool this paper is about no longer exists.")
    partner_name: str | None = None
    if partner_id is not None:
        partner = session.get(Partner, partner_id)
        if partner is None:
            raise PaperError("The partner this paper is about no longer exists.")
        partner_name = partner.name
    linked_ids = linked_pool_ids(session, pool_id)
    names = dict(session.execute(select(Pool.id, Pool.name).where(Pool.id.in_([pool_id, *linked_ids]))).all())
    totals = pool_totals(session, pool_id, financial_year)
    if partner_id is None:
        alone, with_linked = totals.overall(), totals.overall(with_linked=True)
    else:
        alone = totals.for_partner(partner_id)
        with_linked = totals.for_partner(partner_id, with_linked=True)
    return FigureFacts(
        pool_name=pool.name,
        year_label=FinancialYear(financial_year).label,
        partner_name=partner_name,
        linked_pool_names=tuple(names[i] for i in linked_ids),
        current=alone.current_value,
        current_with_linked=with_linked.current_value,
        new=alone.new_value,
        new_with_linked=with_linked.new_value,
        proposed=_proposed(session, pool_id, linked_ids, financial_year, partner_id, names),
        agreements=_agreements(session, pool_id, financial_year),
    )


def _proposed(
    session: Session,
    pool_id: int,
    linked_ids: list[int],
    financial_year: int,
    partner_id: int | None,
    names: dict[int, str],
) -> tuple[ProposedLine, ...]:
    """Lines proposed for addition or removal: the pool's own first, then each linked pool's."""
    query = (
        select(PoolLine.pool_id, PoolLine.service, LineStatus.effect, PoolLine.amount_pence, PoolLine.kind)
        .join(LineStatus, LineStatus.id == PoolLine.status_id)
        .where(
            PoolLine.pool_id.in_([pool_id, *linked_ids]),
            PoolLine.financial_year == financial_year,
            LineStatus.effect.in_(("addition", "removal")),
        )
        .order_by(PoolLine.pool_id != pool_id, PoolLine.pool_id, PoolLine.position, PoolLine.id)
    )
    if partner_id is not None:
        query = query.where(PoolLine.partner_id == partner_id)
    return tuple(
        ProposedLine(
            pool_name=names[line_pool],
            service=service,
            effect=effect,
            amount=Money(pence),
            in_own_pool=line_pool == pool_id,
            kind=kind,
        )
        for line_pool, service, effect, pence, kind in session.execute(query).all()
    )


def _agreements(session: Session, pool_id: int, financial_year: int) -> tuple[AgreementFact, ...]:
    """Standing agreements in principle for the pool and year, oldest first."""
    rows = session.execute(
        select(Agreement, AgreementStep.on_date, Meeting.body, Meeting.held_on, Meeting.reference)
        .join(AgreementStep, AgreementStep.agreement_id == Agreement.id)
        .outerjoin(Meeting, Meeting.id == Agreement.meeting_id)
        .where(
            # An agreement about the pool, or one spanning several pools that covers some of its lines.
            or_(
                Agreement.pool_id == pool_id,
                exists().where(AgreementLine.agreement_id == Agreement.id, AgreementLine.pool_id == pool_id),
            ),
            Agreement.financial_year == financial_year,
            AgreementStep.status == "agreed_in_principle",
            Agreement.status.not_in(_NOT_STANDING),
        )
        .order_by(AgreementStep.on_date, Agreement.id)
    ).all()
    facts: list[AgreementFact] = []
    seen: set[int] = set()
    for agreement, on_date, body, held_on, reference in rows:
        if agreement.id in seen:
            continue
        seen.add(agreement.id)
        day = _parse_day(on_date) or _parse_day(held_on or "")
        if day is None:
            continue
        comparison = agreement_detail(session, agreement.id).summary.comparison
        facts.append(
            AgreementFact(
                body=body or _DEFAULT_BODY,
                agreed_on=day,
                title=agreement.title,
                reference=reference or "",
                changed_lines=len(comparison.changed),
                changed_by=comparison.difference_on_agreed_lines,
                added_lines=len(comparison.added),
            )
        )
    return tuple(facts)


def _parse_day(text: str) -> date | None:
    """An ISO date, or None when the register holds none."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
