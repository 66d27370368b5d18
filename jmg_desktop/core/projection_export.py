"""A projection as CSV rows and as a JSON-ready document (the ``project`` command and exports).

CSV: header ``financial_year,service,category,partner,amount``; one row per line of the pool per
year, the base year first; amounts in pounds with two decimals and no £ sign. JSON: the same rows,
the assumptions used, and totals by year (pool, including linked pools, by partner, by category).
Amounts in JSON are strings ("3342000.00") so that no reader turns them into floats.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Final

from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import Projection, compare
from jmg_desktop.core.scenario import Scenario

__all__ = [
    "CSV_HEADER",
    "JSON_FORMAT_VERSION",
    "comparison_document",
    "projection_csv",
    "projection_document",
    "projection_rows",
]

CSV_HEADER: Final = ("financial_year", "service", "category", "partner", "amount")
JSON_FORMAT_VERSION: Final = 1


def projection_rows(
    projection: Projection, include_linked: bool = False
) -> list[tuple[str, str, str, str, str]]:
    """``(financial_year, service, category, partner, amount)`` for each line and year, year by year."""
    lines = [line for line in projection.lines if include_linked or not line.linked]
    rows = []
    for index, year in enumerate(projection.years):
        label = year.label
        for line in lines:
            rows.append(
                (
                    label,
                    line.service,
                    line.category or "",
                    line.partner,
                    Money(line.pence[index]).format_plain(),
                )
            )
    return rows


def projection_csv(projection: Projection) -> str:
    """The CSV text for the pool's own lines (``\\n`` line endings, header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(projection_rows(projection))
    return buffer.getvalue()


def _by_year(projection: Projection, amounts: tuple[Money, ...]) -> dict[str, str]:
    """Amounts keyed by year label, as plain pounds."""
    return {year.label: amount.format_plain() for year, amount in zip(projection.years, amounts, strict=True)}


def _assumptions(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain JSON values (rates as exact decimal strings)."""
    return {
        "name": scenario.name,
        "inflation": str(scenario.inflation),
        "growth": str(scenario.growth),
        "savings": str(scenario.savings),
        "overrides": [
            {
                "rate": item.rate,
                "value": str(item.value),
                "category": item.category,
                "financial_year": None if item.year is None else item.year.label,
            }
            for item in scenario.overrides
        ],
        "additions_approved": scenario.additions_approved,
        "removals_approved": scenario.removals_approved,
        "adjustments": [
            {
                "label": item.description,
                "amount": item.amount.format_plain(),
                "from_year": item.from_year.label,
                "recurrent": item.recurrent,
                "service": item.service,
                "category": item.category,
                "partner": item.partner,
                "pool": item.pool,
            }
            for item in scenario.adjustments
        ],
    }


def projection_document(projection: Projection, pool_name: str) -> dict[str, Any]:
    """The JSON document: rows as in the CSV, plus assumptions, totals and warnings."""
    rows = [dict(zip(CSV_HEADER, row, strict=True)) for row in projection_rows(projection)]
    return {
        "format": "jmg-desktop-projection",
        "format_version": JSON_FORMAT_VERSION,
        "pool": pool_name,
        "years": [year.label for year in projection.years],
        "scenario": _assumptions(projection.scenario),
        "rows": rows,
        "totals": {
            "pool": _by_year(projection, projection.pool_totals()),
            "pool_including_linked": _by_year(projection, projection.pool_totals(include_linked=True)),
            "by_partner": {
                partner: _by_year(projection, amounts)
                for partner, amounts in projection.totals_by_partner().items()
            },
            "by_partner_including_linked": {
                partner: _by_year(projection, amounts)
                for partner, amounts in projection.totals_by_partner(include_linked=True).items()
            },
            "by_category": {
                category: _by_year(projection, amounts)
                for category, amounts in projection.totals_by_category().items()
            },
        },
        "warnings": list(projection.warnings),
    }


def comparison_document(first: Projection, second: Projection) -> dict[str, Any]:
    """Two scenarios' pool totals (alone and with linked pools), per year and in total.

    ``difference`` is the second scenario less the first.
    """

    def side(include_linked: bool) -> dict[str, Any]:
        """One scope's figures."""
        result = compare(first, second, include_linked)
        return {
            "by_year": {
                year.label: {
                    "first": a.format_plain(),
                    "second": b.format_plain(),
                    "difference": d.format_plain(),
                }
                for year, a, b, d in zip(
                    result.years, result.first, result.second, result.difference, strict=True
                )
            },
            "total": {
                "first": result.total_first.format_plain(),
                "second": result.total_second.format_plain(),
                "difference": result.total_difference.format_plain(),
            },
        }

    return {
        "first": first.scenario.name,
        "second": second.scenario.name,
        "pool": side(False),
        "pool_including_linked": side(True),
    }
