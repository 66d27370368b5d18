"""A pool line's Better Care Fund scheme columns, as a user types them into the lines editor.

Each cell is parsed on its own (:func:`parse_scheme_cell`), then the values a user changes on one
line are put together with what the line already holds (:func:`scheme_updates`): a commissioner
that is no longer joint drops its shares, one share typed fills in the other, two shares must add
to 100%, a sub-type must belong to the line's scheme type. Pure Python; nothing is raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from jmg_desktop.core.commands import FieldUpdate, LineRecord
from jmg_desktop.core.validation import CellError, parse_text

__all__ = [
    "COMMISSIONER_SPELLINGS",
    "SCHEME_FIELDS",
    "SCHEME_TITLES",
    "SchemeLists",
    "parse_commissioner",
    "parse_new_or_existing",
    "parse_scheme_cell",
    "scheme_text",
    "scheme_updates",
]

#: The scheme columns of the lines editor, in the planning template's order.
SCHEME_FIELDS: Final = (
    "scheme_ref",
    "scheme_type",
    "scheme_subtype",
    "area_of_spend",
    "commissioner",
    "nhs_share_bp",
    "council_share_bp",
    "provider",
    "funding_stream_id",
    "new_or_existing",
)
#: How each scheme column is headed.
SCHEME_TITLES: Final = (
    "Scheme ID",
    "Scheme Type",
    "Sub-type",
    "Area of Spend",
    "Commissioner",
    "% NHS",
    "% Council",
    "Provider",
    "Funding Stream",
    "New or Existing",
)
_TITLE: Final = dict(zip(SCHEME_FIELDS, SCHEME_TITLES, strict=True))
_SHARES: Final = ("nhs_share_bp", "council_share_bp")
_FULL: Final = 10_000  # 100% in hundredths of a percent
_MAX_REF_CHARS: Final = 40  # as the column holds
_MAX_PROVIDER_CHARS: Final = 200

#: Words templates and officers use for a commissioner (case-folded) → as stored.
COMMISSIONER_SPELLINGS: Final = {
    "council": "council",
    "local authority": "council",
    "la": "council",
    "nhs": "nhs",
    "ccg": "nhs",
    "icb": "nhs",
    "nhs ccg": "nhs",
    "nhs icb": "nhs",
    "joint": "joint",
    "joint commissioning": "joint",
}


@dataclass(frozen=True, slots=True)
class SchemeLists:
    """The reference lists scheme cells draw on: funding streams ``(id, name)``, scheme types,
    each type's sub-types, and areas of spend, in display order."""

    streams: tuple[tuple[int, str], ...] = ()
    scheme_types: tuple[str, ...] = ()
    subtypes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    areas: tuple[str, ...] = ()

    def stream_name(self, stream_id: int | None) -> str:
        """A stream's name ("" for none or one no longer listed)."""
        return next((name for sid, name in self.streams if sid == stream_id), "")

    def subtypes_of(self, scheme_type: str) -> tuple[str, ...]:
        """The sub-types listed under ``scheme_type`` (matched without regard to case)."""
        key = scheme_type.casefold()
        return next((names for name, names in self.subtypes.items() if name.casefold() == key), ())


def parse_commissioner(text: str) -> str | CellError:
    """Council, NHS or Joint, in the words templates use (Local Authority, CCG, ICB…); empty clears."""
    value = " ".join(text.split()).casefold()
    if not value:
        return ""
    found = COMMISSIONER_SPELLINGS.get(value)
    if found is None:
        return CellError(f"Commissioner must be Council, NHS or Joint, not “{text.strip()[:40]}”.")
    return found


def parse_new_or_existing(text: str) -> str | CellError:
    """New or Existing (any case, "New scheme" too); empty clears."""
    word = text.strip().casefold()
    if not word:
        return ""
    if word.startswith("new"):
        return "new"
    if word.startswith("exist"):
        return "existing"
    return CellError(f"New or Existing must be New or Existing, not “{text.strip()[:30]}”.")


def _listed(text: str, names: Sequence[str], *, title: str, where: str) -> str | CellError:
    """A name from a reference list, given back as the list spells it; empty clears."""
    value = " ".join(text.split())
    if not value:
        return ""
    found = next((name for name in names if name.casefold() == value.casefold()), None)
    if found is None:
        shown = value if len(value) <= 40 else value[:39] + "…"
        return CellError(f"“{shown}” is not in the {where} (Tools ▸ Better Care Fund ▸ Reference Lists…).")
    return found


def parse_scheme_cell(field_name: str, text: str, lists: SchemeLists) -> object | CellError:
    """The value to store for one scheme column from what was typed, or why it is refused.

    A sub-type is checked against every listed sub-type here; :func:`scheme_updates` checks it
    belongs to the line's scheme type."""
    if not isinstance(text, str):
        return CellError("The value must be text.")
    title = _TITLE.get(field_name)
    if title is None:
        return CellError(f"“{field_name}” is not a scheme column.")
    if field_name == "scheme_ref":
        return parse_text(text, title=title, limit=_MAX_REF_CHARS, required=False)
    if field_name == "provider":
        return parse_text(text, title=title, limit=_MAX_PROVIDER_CHARS, required=False)
    if field_name == "scheme_type":
        return _listed(text, lists.scheme_types, title=title, where="scheme type list")
    if field_name == "scheme_subtype":
        every = [name for names in lists.subtypes.values() for name in names]
        return _listed(text, every, title=title, where="sub-type list")
    if field_name == "area_of_spend":
        return _listed(text, lists.areas, title=title, where="area of spend list")
    if field_name == "commissioner":
        return parse_commissioner(text)
    if field_name == "new_or_existing":
        return parse_new_or_existing(text)
    if field_name in _SHARES:
        if not text.strip():
            return None
        from jmg_desktop.core.bcf import parse_share

        try:
            return parse_share(text)
        except ValueError as error:
            return CellError(f"{title}: {error}.")
    # The funding stream, by name.
    value = " ".join(text.split())
    if not value:
        return None
    found = next((sid for sid, name in lists.streams if name.casefold() == value.casefold()), None)
    if found is None:
        shown = value if len(value) <= 40 else value[:39] + "…"
        return CellError(f"“{shown}” is not a funding stream (Tools ▸ Better Care Fund ▸ Reference Lists…).")
    return found


def scheme_updates(
    record: LineRecord, values: Mapping[str, Any], lists: SchemeLists
) -> list[FieldUpdate] | CellError:
    """The field updates that give ``record`` the parsed scheme ``values`` (field → value), with
    the rules that tie the columns together; or why the combination is refused."""
    new: dict[str, Any] = {name: getattr(record, name) for name in SCHEME_FIELDS}
    new.update(values)
    own_subtypes = {name.casefold() for name in lists.subtypes_of(new["scheme_type"])}
    foreign_subtype = bool(new["scheme_subtype"]) and new["scheme_subtype"].casefold() not in own_subtypes
    if foreign_subtype and "scheme_type" in values and "scheme_subtype" not in values:
        new["scheme_subtype"] = ""  # a new scheme type drops a sub-type not its own (undo brings it back)
    elif foreign_subtype and "scheme_subtype" in values:
        kind = f"“{new['scheme_type']}”" if new["scheme_type"] else "a line with no scheme type"
        return CellError(f"“{new['scheme_subtype']}” is not a sub-type of {kind} in the sub-type list.")
    shares_given = [name for name in _SHARES if name in values]
    if "commissioner" in values and new["commissioner"] != "joint" and not shares_given:
        new["nhs_share_bp"] = new["council_share_bp"] = None  # shares belong to a joint scheme only
    if shares_given:
        if new["commissioner"] != "joint" and any(values[name] is not None for name in shares_given):
            return CellError(
                f"{_TITLE[shares_given[0]]} is for a jointly commissioned scheme: set Commissioner to "
                "Joint first."
            )
        if len(shares_given) == 1:
            given = shares_given[0]
            other = _SHARES[1 - _SHARES.index(given)]
            new[other] = None if values[given] is None else _FULL - values[given]
        else:
            nhs, council = new["nhs_share_bp"], new["council_share_bp"]
            if (nhs is None) != (council is None) or (nhs is not None and nhs + council != _FULL):
                from jmg_desktop.core.bcf import format_share

                return CellError(
                    f"% NHS ({format_share(nhs) or 'empty'}) and % Council ({format_share(council) or 'empty'})"
                    " must add up to 100%."
                )
    return [
        FieldUpdate(record.id, name, getattr(record, name), new[name])
        for name in SCHEME_FIELDS
        if new[name] != getattr(record, name)
    ]


def scheme_text(record: LineRecord, field_name: str, lists: SchemeLists) -> str:
    """A scheme cell as shown and as a user would type it."""
    # The Better Care Fund's rules are imported with the first scheme cell shown, not at start-up.
    from jmg_desktop.core.bcf import COMMISSIONERS, NEW_OR_EXISTING, format_share

    value = getattr(record, field_name)
    if field_name == "commissioner":
        return COMMISSIONERS.get(value, value)
    if field_name == "new_or_existing":
        return NEW_OR_EXISTING.get(value, value)
    if field_name in _SHARES:
        return format_share(value)
    if field_name == "funding_stream_id":
        return lists.stream_name(value)
    return str(value or "")
