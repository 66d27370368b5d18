"""Scenarios kept in the workspace: saved, reloaded, audited, and carried through dump/load."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario, ScenarioError
from jmg_desktop.store.audit import events_for
from jmg_desktop.store.dump import dump_text, load_workspace
from jmg_desktop.store.models import ProjectionScenario, ScenarioAdjustment, ScenarioRateOverride
from jmg_desktop.store.scenarios_demo import DEMO_SCENARIOS
from jmg_desktop.store.scenarios_repo import (
    ScenarioNotFound,
    delete_scenario,
    find_pool,
    load_scenario,
    projection_inputs,
    save_scenario,
    scenario_names,
)
from jmg_desktop.store.workspace import Workspace

Y2009 = FinancialYear(2009)

DETAILED = Scenario(
    name="Detailed",
    description="Every kind of assumption at once.",
    inflation=Decimal("0.0275"),
    growth=Decimal("-0.005"),
    savings=Decimal("0.021234"),
    overrides=(
        RateOverride("inflation", Decimal("0.04"), category="Care homes"),
        RateOverride("savings", Decimal("0"), year=FinancialYear(2011)),
        RateOverride("growth", Decimal("0.03"), category="Home support", year=FinancialYear(2012)),
    ),
    additions_approved=False,
    removals_approved=False,
    adjustments=(
        Adjustment(
            Money.from_pounds("-12500.50"), FinancialYear(2011), recurrent=False, service="Respite care"
        ),
        Adjustment(
            Money.from_pounds("250000"),
            FinancialYear(2012),
            category="Equipment",
            partner="Oxfordshire Primary Care Trust",
            label="Telecare",
            pool="Older People",
        ),
    ),
)


def test_demo_has_its_scenarios_exactly(demo_workspace: Workspace) -> None:
    with demo_workspace.reading() as session:
        assert scenario_names(session) == ["Central", "High inflation", "Savings plan"]
        for scenario in DEMO_SCENARIOS:
            assert load_scenario(session, scenario.name) == scenario


def test_a_saved_scenario_comes_back_exactly_after_reopening(demo_path: Path) -> None:
    workspace = Workspace.open(demo_path)
    with workspace.writing() as session:
        save_scenario(session, DETAILED)
    workspace.close()
    reopened = Workspace.open(demo_path, read_only=True)
    try:
        with reopened.reading() as session:
            loaded = load_scenario(session, "detailed")  # names match regardless of case
    finally:
        reopened.close()
    assert loaded == DETAILED
    assert loaded.savings == Decimal("0.021234")


def test_replacing_a_scenario_rewrites_its_parts_and_is_audited(demo_workspace: Workspace) -> None:
    with demo_workspace.writing() as session:
        scenario_id = save_scenario(session, DETAILED)
    renamed = Scenario("Detailed v2", inflation=Decimal("0.03"))
    with demo_workspace.writing() as session:
        assert save_scenario(session, renamed, replacing="Detailed") == scenario_id
    with demo_workspace.reading() as session:
        assert load_scenario(session, "Detailed v2") == renamed
        assert (
            session.scalar(
                select(func.count())
                .select_from(ScenarioRateOverride)
                .where(ScenarioRateOverride.scenario_id == scenario_id)
            )
            == 0
        )
        events = events_for(session, "projection_scenario", scenario_id)
        assert [event.action for event in events] == ["save_scenario", "update_scenario"]
        assert json.loads(events[1].old)["inflation"] == "0.0275"
        assert json.loads(events[1].new)["inflation"] == "0.03"


def test_bad_scenarios_are_refused_and_nothing_is_written(demo_workspace: Workspace) -> None:
    cases = [
        (Scenario("central"), "already exists"),
        (Scenario("X", overrides=(RateOverride("growth", Decimal("0.01"), category="Nope"),)), "no category"),
        (Scenario("X", inflation=Decimal("0.0000001")), "four decimal places"),
        (
            Scenario("X", adjustments=(Adjustment(Money(1), Y2009, service="A", partner="Nobody"),)),
            "no partner called “Nobody”",
        ),
    ]
    for scenario, message in cases:
        with pytest.raises(ScenarioError, match=message), demo_workspace.writing() as session:
            save_scenario(session, scenario)
    with demo_workspace.reading() as session:
        assert scenario_names(session) == ["Central", "High inflation", "Savings plan"]


def test_deleting_removes_overrides_and_adjustments(demo_workspace: Workspace) -> None:
    with demo_workspace.writing() as session:
        save_scenario(session, DETAILED)
    with demo_workspace.writing() as session:
        delete_scenario(session, "Detailed")
    with demo_workspace.reading() as session:
        assert "Detailed" not in scenario_names(session)
        remaining = session.scalars(select(ScenarioAdjustment.label)).all()
        assert "Telecare" not in remaining
        with pytest.raises(ScenarioNotFound, match=r"no scenario called “Detailed”.*“Central”"):
            load_scenario(session, "Detailed")


def test_adjustments_are_limited_to_the_pools_projected(demo_workspace: Workspace) -> None:
    with demo_workspace.reading() as session:
        equipment = find_pool(session, "Equipment")
        physical = find_pool(session, "physical disabilities")
        older = find_pool(session, "Older People")
        assert len(load_scenario(session, "Central", [physical.id]).adjustments) == 0
        assert [a.pool for a in load_scenario(session, "Central", [equipment.id]).adjustments] == [
            "Equipment"
        ]
        inputs = projection_inputs(session, older.id, Y2009)
        assert len(load_scenario(session, "Central", inputs.pool_ids).adjustments) == 2
        with pytest.raises(ScenarioNotFound, match="no pool called “Nowhere”"):
            find_pool(session, "Nowhere")


def test_projection_inputs_mark_linked_lines(demo_workspace: Workspace) -> None:
    # The demo: 16 Older People lines, 4 Physical Disabilities and 3 Equipment lines in 2009/10.
    with demo_workspace.reading() as session:
        older = find_pool(session, "Older People")
        inputs = projection_inputs(session, older.id, Y2009)
    assert inputs.host_partner == "Oxfordshire County Council"
    assert [line.linked for line in inputs.lines] == [False] * 16 + [True] * 7
    assert inputs.lines[0].service == "Care homes – residential placements"
    assert inputs.lines[0].pence == 21_874_000_00
    assert {line.pool for line in inputs.lines[16:]} == {"Physical Disabilities", "Equipment"}


def test_dump_and_load_carry_scenarios(demo_workspace: Workspace, tmp_path: Path) -> None:
    with demo_workspace.writing() as session:
        save_scenario(session, DETAILED)
    data = json.loads(dump_text(demo_workspace))
    assert {row["name"] for row in data["tables"]["projection_scenario"]} >= {"Central", "Detailed"}
    copy = load_workspace(data, tmp_path / "copy.jmg")
    try:
        with copy.reading() as session:
            assert load_scenario(session, "Detailed") == DETAILED
            assert load_scenario(session, "Central") == DEMO_SCENARIOS[0]
            assert session.scalar(select(func.count()).select_from(ProjectionScenario)) == 4
    finally:
        copy.close()


def test_a_schema_0001_workspace_gains_scenarios_when_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from jmg_desktop.core.projection import project

    monkeypatch.setenv("JMG_DESKTOP_DATA_DIR", str(tmp_path / "userdata"))
    old = tmp_path / "old.jmg"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "schema0001.jmg", old)
    workspace = Workspace.open(old)
    try:
        with workspace.reading() as session:
            assert scenario_names(session) == []
        with workspace.writing() as session:
            save_scenario(session, Scenario("After migration", inflation=Decimal("0.025")))
        with workspace.reading() as session:
            inputs = projection_inputs(session, find_pool(session, "Older People").id, Y2009)
            scenario = load_scenario(session, "After migration", inputs.pool_ids)
    finally:
        workspace.close()
    day_services = next(line for line in project(inputs.lines, scenario, Y2009, 1).lines if line.key == 1)
    assert day_services.pence == (334_200_000, 342_555_000)  # 3,342,000.00 × 1.025 = 3,425,550.00
