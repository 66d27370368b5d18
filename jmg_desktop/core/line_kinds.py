"""What a pool line is: a service budget joining or leaving the pool, or a change (an uplift for
inflation or growth, or a saving) to budgets already in it. Papers list the two apart, so a
recommendation to add "the service budgets listed" never sweeps in an uplift.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BUDGET_CHANGE",
    "KIND_DESCRIPTIONS",
    "KIND_LABELS",
    "KIND_SHORT",
    "KIND_SPELLINGS",
    "LINE_KINDS",
    "SERVICE_BUDGET",
    "kind_label",
]

SERVICE_BUDGET: Final = "service_budget"
BUDGET_CHANGE: Final = "budget_change"
#: The stored kinds, in the order the editor offers them.
LINE_KINDS: Final = (SERVICE_BUDGET, BUDGET_CHANGE)
#: How each kind is named to a user (short enough for a table column).
KIND_LABELS: Final = {
    SERVICE_BUDGET: "Service budget",
    BUDGET_CHANGE: "Budget change",
}
#: The one word a narrow table column shows (the full name is typed, picked and shown elsewhere).
KIND_SHORT: Final = {SERVICE_BUDGET: "Service", BUDGET_CHANGE: "Change"}
#: What each kind means, in a sentence (tooltips).
KIND_DESCRIPTIONS: Final = {
    SERVICE_BUDGET: "A service budget joining, leaving or already in the pool.",
    BUDGET_CHANGE: "A change to budgets already in the pool: an uplift for inflation or growth, or a saving.",
}
#: Every accepted spelling (case-folded) of each kind, for typing and pasting.
KIND_SPELLINGS: Final = {
    "service budget": SERVICE_BUDGET,
    "service": SERVICE_BUDGET,
    "change to budgets in the pool": BUDGET_CHANGE,
    "change to budgets already in the pool": BUDGET_CHANGE,
    "budget change": BUDGET_CHANGE,
    "change": BUDGET_CHANGE,
    "uplift": BUDGET_CHANGE,
    "saving": BUDGET_CHANGE,
    "savings": BUDGET_CHANGE,
}


def kind_label(kind: str) -> str:
    """A kind's name for a user (an unknown stored value shows as itself)."""
    return KIND_LABELS.get(kind, kind)
