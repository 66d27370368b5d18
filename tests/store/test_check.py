"""``run_checks``: the findings behind ``jmg-desktop check``, on sound and damaged workspaces."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from jmg_desktop.store.check import Finding, run_checks
from jmg_desktop.store.errors import WorkspaceError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _sql(path: Path, *statements: str) -> None:
    """Change the file behind the application's back, as a hand-editing user or a bad tool would."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _messages(findings: list[Finding]) -> list[str]:
    return [finding.message for finding in findings]


def test_demo_workspace_has_no_findings_and_is_not_modified(demo_path: Path) -> None:
    before = (_digest(demo_path), demo_path.stat().st_mtime_ns)
    assert run_checks(demo_path) == []
    assert (_digest(demo_path), demo_path.stat().st_mtime_ns) == before
    assert not demo_path.with_name(demo_path.name + "-journal").exists()


def test_stated_total_that_does_not_reconcile_is_reported_to_the_penny(demo_path: Path) -> None:
    _sql(demo_path, "UPDATE pool_line SET amount_pence = amount_pence + 1 WHERE id = 1")
    findings = run_checks(demo_path)
    # The change made outside the application is named as such (see test_unaudited.py) ...
    assert [f.check for f in findings if f.check != "totals"] == ["unaudited"]
    # ... and the totals it breaks are each reported to the penny.
    messages = _messages([f for f in findings if f.check == "totals"])
    assert messages, "a one-penny change must break the demo's reconciliation"
    assert all(message.startswith("Totals: Older People 2009/10: the stated ") for message in messages)
    assert any(
        "value is £50,436,000.00 but the lines give £50,436,000.01 (difference £0.01)." in m for m in messages
    )


def test_hand_added_trigger_and_view_are_reported_and_other_checks_still_run(demo_path: Path) -> None:
    _sql(
        demo_path,
        "CREATE TRIGGER t_quiet AFTER INSERT ON pool_line BEGIN SELECT 1; END",
        "CREATE VIEW v_lines AS SELECT * FROM pool_line",
        "UPDATE pool_line SET amount_pence = amount_pence + 100 WHERE id = 1",
    )
    findings = run_checks(demo_path)
    messages = _messages(findings)
    assert "Schema: the file holds a trigger “t_quiet” on pool_line." in messages
    assert "Schema: the file holds a view “v_lines”." in messages
    assert any(f.check == "totals" for f in findings)


def test_foreign_key_breaks_are_listed(demo_path: Path) -> None:
    _sql(demo_path, "UPDATE pool_line SET category_id = 999 WHERE id = 3")
    assert "Foreign key: pool_line row 3 refers to a missing category row." in _messages(
        run_checks(demo_path)
    )


def test_tampered_audit_event_is_reported(demo_path: Path) -> None:
    _sql(demo_path, "UPDATE audit_event SET actor = 'someone else' WHERE sequence = 1")
    findings = [f for f in run_checks(demo_path) if f.check == "audit"]
    assert len(findings) == 1
    assert "event 1" in findings[0].message


def test_missing_column_and_unknown_table_are_schema_findings(demo_path: Path) -> None:
    _sql(
        demo_path,
        "ALTER TABLE pool_line DROP COLUMN note",
        "CREATE TABLE scratch (x INTEGER)",
    )
    findings = run_checks(demo_path)
    messages = _messages(findings)
    assert "Schema: the column pool_line.note is missing." in messages
    assert "Schema: the table scratch is not one this version knows." in messages
    # A missing column stops the checks that read through the models.
    assert not any(f.check in {"audit", "totals"} for f in findings)


def test_damaged_pages_are_integrity_findings(demo_path: Path) -> None:
    data = bytearray(demo_path.read_bytes())
    page = 4096
    for offset in range(3 * page, 6 * page, 7):  # scribble over three pages, keeping the header
        data[offset] = 0xA5
    demo_path.write_bytes(bytes(data))
    findings = run_checks(demo_path)
    assert findings
    assert findings[0].check == "integrity"
    assert findings[0].message.startswith("Integrity: ")
    assert all("\n" not in f.message for f in findings)


def test_older_schema_is_reported_not_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.jmg"
    shutil.copy(FIXTURES / "schema0001.jmg", path)
    before = _digest(path)
    messages = _messages(run_checks(path))
    assert len(messages) == 1
    assert messages[0].startswith("Schema: the file is at schema 1, older than this version's ")
    assert _digest(path) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"hello, not a database" * 10, "not a JMG Desktop workspace"),
    ],
)
def test_unusable_files_raise_a_one_sentence_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.jmg"
    path.write_bytes(content)
    with pytest.raises(WorkspaceError, match=expected):
        run_checks(path)


def test_interrupted_transaction_is_not_rolled_back_by_a_check(demo_path: Path) -> None:
    journal = demo_path.with_name(demo_path.name + "-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 504)
    with pytest.raises(WorkspaceError, match="interrupted by a crash"):
        run_checks(demo_path)
    assert journal.exists()
