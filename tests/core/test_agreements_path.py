"""The status path: every forward move, and each refused move with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from jmg_desktop.core.agreements import (
    Body,
    DateError,
    MoveRefused,
    PathState,
    Status,
    Step,
    allowed_moves,
    apply_step,
    describe_step,
    parse_date,
    replay,
    status_text,
    waiting_for,
)

CABINET = Body(1, "Cabinet", "Oxfordshire County Council")
PCT_BOARD = Body(2, "PCT Board", "Oxfordshire Primary Care Trust")
BODIES = (CABINET, PCT_BOARD)

PROPOSED = Step(Status.PROPOSED, date(2008, 11, 4))
AGREED = Step(Status.AGREED, date(2008, 12, 2))
RECOMMENDED = Step(Status.RECOMMENDED, date(2009, 1, 6))
BY_CABINET = Step(Status.APPROVED, date(2009, 1, 20), partner_id=1)
BY_PCT = Step(Status.APPROVED, date(2009, 1, 28), partner_id=2)
IMPLEMENTED = Step(Status.IMPLEMENTED, date(2009, 4, 1))


def _refusal(steps: list[Step], step: Step, agreement_id: int | None = 7) -> str:
    state = replay(steps, BODIES, agreement_id=agreement_id)
    with pytest.raises(MoveRefused) as refused:
        apply_step(state, step, BODIES, agreement_id=agreement_id)
    return str(refused.value)


def test_the_full_path_to_implemented() -> None:
    state = PathState()
    seen = []
    for step in (PROPOSED, AGREED, RECOMMENDED, BY_CABINET, BY_PCT, IMPLEMENTED):
        state = apply_step(state, step, BODIES)
        seen.append((state.status, waiting_for(state, BODIES), status_text(state, BODIES)))
    assert seen == [
        (Status.PROPOSED, "JMG agreement in principle", "Proposed"),
        (Status.AGREED, "Recommendation to partners", "Agreed in principle"),
        (Status.RECOMMENDED, "Cabinet and PCT Board", "Recommended to partners"),
        (Status.RECOMMENDED, "PCT Board", "Approved by Cabinet"),
        (Status.APPROVED, "Implementation", "Approved by Cabinet and PCT Board"),
        (Status.IMPLEMENTED, "", "Implemented"),
    ]
    assert state.approved_by == frozenset({1, 2})
    assert state.last_date == date(2009, 4, 1)


def test_bodies_may_approve_in_either_order() -> None:
    state = replay([AGREED, RECOMMENDED, BY_PCT], BODIES)
    assert waiting_for(state, BODIES) == "Cabinet"
    state = apply_step(state, Step(Status.APPROVED, date(2009, 2, 3), partner_id=1), BODIES)
    assert state.status is Status.APPROVED


def test_an_agreement_may_start_agreed_in_principle() -> None:
    assert replay([AGREED], BODIES).status is Status.AGREED


@pytest.mark.parametrize(
    ("steps", "step", "reason"),
    [
        (
            [],
            RECOMMENDED,
            "An agreement starts as proposed or agreed in principle, not recommended to partners.",
        ),
        ([PROPOSED], IMPLEMENTED, "It cannot be implemented: it has not been agreed in principle."),
        (
            [PROPOSED, AGREED],
            IMPLEMENTED,
            "It cannot be implemented before it is recommended to the partners and approved by Cabinet and PCT Board.",
        ),
        (
            [AGREED, RECOMMENDED],
            IMPLEMENTED,
            "It cannot be implemented until Cabinet and PCT Board have approved it.",
        ),
        (
            [AGREED, RECOMMENDED, BY_CABINET],
            IMPLEMENTED,
            "It cannot be implemented until PCT Board has approved it.",
        ),
        (
            [PROPOSED],
            RECOMMENDED,
            "It cannot be recommended to the partners before it is agreed in principle.",
        ),
        (
            [PROPOSED, AGREED],
            BY_CABINET,
            "Cabinet cannot approve it before it is recommended to the partners.",
        ),
        ([AGREED, RECOMMENDED, BY_CABINET], BY_CABINET, "Cabinet has already approved it."),
        (
            [AGREED, RECOMMENDED],
            Step(Status.APPROVED, date(2009, 2, 1)),
            "Say whose body approved it: Cabinet and PCT Board.",
        ),
        (
            [AGREED, RECOMMENDED],
            Step(Status.APPROVED, date(2009, 2, 1), partner_id=9),
            "That partner is not one of the bodies asked to approve it.",
        ),
        ([AGREED, RECOMMENDED, BY_CABINET, BY_PCT], BY_PCT, "Every body has already approved it."),
        ([AGREED], Step(Status.AGREED, date(2008, 12, 9)), "It is already agreed in principle."),
        (
            [AGREED, RECOMMENDED],
            Step(Status.AGREED, date(2009, 1, 9)),
            "It has already been recommended to the partners; it cannot go back to agreed in principle. "
            "Defer it, or record a new agreement.",
        ),
        (
            [PROPOSED, AGREED],
            Step(Status.RECOMMENDED, date(2008, 12, 1)),
            "The date 1 Dec 2008 is before its previous step (2 Dec 2008); steps are recorded in date order.",
        ),
        (
            [AGREED, Step(Status.REJECTED, date(2009, 1, 20))],
            Step(Status.RECOMMENDED, date(2009, 2, 1)),
            "It was rejected; record a new agreement instead of moving this one.",
        ),
        (
            [AGREED, RECOMMENDED, BY_CABINET, BY_PCT, IMPLEMENTED],
            Step(Status.DEFERRED, date(2009, 5, 1)),
            "It has been implemented; only a later agreement can supersede it.",
        ),
        (
            [AGREED, Step(Status.SUPERSEDED, date(2009, 3, 1), superseded_by=8)],
            Step(Status.RECOMMENDED, date(2009, 3, 2)),
            "It has been superseded by agreement 8; move that agreement instead.",
        ),
        ([AGREED], Step(Status.SUPERSEDED, date(2009, 3, 1)), "Say which agreement supersedes it."),
        (
            [AGREED],
            Step(Status.SUPERSEDED, date(2009, 3, 1), superseded_by=7),
            "An agreement cannot supersede itself.",
        ),
        (
            [AGREED, Step(Status.DEFERRED, date(2009, 1, 6))],
            Step(Status.DEFERRED, date(2009, 2, 6)),
            "It is already deferred.",
        ),
        (
            [AGREED, RECOMMENDED, Step(Status.DEFERRED, date(2009, 1, 9))],
            Step(Status.AGREED, date(2009, 2, 6)),
            "It has already been recommended to the partners; it cannot go back to agreed in principle. "
            "Defer it, or record a new agreement.",
        ),
    ],
)
def test_moves_that_make_no_sense_are_refused_with_a_reason(
    steps: list[Step], step: Step, reason: str
) -> None:
    assert _refusal(steps, step) == reason


def test_a_deferred_agreement_resumes_where_it_was_and_keeps_approvals() -> None:
    state = replay([AGREED, RECOMMENDED, BY_CABINET, Step(Status.DEFERRED, date(2009, 1, 25))], BODIES)
    assert state.status is Status.DEFERRED
    assert status_text(state, BODIES) == "Deferred (was recommended to partners)"
    assert waiting_for(state, BODIES) == "Taking up again"
    state = apply_step(state, BY_PCT, BODIES)
    assert state.status is Status.APPROVED
    assert state.deferred_from is None


def test_a_deferred_agreement_may_be_taken_up_at_the_same_stage() -> None:
    state = replay([PROPOSED, Step(Status.DEFERRED, date(2008, 11, 20))], BODIES)
    assert apply_step(state, Step(Status.PROPOSED, date(2009, 1, 5)), BODIES).status is Status.PROPOSED
    assert apply_step(state, Step(Status.AGREED, date(2009, 1, 5)), BODIES).status is Status.AGREED


def test_rejection_and_supersession_close_the_path() -> None:
    rejected = replay([AGREED, RECOMMENDED, Step(Status.REJECTED, date(2009, 1, 20))], BODIES)
    assert rejected.status is Status.REJECTED and waiting_for(rejected, BODIES) == ""
    superseded = replay([AGREED, Step(Status.SUPERSEDED, date(2009, 3, 1), superseded_by=8)], BODIES)
    assert status_text(superseded, BODIES) == "Superseded by agreement 8"
    assert allowed_moves(superseded, BODIES) == []


def test_an_implemented_agreement_can_still_be_superseded() -> None:
    state = replay([AGREED, RECOMMENDED, BY_CABINET, BY_PCT, IMPLEMENTED], BODIES)
    later = apply_step(
        state, Step(Status.SUPERSEDED, date(2010, 3, 1), superseded_by=9), BODIES, agreement_id=7
    )
    assert later.status is Status.SUPERSEDED and later.superseded_by == 9


def test_allowed_moves_offer_only_sensible_steps() -> None:
    state = replay([AGREED, RECOMMENDED, BY_CABINET], BODIES)
    assert allowed_moves(state, BODIES) == [
        (Status.DEFERRED, None),
        (Status.REJECTED, None),
        (Status.SUPERSEDED, None),
        (Status.APPROVED, 2),
    ]


def test_without_named_bodies_one_approval_completes_it() -> None:
    state = replay([AGREED, RECOMMENDED], ())
    assert waiting_for(state, ()) == "Approval by the partners"
    assert apply_step(state, Step(Status.APPROVED, date(2009, 2, 1)), ()).status is Status.APPROVED


def test_steps_describe_themselves_for_the_history() -> None:
    assert describe_step(BY_PCT, BODIES) == "Approved by PCT Board (Oxfordshire Primary Care Trust)"
    assert describe_step(AGREED, BODIES) == "Agreed in principle"
    assert describe_step(Step(Status.SUPERSEDED, date(2009, 1, 1), superseded_by=3), BODIES) == (
        "Superseded by agreement 3"
    )


@pytest.mark.parametrize(
    "text", ["2 Dec 2008", "2nd December 2008", " 2 Dec 2008 ", "02/12/2008", "2008-12-02", "2.12.2008"]
)
def test_dates_are_read_as_people_type_them(text: str) -> None:
    assert parse_date(text) == date(2008, 12, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date, for example 2 Dec 2008."),
        ("31/02/2009", "“31/02/2009” is not a date; write it like 2 Dec 2008 or 02/12/2008."),
        ("next Tuesday", "“next Tuesday” is not a date; write it like 2 Dec 2008 or 02/12/2008."),
    ],
)
def test_bad_dates_say_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value) == message
