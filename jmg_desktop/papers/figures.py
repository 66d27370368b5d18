"""Figures blocks: the paper's sentences and tables of money, made from facts read off the workspace.

Pure: :class:`FigureFacts` is filled by :mod:`jmg_desktop.papers.facts` and turned into blocks here,
so the wording and the rounding rules can be tested without a database. Money reads ``£3.342
million`` in sentences and £m to three places in tables; totals come from unrounded pence, and a
note says so wherever the rounded parts do not add to the rounded total.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from jmg_desktop.core.line_kinds import BUDGET_CHANGE, SERVICE_BUDGET
from jmg_desktop.core.money import Money
from jmg_desktop.core.records import Record
from jmg_desktop.papers.model import Block, FigureTable, Notice, Paragraph, Run, TableRow

__all__ = [
    "ROUNDING_NOTE",
    "AgreementFact",
    "FigureFacts",
    "ProposedLine",
    "agreement",
    "current_value",
    "format_day",
    "join_names",
    "new_value",
    "proposed_lines",
    "rounding_breaks",
    "typographic",
]

ROUNDING_NOTE: Final = (
    "Figures are shown to the nearest £1,000, so the lines may not add up exactly to the totals, "
    "which are calculated from the unrounded amounts."
)


class ProposedLine(Record):
    """A line proposed for addition or removal, as the table prints it."""

    pool_name: str
    service: str
    effect: str  # "addition" or "removal"
    amount: Money
    in_own_pool: bool = True
    kind: str = SERVICE_BUDGET  # or BUDGET_CHANGE: listed apart from the service budgets

    @property
    def signed(self) -> Money:
        """The change the line makes: removals reduce the pool."""
        return -self.amount if self.effect == "removal" else self.amount


class AgreementFact(Record):
    """What a JMG agreed in principle, and when."""

    body: str
    agreed_on: date
    title: str
    reference: str = ""
    #: Covered lines whose agreed figures have changed since (the core changed-since-agreed rule),
    #: the net effect of those changes, and lines added since to a pool agreed as a whole.
    changed_lines: int = 0
    changed_by: Money = Money.zero()
    added_lines: int = 0


class FigureFacts(Record):
    """Everything the figures blocks of one paper need, read from the workspace in one go."""

    pool_name: str
    year_label: str
    partner_name: str | None
    linked_pool_names: tuple[str, ...]
    current: Money
    current_with_linked: Money
    new: Money
    new_with_linked: Money
    proposed: tuple[ProposedLine, ...] = ()
    agreements: tuple[AgreementFact, ...] = ()
    #: How sentences name the pool before "pooled budget": "Older People’s" when the paper's title
    #: says it so, else the pool's name.
    pool_label: str = ""
    #: Footnotes for accepted differences, as (basis, scope, text): printed after the figure the
    #: published value was for (``current``/``new``, ``pool``/``with_linked``).
    notes: tuple[tuple[str, str, str], ...] = ()

    @property
    def budget_name(self) -> str:
        """``Older People’s`` (as the title has it) or ``Older People``."""
        return self.pool_label or self.pool_name

    def notes_for(self, basis: str, *scopes: str) -> tuple[str, ...]:
        """The footnotes for the figure of ``basis`` in these scopes."""
        return tuple(text for b, scope, text in self.notes if b == basis and scope in scopes)


def typographic(text: str) -> str:
    """Straight apostrophes between letters as the title prints them: ``People's`` → ``People’s``."""
    return re.sub(r"(?<=\w)'(?=\w)", "’", text)


def join_names(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def format_day(day: date) -> str:
    """``9 December 2008``: the date style of council papers."""
    return f"{day.day} {day:%B %Y}"


def rounding_breaks(parts: Sequence[Money], total: Money) -> bool:
    """True when the parts, each rounded to £0.001m, do not add to the total rounded the same way."""
    return sum((part.millions(3) for part in parts), start=Decimal(0)) != total.millions(3)


def _whose(facts: FigureFacts) -> str:
    """Whose contribution the sentence is about."""
    return f"{facts.partner_name}’s contribution to" if facts.partner_name else "the value of"


def _value_runs(facts: FigureFacts, basis: str, opening: str, alone: Money, with_linked: Money) -> list[Run]:
    """``opening`` then the value, and the value including the linked pools when there are any;
    each figure carries the footnotes of the accepted differences about it. Without linked pools
    the two scopes are one figure, so both footnotes go on it."""
    if not facts.linked_pool_names:
        return [Run(opening), Run(alone.format_prose(), notes=facts.notes_for(basis, "pool", "with_linked"))]
    return [
        Run(opening),
        Run(alone.format_prose(), notes=facts.notes_for(basis, "pool")),
        Run(", or "),
        Run(with_linked.format_prose(), notes=facts.notes_for(basis, "with_linked")),
        Run(f" including the {join_names(facts.linked_pool_names)} pooled budgets"),
    ]


def _joined(runs: list[Run]) -> tuple[Run, ...]:
    """Runs with neighbours that carry no footnote merged, so a sentence without any is one run."""
    merged: list[Run] = []
    for run in runs:
        if merged and not merged[-1].notes and not run.notes:
            merged[-1] = Run(merged[-1].text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


def current_value(facts: FigureFacts) -> list[Block]:
    """The sentence giving the current value."""
    opening = f"The current value of {_whose(facts)} the {facts.budget_name} pooled budget for {facts.year_label} is "
    runs = _value_runs(facts, "current", opening, facts.current, facts.current_with_linked)
    return [Paragraph(_joined([*runs, Run(".")]))]


def new_value(facts: FigureFacts) -> list[Block]:
    """The sentence giving the value once the proposals are approved."""
    whose = f"{facts.partner_name}’s contribution to" if facts.partner_name else ""
    subject = f"the value of {whose} the {facts.budget_name} pooled budget".replace("  ", " ")
    opening = f"If the changes proposed are approved, {subject} for {facts.year_label} will be "
    runs = [*_value_runs(facts, "new", opening, facts.new, facts.new_with_linked), Run(".")]
    change = sum((line.signed for line in facts.proposed if line.in_own_pool), Money.zero())
    if rounding_breaks([facts.current, change], facts.new):
        runs.append(Run(" These figures are rounded, so they may not add up exactly."))
    return [Paragraph(_joined(runs))]


def _group_title(lines: Sequence[ProposedLine]) -> str:
    """ "Service budgets to be added", "… to be removed" or "… to be added or removed"."""
    effects = {line.effect for line in lines}
    if effects == {"addition"}:
        return "Service budgets to be added"
    if effects == {"removal"}:
        return "Service budgets to be removed"
    return "Service budgets to be added or removed"


def _row(line: ProposedLine) -> TableRow:
    """A proposed line's row; a linked pool's line names its pool."""
    name = line.service if line.in_own_pool else f"{line.service} ({line.pool_name} pool)"
    labels = _CHANGE_LABELS if line.kind == BUDGET_CHANGE else _SERVICE_LABELS
    return TableRow((name, labels[line.effect], line.signed))


_SERVICE_LABELS: Final = {"addition": "To be added", "removal": "To be removed"}
_CHANGE_LABELS: Final = {"addition": "Increase", "removal": "Reduction"}


def proposed_lines(facts: FigureFacts) -> list[Block]:
    """The table of proposed lines: service budgets joining or leaving the pool listed apart from
    changes to budgets already in it, each group the pool's own lines first, then the net changes."""
    if not facts.proposed:
        return [Notice(f"No lines are proposed for addition to or removal from the {facts.pool_name} pool "
                       f"for {facts.year_label}.")]  # fmt: skip
    ordered = sorted(facts.proposed, key=lambda line: not line.in_own_pool)  # stable: keeps pool order
    services = [line for line in ordered if line.kind != BUDGET_CHANGE]
    changes = [line for line in ordered if line.kind == BUDGET_CHANGE]
    rows: list[TableRow] = []
    if services:
        rows.append(TableRow((_group_title(services),), group=True))
        rows.extend(_row(line) for line in services)
    if changes:
        rows.append(TableRow(("Changes to budgets already in the pool",), group=True))
        rows.extend(_row(line) for line in changes)
    own = [line.signed for line in facts.proposed if line.in_own_pool]
    linked = [line.signed for line in facts.proposed if not line.in_own_pool]
    own_total = sum(own, Money.zero())
    rows.append(TableRow((f"Net change to the {facts.pool_name} pool", "", own_total), total=True))
    broken = rounding_breaks(own, own_total)
    if linked:
        all_total = own_total + sum(linked, Money.zero())
        rows.append(TableRow(("Net change including the linked pools", "", all_total), total=True))
        broken = broken or rounding_breaks([own_total, *linked], all_total)
    headers = ("Budget", "Proposed change", f"{facts.year_label} £m")
    return [FigureTable(headers, tuple(rows), ROUNDING_NOTE if broken else "")]


def agreement(facts: FigureFacts) -> list[Block]:
    """One sentence per standing agreement in principle, or a notice that none is recorded."""
    if not facts.agreements:
        return [Notice(f"No agreement in principle is recorded for the {facts.pool_name} pool for "
                       f"{facts.year_label}: record it in the agreements register before the paper is issued.")]  # fmt: skip
    blocks: list[Block] = []
    for fact in facts.agreements:
        minute = f" (minute {fact.reference})" if fact.reference else ""
        text = (
            f"On {format_day(fact.agreed_on)} the {fact.body} agreed in principle the proposal "
            f"“{typographic(fact.title.strip().rstrip('.'))}”{minute}."
        )
        blocks.append(Paragraph((Run(text + _since_agreed(fact)),)))
    return blocks


def _since_agreed(fact: AgreementFact) -> str:
    """A sentence saying how the figures moved since the agreement, or "" when they did not."""
    parts: list[str] = []
    if fact.changed_lines:
        lines = "one of the lines" if fact.changed_lines == 1 else f"{fact.changed_lines} of the lines"
        verb = "has" if fact.changed_lines == 1 else "have"
        if not fact.changed_by.pence:
            effect = "with no net effect on the total"
        else:
            direction = "more" if fact.changed_by.pence > 0 else "less"
            effect = f"{abs(fact.changed_by).format_prose()} {direction} than agreed"
        parts.append(f"{lines} it covers {verb} changed, {effect}")
    if fact.added_lines:
        added = "one line has" if fact.added_lines == 1 else f"{fact.added_lines} lines have"
        parts.append(f"{added} been added to the pool")
    return f" Since then, {' and '.join(parts)}." if parts else ""
