"""Reads of Better Care Fund data: the funding streams, a scheme list, and a pool's plan for a year."""

from __future__ import annotations

from jmg_desktop.core.bcf import BcfPlan, Condition, Income, Scheme
from jmg_desktop.core.money import Money
from jmg_desktop.store.reads.lines import SCHEME_TEST
from jmg_desktop.store.reads.rows import Rows

__all__ = ["SCHEME_TEST", "bcf_plan", "list_entries", "stream_names"]


def stream_names(rows: Rows) -> list[tuple[int, str]]:
    """Every funding stream ``(id, name)`` in display order."""
    return [(row[0], row[1]) for row in rows.all("SELECT id, name FROM bcf_stream ORDER BY position, id")]


def list_entries(rows: Rows, list_name: str) -> list[str]:
    """The names of a scheme reference list (``scheme_type``, ``scheme_subtype``, ``area_of_spend``)."""
    return [
        row[0]
        for row in rows.all(
            "SELECT name FROM bcf_list_item WHERE list_name = :list ORDER BY position, id",
            {"list": list_name},
        )
    ]


def bcf_plan(rows: Rows, pool_id: int, financial_year: int) -> BcfPlan:
    """The pool's BCF plan for the year, ready for its balances, conditions and checklist."""
    where = {"pool": pool_id, "year": financial_year}
    income = tuple(
        Income(stream_id, stream, partner, Money(pence))
        for stream_id, stream, partner, pence in rows.all(
            "SELECT i.stream_id, s.name, pa.name, i.amount_pence FROM bcf_income i "
            "JOIN bcf_stream s ON s.id = i.stream_id JOIN partner pa ON pa.id = i.partner_id "
            "WHERE i.pool_id = :pool AND i.financial_year = :year "
            "ORDER BY s.position, s.id, pa.position, pa.id",
            where,
        )
    )
    schemes = tuple(
        Scheme(*row[:11], Money(row[11]))
        for row in rows.all(
            "SELECT id, scheme_ref, service, scheme_type, area_of_spend, commissioner, nhs_share_bp, "
            "council_share_bp, provider, funding_stream_id, new_or_existing, amount_pence FROM pool_line "
            f"WHERE pool_id = :pool AND financial_year = :year AND {SCHEME_TEST} ORDER BY position, id",
            where,
        )
    )
    conditions = tuple(
        Condition(label, Money(minimum), stream_id, area, commissioner, scheme_type)
        for label, minimum, stream_id, area, commissioner, scheme_type in rows.all(
            "SELECT label, minimum_pence, stream_id, area_of_spend, commissioner, scheme_type "
            "FROM bcf_condition WHERE pool_id = :pool AND financial_year = :year ORDER BY position, id",
            where,
        )
    )
    return BcfPlan(
        tuple(stream_names(rows)), income, schemes, conditions, tuple(list_entries(rows, "scheme_type"))
    )
