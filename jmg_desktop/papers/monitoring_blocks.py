"""The monitoring figures blocks of a paper: ``{{figures:monitoring …}}`` and
``{{figures:risk_share …}}``, built from one period's monitoring report.

``monitoring`` prints a sentence with the pool's position, a table by line (or ``by=category``) of
original budget, movement, latest budget, forecast outturn, projected variance and the traffic
light, and the commentary on the red and amber lines; ``show=red,amber`` keeps only those lines. ``risk_share`` prints the rule, a table
of each partner's contribution and share, and how each share was reached. ``period=N`` chooses the
period (default: the first open one); a closed period prints exactly as it was frozen. Tables are
in £000, as councils' monitoring annexes are (each figure rounded half away from nil to the nearest
£1,000, totals from the exact pence, the rule stated under the table); sentences say ``£0.826
million``. The annex's own tables (``papers.figures``) stay in £m to three places.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from jmg_desktop.core.money import Money
from jmg_desktop.core.monitoring import RAG_LABELS, MonitoringError
from jmg_desktop.core.monitoring_report import PeriodReport
from jmg_desktop.core.monitoring_risk import REMAINDER_RULE
from jmg_desktop.papers.figures import rounding_breaks
from jmg_desktop.papers.markup import FigureRef
from jmg_desktop.papers.model import BulletList, FigureTable, Notice, Paragraph, Run, TableRow

if TYPE_CHECKING:
    from collections.abc import Callable

    from jmg_desktop.papers.model import Block
    from jmg_desktop.store.reads.rows import Rows

    #: Resolves a reference of this module's kinds; None for any other kind.
    ExtraResolver = Callable[[FigureRef], list[Block] | None]

__all__ = ["MONITORING_KINDS", "monitoring_blocks", "monitoring_resolver", "risk_share_blocks"]

#: The figures blocks this module resolves (registered, with their labels, in papers/figure_blocks.py).
MONITORING_KINDS: Final = ("monitoring", "risk_share")
_SHOWN: Final = ("red", "amber", "green")
#: The sign convention as the paper's tables print it (the renderer puts negatives in brackets).
_CONVENTION: Final = "Variance = forecast outturn − latest budget: an overspend is positive, an underspend negative (in brackets)."
#: The monitoring tables' unit and rounding rule, stated under each table.
_UNIT_NOTE: Final = (
    "Figures in £000: each rounded to the nearest £1,000 (a half away from nil); totals summed "
    "from the exact amounts, then rounded the same way."
)
_DO_NOT_ADD: Final = "So the rounded lines may not add up exactly to the totals."
_MONEY_HEADERS: Final = (
    "Original budget £000",
    "Movement £000",
    "Latest budget £000",
    "Forecast outturn £000",
    "Variance £000",
)
#: Six figures columns and the service's share the page width (16 cm less the table's indent,
#: 14.75 cm): each amount column as wide as its heading's longest word, the service the rest.
_WIDTHS: Final = (0.0, 2.05, 2.3, 2.05, 2.05, 2.05, 1.55)


def _when(report: PeriodReport) -> str:
    """``quarter 2 (July–September 2009)``: the period's label inside a sentence."""
    return report.label[0].lower() + report.label[1:]


def _signed_m(amount: Money) -> str:
    """``+£0.428m`` or ``-£0.046m``: a variance with its sign, as the convention reads."""
    return f"+{amount.format_m()}" if amount.pence > 0 else amount.format_m()


def _position(report: PeriodReport) -> str:
    """The headline sentence: forecast against latest budget, and the variance in words."""
    pool = report.table.pool
    variance = pool.variance
    if variance > 0:
        outcome = f"an overspend of {Money(variance).format_prose()}"
    elif variance < 0:
        outcome = f"an underspend of {Money(-variance).format_prose()}"
    else:
        outcome = "no variance"
    frozen = " (as it stood when the period was closed)" if report.closed else ""
    return (
        f"At {_when(report)}{frozen}, the {report.pool} pooled budget for {report.year.label} is forecast "
        f"to spend {Money(pool.forecast).format_prose()} against a latest budget of "
        f"{Money(pool.latest).format_prose()}: {outcome}."
    )


def _rounding_note(parts: list[list[Money]], totals: list[Money]) -> str:
    """The unit and rounding rule, and whether the rounded parts fall short of a rounded total."""
    broken = any(rounding_breaks(column, total) for column, total in zip(parts, totals, strict=True))
    return _UNIT_NOTE + (f" {_DO_NOT_ADD}" if broken else "")


def monitoring_blocks(
    report: PeriodReport, *, show: tuple[str, ...] = (), by_category: bool = False
) -> list[Block]:
    """The sentence, the table (in £000) and the commentary; ``show`` limits the lines to those
    lights."""
    table = report.table
    blocks: list[Block] = [] if show else [Paragraph((Run(_position(report)),))]
    wanted = set(show or _SHOWN)
    if by_category:
        groups = [t for t in table.by_category.values() if t.lines and t.rag in wanted]
        items = [
            (t.name or "(no category)", t.original, t.movements, t.latest, t.forecast, t.variance, t.rag)
            for t in groups
        ]
    else:
        items = [
            (r.service, r.original, r.movements, r.latest, r.forecast, r.variance, r.rag)
            for r in table.rows_rated(wanted)
        ]
    if not items:
        kinds = " or ".join(RAG_LABELS[rag].lower() for rag in _SHOWN if rag in wanted)
        blocks.append(Notice(f"No line of the {report.pool} pool is rated {kinds} at {_when(report)}."))
        return blocks
    rows = [
        TableRow((label, *(Money(pence) for pence in figures), RAG_LABELS[rag]))
        for label, *figures, rag in items
    ]
    note = f"{_CONVENTION} {report.thresholds.describe()}"
    if wanted == set(_SHOWN):
        pool = table.pool
        totals = (pool.original, pool.movements, pool.latest, pool.forecast, pool.variance)
        rows.append(
            TableRow(
                ("Pool total", *(Money(pence) for pence in totals), RAG_LABELS[pool.rag]),
                total=True,
            )
        )
        columns = [[Money(item[column]) for item in items] for column in range(1, 6)]
        note = f"{note} {_rounding_note(columns, [Money(pence) for pence in totals])}"
    else:
        shown = " and ".join(RAG_LABELS[rag].lower() for rag in _SHOWN if rag in wanted)
        blocks.append(Paragraph((Run(f"The table lists the {shown} lines only."),)))
        note = f"{note} {_UNIT_NOTE}"
    headers = ("Category" if by_category else "Service", *_MONEY_HEADERS, "RAG")
    blocks.append(FigureTable(headers, tuple(rows), note, unit="000", widths=_WIDTHS))
    if not by_category:
        commentary = [
            (
                Run(
                    f"{row.service} ({RAG_LABELS[row.rag].lower()}, {_signed_m(Money(row.variance))}): ",
                    bold=True,
                ),
                Run(row.commentary),
            )
            for row in table.rows_rated(wanted - {"green"})
            if row.commentary
        ]
        if commentary:
            blocks.append(Paragraph((Run("Commentary on the red and amber lines:"),)))
            blocks.append(BulletList(tuple(commentary)))
    return blocks


def risk_share_blocks(report: PeriodReport) -> list[Block]:
    """The rule, a table of contributions and shares, and how each share was reached."""
    try:
        split = report.split()
    except MonitoringError as error:
        return [Notice(f"The risk share cannot be worked out: {error}")]
    default = "" if report.rules_recorded else " (no rule is recorded for the year, so the default applies)"
    if split.kind == "nil":
        return [Paragraph((Run(f"At {_when(report)} there is no projected variance to share."),))]
    what = "overspend" if split.kind == "overspend" else "underspend"
    sentence = (
        f"The projected {what} of {Money(abs(split.variance)).format_prose()} at {_when(report)} is shared "
        f"between the partners under the {report.year.label} risk-share rule for {what}s{default}. "
        f"{split.rule_text}."
    )
    contributions = report.table.contributions()
    rows = [
        TableRow((share.partner, Money(contributions.get(share.partner, 0)), Money(share.amount)))
        for share in split.shares
    ]
    if split.unallocated:
        rows.append(TableRow(("Beyond every partner's cap: to be settled", "", Money(split.unallocated))))
    total_contribution = sum(contributions.get(share.partner, 0) for share in split.shares)
    rows.append(TableRow(("Total", Money(total_contribution), Money(split.variance)), total=True))
    parts = [Money(share.amount) for share in split.shares] + (
        [Money(split.unallocated)] if split.unallocated else []
    )
    contributed = [Money(contributions.get(share.partner, 0)) for share in split.shares]
    note = (
        f"{REMAINDER_RULE} "
        f"{_rounding_note([contributed, parts], [Money(total_contribution), Money(split.variance)])}"
    )
    table = FigureTable(
        ("Partner", "Contribution (latest budget) £000", f"Share of the {what} £000"),
        tuple(rows),
        note,
        unit="000",
    )
    reasons = BulletList(
        tuple(
            (
                Run(f"{share.partner}: {Money(share.amount).format_full()}. ", bold=True),
                Run(share.explanation),
            )
            for share in split.shares
        )
    )
    return [Paragraph((Run(sentence),)), table, reasons]


def _period(ref: FigureRef, rows: Rows, pool_id: int, year: int) -> int | None:
    """The ``period=N`` option, or the first open period; None when the option is not a number."""
    from jmg_desktop.store.reads.monitoring import current_period

    text = ref.option("period", "")
    if not text:
        return current_period(rows, pool_id, year)
    return int(text) if text.isdigit() else None


def monitoring_resolver(rows: Rows, pool_id: int, year: int) -> ExtraResolver:
    """Resolves the ``monitoring`` and ``risk_share`` blocks for this paper's pool and year."""

    def resolve(ref: FigureRef) -> list[Block] | None:
        """The blocks, or a notice saying why there are none; None for another kind."""
        if ref.kind not in MONITORING_KINDS:
            return None
        from jmg_desktop.store.errors import WorkspaceError
        from jmg_desktop.store.reads.monitoring import period_report

        period = _period(ref, rows, pool_id, year)
        if period is None:
            return [Notice(f"The {ref.kind} block’s period must be a whole number, like period=2.")]
        show = tuple(part.strip().lower() for part in ref.option("show", "").split(",") if part.strip())
        unknown = [part for part in show if part not in _SHOWN]
        if unknown:
            return [Notice(f"The monitoring block’s show= takes red, amber or green, not “{unknown[0]}”.")]
        try:
            report = period_report(rows, pool_id, year, period)
        except (WorkspaceError, MonitoringError) as error:
            return [Notice(f"The {ref.kind.replace('_', ' ')} figures cannot be shown: {error}")]
        if not report.lines:
            return [Notice(f"The {report.pool} pool has no lines for {report.year.label} to monitor.")]
        if ref.kind == "risk_share":
            return risk_share_blocks(report)
        return monitoring_blocks(report, show=show, by_category=ref.option("by", "") == "category")

    return resolve
