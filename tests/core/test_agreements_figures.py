"""Agreed-vs-now comparison, line by line, to the penny."""

from __future__ import annotations

from jmg_desktop.core.agreed_figures import Change, LineFigures, compare_figures
from jmg_desktop.core.money import Money


def _line(line_id: int | None, service: str, amount: str, **changes: object) -> LineFigures:
    base = LineFigures(
        line_id=line_id,
        service=service,
        partner="Oxfordshire County Council",
        category="Day services",
        status="Proposed addition",
        year=2009,
        amount=Money.parse(amount),
    )
    return base._replace(**changes)


AGREED = (
    _line(11, "Day services – internal", "£3,342,000.00"),
    _line(12, "Day services – external", "£4,652,000.00"),
    _line(13, "Home support – internal", "£8,050,000.00"),
)


def test_unchanged_lines_show_no_difference() -> None:
    comparison = compare_figures(AGREED, AGREED)
    assert [line.change for line in comparison.lines] == [Change.UNCHANGED] * 3
    assert comparison.changed == ()
    assert comparison.agreed_total == Money.parse("£16,044,000.00")
    assert comparison.difference == Money.zero()


def test_a_changed_amount_shows_the_difference_to_the_penny() -> None:
    now = (AGREED[0], AGREED[1]._replace(amount=Money.parse("£4,700,000.01")), AGREED[2])
    comparison = compare_figures(AGREED, now)
    changed = comparison.changed
    assert len(changed) == 1
    assert changed[0].service == "Day services – external"
    assert changed[0].fields == ("amount",)
    assert changed[0].difference == Money.parse("£48,000.01")
    assert comparison.now_total.format_full() == "£16,092,000.01"
    assert comparison.difference.format_full() == "£48,000.01"


def test_a_new_status_flags_the_line_and_a_rename_is_only_noted() -> None:
    now = (AGREED[0]._replace(service="Day services – in house", status="In pool"), AGREED[1], AGREED[2])
    line = compare_figures(AGREED, now).lines[0]
    assert line.change is Change.CHANGED
    assert line.fields == ("status",)
    assert line.noted == ("service",)
    assert line.difference == Money.zero()
    assert line.service == "Day services – in house"
    renamed_only = (AGREED[0]._replace(service="Day services – in house"), AGREED[1], AGREED[2])
    comparison = compare_figures(AGREED, renamed_only)
    assert comparison.lines[0].change is Change.UNCHANGED and comparison.changed == ()
    assert comparison.lines[0].noted == ("service",)


def test_a_deleted_line_counts_as_removed_with_its_whole_amount() -> None:
    comparison = compare_figures(AGREED, AGREED[1:])
    assert comparison.lines[0].change is Change.REMOVED
    assert comparison.lines[0].difference == Money.parse("-3342000")
    snapshot_of_deleted = (AGREED[0]._replace(line_id=None), *AGREED[1:])
    assert compare_figures(snapshot_of_deleted, AGREED).lines[0].change is Change.REMOVED


def test_new_lines_count_only_when_the_agreement_covers_the_whole_pool() -> None:
    extra = _line(14, "Intermediate care", "£5,110,000.00")
    assert len(compare_figures(AGREED, (*AGREED, extra)).lines) == 3
    whole = compare_figures(AGREED, (*AGREED, extra), include_new=True)
    assert whole.lines[-1].change is Change.ADDED
    assert whole.changed == () and [line.service for line in whole.added] == ["Intermediate care"]
    assert whole.lines[-1].difference == Money.parse("£5,110,000.00")
    assert whole.difference == Money.parse("£5.11m")
