"""The lines store: windowed reads, one transaction and one audit event per change, exact undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from jmg_desktop.core.commands import (
    ChangeSet,
    FieldUpdate,
    LineRecord,
    delete_lines,
    edit_fields,
    insert_lines,
    move_lines,
    reference_change,
)
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.errors import ReadOnlyError, WorkspaceError
from jmg_desktop.store.lines_repo import (
    LinesStore,
    StaleEditError,
    fetch_lines,
    line_ids,
    pool_years,
    reference_rows,
    usage_count,
)
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.workspace import Workspace

OLDER_PEOPLE = 1


def _snapshot(workspace: Workspace) -> list[tuple]:
    with workspace.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM pool_line ORDER BY id")).all()
        connection.rollback()
    return [tuple(row) for row in rows]


def _events(workspace: Workspace) -> list[AuditEvent]:
    with workspace.reading() as session:
        events = list(session.execute(select(AuditEvent).order_by(AuditEvent.sequence)).scalars())
        session.expunge_all()  # keep their loaded values after the read ends
    return events


def test_reads_in_pool_order_sorted_and_filtered(demo_workspace: Workspace) -> None:
    ids = line_ids(demo_workspace, OLDER_PEOPLE, 2009)
    records = fetch_lines(demo_workspace, ids)
    assert [records[i].position for i in ids] == list(range(1, 17))
    by_amount = line_ids(demo_workspace, OLDER_PEOPLE, 2009, sort_field="amount_pence", descending=True)
    amounts = [fetch_lines(demo_workspace, [i])[i].amount_pence for i in by_amount]
    assert amounts == sorted(amounts, reverse=True)
    day = line_ids(demo_workspace, OLDER_PEOPLE, 2009, needle="DAY serv")
    assert {records[i].service for i in day} == {"Day services – internal", "Day services – external"}
    assert line_ids(demo_workspace, OLDER_PEOPLE, 2009, needle="100%") == []
    assert pool_years(demo_workspace, OLDER_PEOPLE) == [2009]


def test_edit_is_committed_with_an_audit_event(demo_workspace: Workspace) -> None:
    store = LinesStore(demo_workspace)
    edit_fields([FieldUpdate(1, "amount_pence", 2187400000, 2200000000)]).apply(store)
    assert fetch_lines(demo_workspace, [1])[1].amount_pence == 2200000000
    last = _events(demo_workspace)[-1]
    assert (last.action, last.entity, last.entity_id) == ("edit_lines", "pool_line", 1)
    assert json.loads(last.old) == {"amount_pence": 2187400000}
    assert json.loads(last.new) == {"amount_pence": 2200000000}
    assert last.actor
    with demo_workspace.reading() as session:
        assert verify_chain(session) is None


def test_undo_is_its_own_transaction_and_restores_exactly(demo_workspace: Workspace) -> None:
    store = LinesStore(demo_workspace)
    before = _snapshot(demo_workspace)
    records = list(fetch_lines(demo_workspace, [2, 7, 11]).values())
    command = delete_lines(records)
    command.apply(store)
    assert len(_snapshot(demo_workspace)) == len(before) - 3
    command.revert(store)
    assert _snapshot(demo_workspace) == before
    actions = [event.action for event in _events(demo_workspace)][-2:]
    assert actions == ["delete_lines", "undo_delete_lines"]


def test_insert_and_move_round_trip(demo_workspace: Workspace) -> None:
    store = LinesStore(demo_workspace)
    before = _snapshot(demo_workspace)
    (new_id,) = store.allocate_line_ids(1)
    line = LineRecord(new_id, OLDER_PEOPLE, 2009, "New", None, 1, 1, 0, "", 3)
    insert = insert_lines([line])
    insert.apply(store)
    ids = line_ids(demo_workspace, OLDER_PEOPLE, 2009)
    assert ids[2] == new_id
    window = [fetch_lines(demo_workspace, [i])[i] for i in ids[1:4]]
    move = move_lines(window, [ids[3], ids[1], ids[2]])
    move.apply(store)
    assert line_ids(demo_workspace, OLDER_PEOPLE, 2009)[1:4] == [ids[3], ids[1], ids[2]]
    move.revert(store)
    insert.revert(store)
    assert _snapshot(demo_workspace) == before


def test_inserted_lines_read_back_with_every_field_as_given(demo_workspace: Workspace) -> None:
    """Ordinary lines go in without their empty scheme fields; a batch where only a later line is
    a scheme (or a budget change, or new) stores every line's fields exactly, the others' empty."""
    store = LinesStore(demo_workspace)
    ids = iter(store.allocate_line_ids(7))

    def plain(position: int) -> LineRecord:
        return LineRecord(
            next(ids), OLDER_PEOPLE, 2009, f"Plain {position}", None, 1, 1, position, "", position
        )

    scheme = LineRecord(
        next(ids), OLDER_PEOPLE, 2009, "Scheme", 1, 2, 1, 500, "n", 20,
        scheme_ref="S1", commissioner="joint", nhs_share_bp=6000, council_share_bp=4000,
    )  # fmt: skip
    change = LineRecord(next(ids), OLDER_PEOPLE, 2009, "Change", None, 1, 1, -5, "", 21, kind="budget_change")
    new = LineRecord(next(ids), OLDER_PEOPLE, 2009, "New", None, 1, 1, 1, "", 23, new_or_existing="new")
    for batch in ([plain(17), plain(18)], [plain(19), scheme], [change], [plain(22), new]):
        insert_lines(batch).apply(store)
        assert fetch_lines(demo_workspace, [line.id for line in batch]) == {line.id: line for line in batch}


def test_line_ids_are_never_reused(demo_workspace: Workspace) -> None:
    store = LinesStore(demo_workspace)
    (first,) = store.allocate_line_ids(1)
    command = insert_lines([LineRecord(first, OLDER_PEOPLE, 2009, "A", None, 1, 1, 0, "", 17)])
    command.apply(store)
    command.revert(store)
    (second,) = store.allocate_line_ids(1)
    assert second == first + 1


def test_stale_edit_changes_nothing(demo_workspace: Workspace) -> None:
    store = LinesStore(demo_workspace)
    before = _snapshot(demo_workspace)
    events = len(_events(demo_workspace))
    changes = ChangeSet(
        updates=(
            FieldUpdate(1, "note", "", "first"),
            FieldUpdate(2, "amount_pence", 999, 1000),  # not what is stored
        )
    )
    with pytest.raises(StaleEditError):
        store.apply_changes(changes, action="edit_lines")
    assert _snapshot(demo_workspace) == before
    assert len(_events(demo_workspace)) == events


def test_an_edit_the_schema_refuses_changes_nothing_and_says_so(demo_workspace: Workspace) -> None:
    # A category that does not exist (removed by another window, say): the foreign key refuses it.
    store = LinesStore(demo_workspace)
    before, events = _snapshot(demo_workspace), len(_events(demo_workspace))
    category = fetch_lines(demo_workspace, [1])[1].category_id
    with pytest.raises(WorkspaceError) as refused:
        edit_fields([FieldUpdate(1, "category_id", category, 9999)]).apply(store)
    assert str(refused.value).startswith("The change would break data that depends on it (")
    assert str(refused.value).endswith("); nothing was changed.")
    assert _snapshot(demo_workspace) == before
    assert len(_events(demo_workspace)) == events
    assert not demo_workspace.read_only  # a refusal, not a fault of the disk
    edit_fields([FieldUpdate(1, "note", "", "still editable")]).apply(store)
    assert fetch_lines(demo_workspace, [1])[1].note == "still editable"


def test_read_only_workspace_refuses(demo_path: Path) -> None:
    with Workspace.open(demo_path, read_only=True) as workspace, pytest.raises(ReadOnlyError):
        edit_fields([FieldUpdate(1, "note", "", "x")]).apply(LinesStore(workspace))


def test_reference_rows_and_usage(demo_workspace: Workspace) -> None:
    categories = reference_rows(demo_workspace, "category")
    assert categories[0]["name"] == "Care homes"
    assert categories[0]["used_by"] == 5
    assert usage_count(demo_workspace, "category", categories[0]["id"]) == {"lines": 5}
    store = LinesStore(demo_workspace)
    new_id = store.next_reference_id("category")
    add = reference_change(
        "category", new_id, None, {"id": new_id, "name": "Reablement", "position": 99}, text="Add Category"
    )
    add.apply(store)
    assert reference_rows(demo_workspace, "category")[-1]["name"] == "Reablement"
    add.revert(store)
    assert "Reablement" not in {row["name"] for row in reference_rows(demo_workspace, "category")}


@pytest.mark.parametrize("seed", range(12))
def test_random_bulk_inserts_and_deletes_undo_exactly(demo_workspace: Workspace, seed: int) -> None:
    import random

    rng = random.Random(seed)
    store = LinesStore(demo_workspace)
    before = _snapshot(demo_workspace)
    ids = line_ids(demo_workspace, OLDER_PEOPLE, 2009)
    chosen = rng.sample(ids, rng.randint(1, 10))
    delete = delete_lines(list(fetch_lines(demo_workspace, chosen).values()))
    delete.apply(store)
    remaining = len(ids) - len(chosen)
    count = rng.randint(1, 5)
    positions = sorted(rng.sample(range(1, remaining + count + 1), count))  # final places, dense
    new_ids = store.allocate_line_ids(len(positions))
    insert = insert_lines(
        [
            LineRecord(i, OLDER_PEOPLE, 2009, f"New {i}", None, 1, 1, 0, "", p)
            for i, p in zip(new_ids, positions, strict=True)
        ]
    )
    insert.apply(store)
    records = fetch_lines(demo_workspace, line_ids(demo_workspace, OLDER_PEOPLE, 2009))
    assert sorted(r.position for r in records.values()) == list(range(1, remaining + len(positions) + 1))
    assert [records[i].position for i in new_ids] == positions
    insert.revert(store)
    delete.revert(store)
    assert _snapshot(demo_workspace) == before


def test_deleting_a_line_already_gone_changes_nothing(demo_workspace: Workspace) -> None:
    store = LinesStore(demo_workspace)
    records = list(fetch_lines(demo_workspace, [3, 4]).values())
    delete_lines(records[:1]).apply(store)
    before = _snapshot(demo_workspace)
    with pytest.raises(StaleEditError):
        delete_lines(records).apply(store)
    assert _snapshot(demo_workspace) == before


def test_null_category_round_trips_and_stale_rows_in_a_batch_are_caught(demo_workspace: Workspace) -> None:
    store = LinesStore(demo_workspace)
    edit_fields([FieldUpdate(1, "category_id", 1, None)]).apply(store)
    command = edit_fields([FieldUpdate(1, "category_id", None, 4), FieldUpdate(2, "category_id", 1, 4)])
    command.apply(store)
    command.revert(store)
    assert fetch_lines(demo_workspace, [1])[1].category_id is None
    before = _snapshot(demo_workspace)
    stale = edit_fields([FieldUpdate(1, "category_id", None, 4), FieldUpdate(2, "category_id", 9, 4)])
    with pytest.raises(StaleEditError):
        stale.apply(store)
    assert _snapshot(demo_workspace) == before
