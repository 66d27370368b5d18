"""What each Better Care Fund reference table shows and accepts: its columns, how a typed cell is
read (one sentence naming the field when it is refused), a new row, and what a rename carries
along (lines and conditions that name a scheme type or area of spend by its text).

Tables: the funding streams and the three scheme lists (workspace-wide), and a pool and year's
income by stream and minimum-spend conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jmg_desktop.core.bcf import COMMISSIONERS
from jmg_desktop.core.commands import FieldUpdate, RefChange
from jmg_desktop.core.money import Money, MoneyError, parse_money
from jmg_desktop.core.scheme_fields import SchemeLists
from jmg_desktop.core.validation import CellError, parse_text
from jmg_desktop.ui.bcf.renames import follow_list_item, list_item_uses

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace

__all__ = ["SPECS", "Column", "Context", "TableSpec"]

_ANY = "Any"
#: A condition's commissioner filter, as shown → as stored.
_CONDITION_COMMISSIONERS = {_ANY: "", COMMISSIONERS["council"]: "council", COMMISSIONERS["nhs"]: "nhs"}


@dataclass(frozen=True, slots=True)
class Context:
    """What the cells are read against: the pool and year shown, partners, the scheme lists."""

    pool_id: int
    year: int
    partners: tuple[tuple[int, str], ...]
    lists: SchemeLists
    host_partner_id: int | None = None


@dataclass(frozen=True, slots=True)
class Column:
    """One editable column: the stored field, its heading, how text is read and shown, and the
    entries its list offers (None for free text)."""

    key: str
    title: str
    parse: Callable[[str, Context], object]
    show: Callable[[Any, Context], str]
    choices: Callable[[Context], list[str]] | None = None
    right: bool = False


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table the dialogs edit."""

    table: str
    singular: str
    plural: str
    columns: tuple[Column, ...]
    #: Only these rows (e.g. one list's entries, or one pool and year's).
    where: Callable[[Context], dict[str, Any]]
    #: The stored values of a new row (besides ``where``'s), or why none can be added.
    new_row: Callable[[Context, Sequence[dict[str, Any]]], dict[str, Any] | CellError]
    #: Why a changed row cannot be stored alongside the others (a name taken), or None.
    clash: Callable[[dict[str, Any], Sequence[dict[str, Any]]], CellError | None] = lambda _r, _o: None
    #: What a rename changes besides the row (lines and other rows naming it by its text).
    follow: (
        Callable[[Workspace, dict[str, Any], dict[str, Any]], tuple[list[FieldUpdate], list[RefChange]]]
        | None
    ) = field(default=None)
    #: Where each row is used by text (lines and conditions naming it), by kind, so its removal
    #: is refused; ids are counted from the foreign keys.
    text_uses: Callable[[Workspace, Sequence[dict[str, Any]]], list[dict[str, int]]] | None = None
    intro: str = ""
    pool_year: bool = False
    #: A last, read-only "Used by" column: what uses each entry (the reference lists).
    shows_uses: bool = False


# -- reading cells ------------------------------------------------------------------------------


def _name(title: str, limit: int = 200) -> Callable[[str, Context], object]:
    """A required name."""
    return lambda text, _ctx: parse_text(" ".join(text.split()), title=title, limit=limit, required=True)


def _free(title: str, limit: int) -> Callable[[str, Context], object]:
    """Optional free text."""
    return lambda text, _ctx: parse_text(text, title=title, limit=limit, required=False)


def _plain(value: Any, _ctx: Context) -> str:
    return "" if value is None else str(value)


def _money(title: str) -> Callable[[str, Context], object]:
    """An amount in pounds, not below zero, as pence."""

    def parse(text: str, _ctx: Context) -> object:
        try:
            pence = parse_money(text).pence
        except MoneyError as error:
            return CellError(f"{title}: {error}")
        if pence < 0:
            return CellError(f"{title} cannot be below zero.")
        return pence

    return parse


def _show_money(value: Any, _ctx: Context) -> str:
    return Money(int(value or 0)).format_full()


def _stream(required: bool) -> Callable[[str, Context], object]:
    """A funding stream by name (empty for none, where allowed)."""

    def parse(text: str, ctx: Context) -> object:
        value = " ".join(text.split())
        if not value:
            return CellError("Funding stream cannot be empty.") if required else None
        found = next((sid for sid, name in ctx.lists.streams if name.casefold() == value.casefold()), None)
        if found is None:
            return CellError(
                f"“{value[:40]}” is not a funding stream; add it to the Funding Streams list first."
            )
        return found

    return parse


def _partner(text: str, ctx: Context) -> object:
    value = " ".join(text.split()).casefold()
    found = next((pid for pid, name in ctx.partners if name.casefold() == value), None)
    return (
        found
        if found is not None
        else CellError(f"Held by must be one of the partners, not “{text.strip()[:40]}”.")
    )


def _listed(title: str, names: Callable[[Context], Sequence[str]]) -> Callable[[str, Context], object]:
    """An optional entry of a scheme list."""

    def parse(text: str, ctx: Context) -> object:
        value = " ".join(text.split())
        if not value:
            return ""
        found = next((n for n in names(ctx) if n.casefold() == value.casefold()), None)
        return found if found is not None else CellError(f"{title}: “{value[:40]}” is not on its list.")

    return parse


def _commissioner(text: str, _ctx: Context) -> object:
    value = " ".join(text.split()).casefold() or _ANY.casefold()
    found = next((v for k, v in _CONDITION_COMMISSIONERS.items() if k.casefold() == value), None)
    return found if found is not None else CellError("Commissioner must be Any, Council or NHS.")


def _taken(
    key: str, title: str, *, within: str | None = None
) -> Callable[[dict[str, Any], Sequence[dict[str, Any]]], CellError | None]:
    """Refuse a ``key`` value another row already has (among rows with the same ``within``)."""

    def clash(row: dict[str, Any], others: Sequence[dict[str, Any]]) -> CellError | None:
        value = str(row[key]).casefold()
        for other in others:
            same_list = within is None or other[within] == row[within]
            if other["id"] != row["id"] and str(other[key]).casefold() == value and same_list:
                return CellError(f"{title} “{row[key]}” is already in the list.")
        return None

    return clash


def _unique_name(base: str, rows: Sequence[dict[str, Any]], key: str = "name") -> str:
    """ "New scheme type", or "New scheme type 2" if that is taken."""
    taken = {str(r[key]).casefold() for r in rows}
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        name = f"{base} {number}"
    return name


# -- the tables ---------------------------------------------------------------------------------


def _list_spec(list_name: str, singular: str, plural: str, *, parent: bool = False) -> TableSpec:
    """One of the scheme lists (types, sub-types, areas of spend)."""
    columns = [Column("name", "Name", _name("Name"), _plain)]
    if parent:
        columns.append(
            Column(
                "parent",
                "Scheme Type",
                lambda text, ctx: (
                    found
                    if isinstance(
                        found := _listed("Scheme type", lambda c: c.lists.scheme_types)(text, ctx), CellError
                    )
                    or found
                    else CellError("Scheme type cannot be empty: a sub-type belongs to one.")
                ),
                _plain,
                lambda ctx: list(ctx.lists.scheme_types),
            )
        )

    def new_row(ctx: Context, rows: Sequence[dict[str, Any]]) -> dict[str, Any] | CellError:
        row: dict[str, Any] = {"name": _unique_name(f"New {singular.lower()}", rows), "parent": ""}
        if parent:
            if not ctx.lists.scheme_types:
                return CellError("Add a scheme type first: every sub-type belongs to one.")
            row["parent"] = ctx.lists.scheme_types[0]
        return row

    return TableSpec(
        "bcf_list_item",
        singular,
        plural,
        tuple(columns),
        where=lambda _ctx: {"list_name": list_name},
        new_row=new_row,
        clash=_taken("name", singular, within="parent"),
        follow=follow_list_item,
        text_uses=list_item_uses,
        shows_uses=True,
    )


STREAMS = TableSpec(
    "bcf_stream",
    "Funding Stream",
    "Funding Streams",
    (Column("name", "Name", _name("Name"), _plain), Column("note", "Note", _free("Note", 2000), _plain)),
    where=lambda _ctx: {},
    new_row=lambda _ctx, rows: {"name": _unique_name("New funding stream", rows), "note": ""},
    clash=_taken("name", "Funding stream"),
    shows_uses=True,
)

INCOME = TableSpec(
    "bcf_income",
    "Income Entry",
    "Income by Stream",
    (
        Column(
            "stream_id",
            "Funding Stream",
            _stream(required=True),
            lambda v, ctx: ctx.lists.stream_name(v),
            lambda ctx: [n for _i, n in ctx.lists.streams],
        ),
        Column(
            "partner_id",
            "Held by",
            _partner,
            lambda v, ctx: next((n for i, n in ctx.partners if i == v), ""),
            lambda ctx: [n for _i, n in ctx.partners],
        ),
        Column("amount_pence", "Amount", _money("Amount"), _show_money, right=True),
        Column("note", "Note", _free("Note", 2000), _plain),
    ),
    where=lambda ctx: {"pool_id": ctx.pool_id, "financial_year": ctx.year},
    new_row=lambda ctx, rows: _new_income(ctx, rows),
    clash=lambda row, others: next(
        (
            CellError(
                "That stream already has an income entry held by that partner: change its amount instead."
            )
            for o in others
            if o["id"] != row["id"]
            and (o["stream_id"], o["partner_id"]) == (row["stream_id"], row["partner_id"])
        ),
        None,
    ),
    pool_year=True,
)


def _new_income(ctx: Context, rows: Sequence[dict[str, Any]]) -> dict[str, Any] | CellError:
    """Income from the first stream the pool has none from, held by the host, of £0."""
    if not ctx.lists.streams:
        return CellError("Add a funding stream to the Funding Streams list first.")
    if not ctx.partners:
        return CellError("Add a partner first: every income entry is held by one.")
    partner = ctx.host_partner_id if ctx.host_partner_id is not None else ctx.partners[0][0]
    used = {(r["stream_id"], r["partner_id"]) for r in rows}
    stream = next((sid for sid, _n in ctx.lists.streams if (sid, partner) not in used), None)
    if stream is None:
        return CellError("Every stream already has an income entry held by the host; change one instead.")
    return {"stream_id": stream, "partner_id": partner, "amount_pence": 0, "note": ""}


CONDITIONS = TableSpec(
    "bcf_condition",
    "Condition",
    "Minimum-Spend Conditions",
    (
        Column("label", "Condition", _name("Condition", 300), _plain),
        Column("minimum_pence", "Minimum", _money("Minimum"), _show_money, right=True),
        Column(
            "stream_id",
            "From Stream",
            _stream(required=False),
            lambda v, ctx: ctx.lists.stream_name(v) if v is not None else _ANY,
            lambda ctx: [_ANY, *(n for _i, n in ctx.lists.streams)],
        ),
        Column(
            "area_of_spend",
            "Area of Spend",
            lambda text, ctx: _listed("Area of spend", lambda c: c.lists.areas)(
                "" if text.strip().casefold() == _ANY.casefold() else text, ctx
            ),
            lambda v, _ctx: v or _ANY,
            lambda ctx: [_ANY, *ctx.lists.areas],
        ),
        Column(
            "commissioner",
            "Commissioned by",
            _commissioner,
            lambda v, _ctx: next((k for k, s in _CONDITION_COMMISSIONERS.items() if s == v), v),
            lambda _ctx: list(_CONDITION_COMMISSIONERS),
        ),
        Column(
            "scheme_type",
            "Scheme Type",
            lambda text, ctx: _listed("Scheme type", lambda c: c.lists.scheme_types)(
                "" if text.strip().casefold() == _ANY.casefold() else text, ctx
            ),
            lambda v, _ctx: v or _ANY,
            lambda ctx: [_ANY, *ctx.lists.scheme_types],
        ),
    ),
    where=lambda ctx: {"pool_id": ctx.pool_id, "financial_year": ctx.year},
    new_row=lambda _ctx, rows: {
        "label": _unique_name("New condition", rows, "label"),
        "minimum_pence": 0,
        "stream_id": None,
        "area_of_spend": "",
        "commissioner": "",
        "scheme_type": "",
    },
    clash=_taken("label", "Condition"),
    intro="At least the minimum must be planned on the schemes that match every filter set (Any matches all); "
    "a joint scheme counts by its share.",
    pool_year=True,
)

#: The reference lists, tab by tab, then the pool and year tables.
LISTS = (
    STREAMS,
    _list_spec("scheme_type", "Scheme Type", "Scheme Types"),
    _list_spec("scheme_subtype", "Sub-type", "Sub-types", parent=True),
    _list_spec("area_of_spend", "Area of Spend", "Areas of Spend"),
)
SPECS = {"lists": LISTS, "income": (INCOME,), "conditions": (CONDITIONS,)}
