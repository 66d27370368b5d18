"""The BCF scheme columns of a sheet: their recognised headings and how each cell is read.

Used by every import, so a sheet in the planning template's Expenditure shape fills the scheme
columns of the lines it adds; the README lists the headings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from jmg_desktop.core.bcf import parse_share
from jmg_desktop.core.scheme_fields import COMMISSIONER_SPELLINGS

__all__ = ["INCOME_SYNONYMS", "SCHEME_FIELDS", "SCHEME_SYNONYMS", "scheme_readers"]

#: Scheme field → normalised headings (see ``headings.normalise``).
SCHEME_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "scheme_ref": ("scheme id", "scheme ref", "scheme reference", "scheme no", "scheme number", "ref"),
    "scheme_type": ("scheme type", "type of scheme", "scheme category"),
    "scheme_subtype": ("sub type", "sub types", "scheme sub type", "subtype", "scheme subtype"),
    "area_of_spend": ("area of spend", "spend area"),
    "commissioner": ("commissioner", "commissioned by", "lead commissioner"),
    "nhs_share": ("nhs", "nhs share", "share nhs", "nhs if joint commissioner", "nhs if joint"),
    "council_share": (
        "la",
        "council",
        "council share",
        "la share",
        "la if joint commissioner",
        "council if joint commissioner",
        "la if joint",
    ),
    "provider": ("provider", "provider name"),
    "funding_stream": ("source of funding", "funding source", "funding stream", "stream"),
    "new_or_existing": (
        "new/existing scheme",
        "new/existing",
        "new / existing",
        "new existing scheme",
        "new or existing",
        "new existing",
        "new or existing scheme",
    ),
}

#: The Income sheet: stream, holding partner, amount, note.
INCOME_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "stream": ("funding source", "source of funding", "funding stream", "stream", "income stream", "source"),
    "partner": (
        "contributor",
        "partner",
        "holding partner",
        "held by",
        "organisation",
        "contributing partner",
    ),
    "amount": ("amount", "income", "contribution", "value", "total", "planned income"),
    "note": ("comments", "comment", "notes", "note"),
}

#: Field → label, in the template's column order.
SCHEME_FIELDS: Final = {
    "scheme_ref": "Scheme ID",
    "scheme_type": "Scheme type",
    "scheme_subtype": "Sub type",
    "area_of_spend": "Area of spend",
    "commissioner": "Commissioner",
    "nhs_share": "% NHS",
    "council_share": "% LA",
    "provider": "Provider",
    "funding_stream": "Source of funding",
    "new_or_existing": "New/Existing",
}


def _text(_kind: str, text: str) -> str:
    """A text cell as text."""
    return " ".join(text.split())


def _commissioner(_kind: str, text: str) -> str:
    """Council, NHS or joint, in the words templates use (Local Authority, CCG, Joint…)."""
    found = COMMISSIONER_SPELLINGS.get(" ".join(text.split()).casefold())
    if found is None:
        raise ValueError(
            f"“{text[:40]}” is not a commissioner: write Council (or Local Authority), NHS (or CCG) or Joint"
        )
    return found


def _share(kind: str, text: str) -> int:
    """A percentage: a cell formatted as % (0.6), or 60 or 60% written out."""
    if kind == "p":
        return parse_share(f"{text}") if "." in text else parse_share(f"{int(text) * 100}")
    return parse_share(text)


def _new_or_existing(_kind: str, text: str) -> str:
    """New or Existing (any case)."""
    word = text.strip().casefold()
    if word.startswith("new"):
        return "new"
    if word.startswith("exist"):
        return "existing"
    raise ValueError(f"“{text[:30]}” is neither New nor Existing")


def scheme_readers(streams: Mapping[str, int]) -> dict[str, Callable[[str, str], object]]:
    """How each scheme column's cells are read; ``streams`` maps case-folded stream names to ids."""

    def stream(_kind: str, text: str) -> int:
        """A funding stream by name."""
        found = streams.get(" ".join(text.split()).casefold())
        if found is None:
            raise ValueError(
                f"“{text[:60]}” is not a funding stream of this workspace or of the Income sheet"
            )
        return found

    return {
        "scheme_ref": _text,
        "scheme_type": _text,
        "scheme_subtype": _text,
        "area_of_spend": _text,
        "commissioner": _commissioner,
        "nhs_share": _share,
        "council_share": _share,
        "provider": _text,
        "funding_stream": stream,
        "new_or_existing": _new_or_existing,
    }
