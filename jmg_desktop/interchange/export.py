"""Export to Excel: the lines, their totals, the stated totals, the agreements and the audit trail,
for one pool and year or for the whole workspace.

The Lines sheet's headings are ones the import recognises, so exporting and importing again gives
the same lines, to the penny.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import select

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.interchange.xlsx_writer import Column, SheetSpec, write_workbook
from jmg_desktop.store.agreements_repo import list_agreements
from jmg_desktop.store.lines_repo import list_pools, load_references, pool_years
from jmg_desktop.store.models import AuditEvent, PoolLine
from jmg_desktop.store.totals import pool_totals, stated_comparisons
from jmg_desktop.store.workspace import Workspace

__all__ = ["LINE_HEADINGS", "Scope", "export_sheets", "export_workbook"]

#: The Lines sheet's columns, in order (each is a heading the import maps by itself).
LINE_HEADINGS: Final = (
    "Pool",
    "Financial year",
    "Service",
    "Category",
    "Partner",
    "Status",
    "Amount (£)",
    "Note",
)
#: Excel holds at most 32,767 characters in a cell; long audit values are cut with a marker.
_CELL_LIMIT: Final = 32_000


@dataclass(frozen=True, slots=True)
class Scope:
    """What to export: one pool and year, or (both None) every pool and year."""

    pool_id: int | None = None
    year: int | None = None


def _blocks(workspace: Workspace, scope: Scope) -> list[tuple[int, str, int]]:
    """``(pool_id, pool name, year)`` for every pool and year in the scope, in display order."""
    blocks = []
    for pool in list_pools(workspace):
        if scope.pool_id is not None and pool.id != scope.pool_id:
            continue
        years = [scope.year] if scope.year is not None else pool_years(workspace, pool.id)
        blocks.extend((pool.id, pool.name, year) for year in years)
    return blocks


def _line_rows(workspace: Workspace, blocks: Sequence[tuple[int, str, int]]) -> Iterator[list[object]]:
    """The Lines sheet's rows (plain Core rows: 100,000 lines in a fraction of a second)."""
    refs = load_references(workspace)
    categories, partners, statuses = (refs.names(f) for f in ("category_id", "partner_id", "status_id"))
    categories_or_blank = {None: "", **categories}
    line = PoolLine.__table__
    query = select(
        line.c.service,
        line.c.category_id,
        line.c.partner_id,
        line.c.status_id,
        line.c.amount_pence,
        line.c.note,
    ).order_by(line.c.position, line.c.id)
    with workspace.engine.connect() as connection:
        for pool_id, pool_name, year in blocks:
            label = FinancialYear(year).label
            rows = connection.execute(
                query.where(line.c.pool_id == pool_id, line.c.financial_year == year)
            ).all()
            for service, category_id, partner_id, status_id, pence, note in rows:
                yield [
                    pool_name,
                    label,
                    service,
                    categories_or_blank.get(category_id, ""),
                    partners.get(partner_id, ""),
                    statuses.get(status_id, ""),
                    Money(pence),
                    note,
                ]
        connection.rollback()


def _totals_rows(workspace: Workspace, blocks: Sequence[tuple[int, str, int]]) -> list[list[object]]:
    """One row per pool, year and partner, then the pool's own total."""
    partners = load_references(workspace).names("partner_id")
    rows: list[list[object]] = []
    with workspace.reading() as session:
        for pool_id, pool_name, year in blocks:
            totals = pool_totals(session, pool_id, year)
            label = FinancialYear(year).label
            entries = [
                (partners.get(p, ""), totals.for_partner(p), totals.for_partner(p, with_linked=True))
                for p in totals.partner_ids
            ]
            entries.append(("All partners", totals.overall(), totals.overall(with_linked=True)))
            for name, own, linked in entries:
                rows.append(
                    [
                        pool_name,
                        label,
                        name,
                        own.current,
                        own.addition,
                        own.removal,
                        own.new_value,
                        linked.current_value,
                        linked.new_value,
                    ]
                )
    return rows


def _stated_rows(workspace: Workspace, blocks: Sequence[tuple[int, str, int]]) -> list[list[object]]:
    """Every stated figure beside the computed one."""
    partners = load_references(workspace).names("partner_id")
    rows: list[list[object]] = []
    with workspace.reading() as session:
        for pool_id, pool_name, year in blocks:
            for item in stated_comparisons(session, pool_id, year):
                figure = item.stated
                rows.append(
                    [
                        pool_name,
                        FinancialYear(year).label,
                        partners.get(figure.partner_id, "")
                        if figure.partner_id is not None
                        else "All partners",
                        "current value" if figure.basis == "current" else "new value",
                        "pool alone" if figure.scope == "pool" else "including linked pools",
                        figure.amount,
                        item.computed,
                        item.difference,
                        "agrees" if item.reconciles else "differs",
                        figure.source,
                    ]
                )
    return rows


def _agreement_rows(workspace: Workspace, scope: Scope) -> list[list[object]]:
    """The decision register, oldest first."""
    with workspace.reading() as session:
        summaries = list_agreements(session, pool_id=scope.pool_id, year=scope.year)
    return [
        [
            s.id,
            s.title,
            s.on.isoformat(),
            s.meeting.body if s.meeting else "",
            s.pool_name,
            FinancialYear(s.financial_year).label if s.financial_year else "",
            s.status_text,
            s.waiting_for,
            "yes" if s.figures_changed else "no",
        ]
        for s in summaries
    ]


def _clip(text: str) -> str:
    """Text cut to what an Excel cell holds, saying how much was left out."""
    if len(text) <= _CELL_LIMIT:
        return text
    return text[:_CELL_LIMIT] + f" … ({len(text) - _CELL_LIMIT:,} more characters: see 'jmg-desktop dump')"


def _audit_rows(workspace: Workspace) -> list[list[object]]:
    """The whole audit trail, oldest first."""
    with workspace.reading() as session:
        events = session.execute(
            select(
                AuditEvent.sequence,
                AuditEvent.at,
                AuditEvent.actor,
                AuditEvent.action,
                AuditEvent.entity,
                AuditEvent.entity_id,
                AuditEvent.old,
                AuditEvent.new,
            ).order_by(AuditEvent.sequence)
        ).all()
    return [[e[0], e[1], e[2], e[3], e[4], e[5], _clip(e[6]), _clip(e[7])] for e in events]


def export_sheets(workspace: Workspace, scope: Scope) -> list[SheetSpec]:
    """The sheets of the export, in order."""
    blocks = _blocks(workspace, scope)
    money = 16.0
    return [
        SheetSpec("Lines", [Column(h) for h in LINE_HEADINGS], _line_rows(workspace, blocks)),
        SheetSpec(
            "Totals",
            [
                Column("Pool"),
                Column("Financial year"),
                Column("Partner"),
                Column("In the pool (£)", money),
                Column("Proposed additions (£)", money),
                Column("Proposed removals (£)", money),
                Column("New value (£)", money),
                Column("Current incl. linked pools (£)", money),
                Column("New incl. linked pools (£)", money),
            ],
            _totals_rows(workspace, blocks),
        ),
        SheetSpec(
            "Stated totals",
            [
                Column("Pool"),
                Column("Financial year"),
                Column("Partner"),
                Column("Basis"),
                Column("Scope"),
                Column("Stated (£)", money),
                Column("From the lines (£)", money),
                Column("Difference (£)", money),
                Column("Reconciles"),
                Column("Source"),
            ],
            _stated_rows(workspace, blocks),
        ),
        SheetSpec(
            "Agreements",
            [
                Column("Id"),
                Column("Agreement"),
                Column("Date"),
                Column("Meeting"),
                Column("Pool"),
                Column("Financial year"),
                Column("Where it stands"),
                Column("Waiting for"),
                Column("Figures changed since agreed"),
            ],
            _agreement_rows(workspace, scope),
        ),
        SheetSpec(
            "Audit trail",
            [
                Column("Sequence"),
                Column("When (UTC)"),
                Column("Who"),
                Column("Action"),
                Column("Entity"),
                Column("Entity id"),
                Column("Before", 60),
                Column("After", 60),
            ],
            _audit_rows(workspace),
        ),
    ]


def export_workbook(workspace: Workspace, path: Path | str, scope: Scope) -> int:
    """Write the export to ``path`` atomically; return how many lines it holds."""
    sheets = export_sheets(workspace, scope)
    lines = list(sheets[0].rows)
    sheets[0].rows = lines
    write_workbook(path, sheets)
    return len(lines)
