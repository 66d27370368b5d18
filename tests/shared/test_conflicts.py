"""Several people on one shared workspace: a stale edit or undo is refused with the other
person's name, nothing is silently overwritten, and the audit chain stays whole."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from jmg_desktop.core.commands import FieldUpdate, LineRecord, edit_fields
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.lines_repo import LinesStore, StaleEditError, fetch_lines
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.roles import grant_role, set_up_roles

_REFUSAL = re.compile(r"^This line was changed by (.+) at \d\d:\d\d; the table now shows their change\.$")


@pytest.fixture
def people(pg_server, pg_demo_template, pg_database) -> Iterator[tuple[SharedWorkspace, SharedWorkspace]]:
    """Helen and Raj, each with a window (a workspace handle) on the same shared demo."""
    address = pg_database(pg_demo_template)
    database = make_url(address).database
    with SharedWorkspace.open(address) as admin, admin.engine.begin() as connection:
        set_up_roles(connection)
        for role, name in (("helen", "Helen Marsh"), ("raj", "Raj Patel")):
            if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                connection.execute(text(f"CREATE ROLE {role} LOGIN"))
            connection.execute(text(f"COMMENT ON ROLE {role} IS '{name}'"))
            grant_role(connection, role, "editor")
    socket = f"host={pg_server.folder}&port={pg_server.port}"
    helen = SharedWorkspace.open(f"postgresql://helen@/{database}?{socket}")
    raj = SharedWorkspace.open(f"postgresql://raj@/{database}?{socket}")
    yield helen, raj
    helen.close()
    raj.close()


def _line(workspace: SharedWorkspace, line_id: int) -> LineRecord:
    return fetch_lines(workspace, [line_id])[line_id]


def _first_line(workspace: SharedWorkspace) -> int:
    with workspace.reading() as session:
        return session.execute(select(PoolLine.id).order_by(PoolLine.id).limit(1)).scalar_one()


def test_a_stale_edit_of_the_same_cell_is_refused_with_the_other_persons_name(people) -> None:
    helen, raj = people
    line = _first_line(helen)
    shown = _line(raj, line).amount_pence  # Raj's table shows this amount
    LinesStore(helen).apply_changes(
        edit_fields([FieldUpdate(line, "amount_pence", shown, shown + 100)]).changes, action="edit_lines"
    )
    with pytest.raises(StaleEditError) as refused:
        LinesStore(raj).apply_changes(
            edit_fields([FieldUpdate(line, "amount_pence", shown, shown + 999)]).changes, action="edit_lines"
        )
    assert _REFUSAL.match(str(refused.value)).group(1) == "Helen Marsh"
    assert _line(raj, line).amount_pence == shown + 100  # Helen's change stands
    # Once Raj's table shows Helen's change, his edit of it goes through.
    raj.mark_seen()
    LinesStore(raj).apply_changes(
        edit_fields([FieldUpdate(line, "amount_pence", shown + 100, shown + 999)]).changes,
        action="edit_lines",
    )
    assert _line(helen, line).amount_pence == shown + 999


def test_a_stale_edit_of_another_field_of_the_same_line_is_refused_too(people) -> None:
    helen, raj = people
    line = _first_line(helen)
    record = _line(raj, line)
    LinesStore(helen).apply_changes(
        edit_fields([FieldUpdate(line, "note", record.note, "checked by Helen")]).changes, action="edit_lines"
    )
    with pytest.raises(StaleEditError) as refused:
        LinesStore(raj).apply_changes(
            edit_fields([FieldUpdate(line, "amount_pence", record.amount_pence, 1)]).changes,
            action="edit_lines",
        )
    assert _REFUSAL.match(str(refused.value)).group(1) == "Helen Marsh"
    after = _line(helen, line)
    assert (after.note, after.amount_pence) == ("checked by Helen", record.amount_pence)


def test_edits_to_different_lines_both_go_through(people) -> None:
    helen, raj = people
    with helen.reading() as session:
        first, second = session.execute(select(PoolLine.id).order_by(PoolLine.id).limit(2)).scalars()
    a, b = _line(helen, first), _line(raj, second)
    LinesStore(helen).apply_changes(
        edit_fields([FieldUpdate(first, "note", a.note, "Helen's")]).changes, action="edit_lines"
    )
    LinesStore(raj).apply_changes(
        edit_fields([FieldUpdate(second, "note", b.note, "Raj's")]).changes, action="edit_lines"
    )
    assert (_line(raj, first).note, _line(helen, second).note) == ("Helen's", "Raj's")


def test_undo_after_someone_else_changed_the_row_is_refused_with_their_name(people) -> None:
    helen, raj = people
    line = _first_line(helen)
    record = _line(helen, line)
    command = edit_fields([FieldUpdate(line, "amount_pence", record.amount_pence, record.amount_pence + 5)])
    command.apply(LinesStore(helen))
    raj.mark_seen()
    LinesStore(raj).apply_changes(
        edit_fields([FieldUpdate(line, "note", record.note, "Raj looked at this")]).changes,
        action="edit_lines",
    )
    helen.mark_seen()  # Helen's table has shown Raj's note: still, undoing her own change is refused
    with pytest.raises(StaleEditError) as refused:
        command.revert(LinesStore(helen))
    assert _REFUSAL.match(str(refused.value)).group(1) == "Raj Patel"
    assert _line(raj, line).amount_pence == record.amount_pence + 5


def test_undo_with_nobody_else_in_between_goes_through_and_the_chain_is_whole(people) -> None:
    helen, raj = people
    line = _first_line(helen)
    record = _line(helen, line)
    command = edit_fields([FieldUpdate(line, "amount_pence", record.amount_pence, 7)])
    command.apply(LinesStore(helen))
    command.revert(LinesStore(helen))
    assert _line(raj, line).amount_pence == record.amount_pence
    with raj.reading() as session:
        assert verify_chain(session) is None
        actors = (
            session.execute(text("SELECT actor FROM audit_event ORDER BY sequence DESC LIMIT 2"))
            .scalars()
            .all()
        )
    assert actors == ["Helen Marsh", "Helen Marsh"]


def test_an_edit_still_being_made_does_not_hold_up_another_persons_edit(people) -> None:
    """The audit lock is taken only for the append at the end: while Helen's transaction has
    changed a line and not yet finished, Raj's edit of another line commits at once."""
    import threading

    helen, raj = people
    with helen.reading() as session:
        first, second = session.execute(select(PoolLine.id).order_by(PoolLine.id).limit(2)).scalars()
    amounts = fetch_lines(raj, [first, second])
    done = threading.Event()

    def rajs_edit() -> None:
        LinesStore(raj).apply_changes(
            edit_fields(
                [
                    FieldUpdate(
                        second, "amount_pence", amounts[second].amount_pence, amounts[second].amount_pence + 7
                    )
                ]
            ).changes,
            action="edit_lines",
        )
        done.set()

    with helen.writing() as session:
        LinesStore(helen).apply_in(
            session,
            edit_fields(
                [
                    FieldUpdate(
                        first, "amount_pence", amounts[first].amount_pence, amounts[first].amount_pence + 5
                    )
                ]
            ).changes,
            action="edit_lines",
        )
        other = threading.Thread(target=rajs_edit)
        other.start()
        assert done.wait(10), "Raj's edit waited for Helen's unfinished transaction"
        other.join()
    assert fetch_lines(helen, [first])[first].amount_pence == amounts[first].amount_pence + 5
    assert fetch_lines(helen, [second])[second].amount_pence == amounts[second].amount_pence + 7
    with helen.reading() as session:
        assert verify_chain(session) is None
