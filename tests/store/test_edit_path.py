"""A cell edit's lean path writes exactly what the general one writes: the audit event's text and
hash, the head marker, the witness line; and the general path is still the one taken off SQLite."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from jmg_desktop.core.commands import ChangeSet, FieldUpdate
from jmg_desktop.store import audit, lines_repo, raw_writes, witness
from jmg_desktop.store.audit import encode_field, event_hash
from jmg_desktop.store.lines_repo import LinesStore, fetch_lines, line_ids
from jmg_desktop.store.reads.audit import hash_of
from jmg_desktop.store.workspace import Workspace

_AWKWARD = ["plain", 'q"uote \\ back\nline\ttab', "", "é ✓ \u2028 \x00", "ß" * 300]


class _Frozen(datetime):
    """A clock that always says the same microsecond."""

    @classmethod
    def now(cls, tz: Any = None) -> _Frozen:  # type: ignore[override]
        return cls(2026, 12, 2, 12, 0, 0, 123456, tzinfo=tz)


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("value", [*_AWKWARD, 0, -12, 10**20, None, True, False, 1.5, -0.0])
@pytest.mark.parametrize("field", ["amount_pence", "note", 'nöte "x"'])
def test_a_cell_value_is_recorded_as_the_trails_canonical_json(field: str, value: object) -> None:
    assert encode_field(field, value).text == _canonical({field: value})
    assert audit._canonical(encode_field(field, value)) == audit._canonical({field: value})


@pytest.mark.parametrize("entity_id", [None, 0, 7, 2**40])
@pytest.mark.parametrize("text", _AWKWARD)
def test_the_event_hash_is_the_documented_one(entity_id: int | None, text: str) -> None:
    fields = [12, "2026-12-02T12:00:00.123456+00:00", text, "edit_lines", "pool_line", entity_id]
    fields += [_canonical({"note": text}), '{"note":"x"}', "ab" * 32]
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    expected = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    names = ("sequence", "at", "actor", "action", "entity", "entity_id", "old", "new", "prev_hash")
    assert hash_of(*fields) == expected
    assert event_hash(**dict(zip(names, fields, strict=True))) == expected


def test_the_witness_line_is_the_one_record_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(witness, "datetime", _Frozen)
    identity = 'id "é" ✓'
    witness.record(tmp_path / "general.jsonl", identity, 41, "ab" * 32)
    witness.record(tmp_path / "general.jsonl", identity, True, "cd")  # not an int: JSON's own text
    recorder = witness.Recorder(tmp_path / "lean.jsonl", identity)
    recorder.record(41, "ab" * 32)
    recorder.record(True, "cd")
    lean = (tmp_path / "lean.jsonl").read_bytes()
    assert lean == (tmp_path / "general.jsonl").read_bytes()
    assert b'"seq":true' in lean


def test_a_statement_given_its_parameters_out_of_order_is_refused() -> None:
    with pytest.raises(ValueError, match="takes its parameters"):
        raw_writes.prepare(audit._MOVE_HEAD, ("head_key", "head_value"))


def _edit_and_read(
    path: Path, *, through_sqlalchemy: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, ...]:
    """Cell edits on ``path`` (a note, its undo, an amount): made as the window makes them
    (:meth:`LinesStore.apply_changes`, on SQLite's own connection), or with every statement through
    SQLAlchemy as on PostgreSQL. The lines, the events and the head marker after."""
    with monkeypatch.context() as patch:
        patch.setattr(audit, "datetime", _Frozen)
        with Workspace.open(path, backup=False) as workspace:
            store = LinesStore(workspace)
            line = line_ids(workspace, 1, 2009)[3]
            record = fetch_lines(workspace, [line])[line]
            note = ChangeSet(updates=(FieldUpdate(line, "note", record.note, 'é"✓'),))
            amount = ChangeSet(updates=(FieldUpdate(line, "amount_pence", record.amount_pence, 5),))
            for step in (note, note.inverse(), amount):
                if not through_sqlalchemy:
                    store.apply_changes(step, action="edit_lines")
                    continue
                with patch.context() as general:
                    for module in (audit, lines_repo, raw_writes):
                        general.setattr(module, "driver_of", lambda _connection: None)
                    with workspace.writing() as session:
                        store.apply_in(session, step, action="edit_lines")
    with sqlite3.connect(path) as connection:
        return (
            connection.execute("SELECT * FROM pool_line ORDER BY id").fetchall(),
            connection.execute("SELECT * FROM audit_event ORDER BY sequence").fetchall(),
            connection.execute("SELECT value FROM workspace_setting WHERE key = 'audit_head'").fetchall(),
        )


def test_the_sqlalchemy_route_writes_what_the_driver_route_writes(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.jmg"
    copy.write_bytes(demo_path.read_bytes())
    lean = _edit_and_read(demo_path, through_sqlalchemy=False, monkeypatch=monkeypatch)
    general = _edit_and_read(copy, through_sqlalchemy=True, monkeypatch=monkeypatch)
    assert lean == general
    events = lean[1][-3:]
    assert [event[7:9] for event in events[1:]] == [
        ('{"note":"é\\"✓"}', events[0][7]),
        (events[2][7], '{"amount_pence":5}'),
    ]
    assert lean[2] == [(f"{events[2][1]}:{events[2][10]}",)]


def test_an_edit_is_witnessed_before_it_returns(demo_path: Path) -> None:
    with Workspace.open(demo_path, backup=False) as workspace:
        store = LinesStore(workspace)
        line = line_ids(workspace, 1, 2009)[0]
        amount = fetch_lines(workspace, [line])[line].amount_pence
        update = FieldUpdate(line, "amount_pence", amount, amount + 1)
        store.apply_changes(ChangeSet(updates=(update,)), action="edit_lines")
        with sqlite3.connect(demo_path) as connection:
            sequence, at, digest = connection.execute(
                "SELECT sequence, at, hash FROM audit_event ORDER BY sequence DESC LIMIT 1"
            ).fetchone()
        last = json.loads(witness.file_for(demo_path).read_text(encoding="utf-8").splitlines()[-1])
    assert (last["seq"], last["hash"]) == (sequence, digest)
    assert datetime.fromisoformat(at).tzinfo == UTC
