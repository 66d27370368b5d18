"""A projection as a paper's figures table: years down, partners across, £m to three places.

Years run down the page so a ten-year projection fits an A4 portrait page (a row per year, a
column per partner and the total); the renderer gives each money column a fixed width, so more
than three or four partners would not fit across.


Pure (no workspace, no Typst): :mod:`jmg_desktop.papers.projection_block` makes it the table of
the projection figures block, beside the assumptions it states. Totals come from unrounded pence; the usual note is added
when rounded partner figures do not add to the rounded total in some year.
"""

from __future__ import annotations

from jmg_desktop.core.projection import Projection
from jmg_desktop.papers.figures import ROUNDING_NOTE, rounding_breaks
from jmg_desktop.papers.model import FigureTable, TableRow

__all__ = ["projection_table"]


def projection_table(projection: Projection, include_linked: bool = False) -> FigureTable:
    """A row per projected year: each partner's total and the pool's total."""
    by_partner = projection.totals_by_partner(include_linked)
    totals = projection.pool_totals(include_linked)
    rows = []
    breaks = False
    for index, year in enumerate(projection.years):
        parts = [amounts[index] for amounts in by_partner.values()]
        rows.append(TableRow((year.label, *parts, totals[index])))
        breaks = breaks or rounding_breaks(parts, totals[index])
    return FigureTable(
        headers=("Year (£m)", *by_partner, "Total"),
        rows=tuple(rows),
        note=ROUNDING_NOTE if breaks else "",
    )
