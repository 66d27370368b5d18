"""Reads of budget monitoring: a period's report (frozen or live), the set-up and the risk-share
rules. A closed period's report is always rebuilt from the snapshot stored when it was closed,
never from the live rows, so later edits cannot change it."""

from __future__ import annotations

from typing import Any, Final

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.monitoring import RagThresholds, cumulative_movements
from jmg_desktop.core.monitoring_report import MonitoringSettings, PeriodReport, report_from_snapshot
from jmg_desktop.core.monitoring_risk import PartnerTerms, RiskShareRule, RiskShareRules
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.reads.rows import Rows, first

__all__ = [
    "CLOSE_ACTION",
    "MonitoringRefused",
    "closed_periods",
    "current_period",
    "live_report",
    "load_rules",
    "load_settings",
    "monitored_line_rows",
    "movement_legs",
    "orders",
    "period_report",
    "pool_names",
]

_WHERE = "pool_id = :pool AND financial_year = :year"
#: The audit action that closes a period (its event records the frozen report's SHA-256).
CLOSE_ACTION: Final = "close_monitoring_period"


class MonitoringRefused(WorkspaceError):
    """A monitoring change that was refused; nothing was changed. The message says why."""


def pool_names(rows: Rows, pool_id: int) -> tuple[str, str | None]:
    """The pool's name and its host partner's name."""
    row = first(
        rows,
        "SELECT po.name, pa.name FROM pool po LEFT OUTER JOIN partner pa ON pa.id = po.host_partner_id "
        "WHERE po.id = :pool",
        {"pool": pool_id},
    )
    if row is None:
        raise MonitoringRefused("The pool asked for is not in this workspace.")
    return row[0], row[1]


def load_settings(rows: Rows, pool_id: int, financial_year: int) -> MonitoringSettings:
    """The pool's monitoring set-up for the year (the defaults when none was recorded)."""
    row = first(
        rows,
        "SELECT period_kind, green_ppm, amber_ppm, red_amount_pence, virement_limit_pence, higher_approval "
        f"FROM monitoring_setup WHERE {_WHERE}",
        {"pool": pool_id, "year": financial_year},
    )
    if row is None:
        return MonitoringSettings()
    kind, green, amber, red, virement, higher = row
    return MonitoringSettings(kind, RagThresholds(green, amber, red), virement, higher)


def closed_periods(rows: Rows, pool_id: int, financial_year: int) -> dict[int, tuple[str, str]]:
    """The closed periods' numbers, with when and by whom each was closed."""
    found = rows.all(
        f"SELECT number, closed_at, closed_by FROM monitoring_period WHERE {_WHERE}",
        {"pool": pool_id, "year": financial_year},
    )
    return {number: (at, by) for number, at, by in found}


def current_period(rows: Rows, pool_id: int, financial_year: int) -> int:
    """The period a report shows by default: the first open one (the last when all are closed)."""
    settings = load_settings(rows, pool_id, financial_year)
    closed = closed_periods(rows, pool_id, financial_year)
    return next((n for n in range(1, settings.periods + 1) if n not in closed), settings.periods)


def load_rules(rows: Rows, pool_id: int, financial_year: int) -> RiskShareRules | None:
    """The pool's risk-share rules for the year, or None when none were recorded."""
    _name, host = pool_names(rows, pool_id)
    where = {"pool": pool_id, "year": financial_year}
    rules = {
        applies_to: (method, host_first)
        for applies_to, method, host_first in rows.all(
            f"SELECT applies_to, method, host_first_pence FROM risk_share_rule WHERE {_WHERE}", where
        )
    }
    if "overspend" not in rules:
        return None
    terms: dict[str, list[PartnerTerms]] = {"overspend": [], "underspend": []}
    for applies_to, name, share, cap in rows.all(
        "SELECT r.applies_to, pa.name, r.share_ppm, r.cap_pence FROM risk_share_partner r "
        "JOIN partner pa ON pa.id = r.partner_id "
        "WHERE r.pool_id = :pool AND r.financial_year = :year ORDER BY pa.position, pa.id",
        where,
    ):
        terms[applies_to].append(PartnerTerms(name, share, cap))

    def rule(kind: str) -> RiskShareRule | None:
        """The rule for overspends or underspends, if one was recorded."""
        found = rules.get(kind)
        if found is None:
            return None
        method, host_first = found
        return RiskShareRule(method, host_first, tuple(terms[kind]))

    overspend = rule("overspend")
    assert overspend is not None
    return RiskShareRules(host, overspend, rule("underspend"))


def monitored_line_rows(rows: Rows, pool_id: int, financial_year: int, period: int) -> list[Any]:
    """The period's inputs for the pool's lines that monitoring covers (every line except proposed
    removals), in order, as :class:`~jmg_desktop.core.monitoring_table.MonitoredLine`-ordered
    tuples ``(id, service, category, partner, original, 0, forecast, actual, commentary)``: one
    query, in batches, no object made per line (a pool may hold 100,000 lines). The movements
    column is 0 here; :func:`live_report` adds the few lines' movements."""
    result: list[Any] = []
    for batch in rows.batches(
        "SELECT pl.id, pl.service, COALESCE(c.name, ''), pa.name, pl.amount_pence, 0, "
        "f.forecast_pence, f.actual_pence, COALESCE(f.commentary, '') FROM pool_line pl "
        "JOIN partner pa ON pa.id = pl.partner_id JOIN line_status ls ON ls.id = pl.status_id "
        "LEFT OUTER JOIN category c ON c.id = pl.category_id "
        "LEFT OUTER JOIN monitoring_forecast f ON f.line_id = pl.id AND f.period = :period "
        "WHERE pl.pool_id = :pool AND pl.financial_year = :year AND ls.effect <> :removal "
        "ORDER BY pl.position, pl.id",
        {"pool": pool_id, "year": financial_year, "period": period, "removal": "removal"},
        size=50_000,
    ):
        result.extend(batch)
    return result


def movement_legs(rows: Rows, pool_id: int, financial_year: int) -> list[tuple[int, int, int]]:
    """Every movement leg on the pool's lines this year: ``(line_id, period, pence)``."""
    return [
        (line_id, period, pence)
        for line_id, period, pence in rows.all(
            "SELECT l.line_id, m.period, l.amount_pence FROM monitoring_movement_leg l "
            "JOIN monitoring_movement m ON m.id = l.movement_id "
            "WHERE l.pool_id = :pool AND m.financial_year = :year",
            {"pool": pool_id, "year": financial_year},
        )
    ]


def orders(rows: Rows) -> tuple[list[str], list[str]]:
    """Category and partner names in the workspace's order (the totals' order)."""
    categories = [row[0] for row in rows.all("SELECT name FROM category ORDER BY position, id")]
    partners = [row[0] for row in rows.all("SELECT name FROM partner ORDER BY position, id")]
    return ["", *categories], partners


def live_report(rows: Rows, pool_id: int, financial_year: int, period: int) -> PeriodReport:
    """The period's report from the rows as they are now (what an open period shows)."""
    name, host = pool_names(rows, pool_id)
    settings = load_settings(rows, pool_id, financial_year)
    lines = monitored_line_rows(rows, pool_id, financial_year, period)
    moved = cumulative_movements(movement_legs(rows, pool_id, financial_year), period)
    if moved:
        for number, line in enumerate(lines):
            if line[0] in moved:
                lines[number] = (*line[:5], moved[line[0]], *line[6:])
    categories, partners = orders(rows)
    return PeriodReport.build(
        pool=name,
        host=host,
        year=FinancialYear(financial_year),
        settings=settings,
        period=period,
        lines=lines,
        categories=categories,
        partners=partners,
        rules=load_rules(rows, pool_id, financial_year),
    )


def period_report(rows: Rows, pool_id: int, financial_year: int, period: int) -> PeriodReport:
    """The period's report: rebuilt from its snapshot when closed, else live."""
    settings = load_settings(rows, pool_id, financial_year)
    if not 1 <= period <= settings.periods:
        label = "months" if settings.period_kind == "month" else "quarters"
        raise MonitoringRefused(
            f"There is no period {period}: this pool is monitored in {label} (1 to {settings.periods})."
        )
    row = first(
        rows,
        f"SELECT snapshot FROM monitoring_period WHERE {_WHERE} AND number = :period",
        {"pool": pool_id, "year": financial_year, "period": period},
    )
    if row is not None:
        return report_from_snapshot(row[0])
    return live_report(rows, pool_id, financial_year, period)
