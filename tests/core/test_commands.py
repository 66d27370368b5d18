"""Edit commands against an in-memory document: apply and revert are exact inverses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jmg_desktop.core.commands import (
    ChangeSet,
    FieldUpdate,
    LineRecord,
    delete_lines,
    edit_fields,
    insert_lines,
    move_lines,
)


class MemoryDocument:
    """The document protocol over a dict, with the store's position rules."""

    def __init__(self, lines: list[LineRecord]) -> None:
        self.lines = {line.id: line for line in lines}
        self.actions: list[str] = []

    def allocate_line_ids(self, count: int) -> list[int]:
        start = max(self.lines, default=0) + 1
        return list(range(start, start + count))

    def apply_changes(self, changes: ChangeSet, *, action: str) -> None:
        self.actions.append(action)
        for line in sorted(changes.deletes, key=lambda r: r.position, reverse=True):
            assert self.lines.pop(line.id) == line
            for other in list(self.lines.values()):
                if other.position > line.position:
                    self.lines[other.id] = other._replace(position=other.position - 1)
        for update in changes.updates:
            current = self.lines[update.line_id]
            assert getattr(current, update.field) == update.old
            self.lines[update.line_id] = current._replace(**{update.field: update.new})
        for line in sorted(changes.inserts, key=lambda r: r.position):
            for other in list(self.lines.values()):
                if other.position >= line.position:
                    self.lines[other.id] = other._replace(position=other.position + 1)
            self.lines[line.id] = line

    def order(self) -> list[int]:
        return [line.id for line in sorted(self.lines.values(), key=lambda r: r.position)]


def _line(line_id: int, position: int, amount: int = 100) -> LineRecord:
    return LineRecord(line_id, 1, 2009, f"Service {line_id}", None, 1, 1, amount, "", position)


def _doc(n: int = 5) -> MemoryDocument:
    return MemoryDocument([_line(i, i) for i in range(1, n + 1)])


def test_edit_text_names_the_field() -> None:
    command = edit_fields([FieldUpdate(3, "amount_pence", 100, 250)])
    assert command.text == "Edit Amount"
    assert edit_fields([FieldUpdate(3, "note", "", "x")]).text == "Edit Note"
    assert (
        edit_fields([FieldUpdate(3, "note", "", "x"), FieldUpdate(3, "service", "a", "b")]).text
        == "Edit Lines"
    )


def test_edit_apply_and_revert() -> None:
    doc = _doc()
    command = edit_fields([FieldUpdate(3, "amount_pence", 100, 250)])
    command.apply(doc)
    assert doc.lines[3].amount_pence == 250
    command.revert(doc)
    assert doc.lines[3].amount_pence == 100
    assert doc.actions == ["edit_lines", "undo_edit_lines"]


def test_unchanged_values_make_an_empty_command() -> None:
    assert edit_fields([FieldUpdate(3, "amount_pence", 100, 100)]).changes.is_empty


def test_multi_delete_is_one_command_and_undo_restores_positions() -> None:
    doc = _doc(6)
    before = dict(doc.lines)
    command = delete_lines([doc.lines[2], doc.lines[5], doc.lines[3]])
    assert command.text == "Delete 3 Lines"
    command.apply(doc)
    assert doc.order() == [1, 4, 6]
    assert [doc.lines[i].position for i in doc.order()] == [1, 2, 3]
    command.revert(doc)
    assert doc.lines == before


def test_insert_in_the_middle_and_undo() -> None:
    doc = _doc(3)
    before = dict(doc.lines)
    command = insert_lines([_line(10, 2), _line(11, 3)])
    command.apply(doc)
    assert doc.order() == [1, 10, 11, 2, 3]
    command.revert(doc)
    assert doc.lines == before


def test_move_lines_deals_out_the_same_positions() -> None:
    doc = _doc(4)
    records = [doc.lines[i] for i in (2, 3)]
    command = move_lines(records, [3, 2])
    command.apply(doc)
    assert doc.order() == [1, 3, 2, 4]
    command.revert(doc)
    assert doc.order() == [1, 2, 3, 4]


def test_inverse_of_inverse_is_the_same() -> None:
    changes = ChangeSet(
        updates=(FieldUpdate(1, "note", "a", "b"),), inserts=(_line(9, 1),), deletes=(_line(2, 2),)
    )
    assert changes.inverse().inverse() == changes


@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda n: st.tuples(st.just(n), st.sets(st.integers(min_value=1, max_value=n), min_size=1))
    )
)
def test_any_delete_then_undo_restores_everything(case: tuple[int, set[int]]) -> None:
    n, chosen = case
    doc = _doc(n)
    before = dict(doc.lines)
    command = delete_lines([doc.lines[i] for i in sorted(chosen)])
    command.apply(doc)
    assert len(doc.lines) == n - len(chosen)
    assert sorted(line.position for line in doc.lines.values()) == list(range(1, n - len(chosen) + 1))
    command.revert(doc)
    assert doc.lines == before


def test_roll_forward_uplifts_half_up_and_settles_proposals() -> None:
    from decimal import Decimal

    from jmg_desktop.core.commands import roll_forward

    lines = [
        _line(1, 1, amount=100_00)._replace(status_id=1),
        _line(2, 2, amount=333_33)._replace(status_id=2),  # proposed addition → in pool
        _line(3, 3, amount=50_00)._replace(status_id=3),  # proposed removal → dropped
    ]
    copies = roll_forward(
        lines,
        [10, 11, 12],
        to_year=2010,
        first_position=5,
        uplift_percent=Decimal("2.5"),
        settle_status={2: 1, 3: None},
    )
    assert [(c.id, c.financial_year, c.status_id, c.amount_pence, c.position) for c in copies] == [
        (10, 2010, 1, 102_50, 5),
        (11, 2010, 1, 341_66, 6),  # 33,333 × 1.025 = 34,166.325 → 34,166 pence
    ]
    assert copies[0].service == lines[0].service
