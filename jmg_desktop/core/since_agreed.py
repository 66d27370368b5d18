""" "Changed since agreed", defined once: when a line's figures differ from what an agreement
agreed, and when a line is new to what a whole-pool agreement covered.

Every view that flags lines or agreements (the lines editor, the register, an agreement's detail,
meeting mode, papers) asks these functions, so a chair never sees one view flag what another
calls unchanged.

* A line **differs** when an agreement that can be flagged covers it and its amount, partner,
  status or kind is not what was agreed. Amounts are compared in pence: a £0.00 difference is no
  difference. A renamed service or a new category is worth showing beside the line, but it does
  not change what was agreed, so it does not flag.
* A line is **added since agreed** when an agreement covers its pool and year as a whole and the
  line was not there when it was agreed. It is shown apart from the lines that differ.
* A line agreed and since **deleted** differs (the agreed money is no longer in the pool).
* Superseded, rejected and implemented agreements are never flagged: their figures no longer
  bind anyone, or have been carried out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from jmg_desktop.core.agreed_figures import LineFigures
    from jmg_desktop.core.agreements import Status

__all__ = [
    "FLAGGED_FIELDS",
    "NOTED_FIELDS",
    "can_be_flagged",
    "differences",
    "noted_differences",
]

#: The figures whose change flags a line, in the order they are named.
FLAGGED_FIELDS: Final = ("amount", "partner", "status", "kind")
#: Other differences shown beside a line for information (they never flag it).
NOTED_FIELDS: Final = ("service", "category", "year", "pool")
_NEVER_FLAGGED: Final = frozenset({"superseded", "rejected", "implemented"})


def can_be_flagged(status: Status | str | None) -> bool:
    """Whether an agreement in ``status`` may be flagged as changed since agreed."""
    return status is not None and str(status) not in _NEVER_FLAGGED


def differences(agreed: LineFigures, now: LineFigures) -> tuple[str, ...]:
    """The flagged figures (:data:`FLAGGED_FIELDS`) in which ``now`` is not what was agreed.

    A kind is compared only when both sides know it: a snapshot taken before lines had kinds
    holds "" and cannot say the kind changed.
    """
    kind_moved = bool(agreed.kind and now.kind and agreed.kind != now.kind)
    if agreed == now and not kind_moved:  # the common case (equality leaves the kind out)
        return ()
    out = []
    if agreed.amount.pence != now.amount.pence:
        out.append("amount")
    out.extend(name for name in ("partner", "status") if getattr(agreed, name) != getattr(now, name))
    if kind_moved:
        out.append("kind")
    return tuple(out)


def noted_differences(agreed: LineFigures, now: LineFigures) -> tuple[str, ...]:
    """The other fields (:data:`NOTED_FIELDS`) that differ, shown beside a line but never flagged."""
    if agreed == now:
        return ()
    return tuple(name for name in NOTED_FIELDS if getattr(agreed, name) != getattr(now, name))
