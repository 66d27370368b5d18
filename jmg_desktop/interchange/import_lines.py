"""Turning an agreed :class:`~jmg_desktop.interchange.mapping.ImportPlan` into one undoable,
audited command that adds the lines at the end of the pool's year."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import count
from typing import Any

from jmg_desktop.core.commands import PLAIN_TAIL, ChangeSet, Command, LineRecord
from jmg_desktop.interchange.mapping import ImportPlan
from jmg_desktop.store.lines_repo import LinesStore

__all__ = ["import_command", "scheme_columns"]


def scheme_columns(extra: Mapping[str, object]) -> dict[str, Any]:
    """A planned line's BCF scheme fields as stored columns. A joint scheme given only one share
    gets the other as its complement, so the two add to 100%."""
    if not extra:
        return {}
    columns: dict[str, Any] = {
        name: extra[name]
        for name in (
            "scheme_ref",
            "scheme_type",
            "scheme_subtype",
            "area_of_spend",
            "commissioner",
            "provider",
            "new_or_existing",
        )
        if name in extra
    }
    nhs, council = extra.get("nhs_share"), extra.get("council_share")
    if columns.get("commissioner") == "joint":
        if nhs is None and isinstance(council, int):
            nhs = 10_000 - council
        if council is None and isinstance(nhs, int):
            council = 10_000 - nhs
    columns["nhs_share_bp"] = nhs
    columns["council_share_bp"] = council
    columns["funding_stream_id"] = extra.get("funding_stream")
    return columns


def import_command(store: LinesStore, plan: ImportPlan, pool_id: int, year: int, file_name: str) -> Command:
    """The command adding the plan's lines after the last line of the pool and year; applying it
    is one transaction with one audit event (``import_lines``) and undo removes them all."""
    ids = store.allocate_line_ids(len(plan.lines))
    first = store.max_position(pool_id, year) + 1

    # A line without scheme fields is its 21 fields as one tuple made in C: the planned line's
    # seven, the ids and position around them, and the defaults after (most lines of an import).
    new, tail = tuple.__new__, PLAIN_TAIL
    records: list[LineRecord] = []
    add = records.append
    for position, line_id, planned in zip(count(first), ids, plan.lines):
        _row, service, category, partner, status, amount, note, extra = planned
        fields = (line_id, pool_id, year, service, category, partner, status, amount, note, position)
        add(LineRecord(*fields, **scheme_columns(extra)) if extra else new(LineRecord, (*fields, *tail)))
    total = len(records)
    text = f"Import {total} Line{'s' if total != 1 else ''} from {file_name}"
    return Command(
        text, ChangeSet(inserts=tuple(records)), action="import_lines", select_after=tuple(ids[:1])
    )
