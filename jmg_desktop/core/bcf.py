"""Better Care Fund arithmetic, as the planning template's own checks do it: income by funding
stream less planned expenditure gives each stream's balance; minimum-spend conditions give the
planned figure and any shortfall; a checklist says what is incomplete. Pure Python over Money.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from jmg_desktop.core.money import Money

__all__ = [
    "COMMISSIONERS",
    "NEW_OR_EXISTING",
    "BcfPlan",
    "CheckItem",
    "Condition",
    "ConditionResult",
    "Income",
    "Scheme",
    "StreamBalance",
    "checklist",
    "condition_results",
    "format_share",
    "parse_share",
    "share_of",
    "stream_balances",
]

#: Who commissions a scheme, as stored → as shown.
COMMISSIONERS: Final = {"council": "Council", "nhs": "NHS", "joint": "Joint"}
NEW_OR_EXISTING: Final = {"new": "New", "existing": "Existing"}
_FULL: Final = 10_000  # 100% in hundredths of a percent


@dataclass(frozen=True, slots=True)
class Income:
    """Income from one stream, held by one partner."""

    stream_id: int
    stream: str
    partner: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Scheme:
    """A pool line with its scheme columns, as the checks need it."""

    line_id: int
    scheme_ref: str
    name: str
    scheme_type: str
    area_of_spend: str
    commissioner: str
    nhs_share_bp: int | None
    council_share_bp: int | None
    provider: str
    stream_id: int | None
    new_or_existing: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Condition:
    """At least ``minimum`` on the schemes matching every filter that is set."""

    label: str
    minimum: Money
    stream_id: int | None = None
    area_of_spend: str = ""
    commissioner: str = ""  # "" (any), "council" or "nhs": a joint scheme counts by its share
    scheme_type: str = ""


@dataclass(frozen=True, slots=True)
class StreamBalance:
    """One funding stream: income less planned expenditure."""

    stream_id: int | None
    stream: str
    income: Money
    planned: Money

    @property
    def balance(self) -> Money:
        """Income − planned expenditure: negative means the stream is overspent."""
        return self.income - self.planned

    @property
    def overspent(self) -> bool:
        """More is planned from the stream than it brings in."""
        return self.balance.pence < 0


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """A condition with the planned figure that meets it, and the shortfall (zero when met)."""

    condition: Condition
    planned: Money

    @property
    def shortfall(self) -> Money:
        """How much more must be planned to meet the minimum (never negative)."""
        return max(self.condition.minimum - self.planned, Money(0))

    @property
    def met(self) -> bool:
        """The planned figure reaches the minimum."""
        return self.shortfall.pence == 0


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One line of the completeness checklist: green when ``ok``."""

    ok: bool
    text: str


def share_of(scheme: Scheme, commissioner: str) -> Money:
    """The part of a scheme's amount commissioned by ``commissioner`` (``council`` or ``nhs``): all
    of it, none, or a joint scheme's share rounded half-up to the penny."""
    if scheme.commissioner == commissioner:
        return scheme.amount
    if scheme.commissioner != "joint":
        return Money(0)
    share = scheme.nhs_share_bp if commissioner == "nhs" else scheme.council_share_bp
    return scheme.amount.scaled(Decimal(share or 0) / _FULL)


def stream_balances(
    streams: Sequence[tuple[int, str]], income: Iterable[Income], schemes: Iterable[Scheme]
) -> list[StreamBalance]:
    """Each stream with income or planned spending, in the streams' order; schemes paid from no
    stream come last, as "No funding stream"."""
    incomes: dict[int, Money] = {}
    for item in income:
        incomes[item.stream_id] = incomes.get(item.stream_id, Money(0)) + item.amount
    planned: dict[int | None, Money] = {}
    for scheme in schemes:
        planned[scheme.stream_id] = planned.get(scheme.stream_id, Money(0)) + scheme.amount
    result = [
        StreamBalance(stream_id, name, incomes.get(stream_id, Money(0)), planned.get(stream_id, Money(0)))
        for stream_id, name in streams
        if stream_id in incomes or stream_id in planned
    ]
    if None in planned:
        result.append(StreamBalance(None, "No funding stream", Money(0), planned[None]))
    return result


def condition_results(conditions: Iterable[Condition], schemes: Sequence[Scheme]) -> list[ConditionResult]:
    """Each condition with the planned spending that counts towards it."""
    results = []
    for condition in conditions:
        total = Money(0)
        for scheme in schemes:
            if condition.stream_id is not None and scheme.stream_id != condition.stream_id:
                continue
            if (
                condition.area_of_spend
                and scheme.area_of_spend.casefold() != condition.area_of_spend.casefold()
            ):
                continue
            if condition.scheme_type and scheme.scheme_type.casefold() != condition.scheme_type.casefold():
                continue
            total += share_of(scheme, condition.commissioner) if condition.commissioner else scheme.amount
        results.append(ConditionResult(condition, total))
    return results


def checklist(
    balances: Sequence[StreamBalance],
    schemes: Sequence[Scheme],
    conditions: Sequence[ConditionResult],
    scheme_types: Iterable[str],
) -> list[CheckItem]:
    """What the template's checker shows: each item green when complete, red with what is missing."""
    known_types = {name.casefold() for name in scheme_types}
    items: list[CheckItem] = []

    def check(problems: list[str], good: str, bad: str) -> None:
        items.append(
            CheckItem(
                not problems,
                good
                if not problems
                else f"{bad}: {', '.join(problems[:5])}"
                + (f" and {len(problems) - 5} more" if len(problems) > 5 else ""),
            )
        )

    check(
        [b.stream for b in balances if b.planned.pence and not b.income.pence and b.stream_id is not None],
        "Every stream that pays for schemes has its income",
        "No income recorded for",
    )
    check(
        [_label(s) for s in schemes if s.stream_id is None],
        "Every scheme names its funding stream",
        "Schemes with no funding stream",
    )
    check(
        [_label(s) for s in schemes if not s.scheme_type],
        "Every scheme has a scheme type",
        "Schemes with no scheme type",
    )
    check(
        sorted(
            {s.scheme_type for s in schemes if s.scheme_type and s.scheme_type.casefold() not in known_types}
        ),
        "Every scheme type is on the list",
        "Scheme types not on the list",
    )
    check(
        [_label(s) for s in schemes if not s.commissioner],
        "Every scheme names its commissioner",
        "Schemes with no commissioner",
    )
    check(
        [
            _label(s)
            for s in schemes
            if s.commissioner == "joint" and (s.nhs_share_bp or 0) + (s.council_share_bp or 0) != _FULL
        ],
        "Joint schemes' NHS and council shares add to 100%",
        "Joint schemes whose shares do not add to 100%",
    )
    check(
        [f"{b.stream} ({b.balance.format_full()})" for b in balances if b.overspent],
        "No stream is overspent",
        "Overspent streams",
    )
    check(
        [f"{b.stream} ({b.balance.format_full()} unallocated)" for b in balances if b.balance.pence > 0],
        "Every stream's income is planned",
        "Income not yet planned",
    )
    check(
        [f"{r.condition.label} (short by {r.shortfall.format_full()})" for r in conditions if not r.met],
        "Every minimum-spend condition is met",
        "Conditions not met",
    )
    return items


def _label(scheme: Scheme) -> str:
    """A scheme named in a checklist item: its ID and name."""
    return f"{scheme.scheme_ref} {scheme.name}".strip()


def parse_share(text: str) -> int:
    """``60``, ``60%`` or ``0.6`` (as a spreadsheet stores 60%) → hundredths of a percent (6000);
    raise ValueError with a reason."""
    body = text.strip().rstrip("%").strip()
    try:
        value = Decimal(body)
    except ArithmeticError:
        raise ValueError(f"“{text[:20]}” is not a percentage") from None
    if not value.is_finite():
        raise ValueError(f"“{text[:20]}” is not a percentage")
    if not text.strip().endswith("%") and 0 < value <= 1 and "." in body:
        value *= 100  # 0.6 is a spreadsheet's 60%
    bp = value * 100
    if bp != bp.to_integral_value() or not 0 <= bp <= _FULL:
        raise ValueError(f"“{text[:20]}” is not a percentage from 0 to 100 (to two decimals)")
    return int(bp)


def format_share(bp: int | None) -> str:
    """6000 → ``60%``; 3333 → ``33.33%``; None → empty."""
    if bp is None:
        return ""
    whole, part = divmod(bp, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"


@dataclass(frozen=True, slots=True)
class BcfPlan:
    """A pool's BCF plan for a year: its income by stream, its schemes and its conditions."""

    streams: tuple[tuple[int, str], ...]
    income: tuple[Income, ...]
    schemes: tuple[Scheme, ...]
    conditions: tuple[Condition, ...]
    scheme_types: tuple[str, ...] = ()

    @property
    def is_bcf(self) -> bool:
        """Whether the pool has any BCF data this year (income or a line with scheme columns)."""
        return bool(self.income or self.schemes or self.conditions)

    @property
    def balances(self) -> list[StreamBalance]:
        """Each stream's income, planned expenditure and balance."""
        return stream_balances(self.streams, self.income, self.schemes)

    @property
    def results(self) -> list[ConditionResult]:
        """Each minimum-spend condition with its planned figure and shortfall."""
        return condition_results(self.conditions, self.schemes)

    @property
    def checks(self) -> list[CheckItem]:
        """The completeness checklist."""
        return checklist(self.balances, self.schemes, self.results, self.scheme_types)

    @property
    def total_income(self) -> Money:
        """All the pool's income this year."""
        return Money(sum(item.amount.pence for item in self.income))

    @property
    def total_planned(self) -> Money:
        """All planned expenditure on schemes."""
        return Money(sum(scheme.amount.pence for scheme in self.schemes))
