"""Figures blocks from facts: wording, money style and the rounding note."""

from __future__ import annotations

from datetime import date

import pytest

from jmg_desktop.core.line_kinds import BUDGET_CHANGE
from jmg_desktop.core.money import Money
from jmg_desktop.papers.figure_blocks import BlockContext, UnresolvedFigure, resolve_block
from jmg_desktop.papers.figures import (
    ROUNDING_NOTE,
    AgreementFact,
    FigureFacts,
    ProposedLine,
    join_names,
    rounding_breaks,
)
from jmg_desktop.papers.markup import FigureRef
from jmg_desktop.papers.model import FigureTable, Notice, Paragraph, plain_text

M = Money.from_pounds


def _facts(**changes: object) -> FigureFacts:
    base = {
        "pool_name": "Older People",
        "year_label": "2009/10",
        "partner_name": "Oxfordshire County Council",
        "linked_pool_names": ("Physical Disabilities", "Equipment"),
        "current": M("50436000"),
        "current_with_linked": M("58228000"),
        "new": M("53778000"),
        "new_with_linked": M("61570000"),
        "proposed": (ProposedLine("Older People", "Day services – internal", "addition", M("3342000")),),
    }
    base.update(changes)
    return FigureFacts(**base)  # type: ignore[arg-type]


def resolve_figure(kind: str, facts: FigureFacts) -> list:
    """A block through the registry, as a paper resolves it."""
    return resolve_block(FigureRef(kind), BlockContext(facts))


def _text(blocks: list) -> str:
    block = blocks[0]
    return plain_text(block.runs) if isinstance(block, Paragraph) else block.text


def test_current_and_new_values_in_prose_millions_with_linked_pools() -> None:
    assert _text(resolve_figure("current_value", _facts())) == (
        "The current value of Oxfordshire County Council’s contribution to the Older People pooled budget for "
        "2009/10 is £50.436 million, or £58.228 million including the Physical Disabilities and Equipment "
        "pooled budgets."
    )
    new = _text(resolve_figure("new_value", _facts(linked_pool_names=())))
    assert new.endswith("for 2009/10 will be £53.778 million.")
    assert "rounded" not in new


def test_proposed_lines_table_signs_removals_and_totals_from_pence() -> None:
    facts = _facts(
        proposed=(
            ProposedLine("Older People", "Day services", "addition", M("3342000")),
            ProposedLine("Older People", "Respite", "removal", M("918000")),
            ProposedLine("Equipment", "Telecare", "addition", M("24000"), in_own_pool=False),
        )
    )
    (table,) = resolve_figure("proposed_lines", facts)
    assert isinstance(table, FigureTable)
    cells = [row.cells for row in table.rows]
    assert cells == [
        ("Service budgets to be added or removed",),
        ("Day services", "To be added", M("3342000")),
        ("Respite", "To be removed", M("-918000")),
        ("Telecare (Equipment pool)", "To be added", M("24000")),
        ("Net change to the Older People pool", "", M("2424000")),
        ("Net change including the linked pools", "", M("2448000")),
    ]
    assert [row.total for row in table.rows] == [False, False, False, False, True, True]
    assert [row.group for row in table.rows] == [True, False, False, False, False, False]
    assert table.note == ""


def test_changes_to_budgets_in_the_pool_are_listed_apart_from_service_budgets() -> None:
    facts = _facts(
        proposed=(
            ProposedLine("Older People", "Day services", "addition", M("3342000")),
            ProposedLine(
                "Older People", "Inflation and growth", "addition", M("1646000"), kind=BUDGET_CHANGE
            ),
            ProposedLine("Older People", "Home support", "addition", M("8050000")),
            ProposedLine("Older People", "Efficiency savings", "removal", M("100000"), kind=BUDGET_CHANGE),
            ProposedLine(
                "Equipment", "Uplift", "addition", M("24000"), in_own_pool=False, kind=BUDGET_CHANGE
            ),
        )
    )
    (table,) = resolve_figure("proposed_lines", facts)
    assert isinstance(table, FigureTable)
    assert [row.cells for row in table.rows] == [
        ("Service budgets to be added",),
        ("Day services", "To be added", M("3342000")),
        ("Home support", "To be added", M("8050000")),
        ("Changes to budgets already in the pool",),
        ("Inflation and growth", "Increase", M("1646000")),
        ("Efficiency savings", "Reduction", M("-100000")),
        ("Uplift (Equipment pool)", "Increase", M("24000")),
        ("Net change to the Older People pool", "", M("12938000")),
        ("Net change including the linked pools", "", M("12962000")),
    ]


def test_rounding_note_when_rounded_lines_do_not_add_to_the_rounded_total() -> None:
    lines = tuple(ProposedLine("Older People", f"Line {n}", "addition", M("1000400")) for n in range(3))
    (table,) = resolve_figure("proposed_lines", _facts(proposed=lines))
    assert isinstance(table, FigureTable)
    assert table.rows[-1].cells[-1] == M("3001200")  # shows 3.001 while the lines show 1.000 each
    assert table.note == ROUNDING_NOTE
    assert rounding_breaks([M("1000400")] * 3, M("3001200"))
    assert not rounding_breaks([M("1000000")] * 3, M("3000000"))


def test_new_value_sentence_warns_when_its_rounded_parts_do_not_add() -> None:
    facts = _facts(
        current=M("1000400"),
        new=M("2000800"),
        proposed=(ProposedLine("Older People", "x", "addition", M("1000400")),),
    )
    assert _text(resolve_figure("new_value", facts)).endswith(
        "These figures are rounded, so they may not add up exactly."
    )


def test_no_lines_no_agreement_and_unknown_blocks_print_clear_notices() -> None:
    assert isinstance(resolve_figure("proposed_lines", _facts(proposed=()))[0], Notice)
    assert _text(resolve_figure("agreement", _facts())).startswith("No agreement in principle is recorded")
    with pytest.raises(UnresolvedFigure, match="There is no figures block called “totals”"):
        resolve_figure("totals", _facts())


def test_agreement_sentences_one_per_standing_agreement() -> None:
    facts = _facts(
        agreements=(
            AgreementFact("Older People JMG", date(2008, 12, 2), "Add five budgets.", "OP 08/12"),
            AgreementFact("Older People JMG", date(2009, 1, 13), "Base budget changes"),
        )
    )
    texts = [_text([block]) for block in resolve_figure("agreement", facts)]
    assert texts == [
        "On 2 December 2008 the Older People JMG agreed in principle the proposal “Add five budgets” (minute OP 08/12).",
        "On 13 January 2009 the Older People JMG agreed in principle the proposal “Base budget changes”.",
    ]


def test_join_names() -> None:
    assert join_names([]) == ""
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B", "C"]) == "A, B and C"
