"""Reads of accepted differences (``difference_acceptance``): one small portable query, run through
any :class:`~jmg_desktop.store.reads.rows.Rows`, so ``export-paper`` on a file and the window's
session read acceptances the same way. Writing and checking them: ``store/acceptances_repo.py``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from jmg_desktop.core.money import Money
from jmg_desktop.core.records import Record
from jmg_desktop.store.reads.rows import Rows

__all__ = ["COLUMNS", "READ_SQL", "Acceptance", "acceptances_for", "acceptances_from_rows"]

#: The stored columns, in the order every read returns them.
COLUMNS: Final = (
    "id",
    "paper_id",
    "stated_total_id",
    "stated_pence",
    "computed_pence",
    "accepted_by",
    "accepted_at",
)
#: Every acceptance of one paper version, oldest first (``:paper_id``).
READ_SQL: Final = (
    f"SELECT {', '.join(COLUMNS)} FROM difference_acceptance WHERE paper_id = :paper_id ORDER BY id"
)


class Acceptance(Record):
    """One accepted difference: a paper version prints ``computed`` where ``stated`` was published."""

    id: int
    paper_id: int
    stated_total_id: int
    stated: Money
    computed: Money
    accepted_by: str
    accepted_at: str  # ISO 8601 UTC

    def covers(self, stated_total_id: int, stated: Money, computed: Money) -> bool:
        """True when it accepts exactly these figures (to the penny) for this stated total."""
        return (self.stated_total_id, self.stated, self.computed) == (stated_total_id, stated, computed)

    def as_dict(self) -> dict[str, Any]:
        """Every stored column, for the audit trail and for putting it back on redo."""
        return {
            "id": self.id,
            "paper_id": self.paper_id,
            "stated_total_id": self.stated_total_id,
            "stated_pence": self.stated.pence,
            "computed_pence": self.computed.pence,
            "accepted_by": self.accepted_by,
            "accepted_at": self.accepted_at,
        }


def acceptances_from_rows(rows: Iterable[Sequence[Any]]) -> list[Acceptance]:
    """Rows in :data:`COLUMNS` order as acceptances."""
    return [
        Acceptance(
            int(i), int(paper), int(stated_id), Money(int(stated)), Money(int(computed)), str(by), str(at)
        )
        for i, paper, stated_id, stated, computed, by, at in rows
    ]


def acceptances_for(rows: Rows, paper_id: int) -> list[Acceptance]:
    """Every acceptance recorded for one paper version, oldest first."""
    return acceptances_from_rows(rows.all(READ_SQL, {"paper_id": paper_id}))
