"""Agreed against now, line by line: the figures an agreement saw, the figures today, and what
changed (the rule for "changed" is :mod:`.since_agreed`'s).

Records are named tuples (:mod:`.records`) rather than frozen dataclasses, which compile their methods from source at
import; every command that reads agreements (``export-paper`` among them) paid that at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from jmg_desktop.core.money import Money
from jmg_desktop.core.records import Record
from jmg_desktop.core.since_agreed import differences, noted_differences

__all__ = ["Change", "Comparison", "LineComparison", "LineFigures", "compare_figures"]


class LineFigures(Record):
    """A line's figures as words and money, comparable across time."""

    line_id: int | None
    service: str
    partner: str
    category: str
    status: str
    year: int
    amount: Money
    pool: str = ""
    #: The line's kind (service budget or change to budgets already in the pool). Snapshots taken
    #: before kinds existed hold "", and a kind is compared only where both sides know it.
    kind: str = ""

    # ``kind`` takes no part in equality (as ``field(compare=False)`` did): a snapshot taken before
    # kinds existed must still equal the same line today.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is LineFigures:
            return self[:_COMPARED] == other[:_COMPARED]  # type: ignore[index]
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:_COMPARED])


#: The fields of :class:`LineFigures` that take part in equality: every one but ``kind``.
_COMPARED = 8


class Change(StrEnum):
    """How a covered line stands now against the snapshot (the rule is in :mod:`.since_agreed`)."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"  # amount, partner, status or kind differs from what was agreed
    REMOVED = "removed"  # the line is no longer in the workspace
    ADDED = "added"  # a line of the pool and year that the agreement did not see


class LineComparison(Record):
    """One line, agreed against now. ``fields`` names the flagged figures that differ (amount
    first); ``noted`` the other differences (a renamed service), shown but never flagged."""

    agreed: LineFigures | None
    now: LineFigures | None
    change: Change
    fields: tuple[str, ...] = ()
    noted: tuple[str, ...] = ()

    @property
    def service(self) -> str:
        """The line's service, as it reads now if it still exists."""
        source = self.now or self.agreed
        assert source is not None
        return source.service

    @property
    def agreed_amount(self) -> Money:
        """The amount when agreed (zero for a line added since)."""
        return self.agreed.amount if self.agreed else Money.zero()

    @property
    def now_amount(self) -> Money:
        """The amount now (zero for a line no longer there)."""
        return self.now.amount if self.now else Money.zero()

    @property
    def difference(self) -> Money:
        """Now minus agreed: positive when the line has grown."""
        return self.now_amount - self.agreed_amount


class Comparison(Record):
    """Every covered line, agreed against now, with totals."""

    lines: tuple[LineComparison, ...]

    @property
    def agreed_total(self) -> Money:
        """The sum of the agreed figures."""
        return sum((line.agreed_amount for line in self.lines), Money.zero())

    @property
    def now_total(self) -> Money:
        """The sum of the figures now."""
        return sum((line.now_amount for line in self.lines), Money.zero())

    @property
    def difference(self) -> Money:
        """Now minus agreed, in total."""
        return self.now_total - self.agreed_total

    @property
    def changed(self) -> tuple[LineComparison, ...]:
        """The agreed lines whose figures differ now, or that have been deleted since."""
        return tuple(line for line in self.lines if line.change in (Change.CHANGED, Change.REMOVED))

    @property
    def added(self) -> tuple[LineComparison, ...]:
        """Lines added since agreed to a pool and year agreed as a whole (shown apart)."""
        return tuple(line for line in self.lines if line.change is Change.ADDED)

    @property
    def difference_on_agreed_lines(self) -> Money:
        """Now minus agreed over the agreed lines alone (lines added since left out)."""
        return sum((line.difference for line in self.lines if line.change is not Change.ADDED), Money.zero())


def compare_figures(
    agreed: Sequence[LineFigures], now: Sequence[LineFigures], *, include_new: bool = False
) -> Comparison:
    """Match snapshot lines to current lines by line id and say what changed.

    ``now`` holds the current figures of the lines that still exist (and, when ``include_new`` —
    an agreement covering a whole pool and year — every line of that pool and year now).
    """
    current = {line.line_id: line for line in now if line.line_id is not None}
    seen: set[int] = set()
    result: list[LineComparison] = []
    for before in agreed:
        after = current.get(before.line_id) if before.line_id is not None else None
        if after is None:
            result.append(LineComparison(before, None, Change.REMOVED))
            continue
        seen.add(after.line_id)  # type: ignore[arg-type]
        fields = differences(before, after)
        change = Change.CHANGED if fields else Change.UNCHANGED
        result.append(LineComparison(before, after, change, fields, noted_differences(before, after)))
    if include_new:
        result.extend(
            LineComparison(None, line, Change.ADDED)
            for line in now
            if line.line_id is not None and line.line_id not in seen
        )
    return Comparison(tuple(result))
