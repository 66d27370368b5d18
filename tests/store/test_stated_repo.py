"""Stated totals and linked pools: adding, editing and removing to the penny, refusals that change
nothing, audit events, and removal of a partner an agreement still names."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from jmg_desktop.core.money import Money
from jmg_desktop.store.errors import ReadOnlyError
from jmg_desktop.store.lines_repo import usage_count
from jmg_desktop.store.stated_repo import (
    StatedEntry,
    StatedRefused,
    add_stated,
    all_links,
    link_problems,
    linked_pools,
    list_stated,
    parse_stated_amount,
    remove_stated,
    restore_stated,
    set_linked_pools,
    stated_problems,
    update_stated,
)
from jmg_desktop.store.totals import stated_comparisons
from jmg_desktop.store.workspace import Workspace

OLDER, DISABILITIES, EQUIPMENT = 1, 2, 3
OCC, PCT = 1, 2


def _rows(path: Path, table: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    finally:
        connection.close()


def _last_event(path: Path) -> tuple[str, str, int, dict, dict]:
    connection = sqlite3.connect(path)
    try:
        action, entity, entity_id, old, new = connection.execute(
            "SELECT action, entity, entity_id, old, new FROM audit_event ORDER BY sequence DESC LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return action, entity, entity_id, json.loads(old or "null"), json.loads(new or "null")


def test_amounts_parse_every_money_form_and_refuse_the_rest() -> None:
    assert parse_stated_amount("£94.836m") == Money.from_pounds("94836000")
    assert parse_stated_amount("94,836,000.01") == Money(9_483_600_001)
    assert parse_stated_amount("(1,200)") == Money.from_pounds("-1200")
    assert parse_stated_amount(" ") == "Type the stated amount, e.g. £94.836m or 94,836,000."
    for bad in ("12abc", "1e309"):
        message = parse_stated_amount(bad)
        assert isinstance(message, str) and message, bad


def test_add_edit_remove_to_the_penny_with_audit(demo_path: Path) -> None:
    with Workspace.open(demo_path) as workspace:
        entry = StatedEntry(PCT, "current", "pool", Money(1_234_567_891), "Board paper 12", "typed")
        new_id = add_stated(workspace, OLDER, 2009, entry)
        assert list_stated(workspace, OLDER, 2009)[-1].entry == entry
        action, entity, entity_id, old, new = _last_event(demo_path)
        assert (action, entity, entity_id, old) == ("Add Stated Total", "stated_total", new_id, None)
        assert new["amount_pence"] == 1_234_567_891 and new["partner_id"] == PCT

        with workspace.reading() as session:
            comparison = next(c for c in stated_comparisons(session, OLDER, 2009) if c.stated.id == new_id)
        # The PCT's three demo lines in the pool now: £1,215,000 + £3,652,000 + £12,480,000.
        assert comparison.computed == Money.from_pounds("17347000")
        assert comparison.difference == Money(1_734_700_000 - 1_234_567_891)  # £4,999,321.09

        edited = StatedEntry(PCT, "current", "pool", Money.from_pounds("17347000"), "Board paper 12")
        before = update_stated(workspace, new_id, edited)
        assert before.entry == entry
        assert list_stated(workspace, OLDER, 2009)[-1].entry.amount.format_full() == "£17,347,000.00"
        with workspace.reading() as session:
            comparison = next(c for c in stated_comparisons(session, OLDER, 2009) if c.stated.id == new_id)
        assert comparison.reconciles
        action, _, _, old, new = _last_event(demo_path)
        assert action == "Edit Stated Total"
        assert (old["amount_pence"], new["amount_pence"]) == (1_234_567_891, 1_734_700_000)

        removed = remove_stated(workspace, new_id)
        assert [row.id for row in list_stated(workspace, OLDER, 2009)] == [1, 2, 3, 4]
        assert _last_event(demo_path)[0] == "Remove Stated Total"
        restore_stated(workspace, removed)
        assert list_stated(workspace, OLDER, 2009)[-1] == removed


def test_duplicates_and_bad_values_are_refused_and_change_nothing(demo_path: Path) -> None:
    before = _rows(demo_path, "stated_total")
    events = len(_rows(demo_path, "audit_event"))
    with Workspace.open(demo_path) as workspace:
        duplicate = StatedEntry(OCC, "new", "with_linked", Money(1))
        with pytest.raises(StatedRefused, match="already has a stated figure"):
            add_stated(workspace, OLDER, 2009, duplicate)
        # Editing figure 1 into figure 4's partner, basis and scope is refused too.
        with pytest.raises(StatedRefused, match="already has a stated figure"):
            update_stated(workspace, 1, duplicate)
        with pytest.raises(StatedRefused, match="partner no longer exists"):
            add_stated(workspace, OLDER, 2009, StatedEntry(99, "new", "pool", Money(1)))
        with pytest.raises(StatedRefused, match="removed elsewhere"):
            remove_stated(workspace, 999)
    assert _rows(demo_path, "stated_total") == before
    assert len(_rows(demo_path, "audit_event")) == events


def test_the_same_figure_for_another_year_or_all_partners_is_allowed() -> None:
    entry = StatedEntry(None, "new", "pool", Money(5))
    assert stated_problems(entry, [], partner_ids=[1]) == []
    assert stated_problems(StatedEntry(1, "later", "pool", Money(5)), [], partner_ids=[1]) == [
        "The basis must be the current value or the new value after proposals."
    ]


def test_read_only_refuses(demo_path: Path) -> None:
    with Workspace.open(demo_path, read_only=True) as workspace, pytest.raises(ReadOnlyError):
        add_stated(workspace, OLDER, 2009, StatedEntry(None, "new", "pool", Money(5)))


def test_links_refuse_self_and_loops_in_words() -> None:
    names = {1: "Older People", 2: "Physical Disabilities", 3: "Equipment"}
    assert link_problems(1, [1], {}, names) == ["“Older People” cannot be linked to itself."]
    links = {1: {2}, 2: {3}}
    assert link_problems(3, [1], links, names) == [
        "Linking “Older People” would make a loop: Equipment → Older People → Physical Disabilities → Equipment."
    ]
    assert link_problems(1, [2, 3], {1: {2}, 2: {3}}, names) == []


def test_set_linked_pools_changes_totals_and_is_audited(demo_path: Path) -> None:
    with Workspace.open(demo_path) as workspace:
        assert linked_pools(workspace, OLDER) == [DISABILITIES, EQUIPMENT]
        with workspace.reading() as session:
            with_both = {c.stated.id: c.computed for c in stated_comparisons(session, OLDER, 2009)}
        assert set_linked_pools(workspace, OLDER, [EQUIPMENT]) == [DISABILITIES, EQUIPMENT]
        assert _last_event(demo_path)[3:] == ({"linked_pool_ids": [2, 3]}, {"linked_pool_ids": [3]})
        with workspace.reading() as session:
            with_one = {c.stated.id: c.computed for c in stated_comparisons(session, OLDER, 2009)}
        assert with_one[1] == with_both[1]  # the pool alone does not move
        assert with_one[2] != with_both[2]  # "including linked pools" does

        before = _rows(demo_path, "pool_link")
        with pytest.raises(StatedRefused, match="cannot be linked to itself"):
            set_linked_pools(workspace, OLDER, [OLDER])
        with pytest.raises(StatedRefused, match="would make a loop"):
            set_linked_pools(workspace, EQUIPMENT, [OLDER])
        assert _rows(demo_path, "pool_link") == before
        assert all_links(workspace) == {OLDER: {EQUIPMENT}}


def test_partner_named_by_an_agreement_is_refused_with_a_count(demo_path: Path) -> None:
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute(
            "INSERT INTO partner (id, name, short_name, kind, sovereign_body, position) "
            "VALUES (7, 'District Council', 'DC', 'council', 'Cabinet', 7)"
        )
        connection.execute("INSERT INTO agreement_body (agreement_id, partner_id) VALUES (1, 7), (2, 7)")
    connection.close()
    with Workspace.open(demo_path) as workspace:
        assert usage_count(workspace, "partner", 7) == {"agreements it must approve": 2}
        assert usage_count(workspace, "pool", OLDER)["agreements"] == 2


def test_the_papers_reconciliation_gate_sees_a_typed_figure(demo_path: Path) -> None:
    from jmg_desktop.papers.service import list_papers, paper_differences

    with Workspace.open(demo_path) as workspace:
        paper = next(p for p in list_papers(workspace) if p.status == "draft" and p.partner_id == OCC)
        assert paper_differences(workspace, paper.id) == []
        update_stated(
            workspace, 4, StatedEntry(OCC, "new", "with_linked", Money.from_pounds("94934000"), "typed")
        )
        (difference,) = paper_differences(workspace, paper.id)
        assert difference.comparison.difference == Money.from_pounds("-98000")
        assert difference.comparison.computed.format_full() == "£94,836,000.00"
