"""``jmg-desktop check``'s monitoring findings: closed periods changed behind the application's back."""

from __future__ import annotations

import json

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.monitoring import MonitoringError, cumulative_movements
from jmg_desktop.core.monitoring_report import report_from_snapshot, snapshot_sha256
from jmg_desktop.store.reads.monitoring import CLOSE_ACTION, movement_legs
from jmg_desktop.store.reads.rows import Rows

__all__ = ["monitoring_findings"]


def _forecasts(rows: Rows, pool_id: int, year: int, period: int) -> dict[int, tuple[int, int | None, str]]:
    """A period's stored forecasts by line: ``(forecast, actual, commentary)``."""
    return {
        line_id: (forecast, actual, commentary)
        for batch in rows.batches(
            "SELECT line_id, forecast_pence, actual_pence, commentary FROM monitoring_forecast "
            "WHERE pool_id = :pool AND financial_year = :year AND period = :period",
            {"pool": pool_id, "year": year, "period": period},
        )
        for line_id, forecast, actual, commentary in batch
    }


def monitoring_findings(rows: Rows) -> list[str]:
    """Closed periods changed since they were closed, each a sentence for ``jmg-desktop check``:
    a frozen report whose text no longer matches its recorded SHA-256 (or the audit trail's), and
    forecasts or movements of a closed period that differ from what it froze."""
    findings: list[str] = []
    pools = dict(rows.all("SELECT id, name FROM pool"))
    audited: dict[tuple[int, int, int], str] = {}
    for (new,) in rows.all(
        "SELECT new FROM audit_event WHERE entity = :entity AND action = :action ORDER BY sequence",
        {"entity": "monitoring", "action": CLOSE_ACTION},
    ):
        try:
            data = json.loads(new)
            for row in data["rows"]:
                if row["table"] == "monitoring_period":
                    audited[(row["pool_id"], row["financial_year"], row["number"])] = row["snapshot_sha256"]
        except (ValueError, KeyError, TypeError):
            continue
    for pool_id, year, number, snapshot, digest, latest, forecast in rows.all(
        "SELECT pool_id, financial_year, number, snapshot, snapshot_sha256, latest_pence, forecast_pence "
        "FROM monitoring_period ORDER BY pool_id, financial_year, number"
    ):
        where = (
            f"Monitoring: {pools.get(pool_id, f'pool {pool_id}')} {FinancialYear(year).label} period {number}"
        )
        key = (pool_id, year, number)
        if snapshot_sha256(snapshot) != digest or audited.get(key) != digest:
            findings.append(f"{where} is closed but its frozen report was changed after it was closed.")
            continue
        try:
            frozen = report_from_snapshot(snapshot)
        except MonitoringError:
            findings.append(f"{where} is closed but its frozen report cannot be read.")
            continue
        pool_totals = (frozen.table.pool.latest, frozen.table.pool.forecast)
        if latest is not None and (latest, forecast) != pool_totals:
            findings.append(f"{where} is closed but its frozen totals were changed after it was closed.")
            continue
        stored = _forecasts(rows, pool_id, year, number)
        moved = cumulative_movements(movement_legs(rows, pool_id, year), number)
        for line in frozen.lines:
            now = stored.get(line.line_id)
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
