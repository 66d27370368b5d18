"""An audit event in words: "Partner: OCC → PCT", never "Partner id: 2".

The store records each change as JSON of the fields it touched (ids for partners, statuses,
categories and pools); :class:`AuditWords` turns them back into the names a user knows, using the
workspace's reference lists as they are now.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from jmg_desktop.core.agreements import format_date
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money

__all__ = ["ACTION_WORDS", "AuditRow", "AuditWords", "action_words", "words_for"]


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit event, read while its session was open."""

    sequence: int
    at: str
    actor: str
    action: str
    old: str
    new: str
    entity: str = ""
    entity_id: int | None = None


#: What each kind of change is called. A redo is named as what it redoes, marked "(redone)".
ACTION_WORDS: Final = {
    "record_agreement": "Agreement recorded",
    "move_status": "Status moved",
    "undo_status_move": "Status move undone",
    "redo_status_move": "Status moved (redone)",
    "edit": "Edited",
    "delete_agreement": "Agreement recording undone",
    "restore_agreement": "Agreement recorded (redone)",
    "edit_lines": "Edited",
    "undo_edit_lines": "Edit undone",
    "insert_lines": "Lines added",
    "undo_insert_lines": "Addition undone",
    "delete_lines": "Lines deleted",
    "undo_delete_lines": "Deletion undone",
    "move_lines": "Lines moved",
    "undo_move_lines": "Move undone",
    "paste_lines": "Pasted",
    "undo_paste_lines": "Paste undone",
    "roll_forward": "Lines copied to next year",
    "undo_roll_forward": "Copy to next year undone",
    "import_lines": "Lines imported",
    "undo_import_lines": "Import undone",
    "edit_bcf_stream": "BCF funding streams changed",
    "edit_bcf_list_item": "BCF scheme lists changed",
    "edit_bcf_income": "BCF income changed",
    "edit_bcf_condition": "BCF conditions changed",
    "grant_role": "Role given",
    "revoke_role": "Role taken away",
}


def action_words(action: str) -> str:
    """The name of a kind of change ("edit_lines" → "Edited"; unknown ones made readable)."""
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    if action.startswith("undo_"):
        return f"{action_words(action[5:])} (undone)"
    if action.startswith("redo_"):
        return f"{action_words(action[5:])} (redone)"
    return action.replace("_", " ").capitalize()


_FIELD_LABELS: Final = {
    "amount_pence": "Amount",
    "service": "Service",
    "note": "Note",
    "partner_id": "Partner",
    "status_id": "Status",
    "category_id": "Category",
    "pool_id": "Pool",
    "financial_year": "Year",
    "position": "Position",
}
_HIDDEN: Final = ("recorded_at", "id", "agreement_id", "ordinal")


@dataclass(frozen=True, slots=True)
class AuditWords:
    """Names for the ids an event holds: field → id → name (partners by short name)."""

    names: Mapping[str, Mapping[int, str]] = field(default_factory=dict)

    def value(self, key: str, item: Any) -> str:
        """One field's value as a user reads it."""
        if item is None or item == "":
            return "none"
        if isinstance(item, bool):
            return "yes" if item else "no"
        if key.endswith("_pence") and isinstance(item, int):
            return Money(item).format_full()
        if isinstance(item, list):
            return f"{len(item):,} entr{'y' if len(item) == 1 else 'ies'}"
        if isinstance(item, dict):
            return f"{len(item):,} value{'' if len(item) == 1 else 's'}"
        if key == "financial_year" and isinstance(item, int):
            return FinancialYear(item).label
        if key in self.names and isinstance(item, int):
            return self.names[key].get(item, f"(removed, was number {item})")
        return str(item)

    def label(self, key: str) -> str:
        """A field's name ("partner_id" → "Partner")."""
        return _FIELD_LABELS.get(key, key.replace("_", " ").capitalize())

    def fields(self, value: Mapping[str, Any]) -> str:
        """``{"partner_id": 2}`` as "Partner: PCT"; a list of lines as their services."""
        parts = []
        for key, item in value.items():
            if key in _HIDDEN:
                continue
            if key in ("updates", "lines") and isinstance(item, list):
                parts.extend(self.line(row) for row in item if isinstance(row, dict))
            elif key == "references" and isinstance(item, list):
                parts.extend(self._reference(ref) for ref in item if isinstance(ref, dict))
            else:
                parts.append(f"{self.label(key)}: {self.value(key, item)}")
        return "; ".join(part for part in parts if part)

    def line(self, row: Mapping[str, Any]) -> str:
        """One line of a multi-line event: its service (when recorded) and the fields changed."""
        if "service" in row and "amount_pence" in row:  # a whole line (added or deleted)
            return f"{row['service']} ({self.value('amount_pence', row['amount_pence'])})"
        return self.fields({k: v for k, v in row.items() if k != "id"})

    @staticmethod
    def _reference(ref: Mapping[str, Any]) -> str:
        row = ref.get("row") or {}
        name = row.get("name", "") if isinstance(row, dict) else ""
        return f"{str(ref.get('table', '')).capitalize()}: {name}" if name else ""

    def _parse(self, text: str) -> Any:
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def _short(self, value: Any, limit: int = 200) -> str:
        if value is None:
            return ""
        if isinstance(value, dict):
            if "text" in value and "on_date" in value:
                note = f" — {value['note']}" if value.get("note") else ""
                return f"{value['text']} on {format_date(date.fromisoformat(value['on_date']))}{note}"
            if "agreement" in value:
                agreement = value["agreement"]
                count = len(value.get("lines", []))
                return f"{agreement.get('title', '')}: {count} line{'s' if count != 1 else ''} with their figures"
            text = self.fields(value)
        else:
            text = str(value)
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def change(self, row: AuditRow) -> str:
        """An event's change in a line of words: "Partner: OCC → PCT"."""
        old, new = self._parse(row.old), self._parse(row.new)
        if row.action in ("move_status", "redo_status_move", "record_agreement", "restore_agreement"):
            return self._short(new)
        if row.action in ("undo_status_move", "delete_agreement"):
            return self._short(old)
        paired = self._paired(old, new)
        if paired:
            return paired
        before, after = self._short(old), self._short(new)
        if before and after:
            return f"{before} → {after}"
        return after or before

    def _paired(self, old: Any, new: Any) -> str:
        """Field by field "Label: before → after" when old and new name the same fields."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            return ""
        if "updates" in old and "updates" in new and len(old["updates"]) == len(new["updates"]):
            parts = [self._paired(a, b) for a, b in zip(old["updates"], new["updates"], strict=True)]
            return "; ".join(part for part in parts if part)
        keys = [k for k in new if k not in _HIDDEN]
        if (
            not keys
            or set(keys) != {k for k in old if k not in _HIDDEN}
            or {"lines", "references"} & set(keys)
        ):
            return ""
        moved = [k for k in keys if old[k] != new[k]] or keys
        return "; ".join(f"{self.label(k)}: {self.value(k, old[k])} → {self.value(k, new[k])}" for k in moved)


def words_for(workspace: Any) -> AuditWords:
    """The names a workspace's events need (partners by their short name, as the lines show them)."""
    from jmg_desktop.store.lines_repo import list_pools, load_references

    references = load_references(workspace)
    partners = {item.id: item.short_name or item.name for item in references.partners}
    return AuditWords(
        {
            "partner_id": partners,
            "status_id": references.names("status_id"),
            "category_id": references.names("category_id"),
            "pool_id": {pool.id: pool.name for pool in list_pools(workspace)},
        }
    )
