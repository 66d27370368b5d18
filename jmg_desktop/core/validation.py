"""Checking what a user types into a pool line, as pure functions.

Each parser takes the text exactly as typed or pasted and returns either the value to store or a
:class:`CellError` whose message says, in one sentence, what was wrong. Nothing is raised, so a
paste can collect every bad cell before anything is applied.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from jmg_desktop.core.line_kinds import KIND_LABELS, KIND_SPELLINGS, LINE_KINDS
from jmg_desktop.core.money import MoneyError, parse_money

__all__ = [
    "COLUMN_FIELDS",
    "COLUMN_TITLES",
    "MAX_NOTE_CHARS",
    "MAX_SERVICE_CHARS",
    "CellError",
    "Choices",
    "check_name",
    "parse_cell",
    "parse_choice",
    "parse_kind",
    "parse_text",
]

#: The table's columns, in order, as DESIGN.md fixes them.
COLUMN_TITLES: Final = ("Service", "Category", "Partner", "Status", "Amount", "Note", "Kind")
#: The stored field behind each column.
COLUMN_FIELDS: Final = ("service", "category_id", "partner_id", "status_id", "amount_pence", "note", "kind")

MAX_SERVICE_CHARS: Final = 300
MAX_NOTE_CHARS: Final = 2000
MAX_NAME_CHARS: Final = 200
# A cell starting with one of these is run as a formula by Excel when the data is exported again.
_FORMULA_STARTS: Final = ("=", "+", "@")


@dataclass(frozen=True, slots=True)
class CellError:
    """Why a cell's text was refused."""

    message: str


#: A reference list for parsing: every accepted spelling (lower-cased) mapped to the row id.
Choices = Mapping[str, int]


def _control_characters(text: str, *, allow_newlines: bool) -> bool:
    """True when ``text`` holds control characters (tabs and newlines allowed in notes)."""
    allowed = {"\n", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def parse_text(
    text: str, *, title: str, limit: int, required: bool, allow_newlines: bool = False
) -> str | CellError:
    """A free-text field: trimmed; refused if empty (when required), too long, a formula, or
    holding control characters."""
    value = text.strip()
    if required and not value:
        return CellError(f"{title} cannot be empty.")
    if len(value) > limit:
        return CellError(f"{title} is {len(value):,} characters long; the most allowed is {limit:,}.")
    if value.startswith(_FORMULA_STARTS):
        return CellError(f"{title} cannot start with “{value[0]}”: a spreadsheet would run it as a formula.")
    if _control_characters(value, allow_newlines=allow_newlines):
        return CellError(f"{title} contains control characters; type plain text.")
    return value


def parse_choice(text: str, choices: Choices, *, title: str, required: bool) -> int | CellError | None:
    """A value from a reference list, matched without regard to case or surrounding spaces."""
    value = " ".join(text.split())
    if not value:
        if required:
            return CellError(f"{title} cannot be empty.")
        return None
    found = choices.get(value.casefold())
    if found is None:
        shown = value if len(value) <= 40 else value[:39] + "…"
        return CellError(f"“{shown}” is not in the {title.lower()} list.")
    return found


def parse_cell(
    field: str,
    text: str,
    *,
    categories: Choices | None = None,
    partners: Choices | None = None,
    statuses: Choices | None = None,
) -> object | CellError:
    """Parse the text for ``field`` (one of :data:`COLUMN_FIELDS`) into the value to store."""
    if not isinstance(text, str):
        return CellError("The value must be text.")
    if field == "service":
        return parse_text(text, title="Service", limit=MAX_SERVICE_CHARS, required=True)
    if field == "note":
        return parse_text(text, title="Note", limit=MAX_NOTE_CHARS, required=False, allow_newlines=True)
    if field == "amount_pence":
        try:
            return parse_money(text).pence
        except MoneyError as error:
            return CellError(str(error))
    if field == "category_id":
        return parse_choice(text, categories or {}, title="Category", required=False)
    if field == "partner_id":
        return parse_choice(text, partners or {}, title="Partner", required=True)
    if field == "status_id":
        return parse_choice(text, statuses or {}, title="Status", required=True)
    if field == "kind":
        return parse_kind(text)
    return CellError(f"“{field}” cannot be edited.")


def parse_kind(text: str) -> str | CellError:
    """A line's kind, typed as its name or a short form (``service``, ``change``, ``uplift``)."""
    value = " ".join(text.split()).casefold()
    if not value:
        return CellError("Kind cannot be empty.")
    found = KIND_SPELLINGS.get(value) or next((k for k in LINE_KINDS if k == value), None)
    if found is None:
        names = " or ".join(f"“{label}”" for label in KIND_LABELS.values())
        return CellError(f"Kind must be {names}.")
    return found


def check_name(text: str, *, title: str, taken: set[str]) -> str | CellError:
    """A reference-list name (category, partner, pool): required, short, and not already used."""
    value = parse_text(" ".join(text.split()), title=title, limit=MAX_NAME_CHARS, required=True)
    if isinstance(value, CellError):
        return value
    if value.casefold() in {name.casefold() for name in taken}:
        return CellError(f"“{value}” is already in the list.")
    return value
