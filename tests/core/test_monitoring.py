"""Monitoring arithmetic: latest budget, variance sign, the traffic light, and totals kept right
when one forecast changes (checked against sums done here)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.monitoring import MonitoringError, RagThresholds, period_label
from jmg_desktop.core.monitoring_commands import ForecastEntry, forecast_change, validate_legs
from jmg_desktop.core.monitoring_report import (
    MonitoringSettings,
    PeriodReport,
    report_from_snapshot,
    snapshot_text,
)
from jmg_desktop.core.monitoring_table import MonitoredLine, MonitoringTable

POUND = 100
LIMITS = RagThresholds(10_000, 30_000, 250_000 * POUND)


def test_period_labels() -> None:
    """Quarters and months of a financial year, with the calendar year where it turns."""
    year = FinancialYear(2009)
    assert period_label("quarter", 2, year) == "Quarter 2 (July–September 2009)"
    assert period_label("quarter", 4, year) == "Quarter 4 (January–March 2010)"
    assert period_label("month", 10, year) == "Month 10 (January 2010)"
    with pytest.raises(MonitoringError, match="no quarter 5"):
        period_label("quarter", 5, year)


@pytest.mark.parametrize(
    ("variance_pounds", "latest_pounds", "rag"),
    [
        (10_000, 1_000_000, "green"),  # exactly 1 %: within
        (10_001, 1_000_000, "amber"),
        (-30_000, 1_000_000, "amber"),  # exactly 3 % under: within amber
        (-30_001, 1_000_000, "red"),
        (250_000, 100_000_000, "green"),  # 0.25 % and exactly £250k: within both
        (250_001, 100_000_000, "red"),  # above £250k whatever the percentage
        (0, 0, "green"),
        (1, 0, "red"),  # no budget: any variance is beyond every percentage
    ],
)
def test_traffic_light_limits(variance_pounds: int, latest_pounds: int, rag: str) -> None:
    """Green within ±1 %, amber to ±3 %, red beyond or above £250,000."""
    assert LIMITS.rate(variance_pounds * POUND, latest_pounds * POUND) == rag


def test_latest_budget_and_variance_sign() -> None:
    """Latest = original + movements; variance = forecast − latest: overspend +, underspend −;
    no forecast means on budget."""
    table = MonitoringTable.build(
        [
            MonitoredLine(1, "Home support", "Home", "Council", 1_000_000, 50_000, 1_100_000),
            MonitoredLine(2, "Day care", "Day", "CCG", 500_000, -50_000, 400_000),
            MonitoredLine(3, "Respite", "Day", "CCG", 200_000),
        ],
        LIMITS,
    )
    first, second, third = table.rows
    assert (first.latest, first.variance) == (1_050_000, 50_000)
    assert (second.latest, second.variance) == (450_000, -50_000)
    assert (third.forecast, third.variance, third.has_forecast) == (200_000, 0, False)
    assert table.pool.variance == 0
    assert table.by_category["Day"].latest == 650_000


lines_strategy = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(["Council", "CCG"]),
        st.integers(0, 10**9),
        st.integers(-(10**7), 10**7),
        st.one_of(st.none(), st.integers(0, 10**9)),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(
    lines=lines_strategy,
    edits=st.lists(st.tuples(st.integers(0, 29), st.one_of(st.none(), st.integers(0, 10**9)))),
)
def test_totals_after_edits_equal_sums_done_here(lines: list, edits: list) -> None:
    """After any forecast edits, every total equals the sum of its lines worked out afresh."""
    table = MonitoringTable.build(
        [MonitoredLine(i, f"S{i}", c, p, o, m, f) for i, (c, p, o, m, f) in enumerate(lines)], LIMITS
    )
    forecasts = {i: f for i, (_c, _p, _o, _m, f) in enumerate(lines)}
    for index, value in edits:
        if index < len(lines):
            table.set_forecast(index, value)
            forecasts[index] = value
    for group in ("A", "B", "C"):
        members = [i for i, line in enumerate(lines) if line[0] == group]
        latest = sum(lines[i][2] + lines[i][3] for i in members)
        forecast = sum(
            forecasts[i] if forecasts[i] is not None else lines[i][2] + lines[i][3] for i in members
        )
        if members:
            totals = table.by_category[group]
            assert (totals.latest, totals.forecast, totals.variance) == (latest, forecast, forecast - latest)
            assert totals.rag == LIMITS.rate(forecast - latest, latest)
    assert table.pool.forecast == sum(row.forecast for row in table.rows)
    # The lights worked out without making each line's figures are the lines' own, worked out here.
    expected = [
        LIMITS.rate(forecasts[i] - (o + m), o + m) if forecasts[i] is not None else "green"
        for i, (_c, _p, o, m, _f) in enumerate(lines)
    ]
    assert table.rags() == expected == [row.rag for row in table.rows]
    assert table.numbers_rated(["red"]) == [i for i, rag in enumerate(expected) if rag == "red"]


def test_a_line_twice_is_refused_and_figures_are_copies() -> None:
    """A table naming one line twice cannot be edited (the id is named); changing a row's figures
    object changes nothing in the table."""
    table = MonitoringTable.build(
        [MonitoredLine(1, "A", "Home", "Council", 100), MonitoredLine(1, "B", "Home", "Council", 200)],
        LIMITS,
    )
    with pytest.raises(MonitoringError, match="Line 1 appears twice"):
        table.set_forecast(1, 5)
    single = MonitoringTable.build([MonitoredLine(7, "A", "Home", "Council", 100)], LIMITS)
    single.rows[0].forecast = 999
    assert single.row(7).forecast == 100 and single.pool.forecast == 100


def test_forecast_change_and_its_inverse() -> None:
    """Setting, changing and clearing forecasts makes row changes whose inverse restores them."""
    stored = {
        "line_id": 7,
        "period": 2,
        "pool_id": 1,
        "financial_year": 2009,
        "forecast_pence": 100,
        "actual_pence": None,
        "commentary": "",
    }
    change = forecast_change(
        1, 2009, 2, [(7, stored, ForecastEntry(None)), (8, None, ForecastEntry(5, 3, "x"))]
    )
    assert [(r.old is None, r.new is None) for r in change.rows] == [(False, True), (True, False)]
    undo = change.inverse()
    assert undo.rows[1].new == stored and undo.rows[0].new is None
    assert forecast_change(1, 2009, 2, [(7, stored, ForecastEntry(100))]).is_empty
    with pytest.raises(MonitoringError, match="needs a forecast"):
        forecast_change(1, 2009, 2, [(9, None, ForecastEntry(None, None, "a note"))])


def test_movements_must_make_sense() -> None:
    """A virement adds up to nil across two or more lines; a supplementary estimate does not."""
    validate_legs("virement", [(1, -500), (2, 500)])
    validate_legs("supplementary", [(1, 700)])
    with pytest.raises(MonitoringError, match="add up to nil"):
        validate_legs("virement", [(1, -500), (2, 400)])
    with pytest.raises(MonitoringError, match="at least two"):
        validate_legs("virement", [(1, 5)])
    with pytest.raises(MonitoringError, match="twice"):
        validate_legs("supplementary", [(1, 5), (1, 6)])
    with pytest.raises(MonitoringError, match="record a virement"):
        validate_legs("supplementary", [(1, 5), (2, -5)])


def test_snapshot_rebuilds_the_same_report() -> None:
    """A report frozen to text and read back gives the same figures, line by line."""
    report = PeriodReport.build(
        pool="Older People",
        host="Council",
        year=FinancialYear(2009),
        settings=MonitoringSettings("quarter", LIMITS),
        period=2,
        lines=[
            MonitoredLine(1, "Home support", "Home", "Council", 1_000_000, 50_000, 1_100_000, 400_000, "up"),
            MonitoredLine(2, "Day care", "Day", "CCG", 500_000, -50_000, None),
        ],
        categories=["Home", "Day"],
        partners=["Council", "CCG"],
        rules=None,
    )
    text = snapshot_text(report, closed_at="2009-10-05T10:00:00+00:00", closed_by="finance")
    again = report_from_snapshot(text)
    assert again.closed and again.closed_by == "finance"
    assert [(r.latest, r.forecast, r.variance, r.rag, r.commentary) for r in again.table.rows] == [
        (1_050_000, 1_100_000, 50_000, "red", "up"),
        (450_000, 450_000, 0, "green", ""),
    ]
    assert again.split().share_of("Council") == report.split().share_of("Council")
