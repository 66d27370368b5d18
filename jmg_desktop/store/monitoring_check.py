"""``jmg-desktop check``'s monitoring findings: closed periods changed behind the application's back."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.monitoring import MonitoringError, cumulative_movements
from jmg_desktop.core.monitoring_report import report_from_snapshot, snapshot_sha256
from jmg_desktop.store.models import AuditEvent, MonitoringPeriod, Pool
from jmg_desktop.store.monitoring_repo import CLOSE_ACTION, forecast_rows, movement_legs

__all__ = ["monitoring_findings"]


def monitoring_findings(session: Session) -> list[str]:
    """Closed periods changed since they were closed, each a sentence for ``jmg-desktop check``:
    a frozen report whose text no longer matches its recorded SHA-256 (or the audit trail's), and
    forecasts or movements of a closed period that differ from what it froze."""
    findings: list[str] = []
    pools = dict(session.execute(select(Pool.id, Pool.name)).all())
    audited: dict[tuple[int, int, int], str] = {}
    for event in session.execute(
        select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.new)
        .where(AuditEvent.entity == "monitoring", AuditEvent.action == CLOSE_ACTION)
        .order_by(AuditEvent.sequence)
    ):
        try:
            data = json.loads(event.new)
            for row in data["rows"]:
                if row["table"] == "monitoring_period":
                    audited[(row["pool_id"], row["financial_year"], row["number"])] = row["snapshot_sha256"]
        except (ValueError, KeyError, TypeError):
            continue
    for row in session.execute(
        select(MonitoringPeriod).order_by(
            MonitoringPeriod.pool_id, MonitoringPeriod.financial_year, MonitoringPeriod.number
        )
    ).scalars():
        where = f"Monitoring: {pools.get(row.pool_id, f'pool {row.pool_id}')} {FinancialYear(row.financial_year).label} period {row.number}"
        key = (row.pool_id, row.financial_year, row.number)
        if snapshot_sha256(row.snapshot) != row.snapshot_sha256 or audited.get(key) != row.snapshot_sha256:
            findings.append(f"{where} is closed but its frozen report was changed after it was closed.")
            continue
        try:
            frozen = report_from_snapshot(row.snapshot)
        except MonitoringError:
            findings.append(f"{where} is closed but its frozen report cannot be read.")
            continue
        pool_totals = (frozen.table.pool.latest, frozen.table.pool.forecast)
        if row.latest_pence is not None and (row.latest_pence, row.forecast_pence) != pool_totals:
            findings.append(f"{where} is closed but its frozen totals were changed after it was closed.")
            continue
        stored = forecast_rows(session, row.pool_id, row.financial_year, row.number)
        moved = cumulative_movements(movement_legs(session, row.pool_id, row.financial_year), row.number)
        for line in frozen.lines:
            entry = stored.get(line.line_id)
            now = (
                None
                if entry is None
                else (entry["forecast_pence"], entry["actual_pence"], entry["commentary"])
            )
            then = None if line.forecast is None else (line.forecast, line.actual, line.commentary)
            if now != then:
                findings.append(
                    f"{where} is closed but the forecast for line {line.line_id} was changed after closing."
                )
                break
            if moved.get(line.line_id, 0) != line.movements:
                findings.append(
                    f"{where} is closed but the budget movements of line {line.line_id} were changed after closing."
                )
                break
    return findings
