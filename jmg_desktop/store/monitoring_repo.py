"""Budget monitoring in the workspace, read: a period's report, the set-up, the rules, the
movements and the chart's series. Changes are built and applied in :mod:`monitoring_changes`;
``check``'s findings are in :mod:`monitoring_check`.

A closed period's report is always rebuilt from the snapshot stored when it was closed, never from
the live rows, so later edits cannot change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from jmg_desktop.core.monitoring_commands import needs_higher_approval
from jmg_desktop.core.monitoring_report import MonitoringSettings, PeriodReport, report_from_snapshot
from jmg_desktop.core.monitoring_risk import RiskShareRules
from jmg_desktop.store.models import (
    Agreement,
    LineStatus,
    MonitoringForecast,
    MonitoringMovement,
    MonitoringMovementLeg,
    MonitoringPeriod,
    MonitoringSetup,
    Partner,
    Pool,
    PoolLine,
    RiskSharePartner,
    RiskShareRuleRow,
)
from jmg_desktop.store.reads import monitoring as reads
from jmg_desktop.store.reads.monitoring import CLOSE_ACTION, MonitoringRefused
from jmg_desktop.store.reads.sa_rows import session_rows

__all__ = [
    "CLOSE_ACTION",
    "TABLES",
    "MonitoringRefused",
    "Movement",
    "closed_periods",
    "current_period",
    "forecast_rows",
    "live_report",
    "load_rules",
    "load_settings",
    "movement_choices",
    "movement_legs",
    "movements",
    "partner_labels",
    "partner_names",
    "period_report",
    "period_series",
    "pool_names",
]

TABLES: Final[dict[str, Table]] = {
    "monitoring_setup": MonitoringSetup.__table__,
    "monitoring_period": MonitoringPeriod.__table__,
    "monitoring_forecast": MonitoringForecast.__table__,
    "monitoring_movement": MonitoringMovement.__table__,
    "monitoring_movement_leg": MonitoringMovementLeg.__table__,
    "risk_share_rule": RiskShareRuleRow.__table__,
    "risk_share_partner": RiskSharePartner.__table__,
}


# -- reading ---------------------------------------------------------------------------------------


def pool_names(session: Session, pool_id: int) -> tuple[str, str | None]:
    """The pool's name and its host partner's name."""
    return reads.pool_names(session_rows(session), pool_id)


def load_settings(session: Session, pool_id: int, financial_year: int) -> MonitoringSettings:
    """The pool's monitoring set-up for the year (the defaults when none was recorded)."""
    return reads.load_settings(session_rows(session), pool_id, financial_year)


def closed_periods(session: Session, pool_id: int, financial_year: int) -> dict[int, tuple[str, str]]:
    """The closed periods' numbers, with when and by whom each was closed."""
    return reads.closed_periods(session_rows(session), pool_id, financial_year)


def current_period(session: Session, pool_id: int, financial_year: int) -> int:
    """The period a report shows by default: the first open one (the last when all are closed)."""
    return reads.current_period(session_rows(session), pool_id, financial_year)


def load_rules(session: Session, pool_id: int, financial_year: int) -> RiskShareRules | None:
    """The pool's risk-share rules for the year, or None when none were recorded."""
    return reads.load_rules(session_rows(session), pool_id, financial_year)


def movement_legs(session: Session, pool_id: int, financial_year: int) -> list[tuple[int, int, int]]:
    """Every movement leg on the pool's lines this year: ``(line_id, period, pence)``."""
    return reads.movement_legs(session_rows(session), pool_id, financial_year)


def forecast_rows(
    session: Session, pool_id: int, financial_year: int, period: int
) -> dict[int, dict[str, Any]]:
    """The stored forecast rows of a period by line id, every column (for building changes)."""
    table = TABLES["monitoring_forecast"]
    rows = session.execute(
        select(table).where(
            table.c.pool_id == pool_id, table.c.financial_year == financial_year, table.c.period == period
        )
    ).mappings()
    return {row["line_id"]: dict(row) for row in rows}


def live_report(session: Session, pool_id: int, financial_year: int, period: int) -> PeriodReport:
    """The period's report from the rows as they are now (what an open period shows)."""
    return reads.live_report(session_rows(session), pool_id, financial_year, period)


def period_report(session: Session, pool_id: int, financial_year: int, period: int) -> PeriodReport:
    """The period's report: rebuilt from its snapshot when closed, else live."""
    return reads.period_report(session_rows(session), pool_id, financial_year, period)


def period_series(
    session: Session, pool_id: int, financial_year: int, *, shown: PeriodReport | None = None
) -> list[tuple[int, int, int | None, bool]]:
    """For the chart: each period's ``(number, latest budget, forecast outturn, closed)`` for the
    pool, from snapshots for closed periods and the live rows for open ones; the forecast is None
    for an open period in which no forecast has been entered yet (nothing to draw). ``shown``, a
    report of this pool and year just read, gives its own period's point from its totals (an open
    period's forecasts are then not summed a second time)."""
    settings = load_settings(session, pool_id, financial_year)
    # The two frozen totals only: a frozen report is read whole only if it predates them.
    closed = {
        number: (latest, forecast)
        for number, latest, forecast in session.execute(
            select(
                MonitoringPeriod.number, MonitoringPeriod.latest_pence, MonitoringPeriod.forecast_pence
            ).where(MonitoringPeriod.pool_id == pool_id, MonitoringPeriod.financial_year == financial_year)
        )
    }
    # Sums in SQL: a 100,000-line pool has 100,000 forecasts a period, too many to fetch for a chart.
    monitored = (
        select(PoolLine.id, PoolLine.amount_pence)
        .join(LineStatus, LineStatus.id == PoolLine.status_id)
        .where(
            PoolLine.pool_id == pool_id,
            PoolLine.financial_year == financial_year,
            LineStatus.effect != "removal",
        )
        .subquery()
    )
    if shown is not None and not shown.closed:
        original = shown.table.pool.original  # the same lines, just read
    else:
        original = int(
            session.execute(select(func.coalesce(func.sum(monitored.c.amount_pence), 0))).scalar_one()
        )
    forecast_table = TABLES["monitoring_forecast"]
    mine = (forecast_table.c.pool_id == pool_id) & (forecast_table.c.financial_year == financial_year)
    known: dict[int, tuple[int, int | None]] = {}
    if shown is not None and not shown.closed:
        pool = shown.table.pool
        any_forecast = pool.lines and any(line[6] is not None for line in shown.lines)
        known[shown.period] = (pool.latest, pool.forecast if any_forecast else None)
    # Only the open periods' forecasts are summed: closed ones keep their totals.
    summed = [n for n in range(1, settings.periods + 1) if n not in closed and n not in known]
    mine = mine & forecast_table.c.period.in_(summed or [0])
    sums = {
        period: (int(forecasts), int(budgets))
        for period, forecasts, budgets in session.execute(
            select(
                forecast_table.c.period,
                func.sum(forecast_table.c.forecast_pence),
                func.sum(monitored.c.amount_pence),
            )
            .join(monitored, monitored.c.id == forecast_table.c.line_id)
            .where(mine)
            .group_by(forecast_table.c.period)
        )
    }
    legs = movement_legs(session, pool_id, financial_year)
    leg_lines = {leg[0] for leg in legs}
    # By id, not through the subquery: SQLite would scan every monitored line to find a few.
    counted = (
        set(
            session.execute(
                select(PoolLine.id)
                .join(LineStatus, LineStatus.id == PoolLine.status_id)
                .where(
                    PoolLine.id.in_(leg_lines),
                    PoolLine.pool_id == pool_id,
                    PoolLine.financial_year == financial_year,
                    LineStatus.effect != "removal",
                )
            ).scalars()
        )
        if leg_lines
        else set()
    )
    legs = [leg for leg in legs if leg[0] in counted]
    forecast_at: set[tuple[int, int]] = set()
    if counted:
        forecast_at = {
            (line_id, period)
            for line_id, period in session.execute(
                select(forecast_table.c.line_id, forecast_table.c.period).where(
                    mine, forecast_table.c.line_id.in_(counted)
                )
            )
        }
    series: list[tuple[int, int, int | None, bool]] = []
    for number in range(1, settings.periods + 1):
        if number in closed:
            latest, forecast = closed[number]
            if latest is None or forecast is None:
                text = session.execute(
                    select(MonitoringPeriod.snapshot).where(
                        MonitoringPeriod.pool_id == pool_id,
                        MonitoringPeriod.financial_year == financial_year,
                        MonitoringPeriod.number == number,
                    )
                ).scalar_one()
                frozen = report_from_snapshot(text).table.pool
                latest, forecast = frozen.latest, frozen.forecast
            series.append((number, latest, forecast, True))
            continue
        if number in known:
            series.append((number, *known[number], False))
            continue
        latest = original + sum(pence for _line, period, pence in legs if period <= number)
        if number not in sums:
            series.append((number, latest, None, False))
            continue
        forecasts, budgets = sums[number]
        # A line with a forecast contributes forecast − its own latest budget; the rest are on budget.
        moved_there = sum(
            pence for line, period, pence in legs if period <= number and (line, number) in forecast_at
        )
        series.append((number, latest, latest + forecasts - budgets - moved_there, False))
    return series


@dataclass(frozen=True, slots=True)
class Movement:
    """A recorded budget movement, as the page lists it."""

    id: int
    period: int
    kind: str
    reason: str
    approval_level: str
    agreement_id: int | None
    legs: tuple[tuple[int, int, int], ...]  # (line_id, pool_id, pence)
    needs_higher_approval: bool
    row: dict[str, Any]


def movements(session: Session, pool_id: int, financial_year: int) -> list[Movement]:
    """Movements touching the pool's lines this year, oldest first, each marked when it is above
    a pool's virement limit (and so needs the higher approval)."""
    movement_table = TABLES["monitoring_movement"]
    leg_table = TABLES["monitoring_movement_leg"]
    ids = select(leg_table.c.movement_id).where(leg_table.c.pool_id == pool_id)
    rows = session.execute(
        select(movement_table)
        .where(
            movement_table.c.financial_year == financial_year,
            (movement_table.c.pool_id == pool_id) | movement_table.c.id.in_(ids),
        )
        .order_by(movement_table.c.period, movement_table.c.id)
    ).mappings()
    result = []
    for row in rows:
        legs = tuple(
            (leg.line_id, leg.pool_id, leg.amount_pence)
            for leg in session.execute(
                select(leg_table).where(leg_table.c.movement_id == row["id"]).order_by(leg_table.c.line_id)
            )
        )
        limits = {leg[1]: load_settings(session, leg[1], financial_year).virement_limit_pence for leg in legs}
        result.append(
            Movement(
                row["id"],
                row["period"],
                row["kind"],
                row["reason"],
                row["approval_level"],
                row["agreement_id"],
                legs,
                needs_higher_approval(legs, limits),
                dict(row),
            )
        )
    return result


def partner_labels(session: Session) -> dict[str, str]:
    """Each partner's short name (its name when it has none), by name: for narrow columns."""
    return {name: short or name for name, short in session.execute(select(Partner.name, Partner.short_name))}


def partner_names(session: Session) -> list[str]:
    """Every partner's name, in the workspace's order."""
    return list(session.execute(select(Partner.name).order_by(Partner.position, Partner.id)).scalars())


def movement_choices(
    session: Session, pool_id: int, financial_year: int
) -> tuple[list[tuple[int, str, int]], list[tuple[int, str]]]:
    """What a movement may name: every line of the year as ``(id, label, pool id)`` (this pool's
    first, other pools' labelled with their pool) and this pool's agreements as ``(id, title)``."""
    lines = [
        (line_id, service if pool_key == pool_id else f"{pool} — {service}", pool_key)
        for line_id, service, pool, pool_key in session.execute(
            select(PoolLine.id, PoolLine.service, Pool.name, Pool.id)
            .join(Pool, Pool.id == PoolLine.pool_id)
            .where(PoolLine.financial_year == financial_year)
            .order_by(Pool.id != pool_id, Pool.position, PoolLine.position, PoolLine.id)
        )
    ]
    agreements = [
        (agreement_id, title)
        for agreement_id, title in session.execute(
            select(Agreement.id, Agreement.title)
            .where(Agreement.pool_id == pool_id, Agreement.financial_year == financial_year)
            .order_by(Agreement.id)
        )
    ]
    return lines, agreements
