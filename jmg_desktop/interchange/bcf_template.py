"""The Better Care Fund planning template's shape, in and out.

The national template changes its layout every year and is handed to areas privately, so nothing
here depends on fixed cells: the Income sheet and the Expenditure sheet are found by their header
rows' names. The export writes the same shape — the same column order, drop-down lists for the
reference columns, and a Checklist sheet like the template's red/green checker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jmg_desktop.core.bcf import COMMISSIONERS, NEW_OR_EXISTING
from jmg_desktop.core.commands import ChangeSet, LineRecord
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money, MoneyError
from jmg_desktop.interchange.amounts import money_from_cell
from jmg_desktop.interchange.bcf_fields import INCOME_SYNONYMS, SCHEME_SYNONYMS
from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.headings import auto_map, unit_of
from jmg_desktop.interchange.import_lines import scheme_columns
from jmg_desktop.interchange.mapping import Defaults, ImportPlan, Refusal, headings_of
from jmg_desktop.interchange.planning import plan_source
from jmg_desktop.interchange.sources import Source
from jmg_desktop.interchange.table import SheetData, column_letter
from jmg_desktop.interchange.xlsx_writer import Column, Percent, SheetSpec, Validation, write_workbook
from jmg_desktop.store.bcf_repo import (
    IncomeEntry,
    bcf_plan,
    ensure_streams,
    list_entries,
    replace_income,
    stream_names,
)
from jmg_desktop.store.lines_repo import LinesStore, References, load_references
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.workspace import Workspace

__all__ = [
    "EXPENDITURE_HEADINGS",
    "INCOME_HEADINGS",
    "BcfImport",
    "apply_bcf_import",
    "export_bcf_workbook",
    "plan_bcf_import",
]

#: The Income sheet's columns as exported (each recognised on import).
INCOME_HEADINGS = ("Funding source", "Contributor", "Amount (£)", "Comments")
#: The Expenditure sheet's columns as exported, in the template's order.
EXPENDITURE_HEADINGS = (
    "Scheme ID",
    "Scheme name",
    "Scheme type",
    "Sub type",
    "Area of spend",
    "Commissioner",
    "% NHS",
    "% LA",
    "Provider",
    "Source of funding",
    "Expenditure (£)",
    "New/Existing",
    "Status",
)


@dataclass(slots=True)
class BcfImport:
    """A planned template import: the income rows and the scheme lines, with every refusal."""

    income: list[IncomeEntry] = field(default_factory=list)
    income_sheet: str = ""
    lines: ImportPlan | None = None
    refusals: list[Refusal] = field(default_factory=list)
    new_streams: list[str] = field(default_factory=list)


def _find_income(source: Source) -> tuple[SheetData, int] | None:
    """The sheet and header index of an Income sheet: a header naming a funding source and an amount."""
    names = sorted(source.sheet_names, key=lambda n: n.casefold() != "income")  # "Income" first
    for name in names:
        sheet = source.sheet(name)
        if _has_schemes(sheet):
            continue
        for index in range(min(30, len(sheet.rows))):
            mapped = set(auto_map(headings_of(sheet, index), INCOME_SYNONYMS).values())
            if {"stream", "amount"} <= mapped:
                return sheet, index
    return None


def _plan_income(
    sheet: SheetData, index: int, refs: References, plan: BcfImport, streams: Mapping[str, int]
) -> None:
    """Read the Income sheet's rows into ``plan``."""
    headings = headings_of(sheet, index)
    mapping = {c: f for c, f in auto_map(headings, INCOME_SYNONYMS).items() if f in INCOME_SYNONYMS}
    partners = refs.choices("partner_id")
    seen: set[tuple[str, int]] = set()
    for number, cells in sheet.rows[index + 1 :]:
        values: dict[str, object] = {}
        problems: list[tuple[int, str]] = []
        for column, target in mapping.items():
            kind, text = cells.get(column, ("s", ""))
            text = text.strip()
            if target == "amount":
                if text or kind == "f":
                    try:
                        values["amount"] = money_from_cell(kind, text, unit_of(headings.get(column, "")))
                    except MoneyError as error:
                        problems.append((column, str(error)))
            elif target == "partner" and text:
                found = partners.get(" ".join(text.split()).casefold())
                if found is None:
                    problems.append((column, f"“{text[:60]}” is not a partner in this workspace"))
                values["partner"] = found
            elif text:
                values[target] = " ".join(text.split())
        stream = str(values.get("stream", ""))
        if not stream and "amount" not in values and not problems:
            continue  # a blank or spacer row
        if stream.casefold().startswith("total") or (not stream and "amount" in values):
            continue  # the sheet's own total row
        if "amount" not in values and not problems:
            problems.append((next(c for c, t in mapping.items() if t == "amount"), "has no amount"))
        partner = values.get("partner")
        if partner is None and not problems:
            problems.append(
                (next((c for c, t in mapping.items() if t == "partner"), 0), "has no contributor")
            )
        if not problems and (stream.casefold(), partner) in seen:
            problems.append(
                (
                    next(c for c, t in mapping.items() if t == "stream"),
                    f"repeats “{stream}” for the same contributor",
                )
            )
        if problems:
            plan.refusals.extend(
                Refusal(number, column_letter(c), headings.get(c, ""), r) for c, r in problems
            )
            continue
        seen.add((stream.casefold(), partner))  # type: ignore[arg-type]
        if stream.casefold() not in streams and stream not in plan.new_streams:
            plan.new_streams.append(stream)
        plan.income.append(IncomeEntry(stream, partner, values["amount"], str(values.get("note", ""))))  # type: ignore[arg-type]


def plan_bcf_import(
    workspace: Workspace, source: Source, defaults: Defaults, *, sheet_name: str | None = None
) -> BcfImport:
    """Plan a template import: the Income sheet (found by its headings) and the Expenditure sheet
    (the named sheet, else the first with scheme headings). Nothing is written."""
    refs = load_references(workspace)
    with workspace.reading() as session:
        streams = {name.casefold(): stream_id for stream_id, name in stream_names(session)}
    plan = BcfImport()
    found = _find_income(source)
    if found is None:
        raise InterchangeError(
            f"“{source.path.name}” has no Income sheet: no sheet has a header naming a funding source and an amount."
        )
    income_sheet, index = found
    plan.income_sheet = income_sheet.name
    _plan_income(income_sheet, index, refs, plan, streams)
    # Streams first named on the Income sheet get provisional ids (negative) until they are added.
    provisional = {name.casefold(): -n for n, name in enumerate(plan.new_streams, start=1)}
    expenditure = sheet_name or next(
        (n for n in source.sheet_names if n != income_sheet.name and _has_schemes(source.sheet(n))), None
    )
    if expenditure is None:
        raise InterchangeError(
            f"“{source.path.name}” has no Expenditure sheet with a scheme name and an expenditure column."
        )
    plan.lines = plan_source(
        source, refs, defaults, sheet_name=expenditure, streams={**streams, **provisional}
    )
    plan.refusals.extend(plan.lines.refusals)
    return plan


def _has_schemes(sheet: SheetData) -> bool:
    """Whether a sheet's header names scheme columns."""
    for index in range(min(30, len(sheet.rows))):
        mapped = set(auto_map(headings_of(sheet, index), SCHEME_SYNONYMS).values())
        if {"amount", "service"} <= mapped and mapped & {"scheme_type", "funding_stream", "scheme_ref"}:
            return True
    return False


def apply_bcf_import(workspace: Workspace, plan: BcfImport, pool_id: int, year: int) -> int:
    """Replace the pool's income and add the scheme lines, in one transaction with its audit
    events; lines whose sheet gave no partner take the partner holding their stream. Returns the
    number of lines added."""
    assert plan.lines is not None
    store = LinesStore(workspace)
    holders: dict[str, set[int]] = {}
    for entry in plan.income:
        holders.setdefault(entry.stream.casefold(), set()).add(entry.partner_id)
    ids = store.allocate_line_ids(len(plan.lines.lines))
    first = store.max_position(pool_id, year) + 1
    partner_column = "partner" in plan.lines.mapping.values()
    with workspace.writing() as session:
        replace_income(session, pool_id, year, plan.income)
        real = ensure_streams(session, [e.stream for e in plan.income])
        by_provisional = {-n: real[name.casefold()] for n, name in enumerate(plan.new_streams, start=1)}
        names = {stream_id: name for name, stream_id in real.items()}
        records = []
        for offset, (line_id, line) in enumerate(zip(ids, plan.lines.lines, strict=True)):
            columns = scheme_columns(line.extra)
            stream_id = columns.get("funding_stream_id")
            if stream_id is not None and stream_id < 0:
                columns["funding_stream_id"] = stream_id = by_provisional[stream_id]
            partner_id = line.partner_id
            held = holders.get(names.get(stream_id, ""), set()) if stream_id is not None else set()
            if not partner_column and len(held) == 1:
                partner_id = next(iter(held))
            records.append(
                LineRecord(
                    line_id,
                    pool_id,
                    year,
                    line.service,
                    line.category_id,
                    partner_id,
                    line.status_id,
                    line.amount_pence,
                    line.note,
                    first + offset,
                    **columns,
                )
            )
        if records:
            store.apply_in(session, ChangeSet(inserts=tuple(records)), action="import_bcf_template")
    return len(records)


def _share_cell(bp: int | None) -> Percent | None:
    """A share in hundredths of a percent as a % cell."""
    return None if bp is None else Percent(Money(bp).to_decimal())


def export_bcf_workbook(workspace: Workspace, path: Path | str, pool_id: int, year: int) -> int:
    """Write the pool's plan in the template's shape: Income, Expenditure, Balances, Checklist and
    (hidden) the lists behind the drop-downs. Returns the number of schemes written."""
    refs = load_references(workspace)
    statuses = refs.names("status_id")
    with workspace.reading() as session:
        plan = bcf_plan(session, pool_id, year)
        lists = {
            name: list_entries(session, name) for name in ("scheme_type", "scheme_subtype", "area_of_spend")
        }
        streams = dict(plan.streams)
        lines = {
            row.id: row
            for row in session.query(PoolLine).filter(
                PoolLine.pool_id == pool_id, PoolLine.financial_year == year
            )
        }
        income_rows = [[i.stream, i.partner, i.amount, ""] for i in plan.income]
        scheme_rows = [
            [
                s.scheme_ref,
                s.name,
                s.scheme_type,
                lines[s.line_id].scheme_subtype,
                s.area_of_spend,
                COMMISSIONERS.get(s.commissioner, ""),
                _share_cell(s.nhs_share_bp),
                _share_cell(s.council_share_bp),
                s.provider,
                streams.get(s.stream_id, "") if s.stream_id is not None else "",
                s.amount,
                NEW_OR_EXISTING.get(s.new_or_existing, ""),
                statuses.get(lines[s.line_id].status_id, ""),
            ]
            for s in plan.schemes
        ]
    columns = [
        list(streams.values()),
        lists["scheme_type"],
        lists["scheme_subtype"],
        lists["area_of_spend"],
        list(COMMISSIONERS.values()),
        list(NEW_OR_EXISTING.values()),
        list(refs.names("partner_id").values()),
    ]
    depth = max((len(c) for c in columns), default=0)
    list_rows = [[c[i] if i < len(c) else None for c in columns] for i in range(depth)]

    def source(list_index: int, count: int) -> str:
        letter = column_letter(list_index)
        return f"Lists!${letter}$2:${letter}${max(count, 1) + 1}"

    label = FinancialYear(year).label
    sheets = [
        SheetSpec(
            "Income",
            [Column(h) for h in INCOME_HEADINGS],
            income_rows,
            validations=[
                Validation(0, source(0, len(columns[0])), "A funding stream from the list"),
                Validation(1, source(6, len(columns[6])), "The partner holding the income"),
            ],
        ),
        SheetSpec(
            "Expenditure",
            [Column(h) for h in EXPENDITURE_HEADINGS],
            scheme_rows,
            validations=[
                Validation(2, source(1, len(columns[1])), "A scheme type from the list"),
                Validation(3, source(2, len(columns[2])), "A sub type of the scheme type"),
                Validation(4, source(3, len(columns[3])), "An area of spend"),
                Validation(5, source(4, 3), "Council, NHS or Joint"),
                Validation(9, source(0, len(columns[0])), "The funding stream that pays for it"),
                Validation(11, source(5, 2), "New or Existing"),
            ],
        ),
        SheetSpec(
            "Balances",
            [
                Column("Funding source"),
                Column("Income (£)", 16),
                Column("Planned expenditure (£)", 16),
                Column("Balance (£)", 16),
                Column("Overspent"),
            ],
            [
                [b.stream, b.income, b.planned, b.balance, "yes" if b.overspent else "no"]
                for b in plan.balances
            ],
        ),
        SheetSpec(
            "Conditions",
            [
                Column("Condition"),
                Column("Minimum (£)", 16),
                Column("Planned (£)", 16),
                Column("Shortfall (£)", 16),
            ],
            [[r.condition.label, r.condition.minimum, r.planned, r.shortfall] for r in plan.results],
        ),
        SheetSpec(
            "Checklist",
            [Column("Check"), Column("Complete"), Column(f"Plan for {label}")],
            [[c.text, "yes" if c.ok else "no", ""] for c in plan.checks],
        ),
        SheetSpec(
            "Lists",
            [
                Column(h)
                for h in (
                    "Funding sources",
                    "Scheme types",
                    "Sub types",
                    "Areas of spend",
                    "Commissioners",
                    "New/Existing",
                    "Partners",
                )
            ],
            list_rows,
            hidden=True,
        ),
    ]
    write_workbook(path, sheets)
    return len(scheme_rows)
