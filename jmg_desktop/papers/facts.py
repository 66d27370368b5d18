"""Reading the facts a paper's figures blocks need from the workspace, in one read transaction.

Totals come from :func:`jmg_desktop.store.reads.totals.pool_totals` (aggregated in SQL); only the
lines proposed for addition or removal are read one by one, because the table lists them. Every
read goes through a :class:`~jmg_desktop.store.reads.rows.Rows`, so the command line builds a paper
straight from the file and the window through its session, with the same SQL.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import MAX_POUNDS, Money, MoneyError
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.figures import AgreementFact, FigureFacts, ProposedLine
from jmg_desktop.store.reads.agreements import comparisons, standing_agreements
from jmg_desktop.store.reads.rows import Rows, first
from jmg_desktop.store.reads.totals import linked_pool_ids, pool_totals

__all__ = ["load_facts"]

_DEFAULT_BODY: Final = "Joint Management Group"


def load_facts(rows: Rows, pool_id: int, financial_year: int, partner_id: int | None) -> FigureFacts:
    """The figures facts for a pool, year and (optionally) one partner's contribution; an amount
    over the application's limit is refused naming its line."""
    try:
        return _load_facts(rows, pool_id, financial_year, partner_id)
    except MoneyError:
        raise PaperError(_too_large(rows, pool_id, financial_year)) from None


def _too_large(rows: Rows, pool_id: int, financial_year: int) -> str:
    """Which line (or which pool's total) is over the application's £1 trillion."""
    limit = MAX_POUNDS * 100
    pools = [pool_id, *linked_pool_ids(rows, pool_id)]
    row = first(
        rows,
        "SELECT pl.service, po.name, pl.position FROM pool_line pl JOIN pool po ON po.id = pl.pool_id "
        "WHERE pl.pool_id IN :pools AND pl.financial_year = :year "
        "AND (pl.amount_pence > :limit OR pl.amount_pence < :negative) "
        "ORDER BY pl.pool_id <> :pool, pl.position LIMIT 1",
        {"pools": pools, "year": financial_year, "limit": limit, "negative": -limit, "pool": pool_id},
    )
    year = FinancialYear(financial_year).label
    if row is not None:
        service, name, position = row
        return (
            f"The paper cannot be built: line {position} “{service}” of the {name} pool for {year} "
            "holds more than £1 trillion, the most this application accepts. Correct its amount in the lines editor."
        )
    return (
        f"The paper cannot be built: the lines of the pool for {year} add up to more than £1 trillion, "
        "the most this application accepts."
    )


def _load_facts(rows: Rows, pool_id: int, financial_year: int, partner_id: int | None) -> FigureFacts:
    """:func:`load_facts` without the guard."""
    pool = first(rows, "SELECT name FROM pool WHERE id = :id", {"id": pool_id})
    if pool is None:
        raise PaperError("The pool this paper is about no longer exists.")
    partner_name: str | None = None
    if partner_id is not None:
        partner = first(rows, "SELECT name FROM partner WHERE id = :id", {"id": partner_id})
        if partner is None:
            raise PaperError("The partner this paper is about no longer exists.")
        partner_name = partner[0]
    linked_ids = linked_pool_ids(rows, pool_id)
    names = dict(rows.all("SELECT id, name FROM pool WHERE id IN :ids", {"ids": [pool_id, *linked_ids]}))
    totals = pool_totals(rows, pool_id, financial_year)
    if partner_id is None:
        alone, with_linked = totals.overall(), totals.overall(with_linked=True)
    else:
        alone = totals.for_partner(partner_id)
        with_linked = totals.for_partner(partner_id, with_linked=True)
    return FigureFacts(
        pool_name=pool[0],
        year_label=FinancialYear(financial_year).label,
        partner_name=partner_name,
        linked_pool_names=tuple(names[i] for i in linked_ids),
        current=alone.current_value,
        current_with_linked=with_linked.current_value,
        new=alone.new_value,
        new_with_linked=with_linked.new_value,
        proposed=_proposed(rows, pool_id, linked_ids, financial_year, partner_id, names),
        agreements=_agreements(rows, pool_id, financial_year),
    )


def _proposed(
    rows: Rows,
    pool_id: int,
    linked_ids: list[int],
    financial_year: int,
    partner_id: int | None,
    names: dict[int, str],
) -> tuple[ProposedLine, ...]:
    """Lines proposed for addition or removal: the pool's own first, then each linked pool's."""
    partner = "" if partner_id is None else " AND pl.partner_id = :partner"
    params = {"pools": [pool_id, *linked_ids], "year": financial_year, "effects": ("addition", "removal")}
    if partner_id is not None:
        params["partner"] = partner_id
    found = rows.all(
        "SELECT pl.pool_id, pl.service, ls.effect, pl.amount_pence, pl.kind FROM pool_line pl "
        "JOIN line_status ls ON ls.id = pl.status_id "
        f"WHERE pl.pool_id IN :pools AND pl.financial_year = :year AND ls.effect IN :effects{partner} "
        "ORDER BY pl.pool_id <> :pool, pl.pool_id, pl.position, pl.id",
        params | {"pool": pool_id},
    )
    return tuple(
        ProposedLine(
            pool_name=names[line_pool],
            service=service,
            effect=effect,
            amount=Money(pence),
            in_own_pool=line_pool == pool_id,
            kind=kind,
        )
        for line_pool, service, effect, pence, kind in found
    )


def _agreements(rows: Rows, pool_id: int, financial_year: int) -> tuple[AgreementFact, ...]:
    """Standing agreements in principle for the pool and year, oldest first, each with how its
    lines moved since it was agreed (all compared in one read)."""
    cited = [
        (agreement, day)
        for agreement in standing_agreements(rows, pool_id, financial_year)
        if (day := _parse_day(agreement.agreed_on) or _parse_day(agreement.held_on or "")) is not None
    ]
    compared = comparisons(rows, [agreement for agreement, _day in cited])
    facts: list[AgreementFact] = []
    for agreement, day in cited:
        comparison = compared[agreement.id]
        facts.append(
            AgreementFact(
                body=agreement.body or _DEFAULT_BODY,
                agreed_on=day,
                title=agreement.title,
                reference=agreement.reference or "",
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
