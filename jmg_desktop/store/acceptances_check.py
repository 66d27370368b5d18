"""What ``check`` says about accepted differences, read through sqlite3 alone (no SQLAlchemy).

Each acceptance is compared, column by column, with what its last audit event recorded: a forged
acceptance would let a paper print "accepted by" for figures nobody accepted. A draft whose stated
total still differs, accepted once for other figures, is named too: exporting it asks again.
"""

from __future__ import annotations

import json
from typing import Any, Final

from jmg_desktop.core.money import Money
from jmg_desktop.store.reads.acceptances import COLUMNS, acceptances_for
from jmg_desktop.store.reads.rows import Rows
from jmg_desktop.store.reads.totals import stated_comparisons

__all__ = ["acceptance_findings"]

_ENTITY: Final = "difference_acceptance"
_MAX_LISTED: Final = 20
_DELETED: Final = object()


def _recorded(rows: Rows) -> dict[int, Any]:
    """Acceptance id → the columns its last audit event set, or ``_DELETED``."""
    state: dict[int, Any] = {}
    events = rows.all(
        "SELECT entity_id, new FROM audit_event WHERE entity = :entity ORDER BY sequence", {"entity": _ENTITY}
    )
    for entity_id, new_text in events:
        if entity_id is None:
            continue
        try:
            new = json.loads(new_text) if new_text else None
        except ValueError:
            new = None
        state[entity_id] = new if isinstance(new, dict) else _DELETED
    return state


def _shown(column: str, value: Any) -> str:
    """A stored value as the sentence shows it."""
    if column.endswith("_pence") and type(value) is int:
        return Money(value).format_full()
    return "nothing" if value is None else f"“{value}”" if isinstance(value, str) else str(value)


def acceptance_findings(rows: Rows) -> list[str]:
    """Each accepted difference changed, added or deleted outside JMG Desktop, and each draft whose
    acceptance no longer covers its figures, one sentence each."""
    recorded = _recorded(rows)
    every = rows.all(f"SELECT {', '.join(COLUMNS)} FROM difference_acceptance ORDER BY id")
    current = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in every}
    findings: list[str] = []
    for row_id, values in current.items():
        last = recorded.get(row_id)
        name = f"Accepted difference {row_id} (paper {values['paper_id']})"
        if last is None:
            findings.append(f"{name} is in no recorded change (added outside JMG Desktop).")
        elif last is _DELETED:
            findings.append(
                f"{name} exists but its last recorded change withdrew it (put back outside JMG Desktop)."
            )
        else:
            for column in COLUMNS[1:]:
                if column in last and values[column] != last[column]:
                    label = column.removesuffix("_pence").removesuffix("_id").replace("_", " ")
                    findings.append(
                        f"{name}'s {label} is {_shown(column, values[column])} but its recorded acceptance set "
                        f"{_shown(column, last[column])} (changed outside JMG Desktop)."
                    )
    for row_id, last in recorded.items():
        if isinstance(last, dict) and row_id not in current:
            findings.append(
                f"Accepted difference {row_id} (paper {last.get('paper_id')}) was deleted outside JMG Desktop "
                "(no recorded change withdrew it)."
            )
    return (findings + _outdated(rows))[:_MAX_LISTED]


def _outdated(rows: Rows) -> list[str]:
    """Drafts whose stated total still differs from the lines, accepted once for other figures (a
    final's acceptances are history)."""
    drafts = rows.all(
        "SELECT id, version, title, pool_id, financial_year, partner_id FROM paper WHERE status = 'draft' "
        "AND id IN (SELECT paper_id FROM difference_acceptance) ORDER BY id"
    )
    findings: list[str] = []
    for paper_id, version, title, pool_id, year, partner_id in drafts:
        accepted = acceptances_for(rows, paper_id)
        for comparison in stated_comparisons(rows, pool_id, year):
            figure = comparison.stated
            if figure.partner_id != partner_id or comparison.reconciles:
                continue
            earlier = [a for a in accepted if a.stated_total_id == figure.id]
            if earlier and not any(a.covers(figure.id, figure.amount, comparison.computed) for a in earlier):
                last = earlier[-1]
                findings.append(
                    f"Paper {paper_id} (version {version} of “{title}”): the difference accepted by {last.accepted_by} "
                    f"for stated total {figure.id} was between {last.stated.format_full()} stated and "
                    f"{last.computed.format_full()} from the lines, but they are now {figure.amount.format_full()} "
                    f"and {comparison.computed.format_full()}, so exporting it asks again."
                )
    return findings
