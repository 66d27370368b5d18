"""Schema 0008: every existing line gets a kind. Lines naming a change to the base budget
(inflation, uplift, demographic growth, efficiency savings) become budget changes; the rest stay
service budgets, and every figure is kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from jmg_desktop.store import backups
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.demo import build_demo
from jmg_desktop.store.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema0001.jmg"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "userdata"
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(folder))
    return folder


def _kinds(path: Path) -> dict[str, tuple[str, int]]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT service, kind, amount_pence FROM pool_line").fetchall()
    finally:
        connection.close()
    return {service: (kind, pence) for service, kind, pence in rows}


def test_an_older_file_is_migrated_with_uplifts_and_savings_as_budget_changes(tmp_path: Path) -> None:
    path = tmp_path / "old.jmg"
    shutil.copy(FIXTURE, path)
    connection = sqlite3.connect(path)
    with connection:  # lines an officer might have kept before kinds existed
        for line_id, service, pence in [
            (4, "2009/10 base budget changes – inflation, growth and savings", 164_600_000),
            (5, "Inflation uplift 2.5%", 12_000_000),
            (6, "Efficiency savings target", -5_000_000),
            (7, "Savings and loans advice service", 1_000_000),
        ]:
            connection.execute(
                "INSERT INTO pool_line VALUES (?, 1, 2009, ?, NULL, 1, 2, ?, '', ?)",
                (line_id, service, pence, line_id),
            )
    connection.close()
    with Workspace.open(path):
        pass
    assert _kinds(path) == {
        "Day Services – internal": ("service_budget", 334_200_000),
        "Home support – older people": ("service_budget", 1_210_055_512),
        "Intermediate care beds": ("service_budget", 91_800_001),
        "2009/10 base budget changes – inflation, growth and savings": ("budget_change", 164_600_000),
        "Inflation uplift 2.5%": ("budget_change", 12_000_000),
        "Efficiency savings target": ("budget_change", -5_000_000),
        "Savings and loans advice service": ("service_budget", 1_000_000),  # a service, not a saving
    }


def test_the_demo_marks_its_base_budget_changes_as_budget_changes(tmp_path: Path) -> None:
    build_demo(tmp_path / "demo.jmg").close()
    connection = sqlite3.connect(tmp_path / "demo.jmg")
    try:
        changes = connection.execute(
            "SELECT pool.name, pool_line.amount_pence FROM pool_line JOIN pool ON pool.id = pool_line.pool_id "
            "WHERE kind = 'budget_change' ORDER BY pool_line.id"
        ).fetchall()
    finally:
        connection.close()
    assert changes == [
        ("Older People", 164_600_000),
        ("Physical Disabilities", 7_400_000),
        ("Equipment", 2_400_000),
    ]
    assert run_checks(tmp_path / "demo.jmg") == []


def test_a_kind_outside_the_two_is_refused_by_the_file_itself(tmp_path: Path) -> None:
    build_demo(tmp_path / "demo.jmg").close()
    connection = sqlite3.connect(tmp_path / "demo.jmg")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("UPDATE pool_line SET kind = 'pension' WHERE id = 1")
    finally:
        connection.close()
