"""The Better Care Fund figures blocks: ``bcf_income``, ``bcf_schemes`` and ``bcf_balances``.

Pure: a :class:`~jmg_desktop.core.bcf.BcfPlan` in, paper blocks out. Tables show £m to three
places; totals come from unrounded pence and carry the usual note when the rounded rows do not add
to the rounded total.
"""

from __future__ import annotations

from typing import Final

from jmg_desktop.core.bcf import COMMISSIONERS, BcfPlan, format_share
from jmg_desktop.core.money import Money
from jmg_desktop.papers.figures import ROUNDING_NOTE, rounding_breaks
from jmg_desktop.papers.model import Block, BulletList, FigureTable, Notice, Paragraph, Run, TableRow

__all__ = ["BCF_BLOCKS", "bcf_blocks"]

#: The blocks' names (registered with their labels in ``papers/figure_blocks.py``).
BCF_BLOCKS: Final = ("bcf_income", "bcf_schemes", "bcf_balances")


def _words(amount: Money) -> str:
    """An amount for a sentence: ``£3.342 million``, or the exact pounds when under £1,000 (so a
    small overspend never reads as £0.000 million)."""
    return amount.format_prose() if abs(amount.pence) >= 100_000 else amount.format_full()


def _none(plan_name: str, year: str) -> list[Block]:
    """The notice for a pool with no BCF data."""
    return [Notice(f"[{plan_name} has no Better Care Fund income or schemes for {year}.]")]


def _income(plan: BcfPlan, pool: str, year: str) -> list[Block]:
    """A sentence with the total, and a table of the streams."""
    rows = [TableRow((item.stream, item.partner, item.amount)) for item in plan.income]
    total = plan.total_income
    rows.append(TableRow(("Total", "", total), total=True))
    streams = len({item.stream_id for item in plan.income})
    sentence = (
        f"The {pool} has income of {total.format_prose()} for {year} from {streams} funding "
        f"stream{'s' if streams != 1 else ''}, held by the partners shown."
    )
    note = ROUNDING_NOTE if rounding_breaks([i.amount for i in plan.income], total) else ""
    return [
        Paragraph((Run(sentence),)),
        FigureTable(("Funding stream", "Held by", "£m"), tuple(rows), note=note),
    ]


def _commissioner(scheme_commissioner: str, nhs: int | None, council: int | None) -> str:
    """``NHS``, ``Council`` or ``Joint (60% NHS)``."""
    label = COMMISSIONERS.get(scheme_commissioner, "")
    if scheme_commissioner == "joint" and nhs is not None:
        return f"Joint ({format_share(nhs)} NHS, {format_share(council)} council)"
    return label or "not given"


def _schemes(plan: BcfPlan, year: str) -> list[Block]:
    """A table of the schemes with their type, commissioner and planned expenditure."""
    rows = [
        TableRow(
            (
                s.scheme_ref,
                s.name,
                s.scheme_type or "not given",
                _commissioner(s.commissioner, s.nhs_share_bp, s.council_share_bp),
                s.amount,
            )
        )
        for s in plan.schemes
    ]
    total = plan.total_planned
    rows.append(TableRow(("", "Total planned expenditure", "", "", total), total=True))
    count = len(plan.schemes)
    sentence = (
        f"{count} scheme{'s' if count != 1 else ''} plan expenditure of {total.format_prose()} in {year}."
    )
    note = ROUNDING_NOTE if rounding_breaks([s.amount for s in plan.schemes], total) else ""
    return [
        Paragraph((Run(sentence),)),
        FigureTable(("ID", "Scheme", "Type", "Commissioner", "£m"), tuple(rows), note=note),
    ]


def _balances(plan: BcfPlan) -> list[Block]:
    """Income less planned expenditure by stream, the conditions, and what is incomplete."""
    balances = plan.balances
    rows = [TableRow((b.stream, b.income, b.planned, b.balance)) for b in balances]
    rows.append(
        TableRow(
            ("Total", plan.total_income, plan.total_planned, plan.total_income - plan.total_planned),
            total=True,
        )
    )
    overspent = [b for b in balances if b.overspent]
    if overspent:
        sentence = (
            "Planned expenditure exceeds income on "
            + "; ".join(f"{b.stream} (by {_words(-b.balance)})" for b in overspent)
            + "."
        )
    elif all(b.balance.pence == 0 for b in balances):
        sentence = "Every funding stream's income is planned in full: each balance is nil."
    else:
        sentence = "No funding stream is overspent; some income is not yet planned."
    blocks: list[Block] = [
        Paragraph((Run(sentence),)),
        FigureTable(("Funding stream", "Income £m", "Planned £m", "Balance £m"), tuple(rows)),
    ]
    results = plan.results
    if results:
        items = []
        for result in results:
            outcome = "met" if result.met else f"short by {_words(result.shortfall)}"
            items.append(
                (
                    Run(f"{result.condition.label}: "),
                    Run(f"planned {_words(result.planned)}, {outcome}.", bold=not result.met),
                )
            )
        blocks.append(BulletList(tuple(items)))
    missing = [check.text for check in plan.checks if not check.ok]
    if missing:
        blocks.append(Paragraph((Run("The plan is not yet complete: " + "; ".join(missing) + "."),)))
    else:
        blocks.append(Paragraph((Run("Every item of the completeness checklist is satisfied."),)))
    return blocks


def bcf_blocks(kind: str, plan: BcfPlan, pool: str, year: str) -> list[Block]:
    """The blocks for ``kind`` (one of :data:`BCF_BLOCKS`)."""
    if not plan.is_bcf:
        return _none(pool, year)
    if kind == "bcf_income":
        return _income(plan, pool, year)
    if kind == "bcf_schemes":
        return _schemes(plan, year)
    return _balances(plan)
