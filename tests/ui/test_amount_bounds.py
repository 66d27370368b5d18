"""Amounts beyond the application's limit (±£1 trillion) are refused when typed and when pasted,
naming the line, and nothing is stored (the load side is in tests/store/test_load.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from jmg_desktop.ui.lines.model import COLUMN_AMOUNT
from jmg_desktop.ui.lines.paste import plan_paste
from jmg_desktop.ui.main_window import MainWindow

TOO_MUCH = ["£1,000,000,000,000.01", "-£1,000,000,000,000.01", "9223372036854775807", "£2 trillion", "1e400"]


@pytest.mark.parametrize("text", TOO_MUCH)
def test_a_pasted_amount_beyond_a_trillion_is_refused_naming_the_row(window: MainWindow, text: str) -> None:
    model = window.lines_model
    plan = plan_paste(model, [[text]], anchor_row=6, anchor_column=COLUMN_AMOUNT)
    assert plan.updates == [] and plan.inserts == []
    assert [problem.where for problem in plan.problems] == ["Row 7"]
    assert plan.problems[0].describe().startswith(f"Row 7, Amount: “{text}”")


def test_a_typed_amount_beyond_a_trillion_is_refused_and_nothing_stored(window: MainWindow) -> None:
    model = window.lines_model
    before = model.record(6).amount_pence
    assert not model.setData(model.index(6, COLUMN_AMOUNT), "£1,000,000,000,000.01", Qt.ItemDataRole.EditRole)
    assert model.record(6).amount_pence == before
    assert window.undo_stack.count() == 0
