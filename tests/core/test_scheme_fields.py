"""The rules that tie a line's scheme columns together, as the lines editor applies them."""

from __future__ import annotations

from jmg_desktop.core.commands import FieldUpdate, LineRecord
from jmg_desktop.core.scheme_fields import SchemeLists, parse_scheme_cell, scheme_text, scheme_updates
from jmg_desktop.core.validation import CellError

LISTS = SchemeLists(
    streams=((1, "NHS minimum contribution"), (2, "Disabled Facilities Grant")),
    scheme_types=("Carers Services", "Intermediate Care Services"),
    subtypes={
        "Intermediate Care Services": ("Reablement in a person's own home", "Bed-based intermediate care")
    },
    areas=("Social Care", "Community Health"),
)
LINE = LineRecord(7, 4, 2019, "Reablement at home", None, 1, 1, 500_000_000, "", 1)


def test_cells_parse_to_what_is_stored_and_show_as_typed() -> None:
    assert parse_scheme_cell("commissioner", " local authority ", LISTS) == "council"
    assert parse_scheme_cell("commissioner", "CCG", LISTS) == "nhs"
    assert parse_scheme_cell("nhs_share_bp", "60%", LISTS) == 6000
    assert parse_scheme_cell("nhs_share_bp", "33.33", LISTS) == 3333
    assert parse_scheme_cell("nhs_share_bp", "", LISTS) is None
    assert parse_scheme_cell("funding_stream_id", "disabled  facilities grant", LISTS) == 2
    assert (
        parse_scheme_cell("scheme_type", "carers services", LISTS) == "Carers Services"
    )  # the list's spelling
    assert parse_scheme_cell("new_or_existing", "New scheme", LISTS) == "new"
    line = LINE._replace(commissioner="joint", nhs_share_bp=3333, council_share_bp=6667, funding_stream_id=1)
    assert scheme_text(line, "commissioner", LISTS) == "Joint"
    assert scheme_text(line, "council_share_bp", LISTS) == "66.67%"
    assert scheme_text(line, "funding_stream_id", LISTS) == "NHS minimum contribution"


def test_bad_cells_are_refused_in_one_sentence_naming_the_list() -> None:
    assert parse_scheme_cell("scheme_type", "Magic", LISTS) == CellError(
        "“Magic” is not in the scheme type list (Tools ▸ Better Care Fund ▸ Reference Lists…)."
    )
    assert parse_scheme_cell("funding_stream_id", "Lottery", LISTS) == CellError(
        "“Lottery” is not a funding stream (Tools ▸ Better Care Fund ▸ Reference Lists…)."
    )
    assert parse_scheme_cell("commissioner", "Mayor", LISTS) == CellError(
        "Commissioner must be Council, NHS or Joint, not “Mayor”."
    )
    assert parse_scheme_cell("nhs_share_bp", "120", LISTS) == CellError(
        "% NHS: “120” is not a percentage from 0 to 100 (to two decimals)."
    )
    assert parse_scheme_cell("scheme_ref", "=1+1", LISTS) == CellError(
        "Scheme ID cannot start with “=”: a spreadsheet would run it as a formula."
    )


def test_one_share_typed_fills_in_the_other() -> None:
    joint = LINE._replace(commissioner="joint", nhs_share_bp=5000, council_share_bp=5000)
    assert scheme_updates(joint, {"nhs_share_bp": 6000}, LISTS) == [
        FieldUpdate(7, "nhs_share_bp", 5000, 6000),
        FieldUpdate(7, "council_share_bp", 5000, 4000),
    ]
    assert scheme_updates(joint, {"council_share_bp": None}, LISTS) == [
        FieldUpdate(7, "nhs_share_bp", 5000, None),
        FieldUpdate(7, "council_share_bp", 5000, None),
    ]


def test_two_shares_must_add_to_100_and_belong_to_a_joint_scheme() -> None:
    assert scheme_updates(
        LINE, {"commissioner": "joint", "nhs_share_bp": 6000, "council_share_bp": 5000}, LISTS
    ) == (CellError("% NHS (60%) and % Council (50%) must add up to 100%."))
    assert scheme_updates(LINE._replace(commissioner="nhs"), {"nhs_share_bp": 6000}, LISTS) == CellError(
        "% NHS is for a jointly commissioned scheme: set Commissioner to Joint first."
    )
    both = scheme_updates(
        LINE, {"commissioner": "joint", "nhs_share_bp": 6000, "council_share_bp": 4000}, LISTS
    )
    assert [(u.field, u.new) for u in both] == [  # type: ignore[union-attr]
        ("commissioner", "joint"),
        ("nhs_share_bp", 6000),
        ("council_share_bp", 4000),
    ]


def test_a_commissioner_no_longer_joint_drops_its_shares() -> None:
    joint = LINE._replace(commissioner="joint", nhs_share_bp=6000, council_share_bp=4000)
    assert [(u.field, u.new) for u in scheme_updates(joint, {"commissioner": "council"}, LISTS)] == [  # type: ignore[union-attr]
        ("commissioner", "council"),
        ("nhs_share_bp", None),
        ("council_share_bp", None),
    ]


def test_a_sub_type_belongs_to_the_lines_scheme_type() -> None:
    carers = LINE._replace(scheme_type="Carers Services")
    assert scheme_updates(carers, {"scheme_subtype": "Bed-based intermediate care"}, LISTS) == CellError(
        "“Bed-based intermediate care” is not a sub-type of “Carers Services” in the sub-type list."
    )
    care = LINE._replace(
        scheme_type="Intermediate Care Services", scheme_subtype="Bed-based intermediate care"
    )
    # Another scheme type drops a sub-type that is not its own.
    assert [(u.field, u.new) for u in scheme_updates(care, {"scheme_type": "Carers Services"}, LISTS)] == [  # type: ignore[union-attr]
        ("scheme_type", "Carers Services"),
        ("scheme_subtype", ""),
    ]
