"""Recognising a sheet's column headings: the field each names, and the unit its amounts are in.

Pure functions over text. The synonyms are the headings officers' workbooks and the BCF planning
template use; the README lists them. A heading's unit comes from the heading itself: "Budget £000"
means thousands of pounds, "£m" millions, so a cell of 3,342 under "£000" is £3,342,000.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

__all__ = [
    "FIELD_NAMES",
    "SYNONYMS",
    "auto_map",
    "field_for_heading",
    "normalise",
    "unit_of",
]

#: Every field a column may be mapped to, with the name a user gives in ``--map`` and the dialog.
FIELD_NAMES: Final = {
    "service": "Service",
    "category": "Category",
    "partner": "Partner",
    "status": "Status",
    "amount": "Amount",
    "note": "Note",
    "year": "Financial year (checked)",
    "pool": "Pool (checked)",
}

#: Normalised headings (see :func:`normalise`) that name each field.
SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "service": (
        "service",
        "services",
        "service budget",
        "service name",
        "service line",
        "budget line",
        "line",
        "scheme name",
        "scheme",
        "description",
        "service description",
        "item",
    ),
    "amount": (
        "amount",
        "budget",
        "budget amount",
        "value",
        "expenditure",
        "planned expenditure",
        "expenditure for this year",
        "planned spend",
        "spend",
        "cost",
        "contribution",
        "allocation",
        "draft amount",
        "draft budget",
        "original budget",
        "total",
    ),
    "category": ("category", "service category", "client group", "care group", "type of service"),
    "partner": (
        "partner",
        "contributing partner",
        "contributor",
        "paid by",
        "funded by",
        "funder",
        "organisation",
        "partner organisation",
    ),
    "status": ("status", "line status", "proposal", "pool status"),
    "note": ("note", "notes", "comment", "comments", "remarks"),
    "year": ("financial year", "year", "fy"),
    "pool": ("pool", "pool name", "pooled budget"),
}

#: Headings with a £ in them that are not amounts.
_NOT_MONEY: Final = ("note", "notes", "comment", "comments")
_BY_HEADING: Final = {name: field for field, names in SYNONYMS.items() for name in names}

_THOUSANDS: Final = re.compile(
    r"£\s*'?\s*000s?|\(\s*'?000s?\s*\)|£\s*k\b|£\s*thousands?|\bthousands\b|\bk£", re.IGNORECASE
)
_MILLIONS: Final = re.compile(r"£\s*m\b|£\s*mn\b|£\s*millions?\b|\(\s*m\s*\)|\bmillions\b", re.IGNORECASE)
_UNIT_WORDS: Final = re.compile(
    r"£\s*'?\s*000s?|\(\s*'?000s?\s*\)|£\s*(?:k|mn|m|millions?|thousands?)\b|\((?:m|£)\)|£|\bin\b\s*$",
    re.IGNORECASE,
)
_YEAR_IN_HEADING: Final = re.compile(r"\b(?:19|20)\d\d\s*[/-]\s*\d\d\b|\b(?:19|20)\d\d\b")
_PUNCTUATION: Final = re.compile(r"[^\w/]+")


def unit_of(heading: str) -> int:
    """How many pounds one unit of the column's amounts is: 1, 1,000 (£000) or 1,000,000 (£m)."""
    if _MILLIONS.search(heading):
        return 1_000_000
    if _THOUSANDS.search(heading):
        return 1_000
    return 1


def normalise(heading: str) -> str:
    """A heading reduced for matching: units, years, punctuation and case dropped."""
    text = _UNIT_WORDS.sub(" ", heading)
    text = _YEAR_IN_HEADING.sub(" ", text)
    text = _PUNCTUATION.sub(" ", text.replace("_", " "))
    return " ".join(text.casefold().split())


def field_for_heading(heading: str, fields: Mapping[str, tuple[str, ...]] | None = None) -> str | None:
    """The field a heading names, or None. ``fields`` adds synonyms (the BCF columns)."""
    key = normalise(heading)
    found: str | None = None
    if (unit_of(heading) != 1 or "£" in heading) and key not in _NOT_MONEY:
        # "2019/20 £000", "Council £000", "Expenditure (£)": a money column whatever its words.
        return "amount"
    if key and fields:
        found = next((field for field, names in fields.items() if key in names), None)
    if key and found is None:
        found = _BY_HEADING.get(key)
    return found


def auto_map(
    headings: Mapping[int, str], fields: Mapping[str, tuple[str, ...]] | None = None
) -> dict[int, str]:
    """Column index → field for the headings recognised; the first column naming a field wins."""
    mapped: dict[int, str] = {}
    taken: set[str] = set()
    for column in sorted(headings):
        field = field_for_heading(headings[column], fields)
        if field is not None and field not in taken:
            mapped[column] = field
            taken.add(field)
    return mapped
