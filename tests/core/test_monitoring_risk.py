"""The risk share: every rule against an independent computation done here, and shares that add up.

The reference below works differently from the application: it finds the caps' "water level" by
walking the sorted points where partners fill up (not by removing capped partners round by round),
and rounds with Decimal's ROUND_HALF_UP (not integer arithmetic on fractions).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jmg_desktop.core.monitoring import MonitoringError
from jmg_desktop.core.monitoring_risk import PartnerTerms, RiskShareRule, RiskShareRules, split_variance

PARTNERS = ("Council", "CCG", "District")


def reference_split(
    variance: int, rule: RiskShareRule, host: str | None, contributions: dict[str, int]
) -> tuple[dict[str, int], int]:
    """Each partner's share (pence) and the unallocated rest, computed independently."""
    size = abs(variance)
    sign = 1 if variance >= 0 else -1
    terms = {t.partner: t for t in rule.terms}
    names = list(contributions) + [t.partner for t in rule.terms if t.partner not in contributions]
    cap = {p: (terms[p].cap_pence if p in terms else None) for p in names}
    if rule.method == "fixed":
        weight = {p: Fraction(terms[p].share_ppm or 0 if p in terms else 0) for p in names}
    else:
        weight = {p: Fraction(max(contributions.get(p, 0), 0)) for p in names}
    pre = dict.fromkeys(names, Fraction(0))
    if host is not None and rule.host_first_pence:
        limit = cap[host] if cap[host] is not None else size
        pre[host] = Fraction(min(size, rule.host_first_pence, limit))
    rest = size - sum(pre.values())
    # Water level L: partner p gets min(room_p, L * w_p). Walk the fill-up points in order.
    sharing = [p for p in names if weight[p] > 0]
    room = {p: (None if cap[p] is None else Fraction(cap[p]) - pre[p]) for p in sharing}
    points = sorted({room[p] / weight[p] for p in sharing if room[p] is not None})
    exact = dict(pre)
    level = None
    previous_total = Fraction(0)
    candidates = [*points, None]
    for point in candidates:

        def filled(at: Fraction | None) -> Fraction:
            total = Fraction(0)
            for p in sharing:
                if at is None:
                    continue
                total += min(room[p], at * weight[p]) if room[p] is not None else at * weight[p]
            return total

        if point is None:
            uncapped = sum(weight[p] for p in sharing if room[p] is None)
            if uncapped == 0:
                level = points[-1] if points else Fraction(0)
            else:
                base = points[-1] if points else Fraction(0)
                level = base + (rest - filled(base)) / uncapped
            break
        if filled(point) >= rest:
            active = sum(weight[p] for p in sharing if room[p] is None or room[p] / weight[p] >= point)
            below = points[points.index(point) - 1] if points.index(point) else Fraction(0)
            level = below + (rest - filled(below)) / active
            break
        previous_total = filled(point)
    del previous_total
    assert level is not None
    for p in sharing:
        give = level * weight[p]
        exact[p] += min(room[p], give) if room[p] is not None else give
    unallocated = size - sum(exact.values())
    with localcontext() as context:
        context.prec = 80
        rounded = {
            p: int(
                (Decimal(v.numerator) / Decimal(v.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
            for p, v in exact.items()
        }
    remainder = size - int(unallocated) - sum(rounded.values())
    if remainder:
        order = {p: (0 if p == host else 1, i) for i, p in enumerate(names)}
        fits = [p for p in names if remainder < 0 or cap[p] is None or rounded[p] + remainder <= cap[p]]
        taker = sorted(fits or names, key=lambda p: (-exact[p], order[p]))[0]
        rounded[taker] += remainder
    return {p: sign * v for p, v in rounded.items()}, sign * int(unallocated)


def test_fixed_shares_51_49_to_the_penny() -> None:
    """£100,000.01 at 51/49: 51,000.0051 → 51,000.01 and 49,000.0049 → 49,000.00; they add up."""
    rules = RiskShareRules(
        "Council",
        RiskShareRule("fixed", 0, (PartnerTerms("Council", 510_000), PartnerTerms("CCG", 490_000))),
    )
    split = split_variance(10_000_001, rules, {"Council": 1, "CCG": 1})
    assert split.share_of("Council") == 5_100_001
    assert split.share_of("CCG") == 4_900_000
    assert split.kind == "overspend"
    assert "51%" in split.shares[0].explanation


def test_host_bears_the_first_amount_then_contributions() -> None:
    """£826,000 overspend, host first £250,000, contributions £87.296m / £17.597m.

    Worked by hand: 576,000 × 87,296,000 / 104,893,000 = 479,372.4... → host 729,372.24 or so;
    computed here with Decimal to the penny."""
    contributions = {"Council": 8_729_600_000, "CCG": 1_759_700_000}
    rules = RiskShareRules("Council", RiskShareRule("contributions", 25_000_000))
    split = split_variance(82_600_000, rules, contributions)
    shared = Decimal(57_600_000) * Decimal(8_729_600_000) / Decimal(10_489_300_000)
    council = 25_000_000 + int(shared.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert split.share_of("Council") == council
    assert split.share_of("CCG") == 82_600_000 - council
    assert split.shares[0].host_first == 25_000_000


def test_underspends_follow_their_own_rule() -> None:
    """An underspend is shared by the underspend rule, and the shares are negative."""
    rules = RiskShareRules(
        "Council",
        RiskShareRule("contributions"),
        RiskShareRule("fixed", 0, (PartnerTerms("Council", 500_000), PartnerTerms("CCG", 500_000))),
    )
    split = split_variance(-1_001, rules, {"Council": 900, "CCG": 100})
    assert split.kind == "underspend"
    # -500.5 each rounds half away from zero to -501 (both); one penny too many comes off the host.
    assert split.share_of("Council") == -500
    assert split.share_of("CCG") == -501


def test_caps_pass_the_rest_on_and_what_no_one_can_bear_is_unallocated() -> None:
    """CCG is capped at £100; the council takes the rest; with both capped, the excess is left over."""
    rules = RiskShareRules("Council", RiskShareRule("contributions", 0, (PartnerTerms("CCG", None, 10_000),)))
    split = split_variance(100_000, rules, {"Council": 1, "CCG": 1})
    assert (split.share_of("Council"), split.share_of("CCG"), split.unallocated) == (90_000, 10_000, 0)
    both = RiskShareRules(
        "Council",
        RiskShareRule(
            "contributions", 0, (PartnerTerms("CCG", None, 10_000), PartnerTerms("Council", None, 20_000))
        ),
    )
    split = split_variance(100_000, both, {"Council": 1, "CCG": 1})
    assert (split.share_of("Council"), split.share_of("CCG"), split.unallocated) == (20_000, 10_000, 70_000)


def test_bad_rules_are_refused_in_words() -> None:
    """Fixed shares must make 100 %; contributions need a contributor."""
    with pytest.raises(MonitoringError, match="add up to 100 %"):
        RiskShareRule("fixed", 0, (PartnerTerms("Council", 510_000), PartnerTerms("CCG", 480_000)))
    with pytest.raises(MonitoringError, match="no partner contributes"):
        split_variance(100, RiskShareRules("Council"), {"Council": 0, "CCG": -5})


terms_strategy = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["contributions", "fixed"]),
        "host_first": st.integers(0, 5_000_000),
        "caps": st.lists(st.one_of(st.none(), st.integers(0, 20_000_000)), min_size=3, max_size=3),
        "shares": st.lists(st.integers(0, 1000), min_size=3, max_size=3).filter(lambda s: sum(s) > 0),
        "contributions": st.lists(st.integers(-1000, 10**10), min_size=3, max_size=3).filter(
            lambda c: any(v > 0 for v in c)
        ),
    }
)


def _rule(data: dict) -> RiskShareRule:
    """A rule from drawn data; fixed shares are scaled to make exactly 100 %."""
    shares = [None, None, None]
    if data["method"] == "fixed":
        total = sum(data["shares"])
        scaled = [s * 1_000_000 // total for s in data["shares"]]
        scaled[0] += 1_000_000 - sum(scaled)
        shares = scaled
    terms = tuple(
        PartnerTerms(name, shares[i], data["caps"][i])
        for i, name in enumerate(PARTNERS)
        if shares[i] is not None or data["caps"][i] is not None
    )
    return RiskShareRule(data["method"], data["host_first"], terms)


@settings(max_examples=300, deadline=None)
@given(variance=st.integers(-(10**11), 10**11), data=terms_strategy)
def test_every_rule_matches_the_independent_computation_and_adds_up(variance: int, data: dict) -> None:
    """Shares plus the unallocated rest equal the variance exactly, and each share is the reference's."""
    rule = _rule(data)
    contributions = dict(zip(PARTNERS, data["contributions"], strict=True))
    rules = RiskShareRules("Council", rule, rule)
    split = split_variance(variance, rules, contributions)
    assert sum(share.amount for share in split.shares) + split.unallocated == variance
    expected, unallocated = reference_split(variance, rule, "Council", contributions)
    assert split.unallocated == unallocated
    for partner in PARTNERS:
        assert split.share_of(partner) == expected.get(partner, 0), partner
        cap = rule.terms_for(partner).cap_pence if rule.terms_for(partner) else None
        if cap is not None:
            assert abs(split.share_of(partner)) <= cap
