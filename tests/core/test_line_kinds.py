"""Typing a line's kind: its name or a short form; anything else is refused in one sentence."""

from __future__ import annotations

import pytest

from jmg_desktop.core.validation import CellError, parse_cell


@pytest.mark.parametrize(
    ("typed", "kind"),
    [("Service budget", "service_budget"), (" service ", "service_budget"), ("Budget change", "budget_change"),
     ("UPLIFT", "budget_change"), ("savings", "budget_change"),
     ("change to budgets already in the pool", "budget_change")],
)  # fmt: skip
def test_a_kind_is_typed_by_name_or_short_form(typed: str, kind: str) -> None:
    assert parse_cell("kind", typed) == kind


def test_an_unknown_kind_is_refused_naming_both() -> None:
    assert parse_cell("kind", "pension") == CellError("Kind must be “Service budget” or “Budget change”.")
    assert parse_cell("kind", "  ") == CellError("Kind cannot be empty.")
