""" "Changed since agreed" is one rule: property tests over random edits and agreements."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jmg_desktop.core.agreed_figures import Change, LineFigures, compare_figures
from jmg_desktop.core.agreements import Status
from jmg_desktop.core.money import Money
from jmg_desktop.core.since_agreed import FLAGGED_FIELDS, can_be_flagged, differences

PARTNERS = ("Oxfordshire County Council", "Oxfordshire Primary Care Trust")
STATUSES = ("In pool", "Proposed addition", "Proposed removal")


def _line(line_id: int, pence: int, partner: int = 0, status: int = 0, kind: str = "") -> LineFigures:
    return LineFigures(
        line_id, f"Service {line_id}", PARTNERS[partner], "Care homes", STATUSES[status], 2009, Money(pence),
        "Older People", kind,
    )  # fmt: skip


KINDS = ["", "service budget", "change to budgets in the pool"]
lines = st.lists(
    st.builds(
        lambda i, pence, p, s, k: _line(i, pence, p, s, k),
        st.integers(1, 40),
        st.integers(-(10**9), 10**9),
        st.integers(0, 1),
        st.integers(0, 2),
        st.sampled_from(KINDS),
    ),
    max_size=12,
    unique_by=lambda line: line.line_id,
)
# One random edit of a line: a field and its new value (some edits change nothing that counts).
edits = st.one_of(
    st.tuples(st.just("amount"), st.integers(-(10**9), 10**9).map(Money)),
    st.tuples(st.just("partner"), st.sampled_from(PARTNERS)),
    st.tuples(st.just("status"), st.sampled_from(STATUSES)),
    st.tuples(st.just("kind"), st.sampled_from(KINDS)),
    st.tuples(st.just("service"), st.text(min_size=1, max_size=20)),
    st.tuples(st.just("category"), st.sampled_from(["Care homes", "Day services", ""])),
)


@settings(max_examples=150, deadline=None)
@given(agreed=lines, edit_plan=st.lists(st.tuples(st.integers(0, 11), edits), max_size=8),
       deleted=st.sets(st.integers(0, 11), max_size=3), new=lines, whole=st.booleans())  # fmt: skip
def test_a_line_is_flagged_exactly_when_its_agreed_figures_differ(
    agreed, edit_plan, deleted, new, whole
) -> None:
    now = {line.line_id: line for line in agreed}
    order = [line.line_id for line in agreed]
    for position, (name, value) in edit_plan:
        if order:
            key = order[position % len(order)]
            now[key] = now[key]._replace(**{name: value})
    for position in deleted:
        if order:
            now.pop(order[position % len(order)], None)
    added = [line._replace(line_id=line.line_id + 100) for line in new]
    current = [*now.values(), *(added if whole else ())]
    comparison = compare_figures(agreed, current, include_new=whole)

    by_id = {c.agreed.line_id: c for c in comparison.lines if c.agreed is not None}
    for before in agreed:
        after = now.get(before.line_id)
        expected = (
            Change.REMOVED
            if after is None
            else Change.CHANGED
            if any(getattr(before, f) != getattr(after, f) for f in ("amount", "partner", "status"))
            # A kind counts only where both sides know it (old snapshots hold "").
            or (before.kind and after.kind and before.kind != after.kind)
            else Change.UNCHANGED
        )
        assert by_id[before.line_id].change is expected
    # Lines added to a whole pool are apart from the changed ones, and only for whole pools.
    assert {c.now.line_id for c in comparison.added} == ({line.line_id for line in added} if whole else set())
    assert all(c.change is not Change.ADDED for c in comparison.changed)
    # A £0.00 difference is no difference: a changed line differs in a flagged figure, and a
    # line whose only change is its amount has moved by at least a penny.
    for line in comparison.changed:
        if line.change is Change.CHANGED:
            assert line.fields and set(line.fields) <= set(FLAGGED_FIELDS)
            if line.fields == ("amount",):
                assert line.difference.pence != 0
    # Totals add up to the penny.
    assert comparison.difference.pence == sum(c.difference.pence for c in comparison.lines)


@given(st.integers(-(10**12), 10**12))
def test_the_same_amount_written_differently_is_no_difference(pence: int) -> None:
    agreed = _line(1, pence)
    assert differences(agreed, agreed._replace(amount=Money.parse(Money(pence).format_full()))) == ()
    assert differences(agreed, agreed._replace(amount=Money(pence + 1))) == ("amount",)


def test_a_kind_counts_only_where_both_sides_know_it() -> None:
    agreed = _line(1, 100, kind="service budget")
    assert differences(agreed, agreed._replace(kind="change to budgets in the pool")) == ("kind",)
    assert differences(agreed._replace(kind=""), agreed) == ()  # a snapshot from before kinds


def test_superseded_rejected_and_implemented_agreements_are_never_flagged() -> None:
    assert [s for s in Status if not can_be_flagged(s)] == [
        Status.IMPLEMENTED,
        Status.REJECTED,
        Status.SUPERSEDED,
    ]
    assert can_be_flagged(Status.AGREED) and can_be_flagged(Status.DEFERRED)


def test_a_new_zero_line_in_a_whole_pool_agreement_is_added_not_changed() -> None:
    agreed = [_line(1, 105_901_000_00)]
    comparison = compare_figures(agreed, [*agreed, _line(2, 0)], include_new=True)
    assert comparison.changed == ()
    assert [c.now.line_id for c in comparison.added] == [2]
    assert comparison.difference == Money.zero()
