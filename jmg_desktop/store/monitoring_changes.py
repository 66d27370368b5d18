"""Monitoring changes in the workspace: building them (close a period, set-up, risk-share rules,
movements) and making them durable in the caller's transaction with one audit event, refusing any
that would alter a closed period or that finds a row no longer as it expects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.monitoring import MonitoringError, period_label
from jmg_desktop.core.monitoring_commands import (
    MONITORING_TABLES,
    MonitoringChange,
    RowChange,
    movement_change,
    row_change,
    validate_legs,
)
from jmg_desktop.core.monitoring_report import MonitoringSettings, snapshot_sha256, snapshot_text
from jmg_desktop.core.monitoring_risk import RiskShareRules
from jmg_desktop.store.audit import current_actor, record_event
from jmg_desktop.store.models import (
    Agreement,
    MonitoringMovement,
    MonitoringPeriod,
    MonitoringSetup,
    Partner,
    PoolLine,
)
from jmg_desktop.store.monitoring_repo import (
    CLOSE_ACTION,
    TABLES,
    MonitoringRefused,
    closed_periods,
    load_settings,
    period_report,
    pool_names,
)

__all__ = [
    "apply_change",
    "close_period_change",
    "movement_record_change",
    "rules_change",
    "settings_change",
]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def close_period_change(session: Session, pool_id: int, financial_year: int, period: int) -> MonitoringChange:
    """The change that closes a period, freezing its report as it stands now."""
    if session.get(MonitoringPeriod, (pool_id, financial_year, period)) is not None:
        raise MonitoringRefused("That period is already closed.")
    report = period_report(session, pool_id, financial_year, period)
    at, by = _now(), current_actor(session)
    text = snapshot_text(report, closed_at=at, closed_by=by)
    row = {
        "pool_id": pool_id,
        "financial_year": financial_year,
        "number": period,
        "closed_at": at,
        "closed_by": by,
        "snapshot": text,
        "snapshot_sha256": snapshot_sha256(text),
        "latest_pence": report.table.pool.latest,
        "forecast_pence": report.table.pool.forecast,
    }
    return MonitoringChange(
        f"Close {report.label}",
        CLOSE_ACTION,
        pool_id,
        financial_year,
        (RowChange("monitoring_period", None, row),),
    )


def settings_change(
    session: Session, pool_id: int, financial_year: int, settings: MonitoringSettings
) -> MonitoringChange:
    """The change that records the pool's monitoring set-up for the year."""
    old = session.get(MonitoringSetup, (pool_id, financial_year))
    table = TABLES["monitoring_setup"]
    old_row = None
    if old is not None:
        old_row = dict(
            session.execute(
                select(table).where(table.c.pool_id == pool_id, table.c.financial_year == financial_year)
            )
            .mappings()
            .one()
        )
    new_row = {
        "pool_id": pool_id,
        "financial_year": financial_year,
        "period_kind": settings.period_kind,
        "green_ppm": settings.thresholds.green_ppm,
        "amber_ppm": settings.thresholds.amber_ppm,
        "red_amount_pence": settings.thresholds.red_amount_pence,
        "virement_limit_pence": settings.virement_limit_pence,
        "higher_approval": settings.higher_approval,
    }
    change = row_change("monitoring_setup", old_row, new_row)
    return MonitoringChange(
        "Change Monitoring Set-up",
        "edit_monitoring_setup",
        pool_id,
        financial_year,
        () if change is None else (change,),
    )


def rules_change(
    session: Session, pool_id: int, financial_year: int, rules: RiskShareRules
) -> MonitoringChange:
    """The change that replaces the pool's risk-share rules for the year with ``rules``."""
    partner_ids = dict(session.execute(select(Partner.name, Partner.id)).all())
    rule_table, terms_table = TABLES["risk_share_rule"], TABLES["risk_share_partner"]
    where = {"pool_id": pool_id, "financial_year": financial_year}
    old_rules = {
        row["applies_to"]: dict(row)
        for row in session.execute(
            select(rule_table).where(
                rule_table.c.pool_id == pool_id, rule_table.c.financial_year == financial_year
            )
        ).mappings()
    }
    old_terms = {
        (row["applies_to"], row["partner_id"]): dict(row)
        for row in session.execute(
            select(terms_table).where(
                terms_table.c.pool_id == pool_id, terms_table.c.financial_year == financial_year
            )
        ).mappings()
    }
    new_rules: dict[str, dict[str, Any]] = {}
    new_terms: dict[tuple[str, int], dict[str, Any]] = {}
    for applies_to, rule in (("overspend", rules.overspend), ("underspend", rules.underspend)):
        if rule is None:
            continue
        new_rules[applies_to] = {
            **where,
            "applies_to": applies_to,
            "method": rule.method,
            "host_first_pence": rule.host_first_pence,
        }
        for terms in rule.terms:
            if terms.partner not in partner_ids:
                raise MonitoringRefused(f"There is no partner called “{terms.partner}” in this workspace.")
            if terms.share_ppm is None and terms.cap_pence is None:
                continue
            partner_id = partner_ids[terms.partner]
            new_terms[(applies_to, partner_id)] = {
                **where,
                "applies_to": applies_to,
                "partner_id": partner_id,
                "share_ppm": terms.share_ppm,
                "cap_pence": terms.cap_pence,
            }
    rows: list[RowChange] = []
    # Terms go before their rule on removal and after it on addition, so undo keeps that order.
    for key in sorted(set(old_terms) - set(new_terms)):
        rows.append(RowChange("risk_share_partner", old_terms[key], None))
    for key in sorted(set(old_rules) | set(new_rules)):
        change = row_change("risk_share_rule", old_rules.get(key), new_rules.get(key))
        if change is not None:
            rows.append(change)
    for key in sorted(new_terms):
        change = row_change("risk_share_partner", old_terms.get(key), new_terms[key])
        if change is not None:
            rows.append(change)
    return MonitoringChange("Change Risk Share", "edit_risk_share", pool_id, financial_year, tuple(rows))


def movement_record_change(
    session: Session,
    pool_id: int,
    financial_year: int,
    period: int,
    kind: str,
    legs: Iterable[tuple[int, int]],
    *,
    reason: str,
    approval_level: str,
    agreement_id: int | None = None,
) -> MonitoringChange:
    """The change that records a virement or supplementary estimate; legs are ``(line_id, pence)``
    on lines of this year (of this pool or, for a virement between pools, another)."""
    legs = list(legs)
    try:
        validate_legs(kind, legs)
    except MonitoringError as error:
        raise MonitoringRefused(str(error)) from None
    if not reason.strip():
        raise MonitoringRefused("Give the reason for the budget movement.")
    settings = load_settings(session, pool_id, financial_year)
    if not 1 <= period <= settings.periods:
        raise MonitoringRefused(f"There is no period {period} in this pool's monitoring year.")
    line_pools = dict(
        session.execute(
            select(PoolLine.id, PoolLine.pool_id).where(
                PoolLine.id.in_([line_id for line_id, _ in legs]), PoolLine.financial_year == financial_year
            )
        ).all()
    )
    missing = [line_id for line_id, _ in legs if line_id not in line_pools]
    if missing:
        raise MonitoringRefused(
            f"Line {missing[0]} is not a line of {FinancialYear(financial_year).label}; a movement stays within its year."
        )
    if agreement_id is not None and session.get(Agreement, agreement_id) is None:
        raise MonitoringRefused(f"There is no agreement {agreement_id} in the register.")
    table = TABLES["monitoring_movement"]
    movement_id = int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
    movement = {
        "id": movement_id,
        "pool_id": pool_id,
        "financial_year": financial_year,
        "period": period,
        "kind": kind,
        "reason": reason.strip(),
        "approval_level": approval_level.strip(),
        "agreement_id": agreement_id,
        "recorded_at": _now(),
        "recorded_by": current_actor(session),
    }
    leg_rows = [
        {
            "movement_id": movement_id,
            "line_id": line_id,
            "pool_id": line_pools[line_id],
            "amount_pence": pence,
        }
        for line_id, pence in legs
    ]
    return movement_change(movement, leg_rows)


def _period_of(
    session: Session, change: RowChange, pending: Mapping[int, int]
) -> tuple[int, int, int] | None:
    """``(pool_id, year, period)`` whose closing would forbid this row change, if any."""
    row = change.new if change.new is not None else change.old
    assert row is not None
    if change.table == "monitoring_forecast":
        return row["pool_id"], row["financial_year"], row["period"]
    if change.table == "monitoring_movement":
        return row["pool_id"], row["financial_year"], row["period"]
    if change.table == "monitoring_movement_leg":
        movement_id = row["movement_id"]
        found = session.execute(
            select(MonitoringMovement.financial_year, MonitoringMovement.period).where(
                MonitoringMovement.id == movement_id
            )
        ).first()
        if found is None and movement_id in pending:
            year, period = pending[movement_id] // 100, pending[movement_id] % 100
            return row["pool_id"], year, period
        if found is None:
            return None
        return row["pool_id"], found[0], found[1]
    return None


def _refuse_closed(session: Session, change: MonitoringChange) -> None:
    """Refuse a change that would alter the figures of a closed period."""
    pending = {
        int(row.new["id"]): int(row.new["financial_year"]) * 100 + int(row.new["period"])
        for row in change.rows
        if row.table == "monitoring_movement" and row.new is not None
    }
    for row in change.rows:
        if (
            row.table == "monitoring_setup"
            and row.old is not None
            and row.new is not None
            and row.old["period_kind"] != row.new["period_kind"]
            and closed_periods(session, row.new["pool_id"], row.new["financial_year"])
        ):
            raise MonitoringRefused(
                "Months or quarters cannot be changed once a period of the year is closed."
            )
        where = _period_of(session, row, pending)
        if where is None:
            continue
        if session.get(MonitoringPeriod, where) is not None:
            pool_name, _host = pool_names(session, where[0])
            settings = load_settings(session, where[0], where[1])
            label = period_label(settings.period_kind, where[2], FinancialYear(where[1]))
            raise MonitoringRefused(
                f"{label} is closed for {pool_name}: its figures are frozen and cannot be changed."
            )


def _key_clause(table: Table, change: RowChange) -> Any:
    return and_(
        *(
            table.c[column] == value
            for column, value in zip(MONITORING_TABLES[change.table], change.key, strict=True)
        )
    )


def _audit_rows(rows: Iterable[RowChange], side: str) -> list[dict[str, Any]]:
    """Rows for the audit event; a snapshot is recorded by its SHA-256 (it is in the row itself)."""
    result = []
    for row in rows:
        values = row.old if side == "old" else row.new
        if values is None:
            continue
        item = {"table": row.table, **{k: v for k, v in values.items() if k != "snapshot"}}
        result.append(item)
    return result


def apply_change(session: Session, change: MonitoringChange) -> None:
    """Make ``change`` in the caller's transaction, with one audit event; raise
    :class:`MonitoringRefused` (the caller's transaction then rolls back) when a row is not as the
    change expects or the change would alter a closed period."""
    if change.is_empty:
        return
    _refuse_closed(session, change)
    connection = session.connection()
    for row in change.rows:
        table = TABLES[row.table]
        current = connection.execute(select(table).where(_key_clause(table, row))).mappings().first()
        expected = None if row.old is None else dict(row.old)
        if (None if current is None else dict(current)) != expected:
            raise MonitoringRefused(
                "The monitoring figures were changed elsewhere since they were shown; nothing was changed."
            )
        if row.new is None:
            connection.execute(delete(table).where(_key_clause(table, row)))
        elif row.old is None:
            connection.execute(insert(table).values(**row.new))
        else:
            connection.execute(update(table).where(_key_clause(table, row)).values(**row.new))
    record_event(
        session,
        action=change.action,
        entity="monitoring",
        entity_id=change.pool_id,
        old={"financial_year": change.financial_year, "rows": _audit_rows(change.rows, "old")},
        new={"financial_year": change.financial_year, "rows": _audit_rows(change.rows, "new")},
    )
