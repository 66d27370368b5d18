"""Exporting a projection for the user: CSV (the ``project`` command's format) and XLSX.

Both are written to a temporary file and renamed into place, so a failed export never damages the
file it would have replaced. XLSX amounts are exact numbers of pounds with two decimals, formatted
``£#,##0.00``; a Totals sheet gives the pool and partner totals with and without linked pools.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import Projection
from jmg_desktop.core.projection_export import CSV_HEADER, projection_csv, projection_rows
from jmg_desktop.core.scenario import format_percent
from jmg_desktop.store.safe_write import write_bytes_atomically, write_text_atomically

__all__ = ["export_csv", "export_xlsx", "xlsx_bytes"]

_MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'


def export_csv(projection: Projection, path: Path | str) -> None:
    """Write the projection's rows as CSV (UTF-8), safely."""
    write_text_atomically(path, projection_csv(projection))


def _pounds(amount: Money) -> Decimal:
    """A cell value in pounds. openpyxl writes a Decimal's exact digits into the file: no float."""
    return amount.to_decimal()


def xlsx_bytes(projection: Projection, pool_name: str) -> bytes:
    """The workbook: a Projection sheet (the CSV rows), a Totals sheet and the assumptions."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Projection"
    sheet.append(list(CSV_HEADER))
    for year, service, category, partner, _amount in projection_rows(projection):
        sheet.append([year, service, category, partner, None])
    rows = [line for line in projection.lines if not line.linked]
    row_number = 2
    for index in range(len(projection.years)):
        for line in rows:
            cell = sheet.cell(row=row_number, column=5, value=_pounds(Money(line.pence[index])))
            cell.number_format = _MONEY_FORMAT
            row_number += 1
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 24
    sheet.column_dimensions["D"].width = 34
    sheet.column_dimensions["E"].width = 18
    sheet.freeze_panes = "A2"

    totals = book.create_sheet("Totals")
    totals.append(["", *[year.label for year in projection.years]])
    groups = [
        (f"{pool_name} pool", projection.pool_totals()),
        (f"{pool_name} pool including linked pools", projection.pool_totals(include_linked=True)),
        *((partner, amounts) for partner, amounts in projection.totals_by_partner().items()),
        *(
            (f"{partner} including linked pools", amounts)
            for partner, amounts in projection.totals_by_partner(include_linked=True).items()
        ),
    ]
    for label, amounts in groups:
        totals.append([label, *[_pounds(amount) for amount in amounts]])
    for row in totals.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = _MONEY_FORMAT
    for cell in totals[1]:
        cell.font = Font(bold=True)
    totals.column_dimensions["A"].width = 60
    for column in range(2, len(projection.years) + 2):
        totals.column_dimensions[totals.cell(row=1, column=column).column_letter].width = 18

    scenario = projection.scenario
    notes = book.create_sheet("Assumptions")
    notes.append(["Scenario", scenario.name])
    notes.append(["Inflation", format_percent(scenario.inflation)])
    notes.append(["Demographic growth", format_percent(scenario.growth)])
    notes.append(["Efficiency savings", format_percent(scenario.savings)])
    notes.append(["Proposed additions treated as approved", "Yes" if scenario.additions_approved else "No"])
    notes.append(["Proposed removals treated as approved", "Yes" if scenario.removals_approved else "No"])
    for override in scenario.overrides:
        where = ", ".join(
            part for part in (override.category, override.year.label if override.year else None) if part
        )
        notes.append([f"Override: {override.rate} ({where})", format_percent(override.value)])
    for adjustment in scenario.adjustments:
        kind = "recurrent" if adjustment.recurrent else "one-off"
        notes.append(
            [
                f"Adjustment: {adjustment.description} ({kind}, from {adjustment.from_year.label})",
                adjustment.amount.format_full(),
            ]
        )
    for warning in projection.warnings:
        notes.append(["Note", warning])
    notes.column_dimensions["A"].width = 70
    notes.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_xlsx(projection: Projection, pool_name: str, path: Path | str) -> None:
    """Write the workbook safely."""
    write_bytes_atomically(path, xlsx_bytes(projection, pool_name))
