"""The audit chain detects changes made with sqlite3 behind the application's back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jmg_desktop.store.audit import HEAD_SETTING, audit_findings, event_hash, record_event, verify_chain
from jmg_desktop.store.workspace import Workspace


def _workspace_with_events(path: Path, count: int = 5) -> None:
    """A fresh workspace holding ``count`` audit events, closed."""
    workspace = Workspace.create(path)
    try:
        for number in range(1, count + 1):
            with workspace.writing() as session:
                record_event(
                    session,
                    action="edit",
                    entity="remark",  # about nothing in the file: these tests are about the chain
                    entity_id=number,
                    old={"amount_pence": number * 100},
                    new={"amount_pence": number * 200},
                    actor="tester",
                )
    finally:
        workspace.close()


def _findings(path: Path) -> list[str]:
    workspace = Workspace.open(path, read_only=True)
    try:
        with workspace.reading() as session:
            return audit_findings(session)
    finally:
        workspace.close()


def _tamper(path: Path, sql: str, params: tuple = ()) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(sql, params)
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def chained(tmp_path: Path) -> Path:
    path = tmp_path / "chained.jmg"
    _workspace_with_events(path)
    return path


def test_a_whole_chain_has_no_findings(chained: Path) -> None:
    assert _findings(chained) == []


def test_an_empty_trail_is_whole(empty_workspace: Workspace) -> None:
    with empty_workspace.reading() as session:
        assert verify_chain(session) is None


def test_the_demo_workspace_chain_is_whole(demo_workspace: Workspace) -> None:
    with demo_workspace.reading() as session:
        assert audit_findings(session) == []


def test_a_changed_row_is_named(chained: Path) -> None:
    _tamper(chained, "UPDATE audit_event SET new = '{\"amount_pence\":1}' WHERE sequence = 3")
    assert _findings(chained) == [
        "Audit trail broken at event 3: audit event 3 was changed after it was written."
    ]


def test_a_changed_actor_is_named(chained: Path) -> None:
    _tamper(chained, "UPDATE audit_event SET actor = 'someone else' WHERE sequence = 2")
    assert _findings(chained) == [
        "Audit trail broken at event 2: audit event 2 was changed after it was written."
    ]


def test_a_deleted_middle_row_is_named(chained: Path) -> None:
    _tamper(chained, "DELETE FROM audit_event WHERE sequence = 2")
    assert _findings(chained) == ["Audit trail broken at event 2: audit event 2 is missing."]


def test_a_deleted_last_row_is_named(chained: Path) -> None:
    _tamper(chained, "DELETE FROM audit_event WHERE sequence = 5")
    assert _findings(chained) == [
        "Audit trail broken at event 5: audit event 5 is missing (deleted from the end of the trail)."
    ]


def test_the_last_rows_deleted_are_named(chained: Path) -> None:
    _tamper(chained, "DELETE FROM audit_event WHERE sequence >= 4")
    assert _findings(chained) == [
        "Audit trail broken at event 4: audit event 4 to 5 are missing (deleted from the end of the trail)."
    ]


def test_every_row_deleted_is_detected(chained: Path) -> None:
    _tamper(chained, "DELETE FROM audit_event")
    assert _findings(chained) == [
        "Audit trail broken at event 1: audit event 1 to 5 are missing (deleted from the end of the trail)."
    ]


def test_a_deleted_head_marker_is_detected(chained: Path) -> None:
    _tamper(chained, "DELETE FROM workspace_setting WHERE key = ?", (HEAD_SETTING,))
    assert _findings(chained) == [
        "Audit trail broken at event 5: the audit trail's record of its last event is missing."
    ]


def _forged_fields(path: Path, sequence: int, prev_hash: str) -> dict:
    fields = {
        "sequence": sequence,
        "at": "2026-01-01T00:00:00.000000+00:00",
        "actor": "forger",
        "action": "edit",
        "entity": "pool_line",
        "entity_id": 99,
        "old": "",
        "new": "{}",
        "prev_hash": prev_hash,
    }
    return {**fields, "hash": event_hash(**fields)}


def _insert(path: Path, fields: dict) -> None:
    columns = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    _tamper(path, f"INSERT INTO audit_event ({columns}) VALUES ({marks})", tuple(fields.values()))


def test_a_correctly_hashed_row_appended_is_detected(chained: Path) -> None:
    connection = sqlite3.connect(chained)
    last_hash = connection.execute("SELECT hash FROM audit_event WHERE sequence = 5").fetchone()[0]
    connection.close()
    _insert(chained, _forged_fields(chained, 6, last_hash))
    assert _findings(chained) == [
        "Audit trail broken at event 6: audit event 6 was added outside the application."
    ]


def test_a_row_inserted_in_the_middle_is_named(chained: Path) -> None:
    # Make room after event 2 by renumbering the later events, then slip a forged event in.
    _tamper(chained, "UPDATE audit_event SET sequence = sequence + 100 WHERE sequence > 2")
    _tamper(chained, "UPDATE audit_event SET sequence = sequence - 99 WHERE sequence > 100")
    connection = sqlite3.connect(chained)
    hash_2 = connection.execute("SELECT hash FROM audit_event WHERE sequence = 2").fetchone()[0]
    connection.close()
    _insert(chained, _forged_fields(chained, 3, hash_2))
    # The forged event chains correctly onto event 2, so the first break is the event after it.
    assert _findings(chained) == [
        "Audit trail broken at event 4: audit event 4 does not follow the one before it."
    ]


def test_the_head_marker_moves_with_each_event(tmp_path: Path) -> None:
    path = tmp_path / "w.jmg"
    _workspace_with_events(path, 2)
    connection = sqlite3.connect(path)
    head = connection.execute("SELECT value FROM workspace_setting WHERE key = ?", (HEAD_SETTING,)).fetchone()
    last = connection.execute("SELECT sequence, hash FROM audit_event ORDER BY sequence DESC").fetchone()
    connection.close()
    assert head[0] == f"{last[0]}:{last[1]}"
    assert last[0] == 2


def test_an_event_rolled_back_leaves_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "w.jmg"
    _workspace_with_events(path, 1)
    workspace = Workspace.open(path)
    try:
        with pytest.raises(RuntimeError), workspace.writing() as session:
            record_event(session, action="edit", entity="pool_line", entity_id=1, new={})
            raise RuntimeError("the change failed")
    finally:
        workspace.close()
    assert _findings(path) == []


def test_check_command_reports_the_deleted_last_event(
    chained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from jmg_desktop.cli import main

    assert main(["check", str(chained)]) == 0
    _tamper(chained, "DELETE FROM audit_event WHERE sequence = 5")
    assert main(["check", str(chained)]) == 1
    output = capsys.readouterr()
    assert "audit event 5 is missing (deleted from the end of the trail)" in output.out + output.err


def test_upgrading_a_schema_0001_workspace_seeds_the_head_marker(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "old.jmg"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "schema0001.jmg", path)
    Workspace.open(path).close()  # migrates, after a backup copy
    assert _findings(path) == []
    connection = sqlite3.connect(path)
    head = connection.execute("SELECT value FROM workspace_setting WHERE key = ?", (HEAD_SETTING,)).fetchone()
    last = connection.execute("SELECT sequence, hash FROM audit_event ORDER BY sequence DESC").fetchone()
    connection.close()
    assert head[0] == f"{last[0]}:{last[1]}"
    # ...so deleting the last event of the old trail is now caught too.
    _tamper(path, "DELETE FROM audit_event WHERE sequence = ?", (last[0],))
    assert _findings(path) == [
        f"Audit trail broken at event {last[0]}: audit event {last[0]} is missing (deleted from the end of the trail)."
    ]


def test_a_large_event_encoded_line_by_line_is_the_same_text_as_encoded_whole() -> None:
    """An import's audit event is written one line at a time; its text (and so its hash) must be
    exactly what encoding the whole would give, non-ASCII, nulls and nesting included."""
    from jmg_desktop.store.audit import _canonical, encode_lists

    lines = [
        {"id": 7, "service": "Care homes – nursing", "amount_pence": -1_646_000_00, "note": None},
        {"id": 8, "service": "Older People’s day care", "amount_pence": 0, "note": "“quoted”\n"},
    ]
    refs = [{"table": "category", "id": 3, "row": {"name": "Équipement", "kind": None}}]
    whole = {"references": refs, "lines": lines}
    assert _canonical(encode_lists({"lines": iter(lines), "references": (r for r in refs)})) == _canonical(
        whole
    )
    assert _canonical(encode_lists({"lines": iter([])})) == _canonical({"lines": []})
    assert encode_lists({}) is None


def test_records_encoded_a_column_at_a_time_are_the_same_text_as_their_dicts_encoded() -> None:
    """Lines given as records (an import's or a large delete's) are written column by column; the
    text must be exactly the canonical encoding of each line's dict, across batch boundaries,
    with text that needs escaping, optional numbers, and a column that mixes types."""
    from jmg_desktop.core.commands import LineRecord
    from jmg_desktop.store.audit import _canonical, encode_lists
    from jmg_desktop.store.json_rows import SameFields

    services = ["Care homes – nursing", 'A "quoted" \\ name\n\ttab', "Équipe 100% €", "\x00\x1f", ""]
    records = [
        LineRecord(
            id=n,
            pool_id=1,
            financial_year=2009,
            service=services[n % len(services)] + str(n),
            category_id=None if n % 3 else n % 7,
            partner_id=2,
            status_id=1,
            amount_pence=-(10**14) + n if n % 2 else n * 101,
            note="50% of “the” cost" if n < 4096 else "",  # one value through the first batch
            position=n,
            nhs_share_bp=n % 10_001 if n % 5 == 0 else None,
            council_share_bp=1 if n < 4096 else None,
        )
        for n in range(9_000)  # more than two batches
    ]
    fields = LineRecord._fields
    as_dicts = [record.as_dict() for record in records]
    assert _canonical(encode_lists({"lines": SameFields(fields, records)})) == _canonical({"lines": as_dicts})
    assert _canonical(encode_lists({"lines": SameFields(fields, [])})) == '{"lines":[]}'
    # Named tuples of one class are read as columns by zip; a batch mixing in another kind of
    # record with the same attributes is read field by field, to the same text.
    from types import SimpleNamespace

    mixed = [*records[:5], SimpleNamespace(**records[5].as_dict()), records[6]]
    assert _canonical(encode_lists({"lines": SameFields(fields, mixed)})) == _canonical(
        {"lines": [record.as_dict() for record in records[:7]]}
    )
    same = [records[0]] * 3  # every column the same
    assert _canonical(encode_lists({"lines": SameFields(fields, same)})) == _canonical(
        {"lines": [records[0].as_dict()] * 3}
    )

    class Odd:
        """A record whose one column holds text, numbers, a float, a truth value and a list."""

        def __init__(self, value: object) -> None:
            self.value = value
            self.id = 1

    odd = [Odd(v) for v in ("x", 3, 2.5, True, None, [1, "é"], {"b": 1, "a": 2})]
    assert _canonical(encode_lists({"rows": SameFields(("value", "id"), odd)})) == _canonical(
        {"rows": [{"value": o.value, "id": 1} for o in odd]}
    )
    alike = [Odd(1), Odd(True), Odd(1.0)]  # equal in a set, but written 1, true and 1.0
    assert (
        _canonical(encode_lists({"rows": SameFields(("value",), alike)}))
        == '{"rows":[{"value":1},{"value":true},{"value":1.0}]}'
    )
    assert _canonical(encode_lists({"rows": SameFields((), alike)})) == '{"rows":[{},{},{}]}'


def test_a_long_event_is_hashed_in_pieces_to_the_same_digest() -> None:
    """Values of many megabytes are hashed a piece at a time; the digest must be that of the
    whole payload, with escapes (quotes, backslashes, control characters) falling on the pieces'
    edges, non-ASCII text, and a null entity id."""
    import hashlib
    import json

    from jmg_desktop.store.reads.audit import _PIECE, event_hash

    unit = 'a"b\\c\n\x01é–€\U0001f600'
    new = (unit * (2 * _PIECE // len(unit) + 3))[: 2 * _PIECE + 5]
    for cut in range(-3, 4):  # an escape or a wide character on each side of a piece's edge
        text = "x" * (_PIECE + cut) + new
        fields = dict(sequence=7, at="2026-12-02T06:00:00+00:00", actor="ann", action="import_lines",
                      entity="pool_line", entity_id=None, old="{}", new=text, prev_hash="ab" * 32)  # fmt: skip
        whole = json.dumps(list(fields.values()), ensure_ascii=False, separators=(",", ":"))
        assert event_hash(**fields) == hashlib.sha256(whole.encode("utf-8")).hexdigest()
