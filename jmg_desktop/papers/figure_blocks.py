"""The figures blocks a paper can hold: the one place a block is registered.

A section refers to a block by a line such as ``{{figures:proposed_lines}}``; building the paper
looks the name up in :data:`FIGURE_BLOCKS` and calls its ``resolve`` with the reference (its
options) and a :class:`BlockContext` (the figures facts, and the workspace's rows for blocks that
read more). A block returns ordinary paragraphs, notices and tables (``papers/model.py``), so a new
one needs no renderer or template change: write its resolver and add one entry here. A resolver that
cannot produce its figures raises :class:`UnresolvedFigure` with a plain reason; the paper then
shows the reason in the preview and refuses to be exported or made final until it is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from jmg_desktop.core.records import Record
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.figures import FigureFacts, agreement, current_value, new_value, proposed_lines
from jmg_desktop.papers.markup import FigureRef
from jmg_desktop.papers.model import Block

if TYPE_CHECKING:
    from jmg_desktop.store.reads.rows import Rows

__all__ = ["FIGURE_BLOCKS", "BlockContext", "FigureBlock", "UnresolvedFigure", "block_labels"]


class UnresolvedFigure(PaperError):
    """A figures block that cannot be computed; ``str(error)`` says why, in one sentence."""


class BlockContext(Record):
    """What a block may read: the paper's pool, year and partner, its facts, and the workspace's
    rows (one read snapshot, :mod:`jmg_desktop.store.reads`)."""

    facts: FigureFacts
    pool_id: int = 0
    financial_year: int = 0
    partner_id: int | None = None
    rows: Rows | None = None


Resolver = Callable[[FigureRef, BlockContext], list[Block]]


class FigureBlock(Record):
    """A registered block: its label in the editor's Insert Figures menu, its resolver, and the
    options the editor inserts with it (so they can be changed in place)."""

    label: str
    resolve: Resolver
    options: str = ""


def _from_facts(function: Callable[[FigureFacts], list[Block]]) -> Resolver:
    """A resolver for a block made from the figures facts alone."""

    def resolve(_ref: FigureRef, context: BlockContext) -> list[Block]:
        """The block's paragraphs and tables."""
        return function(context.facts)

    return resolve


def _projection(ref: FigureRef, context: BlockContext) -> list[Block]:
    """The projection block (imported when used: it reads scenarios from the workspace)."""
    from jmg_desktop.papers.projection_block import resolve_projection

    return resolve_projection(ref, context)


def _monitoring(ref: FigureRef, context: BlockContext) -> list[Block]:
    """The monitoring and risk-share blocks (papers/monitoring_blocks.py), for the paper's period."""
    from jmg_desktop.papers.monitoring_blocks import monitoring_resolver

    if context.rows is None:
        raise UnresolvedFigure(f"The {ref.kind} block needs the workspace, which is not open here.")
    return monitoring_resolver(context.rows, context.pool_id, context.financial_year)(ref) or []


def _bcf(ref: FigureRef, context: BlockContext) -> list[Block]:
    """The Better Care Fund blocks (papers/bcf_blocks.py), from the pool's plan for the year."""
    from jmg_desktop.core.financial_year import FinancialYear
    from jmg_desktop.papers.bcf_blocks import bcf_blocks
    from jmg_desktop.store.reads.bcf import bcf_plan
    from jmg_desktop.store.reads.rows import first

    if context.rows is None:
        raise UnresolvedFigure(f"The {ref.kind} block needs the workspace, which is not open here.")
    pool = first(context.rows, "SELECT name FROM pool WHERE id = :id", {"id": context.pool_id})
    name = pool[0] if pool is not None else "The pool"
    year = FinancialYear(context.financial_year).label
    plan = bcf_plan(context.rows, context.pool_id, context.financial_year)
    if not plan.is_bcf:
        raise UnresolvedFigure(f"{name} has no Better Care Fund income or schemes for {year}.")
    return bcf_blocks(ref.kind, plan, name, year)


#: Every figures block by name, in the editor's menu order.
FIGURE_BLOCKS: Final[dict[str, FigureBlock]] = {
    "current_value": FigureBlock("Current value of the partner's contribution", _from_facts(current_value)),
    "proposed_lines": FigureBlock(
        "Table of service budgets and budget changes proposed", _from_facts(proposed_lines)
    ),
    "new_value": FigureBlock("New value of the partner's contribution", _from_facts(new_value)),
    "agreement": FigureBlock("What the JMG agreed in principle, and when", _from_facts(agreement)),
    "projection": FigureBlock(
        "Projection of the pool over the coming years", _projection, options='scenario="" years=5'
    ),
    "monitoring": FigureBlock(
        "Budget monitoring table for a period (show=red,amber for the reds and ambers)", _monitoring
    ),
    "risk_share": FigureBlock("Risk share of the projected variance for a period", _monitoring),
    "bcf_income": FigureBlock("Better Care Fund income by funding stream", _bcf),
    "bcf_schemes": FigureBlock("Better Care Fund schemes and their planned expenditure", _bcf),
    "bcf_balances": FigureBlock("Better Care Fund balances, conditions and checklist", _bcf),
}


def block_labels() -> dict[str, str]:
    """Name → label of every block, for menus."""
    return {name: block.label for name, block in FIGURE_BLOCKS.items()}


def resolve_block(ref: FigureRef, context: BlockContext) -> list[Block]:
    """The blocks a reference stands for; :class:`UnresolvedFigure` when there are none."""
    block = FIGURE_BLOCKS.get(ref.kind)
    if block is None:
        raise UnresolvedFigure(
            f"There is no figures block called “{ref.kind}”: choose one from Insert Figures."
        )
    result: Any = block.resolve(ref, context)
    return list(result)
