"""Witnesses outside the file: a chain rewritten consistently inside the file is still caught.

Each attack below rewrites the audit trail *and* its head marker with correct hashes, so the chain
in the file verifies on its own (asserted); ``jmg-desktop check`` must still report that the
history was rewritten, naming the first witnessed event that is missing or changed, and leave the
file byte-for-byte as it found it. Ordinary use (edits over several sessions, copies, a new
workspace under an old name, a load) must never raise the alarm.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store.audit import HEAD_SETTING, event_hash, record_event, verify_chain
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.witness import leads_to
from jmg_desktop.store.workspace import Workspace

EDITS = 15


def _edit(workspace: Workspace, number: int) -> None:
    with workspace.writing() as session:
        record_event(
            session,
            action="edit",
            entity="remark",
            entity_id=1,
            new={"note": f"edit {number}"},
            actor="tester",
        )


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    """A new workspace whose events 1..EDITS were each made (and witnessed) in its own edit."""
    path = tmp_path / "edited.jmg"
    workspace = Workspace.create(path)
    try:
        for number in range(1, EDITS + 1):
            _edit(workspace, number)
    finally:
        workspace.close()
    return path


def _events(connection: sqlite3.Connection) -> list[dict[str, object]]:
    rows = connection.execute(
        "SELECT id, sequence, at, actor, action, entity, entity_id, old, new FROM audit_event ORDER BY sequence"
    ).fetchall()
    names = ["id", "sequence", "at", "actor", "action", "entity", "entity_id", "old", "new"]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _rewrite(connection: sqlite3.Connection, events: list[dict[str, object]]) -> None:
    """Replace the whole trail with ``events``, re-hashed from the first, and move the head marker."""
    connection.execute("DELETE FROM audit_event")
    previous = ""
    for event in events:
        fields = {
            key: event[key]
            for key in ("sequence", "at", "actor", "action", "entity", "entity_id", "old", "new")
        }
        digest = event_hash(**fields, prev_hash=previous)  # type: ignore[arg-type]
        connection.execute(
            "INSERT INTO audit_event (id, sequence, at, actor, action, entity, entity_id, old, new, prev_hash, hash) "
            "VALUES (:id, :sequence, :at, :actor, :action, :entity, :entity_id, :old, :new, :prev, :hash)",
            {**event, "prev": previous, "hash": digest},
        )
        previous = digest
    if events:
        head = f"{events[-1]['sequence']}:{previous}"
        connection.execute("UPDATE workspace_setting SET value = ? WHERE key = ?", (head, HEAD_SETTING))
    else:
        connection.execute("DELETE FROM workspace_setting WHERE key = ?", (HEAD_SETTING,))


def _drop_last(events: list[dict[str, object]]) -> list[dict[str, object]]:
    return events[:-1]


def _drop_all(events: list[dict[str, object]]) -> list[dict[str, object]]:
    return []


def _change_eleventh(events: list[dict[str, object]]) -> list[dict[str, object]]:
    events[10]["new"] = json.dumps({"note": "what they wish had been written"})
    return events


def _remove_seventh_and_renumber(events: list[dict[str, object]]) -> list[dict[str, object]]:
    kept = events[:6] + events[7:]
    for number, event in enumerate(kept, start=1):
        event["sequence"] = number
    return kept


ATTACKS: list[tuple[str, Callable[[list[dict[str, object]]], list[dict[str, object]]], int]] = [
    ("the last event deleted and the head pointed at the one before", _drop_last, EDITS),
    ("every event deleted, and the head marker", _drop_all, 1),
    ("event 11 changed and re-hashed to the end", _change_eleventh, 11),
    ("event 7 removed and the rest renumbered", _remove_seventh_and_renumber, 7),
]


@pytest.mark.parametrize(("what", "attack", "first_missing"), ATTACKS, ids=[case[0] for case in ATTACKS])
def test_a_consistently_rewritten_history_is_caught_by_the_witnesses(
    edited: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
    attack: Callable[[list[dict[str, object]]], list[dict[str, object]]],
    first_missing: int,
) -> None:
    connection = sqlite3.connect(edited)
    _rewrite(connection, attack(_events(connection)))
    connection.commit()
    connection.close()
    with Workspace.open(edited, read_only=True) as workspace, workspace.reading() as session:
        assert verify_chain(session) is None, "the forgery must look whole inside the file"
    before = hashlib.sha256(edited.read_bytes()).hexdigest()
    code = main(["check", str(edited)])
    out = capsys.readouterr().out
    assert code == 1
    assert "Audit trail: the history was rewritten after " in out
    assert (
        f": event {first_missing} is missing or changed (JMG Desktop witnessed it outside the file)." in out
    )
    assert hashlib.sha256(edited.read_bytes()).hexdigest() == before


def test_edits_over_several_sessions_raise_no_alarm(edited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for _session in range(3):
        with Workspace.open(edited, backup=False) as workspace:
            _edit(workspace, 99)
    assert main(["check", str(edited)]) == 0, capsys.readouterr().out


def test_a_copy_edited_apart_raises_no_alarm_on_either(edited: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.jmg"
    with Workspace.open(edited, backup=False) as workspace:
        workspace.save_copy(copy)
    with Workspace.open(copy, backup=False) as workspace:
        _edit(workspace, 100)
    with Workspace.open(edited, backup=False) as workspace:
        _edit(workspace, 200)
    assert main(["check", str(edited)]) == 0
    assert main(["check", str(copy)]) == 0


def test_a_new_workspace_under_an_old_name_is_not_a_rewrite(edited: Path) -> None:
    edited.unlink()
    with Workspace.create(edited) as workspace:
        _edit(workspace, 1)
    assert main(["check", str(edited)]) == 0


def test_a_workspace_loaded_over_an_old_name_is_not_a_rewrite(edited: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.json"
    assert main(["dump", str(edited), "-o", str(dump)]) == 0
    for _ in range(2):
        edited.unlink()
        assert main(["load", str(dump), "-o", str(edited)]) == 0
        assert main(["check", str(edited)]) == 0
        with Workspace.open(edited, backup=False) as workspace:
            _edit(workspace, 300)


def test_removing_the_identity_does_not_hide_a_rewrite(
    edited: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(edited)
    _rewrite(connection, _drop_last(_events(connection)))
    connection.execute("DELETE FROM workspace_setting WHERE key = 'workspace_id'")
    connection.commit()
    connection.close()
    assert main(["check", str(edited)]) == 1
    assert f"event {EDITS} is missing or changed" in capsys.readouterr().out


def test_leads_to_answers_whether_a_recorded_head_is_still_there(edited: Path) -> None:
    with Workspace.open(edited, read_only=True) as workspace, workspace.reading() as session:
        head = session.query(AuditEvent).filter(AuditEvent.sequence == 9).one()
        assert leads_to(session_rows(session), 9, head.hash) == ""
        assert leads_to(session_rows(session), 9, "0" * 64) == "event 9 is missing or changed"
        assert (
            leads_to(session_rows(session), EDITS + 5, head.hash)
            == f"event {EDITS + 5} is missing or changed"
        )
