"""The decision register in a real workspace: snapshots, the status path, audit and undo helpers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from jmg_desktop.core.agreed_figures import Change
from jmg_desktop.core.agreements import MoveRefused, Status, Step
from jmg_desktop.core.commands import FieldUpdate, delete_lines, edit_fields
from jmg_desktop.core.money import Money
from jmg_desktop.store.agreements_repo import (
    AgreementError,
    agreement_detail,
    agreement_findings,
    agreement_record,
    agreements_for_line,
    create_meeting,
    delete_agreement,
    line_history,
    lines_changed_since_agreed,
    list_agreements,
    move_agreement,
    record_agreement,
    restore_agreement,
    restore_step,
    since_agreed_marks,
    undo_step,
    update_agreement,
)
from jmg_desktop.store.audit import audit_findings, events_for
from jmg_desktop.store.lines_repo import LinesStore, fetch_lines
from jmg_desktop.store.models import AgreementLine, AuditEvent, Partner, Pool, PoolLine
from jmg_desktop.store.workspace import Workspace

FIVE = (
    "Day services – internal",
    "Day services – external",
    "Home support – internal",
    "Home support – external",
    "Intermediate care",
)


def _ids(workspace: Workspace) -> dict[str, int]:
    with workspace.reading() as session:
        ids = dict(
            session.execute(
                select(PoolLine.service, PoolLine.id)
                .join(Pool, Pool.id == PoolLine.pool_id)
                .where(Pool.name == "Older People")
            ).all()
        )
        ids.update({f"partner:{k}": v for k, v in session.execute(select(Partner.short_name, Partner.id))})
        ids["pool"] = session.execute(select(Pool.id).where(Pool.name == "Older People")).scalar_one()
    return ids


def _audit_count(workspace: Workspace) -> int:
    with workspace.reading() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@pytest.fixture
def agreed(demo_workspace: Workspace) -> tuple[Workspace, int, dict[str, int]]:
    """The demo with a fresh agreement on the five additions, agreed in principle on 2 Dec 2008."""
    ids = _ids(demo_workspace)
    with demo_workspace.writing() as session:
        meeting = create_meeting(
            session, body="Older People Joint Management Group", held_on=date(2008, 12, 2), reference="OP/1"
        )
        agreement = record_agreement(
            session,
            title="Five additions",
            line_ids=[ids[s] for s in FIVE],
            meeting_id=meeting,
            decision="Agreed in principle.",
            assumptions="Draft budgets",
            actor="chair",
        )
    return demo_workspace, agreement, ids


def test_recording_snapshots_the_figures_and_names_both_bodies(agreed) -> None:
    workspace, agreement, _ = agreed
    with workspace.reading() as session:
        detail = agreement_detail(session, agreement)
    summary = detail.summary
    assert summary.status is Status.AGREED
    assert summary.on == date(2008, 12, 2)
    assert summary.pool_name == "Older People" and summary.financial_year == 2009
    assert [body.name for body in summary.bodies] == ["Cabinet", "PCT Board"]
    assert summary.waiting_for == "Recommendation to partners"
    assert summary.comparison.agreed_total == Money.parse("£34.864m")
    assert [line.agreed.service for line in summary.comparison.lines] == list(FIVE)
    assert not summary.figures_changed
    assert detail.assumptions == "Draft budgets"
    assert [(s.text, s.step.on, s.recorded_by) for s in detail.steps] == [
        ("Agreed in principle", date(2008, 12, 2), "chair")
    ]


def test_every_change_is_audited_in_its_transaction(agreed) -> None:
    workspace, agreement, _ = agreed
    with workspace.reading() as session:
        events = events_for(session, "agreement", agreement)
        assert [e.action for e in events] == ["record_agreement"]
        assert '"amount_pence":334200000' in events[0].new
        assert audit_findings(session) == []


def test_the_full_path_and_the_cached_status(agreed) -> None:
    workspace, agreement, ids = agreed
    moves = [
        Step(Status.RECOMMENDED, date(2009, 1, 6)),
        Step(Status.APPROVED, date(2009, 1, 20), partner_id=ids["partner:OCC"]),
        Step(Status.APPROVED, date(2009, 1, 28), partner_id=ids["partner:PCT"]),
        Step(Status.IMPLEMENTED, date(2009, 4, 1)),
    ]
    seen = []
    for step in moves:
        with workspace.writing() as session:
            move_agreement(session, agreement, step, note="minuted", actor="officer")
        with workspace.reading() as session:
            summary = agreement_detail(session, agreement).summary
            seen.append((summary.status, summary.status_text, summary.waiting_for))
    assert seen == [
        (Status.RECOMMENDED, "Recommended to partners", "Cabinet and PCT Board"),
        (Status.RECOMMENDED, "Approved by Cabinet", "PCT Board"),
        (Status.APPROVED, "Approved by Cabinet and PCT Board", "Implementation"),
        (Status.IMPLEMENTED, "Implemented", ""),
    ]
    with workspace.reading() as session:
        detail = agreement_detail(session, agreement)
        assert [s.text for s in detail.steps][-3:] == [
            "Approved by Cabinet (Oxfordshire County Council)",
            "Approved by PCT Board (Oxfordshire Primary Care Trust)",
            "Implemented",
        ]
        assert all(s.recorded_by == "officer" and s.note == "minuted" for s in detail.steps[1:])
        assert len(events_for(session, "agreement", agreement)) == 5


def test_a_refused_move_changes_nothing(agreed) -> None:
    workspace, agreement, _ = agreed
    before = _audit_count(workspace)
    with (
        pytest.raises(MoveRefused, match="until Cabinet and PCT Board have approved it"),
        workspace.writing() as session,
    ):
        move_agreement(session, agreement, Step(Status.RECOMMENDED, date(2009, 1, 6)))
        move_agreement(session, agreement, Step(Status.IMPLEMENTED, date(2009, 1, 7)))
    assert _audit_count(workspace) == before
    with workspace.reading() as session:
        assert agreement_detail(session, agreement).summary.status is Status.AGREED


def test_superseding_needs_an_existing_agreement(agreed) -> None:
    workspace, agreement, _ = agreed
    with (
        pytest.raises(AgreementError, match=r"Agreement 99 does not exist\."),
        workspace.writing() as session,
    ):
        move_agreement(session, agreement, Step(Status.SUPERSEDED, date(2009, 1, 6), superseded_by=99))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "  ", "line_ids": [1]}, "The agreement's title cannot be empty."),
        ({"title": "x"}, "Select the lines the agreement covers."),
        ({"title": "x", "line_ids": [99999]}, "Line(s) 99999 no longer exist; nothing was recorded."),
        ({"title": "x", "line_ids": [1], "meeting_id": 42}, "Meeting 42 does not exist."),
        ({"title": "x", "whole_pool": True}, "Say which pool and financial year the agreement covers."),
        (
            {"title": "x", "line_ids": [1], "status": Status.RECOMMENDED},
            "A new agreement is recorded as proposed or agreed in principle.",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_message(demo_workspace: Workspace, kwargs, message: str) -> None:
    before = _audit_count(demo_workspace)
    with pytest.raises(AgreementError) as error, demo_workspace.writing() as session:
        record_agreement(session, **kwargs)
    assert str(error.value) == message
    assert _audit_count(demo_workspace) == before


def _edit_amount(workspace: Workspace, line_id: int, pounds: str):
    store = LinesStore(workspace)
    old = fetch_lines(workspace, [line_id])[line_id].amount_pence
    command = edit_fields([FieldUpdate(line_id, "amount_pence", old, Money.parse(pounds).pence)])
    command.apply(store)
    return store, command


def test_snapshot_against_current_after_an_edit_its_undo_and_redo(agreed) -> None:
    workspace, agreement, ids = agreed
    line = ids["Home support – external"]
    store, command = _edit_amount(workspace, line, "£13,800,000.50")

    def state() -> tuple[Money, list[str], dict[int, list[int]]]:
        with workspace.reading() as session:
            comparison = agreement_detail(session, agreement).summary.comparison
            return (
                comparison.difference,
                [c.service for c in comparison.changed],
                lines_changed_since_agreed(session, ids["pool"], 2009).get(line, []),
            )

    # The demo's own December agreement covers the line too.
    assert state() == (Money.parse("£90,000.50"), ["Home support – external"], [2, agreement])
    with workspace.reading() as session:
        changed = agreement_detail(session, agreement).summary.comparison.changed[0]
    assert changed.agreed_amount == Money.parse("£13.71m")
    assert changed.now_amount.format_full() == "£13,800,000.50"
    assert changed.fields == ("amount",)
    command.revert(store)  # undo
    assert state() == (Money.zero(), [], [])
    command.apply(store)  # redo
    assert state()[0] == Money.parse("£90,000.50")


def test_a_deleted_line_shows_as_removed_and_comes_back_on_undo(agreed) -> None:
    workspace, agreement, ids = agreed
    line = ids["Intermediate care"]
    store = LinesStore(workspace)
    command = delete_lines([fetch_lines(workspace, [line])[line]])
    command.apply(store)
    with workspace.reading() as session:
        comparison = agreement_detail(session, agreement).summary.comparison
    assert [(c.service, c.change) for c in comparison.changed] == [("Intermediate care", Change.REMOVED)]
    assert comparison.difference == Money.parse("-£5.11m")
    command.revert(store)
    with workspace.reading() as session:
        assert not agreement_detail(session, agreement).summary.figures_changed


def test_a_whole_pool_agreement_sees_new_lines(demo_workspace: Workspace) -> None:
    ids = _ids(demo_workspace)
    with demo_workspace.writing() as session:
        agreement = record_agreement(
            session, title="Whole pool", pool_id=ids["pool"], financial_year=2009, whole_pool=True
        )
    with demo_workspace.reading() as session:
        summary = agreement_detail(session, agreement).summary
    # Every Older People line of 2009/10: both partners, current and proposed.
    assert summary.comparison.agreed_total == Money.parse("£104,293,000")
    assert not summary.figures_changed


def test_undo_and_redo_of_a_move(agreed) -> None:
    workspace, agreement, _ = agreed
    with workspace.writing() as session:
        step_id = move_agreement(session, agreement, Step(Status.RECOMMENDED, date(2009, 1, 6)))
    with workspace.writing() as session:
        record = undo_step(session, agreement, step_id)
    with workspace.reading() as session:
        assert agreement_detail(session, agreement).summary.status is Status.AGREED
    with workspace.writing() as session:
        restore_step(session, record)
    with workspace.reading() as session:
        detail = agreement_detail(session, agreement)
        assert detail.summary.status is Status.RECOMMENDED
        assert [e.action for e in events_for(session, "agreement", agreement)] == [
            "record_agreement",
            "move_status",
            "undo_status_move",
            "redo_status_move",
        ]
    with pytest.raises(AgreementError, match="Only the latest step"), workspace.writing() as session:
        undo_step(session, agreement, detail.steps[0].id)
    with workspace.writing() as session:
        other = record_agreement(session, title="Other", line_ids=[1])
    with (
        pytest.raises(AgreementError, match="first step cannot be taken back"),
        workspace.writing() as session,
    ):
        undo_step(session, other, agreement_detail(session, other).steps[0].id)


def test_edit_then_undo_of_the_words(agreed) -> None:
    workspace, agreement, _ = agreed
    with workspace.writing() as session:
        old = update_agreement(session, agreement, reasons="Better joint planning.")
    assert old == {"reasons": ""}
    with workspace.writing() as session:
        update_agreement(session, agreement, **old)
    with workspace.reading() as session:
        assert agreement_detail(session, agreement).reasons == ""
        assert [e.action for e in events_for(session, "agreement", agreement)][-2:] == ["edit", "edit"]


def test_delete_and_restore_keep_ids_and_snapshot(agreed) -> None:
    workspace, agreement, ids = agreed
    with workspace.reading() as session:
        before = agreement_record(session, agreement)
    with workspace.writing() as session:
        record = delete_agreement(session, agreement)
    with workspace.reading() as session:
        assert agreement not in [a.id for a in list_agreements(session)]
    with workspace.writing() as session:
        restore_agreement(session, record)
    with workspace.reading() as session:
        assert agreement_record(session, agreement) == before
        assert [a.id for a in agreements_for_line(session, ids["Intermediate care"])] == [2, agreement]
        assert audit_findings(session) == []


def test_filters_over_the_demo_register_and_one_more(agreed) -> None:
    workspace, agreement, ids = agreed
    assert agreement == 4  # after the demo's three
    with workspace.reading() as session:
        disabilities = session.execute(
            select(Pool.id).where(Pool.name == "Physical Disabilities")
        ).scalar_one()

        def listed(**filters) -> list[int]:
            return [a.id for a in list_agreements(session, **filters)]

        # Sorted by date (meeting date), then by id.
        assert listed() == [1, 2, 4, 3]
        assert listed(status=Status.AGREED) == [4, 3]
        assert listed(status=Status.RECOMMENDED) == [2]
        assert listed(status=Status.SUPERSEDED) == [1]
        assert listed(pool_id=ids["pool"], year=2009) == [1, 2, 4, 3]
        assert listed(pool_id=disabilities) == [3]  # covers a line of that pool
        assert listed(year=2010) == []
        assert listed(body="Cabinet") == []
        assert listed(body="Older People Joint Management Group") == [1, 2, 4, 3]


def test_line_history_includes_edits_made_in_the_lines_editor(agreed) -> None:
    workspace, _, ids = agreed
    line = ids["Day services – internal"]
    _edit_amount(workspace, line, "£3,400,000")
    with workspace.reading() as session:
        assert [event.action for event in line_history(session, line)] == ["edit_lines"]


def test_a_history_edited_behind_the_back_is_reported_and_the_register_still_opens(agreed) -> None:
    from sqlalchemy import text

    workspace, agreement, _ = agreed
    with workspace.writing() as session:
        move_agreement(session, agreement, Step(Status.RECOMMENDED, date(2009, 1, 6)))
    with workspace.reading() as session:
        assert agreement_findings(session) == []
    # Behind the application's back: plain SQL on a connection of its own, on either database.
    with workspace.engine.begin() as connection:
        connection.execute(
            text("UPDATE agreement_step SET status = 'implemented' WHERE agreement_id = :a AND ordinal = 2"),
            {"a": agreement},
        )
        connection.execute(text("UPDATE agreement SET status = 'proposed' WHERE id = 3"))
    with workspace.reading() as session:
        assert agreement_findings(session) == [
            "Agreement 3 (“Base budget changes for 2009/10: inflation, growth and savings”) is marked proposed "
            "but its steps end at agreed_in_principle.",
            f"Agreement {agreement} (“Five additions”): step 2 does not follow on: It cannot be implemented before it is "
            "recommended to the partners and approved by Cabinet and PCT Board.",
        ]
        # The register shows what it can: the path as far as it makes sense.
        assert agreement_detail(session, agreement).summary.status_text == "Agreed in principle"


def test_changed_since_agreed_names_each_kind_of_change(agreed) -> None:
    workspace, agreement, ids = agreed
    line = ids["Day services – external"]
    store = LinesStore(workspace)
    for field, value in (("service", "Day services – bought in"), ("status_id", 1), ("note", "only a note")):
        old = getattr(fetch_lines(workspace, [line])[line], field)
        command = edit_fields([FieldUpdate(line, field, old, value)])
        command.apply(store)
        with workspace.reading() as session:
            marked = lines_changed_since_agreed(session, ids["pool"], 2009)
        # The status is one of the agreed figures; a note is not, and a renamed service is only noted.
        assert (agreement in marked.get(line, [])) is (field == "status_id"), field
        command.revert(store)


def test_a_change_of_kind_since_agreed_is_flagged_and_undone(agreed) -> None:
    workspace, agreement, ids = agreed
    line = ids["Intermediate care"]
    with workspace.reading() as session:
        detail = agreement_detail(session, agreement)
    # The snapshot keeps each line's kind as it was agreed.
    assert {figures.agreed.kind for figures in detail.summary.comparison.lines} == {"service_budget"}
    store = LinesStore(workspace)
    command = edit_fields([FieldUpdate(line, "kind", "service_budget", "budget_change")])
    command.apply(store)
    with workspace.reading() as session:
        marked = lines_changed_since_agreed(session, ids["pool"], 2009)
        changed = agreement_detail(session, agreement).summary.comparison.changed
    assert agreement in marked.get(line, [])
    assert [(c.service, c.fields) for c in changed] == [("Intermediate care", ("kind",))]
    command.revert(store)
    with workspace.reading() as session:
        assert agreement not in lines_changed_since_agreed(session, ids["pool"], 2009).get(line, [])


def test_a_line_new_to_a_pool_agreed_as_a_whole_is_marked(demo_workspace: Workspace) -> None:
    from jmg_desktop.core.commands import LineRecord, insert_lines

    ids = _ids(demo_workspace)
    with demo_workspace.writing() as session:
        record_agreement(
            session, title="Whole pool", pool_id=ids["pool"], financial_year=2009, whole_pool=True
        )
    store = LinesStore(demo_workspace)
    new_id = store.allocate_line_ids(1)[0]
    record = LineRecord(new_id, ids["pool"], 2009, "Telecare", None, ids["partner:OCC"], 2, 50_000_00, "", 17)
    insert_lines([record]).apply(store)
    with demo_workspace.reading() as session:
        marks = since_agreed_marks(session, ids["pool"], 2009)
    # New to the pool agreed as a whole: added since agreed, apart from the lines that changed.
    assert marks.added[new_id] == [4] and new_id not in marks.changed
    assert marks.changed[ids["2009/10 base budget changes – inflation, growth and savings"]] == [3]


def test_changed_since_agreed_is_found_from_either_side_of_the_join(
    agreed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The register's query starts from the agreed lines when the pool holds more lines than are
    agreed (a million-line pool), and from the pool's lines otherwise: the marks are the same."""
    from jmg_desktop.store import agreements_register

    workspace, agreement, ids = agreed
    with workspace.reading() as session:
        (agreed_lines,) = session.execute(select(func.count()).select_from(AgreementLine)).one()
        before = since_agreed_marks(session, ids["pool"], 2009).changed
    assert 16 > agreed_lines > 5  # Older People holds more lines than are agreed, Physical Disabilities fewer
    store = LinesStore(workspace)
    cheaper = ids[FIVE[0]]
    old = fetch_lines(workspace, [cheaper])[cheaper]
    edit_fields([FieldUpdate(cheaper, "amount_pence", old.amount_pence, 1)]).apply(store)

    def marks() -> tuple[dict[int, list[int]], ...]:
        with workspace.reading() as session:
            return tuple(
                since_agreed_marks(session, *where).changed for where in ((ids["pool"], 2009), (2, 2009), ())
            )

    in_older_people, in_disabilities, everywhere = marks()
    assert set(in_older_people) == set(before) | {cheaper} and agreement in in_older_people[cheaper]
    assert in_disabilities == {}
    assert everywhere == in_older_people  # every agreed line is in Older People
    # The same marks whichever side the join starts from.
    monkeypatch.setattr(agreements_register, "_fewer_agreed_than_in_pool", lambda *_: False)
    assert marks() == (in_older_people, in_disabilities, everywhere)
    monkeypatch.setattr(agreements_register, "_fewer_agreed_than_in_pool", lambda *_: True)
    assert marks() == (in_older_people, in_disabilities, everywhere)
