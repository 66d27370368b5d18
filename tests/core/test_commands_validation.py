"""What a user may type into each column, and the message for what they may not."""

from __future__ import annotations

import pytest

from jmg_desktop.core.validation import CellError, check_name, parse_cell

PARTNERS = {"oxfordshire county council": 1, "occ": 1, "pct": 2}
STATUSES = {"in pool": 1, "in_pool": 1, "proposed addition": 2}
CATEGORIES = {"day services": 4}


def parse(field: str, text: str) -> object:
    return parse_cell(field, text, partners=PARTNERS, statuses=STATUSES, categories=CATEGORIES)


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("3342000", 334200000),
        ("£3,342,000.00", 334200000),
        ("£3.342m", 334200000),
        ("(1,234)", -123400),
        ("\u00a01,234.56\u00a0", 123456),
    ],
)
def test_amounts_as_typed(text: str, pence: int) -> None:
    assert parse("amount_pence", text) == pence


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("abc", "is not an amount"),
        ("1e309", "not understood"),
        ("--5", "more than one sign"),
        ("", "No amount"),
    ],
)
def test_bad_amounts_say_why(text: str, fragment: str) -> None:
    result = parse("amount_pence", text)
    assert isinstance(result, CellError)
    assert fragment in result.message


def test_names_match_any_case_and_short_names() -> None:
    assert parse("partner_id", "  OCC ") == 1
    assert parse("partner_id", "Oxfordshire  County Council") == 1
    assert parse("status_id", "PROPOSED ADDITION") == 2
    assert parse("category_id", "") is None
    assert parse("category_id", "Day services") == 4


def test_unknown_names_are_refused() -> None:
    result = parse("partner_id", "Someone else")
    assert isinstance(result, CellError)
    assert result.message == "“Someone else” is not in the partner list."
    assert isinstance(parse("status_id", ""), CellError)


def test_text_rules() -> None:
    assert parse("service", "  Day services  ") == "Day services"
    assert parse("service", "   ") == CellError("Service cannot be empty.")
    long_note = parse("note", "x" * 10_000)
    assert isinstance(long_note, CellError)
    assert "10,000 characters" in long_note.message
    formula = parse("note", '=HYPERLINK("http://example.com","click")')
    assert isinstance(formula, CellError)
    assert "formula" in formula.message
    assert isinstance(parse("service", "@SUM(A1)"), CellError)
    assert isinstance(parse("service", "bell\x07"), CellError)
    assert parse("note", "two\nlines") == "two\nlines"


def test_check_name_refuses_duplicates() -> None:
    assert check_name(" Home  support ", title="Category", taken={"Day services"}) == "Home support"
    assert check_name("day SERVICES", title="Category", taken={"Day services"}) == CellError(
        "“day SERVICES” is already in the list."
    )
