"""One period's monitoring report: the table, the partners' totals and the risk-share split, with
its frozen form (the snapshot kept when a period is closed) and its CSV and JSON exports.

A snapshot holds the report's *inputs* exactly as they stood when the period was closed (each line's
service, category, partner, original budget, movements to date, forecast, actual and commentary;
the traffic-light limits; the risk-share rules): the figures are rebuilt from it by the same exact
arithmetic, so later edits to lines, forecasts or rules never change a closed period's report.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.monitoring import (
    VARIANCE_CONVENTION,
    MonitoringError,
    RagThresholds,
    period_count,
    period_label,
)
from jmg_desktop.core.monitoring_risk import (
    REMAINDER_RULE,
    PartnerTerms,
    RiskShareRule,
    RiskShareRules,
    RiskShareSplit,
    split_variance,
)
from jmg_desktop.core.monitoring_table import LineFigures, MonitoredLine, MonitoringTable, Totals

__all__ = [
    "CSV_HEADER",
    "SNAPSHOT_FORMAT",
    "MonitoringSettings",
    "PeriodReport",
    "report_csv",
    "report_document",
    "report_from_snapshot",
    "snapshot_sha256",
    "snapshot_text",
]

SNAPSHOT_FORMAT: Final = "jmg-desktop-monitoring-period"
CSV_HEADER: Final = (
    "line_id",
    "service",
    "category",
    "partner",
    "original_budget",
    "movements",
    "latest_budget",
    "forecast_outturn",
    "forecast_entered",
    "actual_to_date",
    "variance",
    "rag",
    "commentary",
)


@dataclass(frozen=True, slots=True)
class MonitoringSettings:
    """How a pool is monitored in a year (defaults when nothing was set: quarters, green within
    ±1 %, amber to ±3 %, red beyond or above £250,000, no virement limit)."""

    period_kind: str = "quarter"
    thresholds: RagThresholds = RagThresholds()
    virement_limit_pence: int | None = None
    higher_approval: str = ""

    def __post_init__(self) -> None:
        period_count(self.period_kind)  # refuses an unknown kind
        if self.virement_limit_pence is not None and self.virement_limit_pence < 0:
            raise MonitoringError("The virement limit cannot be negative.")

    @property
    def periods(self) -> int:
        """How many periods the year has."""
        return period_count(self.period_kind)


@dataclass(slots=True)
class PeriodReport:
    """A pool's monitoring for one period: live (an open period) or rebuilt from its snapshot."""

    pool: str
    host: str | None
    year: FinancialYear
    period_kind: str
    period: int
    categories: list[str]
    partners: list[str]
    table: MonitoringTable
    rules: RiskShareRules
    rules_recorded: bool
    closed_at: str | None = None
    closed_by: str | None = None

    @classmethod
    def build(
        cls,
        *,
        pool: str,
        host: str | None,
        year: FinancialYear,
        settings: MonitoringSettings,
        period: int,
        lines: list[MonitoredLine] | list[tuple[Any, ...]],
        categories: list[str],
        partners: list[str],
        rules: RiskShareRules | None,
        closed_at: str | None = None,
        closed_by: str | None = None,
    ) -> PeriodReport:
        """Compute the report from its inputs (``rules`` None: shared in proportion to contributions);
        ``lines`` (:class:`MonitoredLine` or tuples in its order) becomes the table's own list."""
        period_label(settings.period_kind, period, year)  # refuses a period the year does not have
        table = MonitoringTable.build(lines, settings.thresholds, categories=categories, partners=partners)
        return cls(
            pool,
            host,
            year,
            settings.period_kind,
            period,
            categories,
            partners,
            table,
            rules if rules is not None else RiskShareRules(host),
            rules is not None,
            closed_at,
            closed_by,
        )

    @property
    def lines(self) -> Sequence[tuple[Any, ...]]:
        """Every line's inputs as they stand (edits included), in :class:`MonitoredLine` order."""
        return self.table.lines

    @property
    def closed(self) -> bool:
        """True for a closed (frozen) period."""
        return self.closed_at is not None

    @property
    def label(self) -> str:
        """``Quarter 2 (July–September 2009)``."""
        return period_label(self.period_kind, self.period, self.year)

    @property
    def thresholds(self) -> RagThresholds:
        """The traffic-light limits in force."""
        return self.table.thresholds

    def split(self) -> RiskShareSplit:
        """The pool's variance split between partners (raises :class:`MonitoringError` when the
        rules cannot share it, e.g. contributions when no partner contributes)."""
        return split_variance(self.table.pool.variance, self.rules, self.table.contributions(), self.partners)


def _rules_data(rules: RiskShareRules, recorded: bool) -> dict[str, Any]:
    def rule(value: RiskShareRule | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {
            "method": value.method,
            "host_first_pence": value.host_first_pence,
            "terms": [[t.partner, t.share_ppm, t.cap_pence] for t in value.terms],
        }

    return {
        "recorded": recorded,
        "host": rules.host,
        "overspend": rule(rules.overspend),
        "underspend": rule(rules.underspend),
    }


def _rules_from(data: dict[str, Any]) -> RiskShareRules | None:
    def rule(value: dict[str, Any] | None) -> RiskShareRule | None:
        if value is None:
            return None
        return RiskShareRule(
            value["method"],
            int(value["host_first_pence"]),
            tuple(PartnerTerms(name, share, cap) for name, share, cap in value["terms"]),
        )

    if not data["recorded"]:
        return None
    overspend = rule(data["overspend"])
    assert overspend is not None
    return RiskShareRules(data["host"], overspend, rule(data["underspend"]))


def snapshot_text(report: PeriodReport, *, closed_at: str, closed_by: str) -> str:
    """The frozen form of ``report`` as canonical JSON text (its SHA-256 identifies it)."""
    thresholds = report.thresholds
    data = {
        "format": SNAPSHOT_FORMAT,
        "format_version": 1,
        "pool": report.pool,
        "host": report.host,
        "financial_year": report.year.start_year,
        "period_kind": report.period_kind,
        "period": report.period,
        "closed_at": closed_at,
        "closed_by": closed_by,
        "thresholds": [thresholds.green_ppm, thresholds.amber_ppm, thresholds.red_amount_pence],
        "categories": report.categories,
        "partners": report.partners,
        "rules": _rules_data(report.rules, report.rules_recorded),
        # Each line's inputs in MonitoredLine order: the tuple is the line.
        "lines": [list(line) for line in report.lines],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def snapshot_sha256(text: str) -> str:
    """The SHA-256 of a snapshot's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_from_snapshot(text: str) -> PeriodReport:
    """Rebuild a closed period's report from its snapshot text."""
    try:
        data = json.loads(text)
        if data.get("format") != SNAPSHOT_FORMAT:
            raise MonitoringError("The closed period's frozen report is not in the expected form.")
        green, amber, red = data["thresholds"]
        settings = MonitoringSettings(data["period_kind"], RagThresholds(green, amber, red))
        lines = [
            MonitoredLine(int(i), str(s), str(c), str(p), int(o), int(m), f, a, str(t))
            for i, s, c, p, o, m, f, a, t in data["lines"]
        ]
        report = PeriodReport.build(
            pool=data["pool"],
            host=data["host"],
            year=FinancialYear(int(data["financial_year"])),
            settings=settings,
            period=int(data["period"]),
            lines=lines,
            categories=list(data["categories"]),
            partners=list(data["partners"]),
            rules=_rules_from(data["rules"]),
            closed_at=data["closed_at"],
            closed_by=data["closed_by"],
        )
        report.table.check_unique()
        return report
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, MonitoringError):
            raise
        raise MonitoringError(
            "The closed period's frozen report cannot be read: it has been damaged."
        ) from None


def _plain(pence: int | None) -> str:
    return "" if pence is None else Money(pence).format_plain()


def _line_values(row: LineFigures) -> list[Any]:
    """One line's values in :data:`CSV_HEADER` order, as the JSON export gives them (amounts as
    strings of pounds, no forecast as ``False``, no actual as None)."""
    return [
        row.line_id,
        row.service,
        row.category,
        row.partner,
        _plain(row.original),
        _plain(row.movements),
        _plain(row.latest),
        _plain(row.forecast),
        row.has_forecast,
        None if row.actual is None else _plain(row.actual),
        _plain(row.variance),
        row.rag,
        row.commentary,
    ]


def report_csv(report: PeriodReport) -> str:
    """One row per line: pounds with two decimals, no £ sign (see :data:`CSV_HEADER`); whether a
    forecast was entered as ``yes`` or ``no``, no actual as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    entered = CSV_HEADER.index("forecast_entered")
    actual = CSV_HEADER.index("actual_to_date")
    for row in report.table.rows:
        values = _line_values(row)
        values[entered] = "yes" if row.has_forecast else "no"
        values[actual] = values[actual] or ""
        writer.writerow(values)
    return buffer.getvalue()


def _totals_data(totals: Totals) -> dict[str, Any]:
    return {
        "name": totals.name,
        "lines": totals.lines,
        "original_budget": _plain(totals.original),
        "movements": _plain(totals.movements),
        "latest_budget": _plain(totals.latest),
        "forecast_outturn": _plain(totals.forecast),
        "variance": _plain(totals.variance),
        "rag": totals.rag,
    }


def report_document(report: PeriodReport) -> dict[str, Any]:
    """The report as a JSON-ready dict (``format: jmg-desktop-monitoring``); amounts are strings."""
    table = report.table
    document: dict[str, Any] = {
        "format": "jmg-desktop-monitoring",
        "format_version": 1,
        "pool": report.pool,
        "financial_year": report.year.label,
        "period": {
            "kind": report.period_kind,
            "number": report.period,
            "label": report.label,
            "closed": report.closed,
            "closed_at": report.closed_at,
        },
        "convention": VARIANCE_CONVENTION,
        "thresholds": report.thresholds.describe(),
        "lines": [dict(zip(CSV_HEADER, _line_values(row), strict=True)) for row in table.rows],
        "totals": {
            "pool": _totals_data(table.pool),
            "by_category": [_totals_data(t) for t in table.by_category.values() if t.lines],
            "by_partner": [_totals_data(t) for t in table.by_partner.values() if t.lines],
        },
    }
    try:
        split = report.split()
    except MonitoringError as error:
        document["risk_share"] = {"error": str(error)}
        return document
    document["risk_share"] = {
        "rule": split.rule_text + ("" if report.rules_recorded else " (no rule recorded: the default)"),
        "kind": split.kind,
        "variance": _plain(split.variance),
        "remainder_rule": REMAINDER_RULE,
        "shares": [
            {"partner": share.partner, "amount": _plain(share.amount), "explanation": share.explanation}
            for share in split.shares
        ],
        "unallocated": _plain(split.unallocated),
    }
    return document
