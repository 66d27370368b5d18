"""The import's steps shared by the command line and the dialog: find the pool, choose the sheet,
find its header, map its columns and plan the lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.interchange.bcf_fields import SCHEME_FIELDS, SCHEME_SYNONYMS, scheme_readers
from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.headings import FIELD_NAMES, auto_map
from jmg_desktop.interchange.mapping import (
    Defaults,
    ImportPlan,
    find_header,
    headings_of,
    parse_map_options,
    plan_import,
)
from jmg_desktop.interchange.sources import Source
from jmg_desktop.interchange.table import SheetData
from jmg_desktop.store.lines_repo import PoolInfo, References, list_pools
from jmg_desktop.store.workspace import Workspace

__all__ = ["choose_sheet", "default_status", "header_index", "make_defaults", "plan_source", "resolve_pool"]


def resolve_pool(workspace: Workspace, name: str) -> PoolInfo:
    """The pool called ``name`` (ignoring case and spacing), or a refusal naming the pools."""
    pools = list_pools(workspace)
    key = " ".join(name.split()).casefold()
    for pool in pools:
        if " ".join(pool.name.split()).casefold() == key:
            return pool
    names = ", ".join(f"“{p.name}”" for p in pools) or "none"
    raise InterchangeError(f"There is no pool called “{name}” (pools: {names}).")


def default_status(refs: References) -> int:
    """The status lines get when the sheet gives none: the first that counts as in the pool."""
    for status in refs.statuses:
        if status.effect == "current":
            return status.id
    if not refs.statuses:
        raise InterchangeError("This workspace has no line statuses, so no line can be imported.")
    return refs.statuses[0].id


def make_defaults(
    workspace: Workspace,
    refs: References,
    pool: PoolInfo,
    year: FinancialYear,
    partner: str | None,
    status: str | None,
) -> Defaults:
    """What a line gets when its row gives no partner or status: the named ones, else the pool's
    host partner and the first status that counts as in the pool."""
    partner_id = pool.host_partner_id
    if partner:
        partner_id = refs.choices("partner_id").get(" ".join(partner.split()).casefold())
        if partner_id is None:
            raise InterchangeError(f"There is no partner called “{partner}” in this workspace.")
    status_id = default_status(refs)
    if status:
        found = refs.choices("status_id").get(" ".join(status.split()).casefold())
        if found is None:
            raise InterchangeError(f"There is no line status called “{status}” in this workspace.")
        status_id = found
    return Defaults(partner_id, status_id, pool.name, year)


def choose_sheet(
    source: Source, name: str | None, extra_fields: Mapping[str, tuple[str, ...]] | None = None
) -> SheetData:
    """The sheet named, or else the first whose header row is found (else the first sheet)."""
    if name is not None:
        return source.sheet(name)
    for sheet_name in source.sheet_names:
        sheet = source.sheet(sheet_name)
        if find_header(sheet, extra_fields) is not None:
            return sheet
    return source.sheet(source.sheet_names[0])


def header_index(
    sheet: SheetData, header_row: int | None, extra_fields: Mapping[str, tuple[str, ...]] | None = None
) -> int:
    """The index in ``sheet.rows`` of the header: the sheet row given, or the one found by name."""
    if header_row is not None:
        for index, (number, _cells) in enumerate(sheet.rows):
            if number == header_row:
                return index
        raise InterchangeError(
            f"Row {header_row} of sheet “{sheet.name}” is empty, so it cannot be the header."
        )
    found = find_header(sheet, extra_fields)
    if found is None:
        raise InterchangeError(
            f"No header row naming a service and an amount was found in the first rows of sheet "
            f'“{sheet.name}”; give the headings with --map "Heading=field" and the row with --header-row.'
        )
    return found


def plan_source(
    source: Source,
    refs: References,
    defaults: Defaults,
    *,
    sheet_name: str | None = None,
    header_row: int | None = None,
    map_options: Sequence[str] = (),
    streams: Mapping[str, int] | None = None,
) -> ImportPlan:
    """The full plan for a file: sheet, header, automatic mapping with the user's changes.

    The BCF scheme columns (scheme ID, type, commissioner, funding stream…) are recognised too;
    ``streams`` maps case-folded funding stream names to ids for the "Source of funding" column."""
    sheet = choose_sheet(source, sheet_name, SCHEME_SYNONYMS)
    index = header_index(sheet, header_row, SCHEME_SYNONYMS)
    headings = headings_of(sheet, index)
    mapping = auto_map(headings, SCHEME_SYNONYMS)
    mapping.update(parse_map_options(list(map_options), headings, {**FIELD_NAMES, **SCHEME_FIELDS}))
    plan = plan_import(sheet, index, mapping, refs, defaults, scheme_readers(streams or {}))
    plan.notes[:0] = [n for n in source.notes if n not in plan.notes]
    return plan
