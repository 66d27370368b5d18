"""The ``{{figures:projection scenario="…" years=N linked}}`` block: a projection of the paper's
pool from its year, with every assumption in force stated beside the table, so a reader can redo
the figures from the page: the default rates and the formula, every category and year override,
every adjustment, and whether proposed additions and removals are counted.
"""

from __future__ import annotations

from typing import Final

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.scenario import Adjustment, RateOverride, Scenario, format_percent
from jmg_desktop.papers.figure_blocks import BlockContext, UnresolvedFigure
from jmg_desktop.papers.figures import join_names
from jmg_desktop.papers.markup import FigureRef
from jmg_desktop.papers.model import Block, BulletList, Paragraph, Run

__all__ = ["DEFAULT_YEARS", "MAX_YEARS", "assumption_blocks", "resolve_projection"]

DEFAULT_YEARS: Final = 5  # beyond the paper's own year
MAX_YEARS: Final = 20  # a row a year: more would not read as a table in an annex
_RATE_WORDS: Final = {
    "inflation": "inflation",
    "growth": "demographic growth",
    "savings": "efficiency savings",
}


def _override(override: RateOverride) -> str:
    """``inflation of 6% for Care homes in 2011/12``."""
    where = []
    if override.category is not None:
        where.append(f"for {override.category}")
    if override.year is not None:
        where.append(f"in {override.year.label}")
    return f"{_RATE_WORDS[override.rate]} of {format_percent(override.value)} {' '.join(where)}"


def _adjustment(adjustment: Adjustment, host: str | None) -> str:
    """``£250,000.00 added to Day services – internal from 2011/12, every year (recurrent)``."""
    if adjustment.service is not None:
        target = adjustment.service
    else:
        payer = adjustment.partner or host or "the pool's host"
        target = f"a row of its own for category {adjustment.category}, paid by {payer}"
    amount = adjustment.amount
    verb = (
        f"{amount.format_full()} added to" if amount.pence >= 0 else f"{(-amount).format_full()} taken from"
    )
    when = (
        f"from {adjustment.from_year.label} onwards, joining the base and uplifted in later years"
        if adjustment.recurrent
        else f"in {adjustment.from_year.label} only"
    )
    label = f" ({adjustment.label})" if adjustment.label else ""
    return f"{verb} {target}{label} {when}"


def _proposals(scenario: Scenario) -> str:
    """Whether proposed additions and removals count."""
    additions = (
        "Lines proposed for addition are counted, as if approved"
        if scenario.additions_approved
        else "Lines proposed for addition are not counted (not yet approved)"
    )
    removals = (
        "lines proposed for removal are left out, as if approved"
        if scenario.removals_approved
        else "lines proposed for removal are still counted (their removal not yet approved)"
    )
    return f"{additions}; {removals}."


def assumption_blocks(
    scenario: Scenario, first: FinancialYear, last: FinancialYear, scope: str, host: str | None
) -> list[Block]:
    """The sentences (and lists) stating every assumption the projection used."""
    blocks: list[Block] = [
        Paragraph(
            (
                Run(
                    f"The table projects {scope} from {first.label} to {last.label} on the “{scenario.name}” "
                    f"assumptions: inflation of {format_percent(scenario.inflation)}, demographic growth of "
                    f"{format_percent(scenario.growth)} and efficiency savings of "
                    f"{format_percent(scenario.savings)} a year. Each line’s amount for a year is its amount "
                    "for the year before multiplied by (1 + inflation) × (1 + growth) × (1 − savings), "
                    "rounded half up to the penny, plus any adjustment for that year."
                ),
            )
        )
    ]
    if scenario.overrides:
        blocks.append(
            Paragraph(
                (
                    Run(
                        "These rates replace the defaults (the most specific applies: category and year, then "
                        "category, then year):"
                    ),
                ),
                numbered=False,
            )
        )
        blocks.append(BulletList(tuple((Run(_override(item) + ";"),) for item in scenario.overrides)))
    if scenario.adjustments:
        blocks.append(Paragraph((Run("Adjustments:"),), numbered=False))
        blocks.append(
            BulletList(tuple((Run(_adjustment(item, host) + ";"),) for item in scenario.adjustments))
        )
    if not scenario.overrides and not scenario.adjustments:
        blocks.append(
            Paragraph((Run("No rate is overridden and there are no adjustments."),), numbered=False)
        )
    blocks.append(Paragraph((Run(_proposals(scenario)),), numbered=False))
    return blocks


def resolve_projection(ref: FigureRef, context: BlockContext) -> list[Block]:
    """The projection's assumptions and table; :class:`UnresolvedFigure` when it cannot be made."""
    from jmg_desktop.core.projection import project
    from jmg_desktop.papers.projection_table import projection_table
    from jmg_desktop.store.errors import WorkspaceError
    from jmg_desktop.store.reads.scenarios import load_scenario, projection_inputs, scenario_names

    if context.rows is None:
        raise UnresolvedFigure("The projection needs the workspace, which is not open here.")
    rows = context.rows
    base = FinancialYear(context.financial_year)
    years_text = ref.option("years", str(DEFAULT_YEARS))
    if not years_text.isdigit() or not 1 <= int(years_text) <= MAX_YEARS:
        raise UnresolvedFigure(f"The projection’s years must be a whole number from 1 to {MAX_YEARS}.")
    try:
        inputs = projection_inputs(rows, context.pool_id, base)
        names = scenario_names(rows)
        name = ref.option("scenario") or (names[0] if names else "")
        if not name:
            raise UnresolvedFigure("No projection scenario is recorded: add one on the Projection page.")
        scenario = load_scenario(rows, name, inputs.pool_ids)
        projection = project(inputs.lines, scenario, base, int(years_text), inputs.host_partner)
    except (ValueError, WorkspaceError) as error:
        if isinstance(error, UnresolvedFigure):
            raise
        raise UnresolvedFigure(f"The projection cannot be made: {error}") from None
    linked = ref.has("linked")
    scope = (
        f"the {inputs.pool_name} pool including its linked pools"
        if linked
        else f"the {inputs.pool_name} pool"
    )
    blocks = assumption_blocks(
        scenario, projection.years[0], projection.years[-1], scope, inputs.host_partner
    )
    if projection.warnings:
        blocks.append(
            Paragraph((Run("Not applied: " + join_names(list(projection.warnings)) + "."),), numbered=False)
        )
    return [*blocks, projection_table(projection, linked)]
