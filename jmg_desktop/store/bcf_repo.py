"""Better Care Fund data in the workspace: funding streams, income, scheme lists and conditions,
read as a :class:`~jmg_desktop.core.bcf.BcfPlan`; income replaced as one audited change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from jmg_desktop.core.bcf import BcfPlan
from jmg_desktop.core.money import Money
from jmg_desktop.core.scheme_fields import SchemeLists
from jmg_desktop.store.audit import record_event
from jmg_desktop.store.models import Base, BcfIncome, BcfStream, PoolLine
from jmg_desktop.store.reads import bcf as reads
from jmg_desktop.store.reads import lines as lines_reads
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.workspace import Workspace

__all__ = [
    "IncomeEntry",
    "bcf_plan",
    "ensure_streams",
    "line_ids_where",
    "list_entries",
    "list_item_uses",
    "pool_uses_schemes",
    "replace_income",
    "rows_where",
    "scheme_lists",
    "stream_names",
]

_LINE = PoolLine.__table__


@dataclass(frozen=True, slots=True)
class IncomeEntry:
    """One income row to store: a stream (by name), the partner holding it, the amount."""

    stream: str
    partner_id: int
    amount: Money
    note: str = ""


def stream_names(session: Session) -> list[tuple[int, str]]:
    """Every funding stream ``(id, name)`` in display order."""
    return reads.stream_names(session_rows(session))


def list_entries(session: Session, list_name: str) -> list[str]:
    """The names of a scheme reference list (``scheme_type``, ``scheme_subtype``, ``area_of_spend``)."""
    return reads.list_entries(session_rows(session), list_name)


def pool_uses_schemes(workspace: Workspace, pool_id: int, financial_year: int) -> bool:
    """Whether any line of the pool and year carries scheme columns (so the editor shows them)."""
    with workspace.reads() as rows:
        return lines_reads.pool_uses_schemes(rows, pool_id, financial_year)


def bcf_plan(session: Session, pool_id: int, financial_year: int) -> BcfPlan:
    """The pool's BCF plan for the year, ready for its balances, conditions and checklist."""
    return reads.bcf_plan(session_rows(session), pool_id, financial_year)


def ensure_streams(session: Session, names: Sequence[str]) -> dict[str, int]:
    """Stream name (case-folded) → id for ``names``, adding the streams that are new (audited)."""
    known = {name.casefold(): stream_id for stream_id, name in stream_names(session)}
    position = session.execute(select(func.max(BcfStream.position))).scalar() or 0
    for name in names:
        clean = " ".join(name.split())
        if clean and clean.casefold() not in known:
            position += 1
            row = BcfStream(name=clean, note="", position=position)
            session.add(row)
            session.flush()
            known[clean.casefold()] = row.id
            record_event(
                session, action="add_bcf_stream", entity="bcf_stream", entity_id=row.id, new={"name": clean}
            )
    return known


def replace_income(
    session: Session, pool_id: int, financial_year: int, entries: Sequence[IncomeEntry]
) -> None:
    """Make ``entries`` the pool's income for the year (streams added as needed), in the caller's
    transaction, with one audit event holding the rows before and after."""
    streams = ensure_streams(session, [entry.stream for entry in entries])
    table = BcfIncome.__table__
    where = (table.c.pool_id == pool_id, table.c.financial_year == financial_year)
    before = [dict(r) for r in session.execute(select(table).where(*where).order_by(table.c.id)).mappings()]
    session.execute(delete(table).where(*where))
    rows = [
        {
            "pool_id": pool_id,
            "financial_year": financial_year,
            "stream_id": streams[" ".join(entry.stream.split()).casefold()],
            "partner_id": entry.partner_id,
            "amount_pence": entry.amount.pence,
            "note": entry.note,
        }
        for entry in entries
    ]
    if rows:
        session.execute(insert(table), rows)
    record_event(
        session,
        action="replace_bcf_income",
        entity="bcf_income",
        entity_id=None,
        old={"pool_id": pool_id, "financial_year": financial_year, "rows": before},
        new={"pool_id": pool_id, "financial_year": financial_year, "rows": rows},
    )


def scheme_lists(workspace: Workspace) -> SchemeLists:
    """The funding streams and scheme reference lists the lines editor's scheme cells draw on."""
    with workspace.reads() as rows:
        return lines_reads.scheme_lists(rows)


def rows_where(workspace: Workspace, table: str, conditions: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a BCF table (or another reference table) whose columns equal ``conditions``,
    with all its columns, in display order where the table has one."""
    found = Base.metadata.tables[table]
    query = select(found).where(*(found.c[key] == value for key, value in conditions.items()))
    if "position" in found.c:
        query = query.order_by(found.c.position, found.c.id)
    else:
        query = query.order_by(found.c.id)
    with workspace.engine.connect() as connection:
        rows = [dict(r) for r in connection.execute(query).mappings()]
        connection.rollback()
    return rows


def line_ids_where(workspace: Workspace, conditions: dict[str, Any]) -> list[int]:
    """Ids of every pool line (in any pool and year) whose columns equal ``conditions``."""
    with workspace.engine.connect() as connection:
        ids = [
            int(i)
            for i in connection.execute(
                select(_LINE.c.id).where(*(_LINE.c[key] == value for key, value in conditions.items()))
            ).scalars()
        ]
        connection.rollback()
    return ids


#: The line columns naming each scheme list's entries (a sub-type within its scheme type).
_LIST_COLUMNS = {
    "scheme_type": ("scheme_type",),
    "scheme_subtype": ("scheme_type", "scheme_subtype"),
    "area_of_spend": ("area_of_spend",),
}


def list_item_uses(workspace: Workspace, rows: Sequence[dict[str, Any]]) -> list[dict[str, int]]:
    """How many lines (in any pool and year) and minimum-spend conditions name each scheme list
    entry (rows of ``bcf_list_item``), by kind; only non-zero counts. One grouped count per list
    and table, so a list of 40 entries over 100,000 lines is counted in one pass, not 40."""
    conditions = Base.metadata.tables["bcf_condition"]
    counted: dict[tuple[str, tuple[str, ...]], dict[str, int]] = {}
    with workspace.engine.connect() as connection:
        for list_name in sorted({row["list_name"] for row in rows}):
            columns = _LIST_COLUMNS[list_name]
            for kind, table in (("lines", _LINE), ("minimum-spend conditions", conditions)):
                if not all(name in table.c for name in columns):
                    continue  # conditions name scheme types and areas of spend, not sub-types
                keys = [table.c[name] for name in columns]
                for *names, count in connection.execute(select(*keys, func.count()).group_by(*keys)):
                    counted.setdefault((list_name, tuple(names)), {})[kind] = int(count)
        connection.rollback()
    found = []
    for row in rows:
        names = (row["parent"], row["name"]) if row["list_name"] == "scheme_subtype" else (row["name"],)
        found.append(dict(counted.get((row["list_name"], names), {})))
    return found
