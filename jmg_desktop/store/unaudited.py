"""Data changed without an audit event: each audited row against what its last event recorded.

Every change JMG Desktop makes to lines, stated totals, agreements, meetings and papers writes an
audit event in the same transaction, recording the values it set. Replaying the trail therefore
gives, for each row it ever touched, the value each recorded column should hold now, or that the
row was deleted. ``check`` compares that with the file and names the row: "line 7's amount is £X
but its last recorded change set £Y (changed outside JMG Desktop)". A direct SQL update, delete or
insert shows up even when the totals still reconcile.

The events take a few shapes: a whole or partial row (``new`` keyed by column, with
``entity_id``), a removal (``old`` only), and for lines a change set (``updates``, ``lines``
inserted, ``lines`` deleted). A row the trail never mentions can only be judged in a workspace
whose every row was audited from its creation (the ``audit_complete`` setting, written by this
version when it makes a workspace; the demo records its starting rows): there, such a row was
added outside JMG Desktop.
"""

from __future__ import annotations

import json
from typing import Any, Final

from jmg_desktop.core.money import Money
from jmg_desktop.store.reads.rows import Rows, first

__all__ = ["COMPLETE_SETTING", "unaudited_findings"]

#: Set when every audited row of the workspace has been recorded in the trail since its creation.
COMPLETE_SETTING: Final = "audit_complete"
_MAX_LISTED: Final = 20
_DELETED: Final = object()

#: The audited tables (the entity name events use is the table's name), and how a row is named.
_AUDITED: Final = {
    "pool_line": "line",
    "stated_total": "stated total",
    "agreement": "agreement",
    "meeting": "meeting",
    "paper": "paper",
}
#: Columns kept in step with another table (an agreement's status follows its steps), not recorded
#: by the events about the row itself: not compared.
#: A line's position moves whenever a line above it is inserted or deleted, without an event of its own.
_DERIVED: Final = {
    "agreement": frozenset({"status", "superseded_by_id"}),
    "pool_line": frozenset({"position"}),
}
#: Tables whose rows the demo and every change record whole, so an unknown row means an insert.
_WHOLLY_RECORDED: Final = frozenset({"pool_line", "stated_total"})


def _loads(text: str) -> Any:
    """An event's ``old`` or ``new`` field as data (None when empty or unreadable)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _rows_in(value: Any, key: str) -> list[dict[str, Any]]:
    """The whole rows (each with an integer ``id``) an event lists under ``key``."""
    rows = value.get(key) if isinstance(value, dict) else None
    if not isinstance(rows, list):
        return []
    return [row for row in rows if isinstance(row, dict) and type(row.get("id")) is int]


def _events(rows: Rows) -> Any:
    """Every event's ``(entity, entity_id, old, new)``, oldest first, in batches."""
    for batch in rows.batches("SELECT entity, entity_id, old, new FROM audit_event ORDER BY sequence"):
        yield from batch


def _recorded(rows: Rows) -> dict[str, dict[int, Any]]:
    """For each audited entity: row id → {column: value last recorded} or ``_DELETED``."""
    state: dict[str, dict[int, Any]] = {entity: {} for entity in _AUDITED}
    for entity, entity_id, old_text, new_text in _events(rows):
        old, new = _loads(old_text), _loads(new_text)
        if entity == "workspace":  # the demo's starting rows, recorded whole when it is built
            for key, table in (("lines", "pool_line"), ("stated_totals", "stated_total")):
                for row in _rows_in(new, key):
                    state[table][row["id"]] = dict(row)
            continue
        if entity not in _AUDITED:
            continue
        rows = state[entity]
        if entity == "pool_line" and any(
            isinstance(part, dict) and key in part
            for part, key in ((old, "lines"), (new, "lines"), (new, "updates"))
        ):  # a change set: lines deleted, updated field by field, inserted
            for line in _rows_in(old, "lines"):
                rows[line["id"]] = _DELETED
            for update in _rows_in(new, "updates"):
                current = rows.get(update["id"])
                fields = {k: v for k, v in update.items() if k != "id" and k not in _DERIVED["pool_line"]}
                rows[update["id"]] = {**(current if isinstance(current, dict) else {}), **fields}
            for line in _rows_in(new, "lines"):
                rows[line["id"]] = dict(line)
            continue
        if entity_id is None:
            continue
        if isinstance(new, dict) and isinstance(new.get(entity), dict):
            new = new[entity]  # e.g. record_agreement: {"agreement": {...row...}, "lines": [...]}
        if isinstance(new, dict) and new.get("id", entity_id) != entity_id:
            continue  # a row of another table told under this entity (an agreement's step)
        if new is None and isinstance(old, dict):
            rows[entity_id] = _DELETED
        elif isinstance(new, dict):
            current = rows.get(entity_id)
            fields = {key: value for key, value in new.items() if key not in _DERIVED.get(entity, ())}
            rows[entity_id] = {**(current if isinstance(current, dict) else {}), **fields}
    return state


def unaudited_findings(rows: Rows) -> list[str]:
    """Each audited row whose values differ from its last recorded change, as a sentence."""
    state = _recorded(rows)
    complete = (
        first(rows, "SELECT 1 FROM workspace_setting WHERE key = :key", {"key": COMPLETE_SETTING}) is not None
    )
    findings: list[str] = []
    for entity, noun in _AUDITED.items():
        every_row = complete and entity in _WHOLLY_RECORDED
        derived = _DERIVED.get(entity, frozenset())
        findings += _table_findings(rows, entity, noun, state[entity], every_row, derived)
        if len(findings) >= _MAX_LISTED:
            break
    return findings[:_MAX_LISTED]


def _table_findings(
    rows: Rows,
    table: str,
    noun: str,
    recorded: dict[int, Any],
    every_row_recorded: bool,
    derived: frozenset[str],
) -> list[str]:
    """The differences for one table."""
    current = {row["id"]: row for row in rows.mappings(f"SELECT * FROM {table}")}
    columns = set(next(iter(current.values()), {}))
    findings: list[str] = []
    for row_id, values in sorted(current.items()):
        last = recorded.get(row_id)
        if last is _DELETED:
            findings.append(
                f"{noun.capitalize()} {row_id} exists but its last recorded change deleted it (put back outside JMG Desktop)."
            )
            continue
        if last is None:
            if every_row_recorded:
                findings.append(
                    f"{noun.capitalize()} {row_id} is in no recorded change (added outside JMG Desktop)."
                )
            continue
        for field, expected in last.items():
            comparable = not isinstance(expected, dict | list)  # a summary, not the stored value
            judged = field in columns and field != "id" and field not in derived and comparable
            if judged and values.get(field) != expected:
                findings.append(
                    f"{noun.capitalize()} {row_id}'s {_label(field)} is {_shown(field, values.get(field))} but its last "
                    f"recorded change set {_shown(field, expected)} (changed outside JMG Desktop)."
                )
    for row_id, last in sorted(recorded.items()):
        if isinstance(last, dict) and row_id not in current:
            findings.append(
                f"{noun.capitalize()} {row_id} was deleted outside JMG Desktop (no recorded change removed it)."
            )
    return findings


def _label(field: str) -> str:
    """A column as people call it: ``amount_pence`` is the amount."""
    return field.removesuffix("_pence").removesuffix("_id").replace("_", " ")


def _shown(field: str, value: Any) -> str:
    """A value for the sentence: money as pounds, text quoted and shortened."""
    if field.endswith("_pence") and type(value) is int:
        try:
            return Money(value).format_full()
        except (TypeError, ValueError):
            return f"{value} pence"
    if isinstance(value, str):
        return "“" + (value if len(value) <= 40 else value[:39] + "…") + "”"
    return "nothing" if value is None else str(value)
