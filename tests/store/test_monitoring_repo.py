"""Monitoring in the workspace: closed periods stay frozen, changes are audited and undoable,
refusals change nothing, ``check`` notices tampering, and dump/load keeps everything."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jmg_desktop.core.monitoring_commands import ForecastEntry, forecast_change
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.dump import dump_text, load_workspace
from jmg_desktop.store.models import AuditEvent, Pool, PoolLine
from jmg_desktop.store.monitoring_changes import (
    apply_change,
    close_period_change,
    movement_record_change,
)
from jmg_desktop.store.monitoring_repo import (
    MonitoringRefused,
    forecast_rows,
    movements,
    period_report,
    period_series,
)
from jmg_desktop.store.workspace import Workspace

YEAR = 2009


def _ids(workspace: Workspace) -> tuple[int, dict[str, int]]:
    with workspace.reading() as session:
        pool = session.execute(select(Pool.id).where(Pool.name == "Older People")).scalar_one()
        lines = dict(
            session.execute(
                select(PoolLine.service, PoolLine.id).where(
                    PoolLine.pool_id == pool, PoolLine.financial_year == YEAR
                )
            ).all()
        )
    return pool, lines


def test_a_closed_period_keeps_its_figures_when_lines_change(demo_workspace: Workspace) -> None:
    """Quarter 1 is closed in the demo: changing a line's budget moves quarter 2, never quarter 1."""
    pool, lines = _ids(demo_workspace)
    nursing = lines["Care homes – nursing placements"]
    with demo_workspace.reading() as session:
        before = period_report(session, pool, YEAR, 1)
    with demo_workspace.writing() as session:
        session.get(PoolLine, nursing).amount_pence += 100_000_00
    with demo_workspace.reading() as session:
        after = period_report(session, pool, YEAR, 1)
        live = period_report(session, pool, YEAR, 2)
    assert before.closed and after.closed
    assert after.table.row(nursing).latest == before.table.row(nursing).latest == 1_596_200_000
    assert live.table.row(nursing).latest == 1_606_200_000


def test_changes_in_a_closed_period_are_refused_and_change_nothing(demo_workspace: Workspace) -> None:
    """A forecast or a movement in quarter 1 is refused with a sentence naming the quarter."""
    pool, lines = _ids(demo_workspace)
    nursing = lines["Care homes – nursing placements"]
    with demo_workspace.reading() as session:
        stored = forecast_rows(session, pool, YEAR, 1)
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    change = forecast_change(pool, YEAR, 1, [(nursing, stored.get(nursing), ForecastEntry(1))])
    with (
        pytest.raises(MonitoringRefused, match=r"Quarter 1 \(April–June 2009\) is closed"),
        demo_workspace.writing() as session,
    ):
        apply_change(session, change)
    with pytest.raises(MonitoringRefused, match="is closed"), demo_workspace.writing() as session:
        apply_change(
            session,
            movement_record_change(
                session, pool, YEAR, 1, "supplementary", [(nursing, 500)], reason="late", approval_level="JMG"
            ),
        )
    with demo_workspace.reading() as session:
        assert forecast_rows(session, pool, YEAR, 1) == stored
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == events


def test_forecast_edit_is_audited_and_its_undo_restores_it(demo_workspace: Workspace) -> None:
    """An edit writes one audit event; applying the inverse puts the stored row back exactly."""
    pool, lines = _ids(demo_workspace)
    respite = lines["Respite care"]
    with demo_workspace.reading() as session:
        stored = forecast_rows(session, pool, YEAR, 2)
    change = forecast_change(
        pool, YEAR, 2, [(respite, stored.get(respite), ForecastEntry(2_300_000_00, None, "Up"))]
    )
    with demo_workspace.writing() as session:
        apply_change(session, change)
    with demo_workspace.reading() as session:
        report = period_report(session, pool, YEAR, 2)
        action, new = session.execute(
            select(AuditEvent.action, AuditEvent.new).order_by(AuditEvent.sequence.desc()).limit(1)
        ).one()
    assert report.table.row(respite).variance == 2_300_000_00 - 2_214_000_00
    assert action == "edit_forecasts" and json.loads(new)["rows"][0]["forecast_pence"] == 230_000_000
    with demo_workspace.writing() as session:
        apply_change(session, change.inverse())
    with demo_workspace.reading() as session:
        assert forecast_rows(session, pool, YEAR, 2) == stored
    # Applying the same change twice is stale: refused, nothing changed.
    with demo_workspace.writing() as session:
        apply_change(session, change)
    with pytest.raises(MonitoringRefused, match="changed elsewhere"), demo_workspace.writing() as session:
        apply_change(session, change)


def test_movements_latest_budget_and_the_cabinet_mark(demo_workspace: Workspace) -> None:
    """The demo's £600,000 supplementary estimate is above the £500,000 limit; the £300,000
    virement is not; external home support's latest budget is 13,710,000 + 300,000 + 600,000."""
    pool, lines = _ids(demo_workspace)
    with demo_workspace.reading() as session:
        listed = movements(session, pool, YEAR)
        report = period_report(session, pool, YEAR, 2)
        series = period_series(session, pool, YEAR)
    assert [(m.kind, m.needs_higher_approval) for m in listed] == [
        ("virement", False),
        ("supplementary", True),
    ]
    assert report.table.row(lines["Home support – external"]).latest == 1_461_000_000
    assert series[1][1] == report.table.pool.latest and series[1][2] == report.table.pool.forecast
    assert series[0][3] is True and series[1][3] is False
    # The page passes the report it has just read, so the shown period is not summed again: the
    # same points either way, for every period.
    with demo_workspace.reading() as session:
        for number in (2, 3):
            shown = period_report(session, pool, YEAR, number)
            assert period_series(session, pool, YEAR, shown=shown) == series


def test_check_finds_a_closed_period_changed_behind_the_applications_back(demo_path: Path) -> None:
    """Editing quarter 1's frozen report, or its forecasts, with SQL is reported by check."""
    assert run_checks(demo_path) == []
    connection = sqlite3.connect(demo_path)
    connection.execute("UPDATE monitoring_forecast SET forecast_pence = forecast_pence + 1 WHERE period = 1")
    connection.commit()
    messages = [f.message for f in run_checks(demo_path)]
    assert any(
        "Quarter" not in m and "period 1 is closed but the forecast for line" in m for m in messages
    ), messages
    connection.execute("UPDATE monitoring_forecast SET forecast_pence = forecast_pence - 1 WHERE period = 1")
    connection.execute("UPDATE monitoring_period SET snapshot = replace(snapshot, '16162000', '16162001')")
    connection.commit()
    connection.close()
    messages = [f.message for f in run_checks(demo_path)]
    assert messages == [
        "Monitoring: Older People 2009/10 period 1 is closed but its frozen report was changed after it was closed."
    ]


def test_check_finds_changed_frozen_totals(demo_path: Path) -> None:
    """The chart's frozen totals of a closed period are checked against its frozen report."""
    connection = sqlite3.connect(demo_path)
    assert connection.execute("SELECT latest_pence, forecast_pence FROM monitoring_period").fetchall() == [
        (10_429_300_000, 10_480_700_000)  # 104,293,000 and 104,807,000 pounds, as frozen
    ]
    connection.execute("UPDATE monitoring_period SET forecast_pence = forecast_pence + 1")
    connection.commit()
    connection.close()
    assert [f.message for f in run_checks(demo_path)] == [
        "Monitoring: Older People 2009/10 period 1 is closed but its frozen totals were changed after it was closed."
    ]


def test_dump_and_load_keep_monitoring(tmp_path: Path, demo_workspace: Workspace) -> None:
    """Every monitoring table survives dump → load → dump, and the closed period still checks."""
    first = dump_text(demo_workspace)
    tables = json.loads(first)["tables"]
    assert len(tables["monitoring_period"]) == 1 and len(tables["monitoring_movement_leg"]) == 3
    loaded = load_workspace(json.loads(first), tmp_path / "copy.jmg")
    try:
        assert dump_text(loaded) == first
    finally:
        loaded.close()
    assert run_checks(tmp_path / "copy.jmg") == []


def test_closing_twice_is_refused(demo_workspace: Workspace) -> None:
    """A closed period cannot be closed again."""
    pool, _lines = _ids(demo_workspace)
    with pytest.raises(MonitoringRefused, match="already closed"), demo_workspace.reading() as session:
        close_period_change(session, pool, YEAR, 1)
