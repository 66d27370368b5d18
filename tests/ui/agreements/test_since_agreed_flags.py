"""The chair can trust the flags: a line added to a pool agreed as a whole is "added since
agreed", not changed; a £0.00 difference is no difference; superseded agreements never flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from jmg_desktop.store.agreements_repo import record_agreement
from jmg_desktop.ui.agreements import AgreementsView, install
from jmg_desktop.ui.agreements.register_model import COL_DIFF
from jmg_desktop.ui.lines.model import COLUMN_AMOUNT, MARK_INFO, MARK_WARNING
from jmg_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_path: Path) -> MainWindow:
    win = MainWindow(install_features=False)
    qtbot.addWidget(win)
    install(win)
    assert win.open_path(demo_path)
    return win


def _view(window: MainWindow) -> AgreementsView:
    view = window.agreements_page.content()  # type: ignore[attr-defined]
    window.show()
    window.pages.setCurrentWidget(window.agreements_page)  # type: ignore[attr-defined]
    return view


def _row(window: MainWindow, service: str) -> int:
    model = window.lines_model
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == service)


def test_a_new_zero_line_after_a_whole_pool_agreement_is_added_not_changed(window: MainWindow) -> None:
    workspace = window.workspace()
    with workspace.writing() as session:
        whole = record_agreement(
            session, title="The whole pool", pool_id=1, financial_year=2009, whole_pool=True
        )
    view = _view(window)
    window.pages.setCurrentIndex(0)
    assert window.line_actions.add_new_line()
    model = window.lines_model
    new_line = model.line_id(model.rowCount() - 1)
    assert model.record(model.rowCount() - 1).amount_pence == 0
    kind, tip = model.line_mark(new_line)
    assert kind == MARK_INFO and tip.startswith("Added since agreed") and "“The whole pool”" in tip
    assert new_line not in model.marked_line_ids(MARK_WARNING)

    view = _view(window)
    assert view.select_agreement(whole)
    note = view.detail.figures_note.text()
    assert "changed since agreed" not in note
    assert "1 line added since agreed" in note and "(£0.00)" in note
    summary = view.model.summary(view.model.row_of(whole))
    assert not summary.figures_changed and summary.lines_added == 1
    assert view.model.index(view.model.row_of(whole), COL_DIFF).data() == "1 added"
    assert "ℹ 1 with lines added since agreed" in view.summary_label.text()


def test_an_amount_typed_the_same_is_no_change(window: MainWindow) -> None:
    model = window.lines_model
    row = _row(window, "Day services – internal")
    assert model.setData(model.index(row, COLUMN_AMOUNT), "£3.342m")  # the agreed £3,342,000.00
    assert model.line_id(row) not in model.marked_line_ids()


def test_superseded_agreements_are_never_flagged_or_counted(window: MainWindow) -> None:
    view = _view(window)
    superseded = next(
        s for s in (view.model.summary(r) for r in range(view.model.rowCount())) if s.status == "superseded"
    )
    window.pages.setCurrentIndex(0)
    model = window.lines_model
    row = _row(window, "Day services – internal")  # covered by the superseded November agreement
    assert model.setData(model.index(row, COLUMN_AMOUNT), "£3,400,000")
    view = _view(window)
    summary = view.model.summary(view.model.row_of(superseded.id))
    assert summary.comparison.changed, "the figures did move"
    assert not summary.figures_changed
    assert view.model.index(view.model.row_of(superseded.id), COL_DIFF).data() == "not checked"
    flagged = sum(1 for r in range(view.model.rowCount()) if view.model.summary(r).figures_changed)
    assert f"⚠ {flagged} with figures changed since agreed" in view.summary_label.text()
    assert view.select_agreement(superseded.id)
    assert "no longer checked" in view.detail.figures_note.text()
    assert "changed since agreed" not in view.detail.figures_note.text()
