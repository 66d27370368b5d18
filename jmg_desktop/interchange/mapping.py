"""From a sheet to pool lines: find the header row, map columns to fields, and plan the import.

:func:`plan_import` reads every row under the header and returns the lines it would add and every
cell it refuses (sheet row, column, reason). Nothing is written: the dialog or the command shows
the plan, and only when the user agrees does :mod:`~jmg_desktop.interchange.import_lines` add it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Protocol

from jmg_desktop.core.financial_year import FinancialYear, FinancialYearError, parse_financial_year
from jmg_desktop.core.money import Money, MoneyError
from jmg_desktop.core.records import Record
from jmg_desktop.interchange.amounts import pence_from_cell
from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.headings import FIELD_NAMES, auto_map, normalise, unit_of
from jmg_desktop.interchange.table import Cell, SheetData, column_index, column_letter

__all__ = [
    "HEADER_SEARCH_ROWS",
    "ChoiceLists",
    "Defaults",
    "ImportPlan",
    "PlannedLine",
    "Refusal",
    "find_header",
    "headings_of",
    "parse_map_options",
    "plan_import",
]

#: How far down a sheet the header row is looked for.
HEADER_SEARCH_ROWS: Final = 30
_NO_EXTRA: Final[Mapping[str, object]] = MappingProxyType({})
_NOTHING: Final = object()
#: A PlannedLine made from a tuple of its fields in C, without the Python ``__new__``.
_NEW_LINE: Final = tuple.__new__
_TOTAL_WORDS: Final = frozenset({"total", "totals", "grand total", "sub total", "subtotal", "net total"})


class ChoiceLists(Protocol):
    """The workspace's lists a cell's text is looked up in (the store's ``References``)."""

    def choices(self, field: str) -> dict[str, int]:
        """Case-folded spelling → id for ``partner_id``, ``category_id`` or ``status_id``."""
        ...


@dataclass(frozen=True, slots=True)
class Refusal:
    """A cell that cannot be imported: where it is, and why, in words for the user."""

    row: int
    column: str
    heading: str
    reason: str

    def sentence(self) -> str:
        """``Row 7, column C (Amount): is a formula saved without its value…``."""
        return f"Row {self.row}, column {self.column} ({self.heading or 'no heading'}): {self.reason}."


class PlannedLine(Record):
    """One line the import would add, with the sheet row it came from (a tuple: the planner
    makes one for every row of a sheet)."""

    row: int
    service: str
    category_id: int | None
    partner_id: int
    status_id: int
    #: Whole pence (checked within Money's range when planned); :attr:`amount` as Money.
    amount_pence: int
    note: str
    extra: Mapping[str, object] = MappingProxyType({})

    @property
    def amount(self) -> Money:
        """The line's amount."""
        return Money(self.amount_pence)


@dataclass(slots=True)
class ImportPlan:
    """What an import would do: lines to add, cells refused, rows passed over."""

    sheet: str
    header_row: int
    mapping: dict[int, str]
    headings: dict[int, str]
    lines: list[PlannedLine] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Money:
        """The sum of the lines to add."""
        return Money(sum(line.amount_pence for line in self.lines))

    @property
    def refused_rows(self) -> int:
        """How many sheet rows have at least one refused cell (and so are not imported)."""
        return len({refusal.row for refusal in self.refusals})


def headings_of(sheet: SheetData, row_index: int) -> dict[int, str]:
    """Column index → heading text for the row at ``row_index`` in ``sheet.rows``."""
    return {
        column: " ".join(cell[1].split())
        for column, cell in sheet.rows[row_index][1].items()
        if cell[1].strip()
    }


def find_header(sheet: SheetData, extra_fields: Mapping[str, tuple[str, ...]] | None = None) -> int | None:
    """The index (in ``sheet.rows``) of the header row: among the first rows, the one naming the
    most fields, which must include an amount. Title rows and merged banners above it are passed
    over. None when no row qualifies."""
    best: tuple[int, int] | None = None
    for index in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        mapped = auto_map(headings_of(sheet, index), extra_fields)
        score = len(mapped)
        if "amount" in mapped.values() and score >= 2 and (best is None or score > best[1]):
            best = (index, score)
    return best[0] if best else None


def parse_map_options(
    options: list[str], headings: Mapping[int, str], fields: Mapping[str, str]
) -> dict[int, str]:
    """``["Budget £000=amount", "C=note", "Old column=ignore"]`` → column index → field (or
    ``ignore``). A column is named by its heading or its letter."""
    chosen: dict[int, str] = {}
    by_heading = {normalise(text): column for column, text in headings.items()}
    by_text = {text.casefold(): column for column, text in headings.items()}
    for option in options:
        name, sep, target = option.rpartition("=")
        name, target = name.strip(), target.strip().casefold()
        if not sep or not name:
            raise InterchangeError(f'“{option}” is not a mapping: write it as "Column heading=field".')
        if target not in fields and target != "ignore":
            raise InterchangeError(
                f"“{target}” is not a field to map to; use one of: {', '.join([*fields, 'ignore'])}."
            )
        column = by_text.get(name.casefold())
        if column is None:
            column = by_heading.get(normalise(name))
        if column is None and name.isalpha() and name.isupper() and len(name) <= 3:
            column = column_index(name)
        if column is None:
            raise InterchangeError(
                f"The sheet has no column “{name}”; its headings are: {', '.join(headings.values())}."
            )
        chosen[column] = target
    return chosen


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a line gets when its sheet has no column (or an empty cell) for a field."""

    partner_id: int | None
    status_id: int
    pool_name: str
    year: FinancialYear


def plan_import(
    sheet: SheetData,
    header_index: int,
    mapping: Mapping[int, str],
    lists: ChoiceLists,
    defaults: Defaults,
    extra: Mapping[str, Callable[[str, str], object]] | None = None,
) -> ImportPlan:
    """Every row under the header as a planned line or as refused cells; nothing is written.

    ``extra`` maps additional field names to a reader ``(kind, text) -> value`` raising ValueError
    with a reason (the BCF scheme columns use it)."""
    headings = headings_of(sheet, header_index)
    fields = {column: target for column, target in mapping.items() if target != "ignore"}
    plan = ImportPlan(
        sheet.name, sheet.rows[header_index][0], dict(fields), headings, notes=list(sheet.notes)
    )
    if "amount" not in fields.values():
        raise InterchangeError(f"No column of sheet “{sheet.name}” is mapped to the amount.")
    if "service" not in fields.values():
        raise InterchangeError(f"No column of sheet “{sheet.name}” is mapped to the service.")
    planner = _Planner(plan, fields, lists, defaults, dict(extra or {}))
    for row_number, cells in sheet.rows[header_index + 1 :]:
        planner.row(row_number, cells)
    return plan


class _Planner:
    """Plans rows one by one, with each list's lookups remembered (a 100,000-row sheet repeats the
    same few partner, category and status names)."""

    def __init__(
        self,
        plan: ImportPlan,
        fields: dict[int, str],
        lists: ChoiceLists,
        defaults: Defaults,
        readers: dict[str, Callable[[str, str], object]],
    ) -> None:
        """A planner filling ``plan``."""
        self.plan = plan
        self.fields = sorted(fields.items())
        self.defaults = defaults
        self.readers = readers
        self.units = {c: unit_of(plan.headings.get(c, "")) for c, t in fields.items() if t == "amount"}
        self.lists = {
            "partner": lists.choices("partner_id"),
            "category": lists.choices("category_id"),
            "status": lists.choices("status_id"),
        }
        self.pool_folded = defaults.pool_name.casefold()
        # A list, year or pool cell is judged once for each different cell in its column (a
        # 100,000-row sheet repeats the same few names): None for the columns read cell by cell.
        self.columns = [
            (column, target, {} if target in self.lists or target in ("year", "pool") else None)
            for column, target in self.fields
        ]
        # Only the reader fields a column is mapped to can appear in a line's extra values.
        self.extra_fields = tuple(name for name in self.readers if name in fields.values())
        self.service_column = next(c for c, t in fields.items() if t == "service")
        self.partner_column = next((c for c, t in fields.items() if t == "partner"), None)
        if self.partner_column is None and defaults.partner_id is None:
            raise InterchangeError(
                "No column is mapped to the partner and no partner was chosen for the lines."
            )

    def judge(self, target: str, cell: Cell) -> tuple[bool, object, str | None]:
        """A list, year or pool cell: whether it holds anything, the value it gives the line
        (``_NOTHING`` for none) and the reason it is refused (None when it is not)."""
        kind, text = cell
        if kind == "s":
            text = text.strip()
        filled = bool(text) or kind == "f"
        if not text:
            return filled, _NOTHING, None
        if target in self.lists:
            found = self.lists[target].get(" ".join(text.split()).casefold())
            return (True, _NOTHING, _unknown(target, text)) if found is None else (True, found, None)
        if target == "year":
            return True, _NOTHING, _year_problem(kind, text, self.defaults.year)
        if text.casefold() != self.pool_folded:
            return True, _NOTHING, f"names the pool “{text[:60]}”, not “{self.defaults.pool_name}”"
        return True, _NOTHING, None

    def row(self, row_number: int, cells: Mapping[int, Cell]) -> None:
        """Plan one sheet row: a line, or its refused cells, or a note that it was passed over.

        The hot loop of an import (once per mapped cell): the common cells (text, a plain number,
        a name already looked up) are handled before the rarer checks."""
        plan = self.plan
        values: dict[str, object] = {}
        refusals: list[tuple[int, str]] = []
        blank = True
        get = cells.get
        for column, target, judged in self.columns:
            cell = get(column)
            if cell is None:
                if target == "amount":
                    refusals.append((column, "has no amount"))
                continue
            if judged is not None:
                outcome = judged.get(cell)
                if outcome is None:
                    outcome = judged[cell] = self.judge(target, cell)
                filled, value, reason = outcome
                if filled:
                    blank = False
                if reason is not None:
                    refusals.append((column, reason))
                elif value is not _NOTHING:
                    values[target] = value
                continue
            kind, text = cell
            if kind == "s":
                text = text.strip()
                if text:
                    blank = False
            elif text or kind == "f":
                blank = False
            if target == "amount":
                if not text and kind != "f":
                    refusals.append((column, "has no amount"))
                    continue
                try:
                    values["amount"] = pence_from_cell(kind, text, self.units[column])
                except MoneyError as error:
                    refusals.append((column, str(error)))
            elif target == "service" or target == "note":
                values[target] = _as_text(kind, text)
            elif text and target in self.readers:
                try:
                    values[target] = self.readers[target](kind, text)
                except ValueError as error:
                    refusals.append((column, str(error)))
        if blank:
            return
        service = str(values.get("service", ""))
        folded = service.casefold()
        if folded in _TOTAL_WORDS or folded.startswith(("total ", "grand total")):
            plan.skipped.append(f"Row {row_number} (“{service}”) looks like a total and was not imported.")
            return
        if not refusals and not service:
            refusals.append((self.service_column, "has no service name"))
        if not refusals and "partner" not in values and self.defaults.partner_id is None:
            refusals.append((self.partner_column, "has no partner"))  # type: ignore[arg-type]
        if refusals:
            headings = plan.headings
            plan.refusals.extend(
                Refusal(row_number, column_letter(c), headings.get(c, ""), reason) for c, reason in refusals
            )
            return
        extra = self.extra_fields
        line = (
            row_number,
            service,
            values.get("category"),
            values.get("partner", self.defaults.partner_id),
            values.get("status", self.defaults.status_id),
            values["amount"],
            str(values.get("note", "")),
            {name: values[name] for name in extra if name in values} if extra else _NO_EXTRA,
        )
        plan.lines.append(_NEW_LINE(PlannedLine, line))


def _as_text(kind: str, text: str) -> str:
    """A cell shown as text: numbers as written, booleans as TRUE/FALSE, no formula residue."""
    if kind == "b":
        return "TRUE" if text == "1" else "FALSE"
    if kind == "f":
        return ""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        return " ".join(text.split())
    return text


def _unknown(target: str, text: str) -> str:
    """The reason for a name that is not in the workspace's list."""
    where = {"partner": "Tools ▸ Partners…", "category": "Tools ▸ Categories…", "status": ""}[target]
    what = {"partner": "a partner", "category": "a category", "status": "a line status"}[target]
    advice = f" (add it with {where})" if where else ""
    return f"“{text[:60]}” is not {what} in this workspace{advice}"


def _year_problem(kind: str, text: str, year: FinancialYear) -> str | None:
    """Why a year cell does not match the year being imported into, or None when it does."""
    try:
        found = FinancialYear(int(text)) if kind == "n" and text.isdigit() else parse_financial_year(text)
    except (FinancialYearError, ValueError) as error:
        return str(error).rstrip(".")
    if found != year:
        return f"belongs to {found.label}, not {year.label}"
    return None


def field_labels() -> dict[str, str]:
    """The fields a column can be mapped to, with their labels."""
    return dict(FIELD_NAMES)
