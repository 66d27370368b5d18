"""BCF arithmetic: stream balances, minimum-spend conditions, joint shares and the checklist."""

from __future__ import annotations

import pytest

from jmg_desktop.core.bcf import (
    BcfPlan,
    Condition,
    Income,
    Scheme,
    format_share,
    parse_share,
    share_of,
)
from jmg_desktop.core.money import Money


def _scheme(
    ref: str,
    pounds: str,
    stream: int | None,
    *,
    commissioner: str = "nhs",
    nhs: int | None = None,
    council: int | None = None,
    area: str = "Social Care",
    kind: str = "Carers Services",
) -> Scheme:
    return Scheme(
        1,
        ref,
        f"Scheme {ref}",
        kind,
        area,
        commissioner,
        nhs,
        council,
        "",
        stream,
        "existing",
        Money.from_pounds(pounds),
    )


STREAMS = ((1, "NHS minimum contribution"), (2, "Disabled Facilities Grant"))


def test_balances_per_stream_and_an_overspent_stream() -> None:
    plan = BcfPlan(
        STREAMS,
        (
            Income(1, "NHS minimum contribution", "CCG", Money.from_pounds("1000000")),
            Income(2, "Disabled Facilities Grant", "Council", Money.from_pounds("200000")),
        ),
        (_scheme("S1", "600000", 1), _scheme("S2", "400000.01", 1), _scheme("S3", "150000", 2)),
        (),
        ("Carers Services",),
    )
    [nhs, dfg] = plan.balances
    assert (nhs.income, nhs.planned, nhs.balance, nhs.overspent) == (
        Money(100_000_000),
        Money(100_000_001),
        Money(-1),
        True,
    )
    assert (dfg.balance, dfg.overspent) == (Money(5_000_000), False)
    checks = {c.text: c.ok for c in plan.checks}
    assert checks["Overspent streams: NHS minimum contribution (-£0.01)"] is False
    assert checks["Income not yet planned: Disabled Facilities Grant (£50,000.00 unallocated)"] is False


def test_conditions_count_a_joint_scheme_by_its_share_and_show_the_shortfall() -> None:
    schemes = (
        _scheme("S1", "1000000", 1, commissioner="nhs", area="Community Health"),
        _scheme("S2", "333333.33", 1, commissioner="joint", nhs=6000, council=4000),
        _scheme("S3", "500000", 1, commissioner="council"),
    )
    assert share_of(schemes[1], "nhs") == Money.from_pounds("200000.00")  # 60% of £333,333.33, half-up
    assert share_of(schemes[1], "council") == Money.from_pounds("133333.33")
    plan = BcfPlan(
        STREAMS,
        (Income(1, "NHS minimum contribution", "CCG", Money.from_pounds("1833333.33")),),
        schemes,
        (
            Condition(
                "NHS-commissioned out of hospital",
                Money.from_pounds("1500000"),
                stream_id=1,
                commissioner="nhs",
            ),
            Condition(
                "Adult social care from the NHS minimum",
                Money.from_pounds("800000"),
                stream_id=1,
                area_of_spend="social care",
            ),
        ),
        ("Carers Services",),
    )
    [nhs, social] = plan.results
    assert (nhs.planned, nhs.shortfall, nhs.met) == (
        Money.from_pounds("1200000.00"),
        Money.from_pounds("300000.00"),
        False,
    )
    assert (social.planned, social.shortfall, social.met) == (Money.from_pounds("833333.33"), Money(0), True)
    texts = [c.text for c in plan.checks if not c.ok]
    assert texts == ["Conditions not met: NHS-commissioned out of hospital (short by £300,000.00)"]


def test_checklist_names_what_is_incomplete() -> None:
    plan = BcfPlan(
        STREAMS,
        (),
        (
            _scheme("S1", "100", None, kind=""),
            _scheme("S2", "100", 2, commissioner="joint", nhs=5000, council=4000, kind="Made-up type"),
            _scheme("S3", "100", 2, commissioner=""),
        ),
        (),
        ("Carers Services",),
    )
    bad = [c.text for c in plan.checks if not c.ok]
    assert bad == [
        "No income recorded for: Disabled Facilities Grant",
        "Schemes with no funding stream: S1 Scheme S1",
        "Schemes with no scheme type: S1 Scheme S1",
        "Scheme types not on the list: Made-up type",
        "Schemes with no commissioner: S3 Scheme S3",
        "Joint schemes whose shares do not add to 100%: S2 Scheme S2",
        "Overspent streams: Disabled Facilities Grant (-£200.00), No funding stream (-£100.00)",
    ]


@pytest.mark.parametrize(
    "text, bp", [("60", 6000), ("60%", 6000), ("0.6", 6000), ("33.33", 3333), ("100", 10000), ("0", 0)]
)
def test_shares_are_read_as_typed_or_as_a_spreadsheet_stores_them(text: str, bp: int) -> None:
    assert parse_share(text) == bp


@pytest.mark.parametrize("text", ["120", "-5", "sixty", "33.333"])
def test_a_share_that_is_not_a_percentage_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_share(text)


def test_shares_are_shown_without_needless_decimals() -> None:
    assert [format_share(6000), format_share(3333), format_share(None)] == ["60%", "33.33%", ""]
