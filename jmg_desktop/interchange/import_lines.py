"""Turning an agreed :class:`~jmg_desktop.interchange.mapping.ImportPlan` into one undoable,
audited command that adds the lines at the end of the pool's year."""

from __future__ import annotations

from jmg_desktop.core.commands import ChangeSet, Command, LineRecord
from jmg_desktop.interchange.mapping import ImportPlan
from jmg_desktop.store.lines_repo import LinesStore

__all__ = ["import_command"]


def import_command(store: LinesStore, plan: ImportPlan, pool_id: int, year: int, file_name: str) -> Command:
    """The command adding the plan's lines after the last line of the pool and year; applying it
    is one transaction with one audit event (``import_lines``) and undo removes them all."""
    ids = store.allocate_line_ids(len(plan.lines))
    first = store.max_position(pool_id, year) + 1
    records = tuple(
        LineRecord(
            id=line_id,
            pool_id=pool_id,
            financial_year=year,
            service=line.service,
            category_id=line.category_id,
            partner_id=line.partner_id,
            status_id=line.status_id,
            amount_pence=line.amount.pence,
            note=line.note,
            position=first + offset,
        )
        for offset, (line_id, line) in enumerate(zip(ids, plan.lines, strict=True))
    )
    count = len(records)
    text = f"Import {count} Line{'s' if count != 1 else ''} from {file_name}"
    return Command(text, ChangeSet(inserts=records), action="import_lines", select_after=tuple(ids[:1]))
