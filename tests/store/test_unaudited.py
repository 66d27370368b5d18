"""Data changed without an audit event: ``check`` names the row and says what the trail recorded.

Each change is made with sqlite3 behind the application's back, on the demo (whose starting rows
are recorded whole) or after a change made through the application; the totals may or may not
still reconcile, and the change must be reported either way, naming the row.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from jmg_desktop.core.money import Money
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.stated_repo import update_stated
from jmg_desktop.store.workspace import Workspace


def _sql(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _unaudited(path: Path) -> list[str]:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    messages = [finding.message for finding in run_checks(path) if finding.check == "unaudited"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return messages


def test_the_demo_as_made_has_no_unaudited_changes(demo_path: Path) -> None:
    assert _unaudited(demo_path) == []


CASES = [
    (
        "an amount",
        "UPDATE pool_line SET amount_pence = 123456789 WHERE id = 7",
        "Line 7's amount is £1,234,567.89 but its last recorded change set £1,212,000.00 (changed outside JMG Desktop).",
    ),
    (
        "a note (totals unchanged)",
        "UPDATE pool_line SET note = 'moved to reserves' WHERE id = 3",
        "Line 3's note is “moved to reserves” but its last recorded change set “” (changed outside JMG Desktop).",
    ),
    (
        "a deleted line",
        "DELETE FROM pool_line WHERE id = 4",
        "Line 4 was deleted outside JMG Desktop (no recorded change removed it).",
    ),
    (
        "an inserted line",
        "INSERT INTO pool_line (id, pool_id, financial_year, service, category_id, partner_id, status_id, "
        "amount_pence, note, position, kind) SELECT 900, pool_id, financial_year, 'Extra', category_id, partner_id, "
        "status_id, 0, '', 99, kind FROM pool_line WHERE id = 1",
        "Line 900 is in no recorded change (added outside JMG Desktop).",
    ),
    (
        "a stated total",
        "UPDATE stated_total SET amount_pence = amount_pence + 100 WHERE id = 2",
        "Stated total 2's amount is ",
    ),
    (
        "a deleted stated total",
        "DELETE FROM stated_total WHERE id = 1",
        "Stated total 1 was deleted outside JMG Desktop (no recorded change removed it).",
    ),
    (
        "an agreement's words",
        "UPDATE agreement SET decision = 'Something else' WHERE id = 1",
        "Agreement 1's decision is “Something else” but its last recorded change set “",
    ),
    (
        "a meeting's date",
        "UPDATE meeting SET held_on = '2001-01-01' WHERE id = 2",
        "Meeting 2's held on is “2001-01-01” but its last recorded change set “2008-12-02” (changed outside JMG Desktop).",
    ),
    (
        "a paper's title",
        "UPDATE paper SET title = 'Forged' WHERE id = 1",
        "Paper 1's title is “Forged” but its last recorded change set “",
    ),
]


@pytest.mark.parametrize(("what", "statement", "expected"), CASES, ids=[case[0] for case in CASES])
def test_a_change_made_outside_the_application_is_named(
    demo_path: Path, what: str, statement: str, expected: str
) -> None:
    _sql(demo_path, statement)
    messages = _unaudited(demo_path)
    assert any(message.startswith(expected) for message in messages), messages


def test_a_change_through_the_application_then_a_direct_one(demo_path: Path) -> None:
    with Workspace.open(demo_path, backup=False) as workspace:
        before = update_stated(workspace, 2, replace(_entry(demo_path, 2), amount=Money.parse("£90m")))
    assert _unaudited(demo_path) == []
    _sql(demo_path, f"UPDATE stated_total SET amount_pence = {before.entry.amount.pence} WHERE id = 2")
    assert _unaudited(demo_path) == [
        f"Stated total 2's amount is {before.entry.amount.format_full()} but its last recorded change set "
        "£90,000,000.00 (changed outside JMG Desktop)."
    ]


def _entry(path: Path, stated_id: int):
    from jmg_desktop.store.stated_repo import StatedEntry

    connection = sqlite3.connect(path)
    try:
        partner, basis, scope, amount, source, note = connection.execute(
            "SELECT partner_id, basis, scope, amount_pence, source, note FROM stated_total WHERE id = ?",
            (stated_id,),
        ).fetchone()
    finally:
        connection.close()
    return StatedEntry(partner, basis, scope, Money(amount), source, note)


def test_lines_inserted_deleted_and_edited_through_the_store_raise_no_alarm(demo_path: Path) -> None:
    from jmg_desktop.core.commands import delete_lines
    from jmg_desktop.store.lines_repo import LinesStore

    with Workspace.open(demo_path, backup=False) as workspace:
        store = LinesStore(workspace)
        lines = store.lines_in_block(1, 2009)
        # Deleting a line moves every line below it up a place, without an event of its own.
        store.apply_changes(delete_lines([lines[2]]).changes, action="delete_lines")
    assert _unaudited(demo_path) == []
    _sql(demo_path, f"UPDATE pool_line SET service = 'Renamed' WHERE id = {lines[5].id}")
    assert _unaudited(demo_path) == [
        f"Line {lines[5].id}'s service is “Renamed” but its last recorded change set “{lines[5].service}” "
        "(changed outside JMG Desktop)."
    ]
