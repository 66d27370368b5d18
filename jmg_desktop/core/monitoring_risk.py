"""The risk share: who bears a pool's projected overspend, or keeps its underspend.

Rules are data, per pool and year, with one rule for overspends and (optionally) another for
underspends. A rule shares the variance either **in proportion to contributions** (each partner's
latest budget in the pool) or in **fixed shares** (e.g. 51 % / 49 %), after the **host** has borne
the first £X if the rule says so; a partner may have a **cap** on what it bears in all.

The arithmetic is exact (fractions of a penny) until one named rounding point: each partner's share
is rounded half up to the penny, and the few pence by which the rounded shares then differ from the
amount shared (the *remainder*) go to the partner with the largest exact share that has room under
its cap (ties: the host, then the partners' order). The shares therefore always add up to the
variance exactly. When every partner has reached its cap, what is left is reported as
``unallocated`` — beyond the caps, for the partners to settle — and still counted, so the figures
add up. Every share carries a :class:`PartnerShare` trace naming the rule and the variance it came
from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal

from jmg_desktop.core.money import Money, round_half_up
from jmg_desktop.core.monitoring import MonitoringError

__all__ = [
    "REMAINDER_RULE",
    "PartnerShare",
    "PartnerTerms",
    "RiskShareRule",
    "RiskShareRules",
    "RiskShareSplit",
    "percent_text",
    "split_variance",
]

Method = Literal["contributions", "fixed"]
WHOLE_PPM: Final = 1_000_000  # shares are millionths of the whole: 51 % = 510,000

REMAINDER_RULE: Final = (
    "Each share is rounded half up to the penny; any penny left over from rounding goes to the "
    "partner with the largest share (ties: the host, then the partners' order)."
)


def percent_text(value: Fraction) -> str:
    """A fraction of the whole as a percentage, up to four decimals: 51/100 → ``51%``."""
    hundredths = value * 100
    exact = Decimal(hundredths.numerator) / Decimal(hundredths.denominator)
    text = f"{round_half_up(exact, 4):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


@dataclass(frozen=True, slots=True)
class PartnerTerms:
    """One partner's terms under a rule: a fixed share (millionths of the whole) and/or a cap
    (the most it bears in all, pence)."""

    partner: str
    share_ppm: int | None = None
    cap_pence: int | None = None

    def __post_init__(self) -> None:
        if self.share_ppm is not None and not 0 <= self.share_ppm <= WHOLE_PPM:
            raise MonitoringError(f"{self.partner}'s share must be between 0 % and 100 %.")
        if self.cap_pence is not None and self.cap_pence < 0:
            raise MonitoringError(f"{self.partner}'s cap cannot be negative.")


@dataclass(frozen=True, slots=True)
class RiskShareRule:
    """How one kind of variance (an overspend, or an underspend) is shared."""

    method: Method = "contributions"
    host_first_pence: int = 0
    terms: tuple[PartnerTerms, ...] = ()

    def __post_init__(self) -> None:
        if self.method not in ("contributions", "fixed"):
            raise MonitoringError(f"“{self.method}” is not a way of sharing (contributions or fixed shares).")
        if self.host_first_pence < 0:
            raise MonitoringError("The amount the host bears first cannot be negative.")
        names = [terms.partner for terms in self.terms]
        if len(set(names)) != len(names):
            raise MonitoringError("A partner is named twice in the same risk-share rule.")
        if self.method == "fixed":
            total = sum(terms.share_ppm or 0 for terms in self.terms)
            if total != WHOLE_PPM:
                raise MonitoringError(
                    f"Fixed shares must add up to 100 %; these add up to {percent_text(Fraction(total, WHOLE_PPM))}."
                )

    def terms_for(self, partner: str) -> PartnerTerms | None:
        """The partner's terms, if the rule names it."""
        return next((terms for terms in self.terms if terms.partner == partner), None)

    def describe(self, host: str | None) -> str:
        """The rule in words: ``OCC bears the first £100,000.00, then fixed shares 51% / 49%``."""
        parts = []
        if self.host_first_pence:
            parts.append(
                f"{host or 'the host'} bears the first {Money(self.host_first_pence).format_full()}, then"
            )
        if self.method == "fixed":
            shares = ", ".join(
                f"{terms.partner} {percent_text(Fraction(terms.share_ppm or 0, WHOLE_PPM))}"
                for terms in self.terms
            )
            parts.append(f"fixed shares ({shares})")
        else:
            parts.append("in proportion to contributions")
        caps = [
            f"{terms.partner} at most {Money(terms.cap_pence).format_full()}"
            for terms in self.terms
            if terms.cap_pence is not None
        ]
        if caps:
            parts.append("with caps: " + ", ".join(caps))
        text = " ".join(parts)
        return text[0].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class RiskShareRules:
    """A pool's rules for one year: the overspend rule, and the underspend rule (None: the same)."""

    host: str | None
    overspend: RiskShareRule = field(default_factory=RiskShareRule)
    underspend: RiskShareRule | None = None

    def rule_for(self, variance: int) -> tuple[str, RiskShareRule]:
        """The kind of variance and the rule that shares it."""
        if variance >= 0:
            return "overspend", self.overspend
        return "underspend", self.underspend or self.overspend


@dataclass(frozen=True, slots=True)
class PartnerShare:
    """One partner's share of the variance (pence, same sign as the variance) and how it arose."""

    partner: str
    amount: int
    exact: Fraction
    host_first: int
    proportion: Fraction
    capped: bool
    rounding: int
    explanation: str


@dataclass(frozen=True, slots=True)
class RiskShareSplit:
    """The variance split by partner. ``sum(shares) + unallocated == variance`` always."""

    variance: int
    kind: str
    rule_text: str
    shares: tuple[PartnerShare, ...]
    unallocated: int

    def share_of(self, partner: str) -> int:
        """What ``partner`` bears (pence; 0 when it has no share)."""
        return next((share.amount for share in self.shares if share.partner == partner), 0)


def _half_up(value: Fraction) -> int:
    """A non-negative fraction of a penny rounded half up to whole pence."""
    return (value.numerator * 2 + value.denominator) // (value.denominator * 2)


def _weights(
    rule: RiskShareRule, partners: Sequence[str], contributions: Mapping[str, int]
) -> dict[str, int]:
    """Each partner's weight: its fixed share, or its contribution (a negative one counts as nil)."""
    if rule.method == "fixed":
        named = {terms.partner: terms.share_ppm or 0 for terms in rule.terms}
        return {partner: named.get(partner, 0) for partner in partners}
    weights = {partner: max(contributions.get(partner, 0), 0) for partner in partners}
    if not any(weights.values()):
        raise MonitoringError(
            "The variance cannot be shared in proportion to contributions: no partner contributes to "
            "the pool this year."
        )
    return weights


def split_variance(
    variance: int,
    rules: RiskShareRules,
    contributions: Mapping[str, int],
    partners: Sequence[str] | None = None,
) -> RiskShareSplit:
    """Split ``variance`` (pence; overspend +) between partners under ``rules``.

    ``contributions`` gives each partner's latest budget in the pool; ``partners`` the order of the
    answer (default: the contributions' order, then partners only the rule names).
    """
    kind, rule = rules.rule_for(variance)
    if variance == 0:
        kind = "nil"
    order = list(partners) if partners is not None else list(contributions)
    for terms in rule.terms:
        if terms.partner not in order:
            order.append(terms.partner)
    if rules.host is not None and rules.host not in order:
        order.append(rules.host)
    if rule.host_first_pence and rules.host is None:
        raise MonitoringError("The rule has the host bear the first amount, but the pool has no host.")
    weights = _weights(rule, order, contributions)
    caps = {p: (t.cap_pence if (t := rule.terms_for(p)) is not None else None) for p in order}
    sign = 1 if variance >= 0 else -1
    size = abs(variance)
    allocated: dict[str, Fraction] = {partner: Fraction(0) for partner in order}
    host_first = 0
    if rules.host is not None and rule.host_first_pence:
        host_cap = caps[rules.host]
        host_first = min(size, rule.host_first_pence, host_cap if host_cap is not None else size)
        allocated[rules.host] += host_first
    rest = Fraction(size - host_first)
    capped: set[str] = set()
    active = [p for p in order if weights[p] > 0 and (caps[p] is None or allocated[p] < caps[p])]
    capped.update(p for p in order if caps[p] is not None and allocated[p] >= caps[p] and weights[p] > 0)
    last_round: dict[str, Fraction] = {}
    while rest > 0 and active:
        total_weight = sum(weights[p] for p in active)
        over = [
            p
            for p in active
            if caps[p] is not None and allocated[p] + rest * weights[p] / total_weight > caps[p]
        ]
        if not over:
            for partner in active:
                last_round[partner] = Fraction(weights[partner], total_weight)
                allocated[partner] += rest * weights[partner] / total_weight
            rest = Fraction(0)
            break
        for partner in over:
            cap = caps[partner]
            assert cap is not None
            rest -= cap - allocated[partner]
            allocated[partner] = Fraction(cap)
            capped.add(partner)
        active = [p for p in active if p not in over]
    unallocated = int(rest)  # only left when every sharing partner is at its (whole-penny) cap
    rounded = {partner: _half_up(value) for partner, value in allocated.items()}
    remainder = size - unallocated - sum(rounded.values())
    taker = None
    if remainder:
        host_rank = {p: (0 if p == rules.host else 1, i) for i, p in enumerate(order)}
        # Taking pence off never breaks a cap; adding them needs room under it.
        room = [p for p in order if remainder < 0 or caps[p] is None or rounded[p] + remainder <= caps[p]]
        candidates = room or order
        taker = min(candidates, key=lambda p: (-allocated[p], host_rank[p]))
        rounded[taker] += remainder
    base_text = rule.describe(rules.host)
    shares = []
    for partner in order:
        if not allocated[partner] and partner != taker and weights[partner] == 0 and partner != rules.host:
            continue
        shares.append(
            PartnerShare(
                partner=partner,
                amount=sign * rounded[partner],
                exact=sign * allocated[partner],
                host_first=sign * (host_first if partner == rules.host else 0),
                proportion=last_round.get(partner, Fraction(0)),
                capped=partner in capped,
                rounding=sign * (remainder if partner == taker else 0),
                explanation=_explain(
                    partner,
                    variance,
                    kind,
                    rule,
                    host_first if partner == rules.host else 0,
                    size - host_first,
                    bool(capped),
                    last_round.get(partner),
                    caps[partner] if partner in capped else None,
                    remainder if partner == taker else 0,
                ),
            )
        )
    return RiskShareSplit(variance, kind, base_text, tuple(shares), sign * unallocated)


def _explain(
    partner: str,
    variance: int,
    kind: str,
    rule: RiskShareRule,
    host_first: int,
    shared: int,
    any_capped: bool,
    proportion: Fraction | None,
    cap: int | None,
    rounding: int,
) -> str:
    """How one partner's share was reached, in one sentence (``rounding`` in pence of size)."""
    if variance == 0:
        return f"No variance to share: {partner} bears nothing."
    what = "overspend" if kind == "overspend" else "underspend"
    bears: list[str] = []
    if host_first:
        bears.append(f"the first {Money(host_first).format_full()} as host")
    if cap is not None:
        bears.append(f"its cap of {Money(cap).format_full()}")
    elif proportion is not None:
        basis = "its fixed share" if rule.method == "fixed" else "its share of contributions"
        if any_capped:
            rest = "what was left once other partners reached their caps"
        elif shared != abs(variance):
            rest = f"the {Money(shared).format_full()} left after the host's first share"
        else:
            rest = "it"
        bears.append(f"{percent_text(proportion)} of {rest}, {basis}")
    if not bears:
        return f"Of the {Money(abs(variance)).format_full()} {what}, {partner} bears nothing under this rule."
    text = f"Of the {Money(abs(variance)).format_full()} {what}, {partner} bears " + " and ".join(bears)
    if rounding:
        change = "added to" if rounding > 0 else "taken off"
        text += f"; {Money(abs(rounding)).format_full()} of rounding remainder was {change} its share"
    return text + "."
