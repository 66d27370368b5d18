"""Tools ▸ Stated Totals… and Tools ▸ Linked Pools…: figures to the penny, the totals panel
following each change, refusals that change nothing, undo, and the read-only state."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from jmg_desktop.core.money import Money
from jmg_desktop.store.stated_repo import StatedEntry
from jmg_desktop.ui.lines.linked_pools import LinkedPoolsDialog
from jmg_desktop.ui.lines.stated_totals import StatedTotalsDialog, StatedTotalsModel
from jmg_desktop.ui.main_window import MainWindow

OCC, PCT = 1, 2
OLDER, DISABILITIES, EQUIPMENT = 1, 2, 3


def _rows(path: Path, table: str) -> list[tuple]:
    """The table's rows; for stated totals, the Older People pool's only (the demo has others)."""
    where = " WHERE pool_id = 1" if table == "stated_total" else ""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT * FROM {table}{where} ORDER BY 1, 2").fetchall()
    finally:
        connection.close()


def _actions(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [r[0] for r in connection.execute("SELECT action FROM audit_event ORDER BY sequence")]
    finally:
        connection.close()


def _new_value(path: Path, pools: tuple[int, ...]) -> Money:
    """The new value of the pools' 2009/10 lines, summed independently of the application."""
    connection = sqlite3.connect(path)
    try:
        (pence,) = connection.execute(
            "SELECT SUM(CASE s.effect WHEN 'removal' THEN -l.amount_pence ELSE l.amount_pence END) "
            "FROM pool_line l JOIN line_status s ON s.id = l.status_id "
            f"WHERE l.financial_year = 2009 AND l.pool_id IN ({','.join(map(str, pools))})"
        ).fetchone()
    finally:
        connection.close()
    return Money(pence)


@pytest.fixture
def window(qtbot, demo_path: Path) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_path(demo_path)
    assert win.current_pool_id() == OLDER and win.current_year() == 2009
    return win


@pytest.fixture
def dialog(qtbot, window: MainWindow) -> StatedTotalsDialog:
    dlg = StatedTotalsDialog(window)
    qtbot.addWidget(dlg)
    return dlg


def _cells(dialog: StatedTotalsDialog, row: int) -> list[str]:
    model = dialog.model
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def _panel(window: MainWindow) -> list[tuple[str, str]]:
    return window.totals_panel.rows()


def _stated(window: MainWindow) -> list[tuple[str, str]]:
    """The rows of the panel's "Stated vs computed" section (its last)."""
    rows = _panel(window)
    return rows[rows.index(("Stated vs computed", "")) + 1 :]


def _stated_count(window: MainWindow) -> int:
    """How many stated figures the panel lists (each followed by its computed row)."""
    return sum(1 for label, _ in _stated(window) if label not in {"computed", "computed ✓", "difference"})


def test_model_passes_qt_checks(qtmodeltester, window: MainWindow) -> None:
    model = StatedTotalsModel()
    model.reload(window.workspace(), OLDER, 2009)
    qtmodeltester.check(model, force_py=True)


def test_demo_figures_show_stated_computed_and_difference(dialog: StatedTotalsDialog) -> None:
    assert dialog.heading.text() == "Older People 2009/10"
    assert dialog.model.rowCount() == 4
    # The demo's "new value incl. linked pools" figure: £94.836m published, and its lines agree.
    assert _cells(dialog, 3) == [
        "Oxfordshire County Council",
        "New value after proposals",
        "Including linked pools",
        "£94,836,000.00",
        "£94,836,000.00",
        "✓ agrees",
        "Annex 4(b) to the Cabinet report of 20 January 2009",
    ]


def test_add_through_the_form_updates_the_panel_and_undoes(
    qtbot, window: MainWindow, dialog: StatedTotalsDialog, demo_path: Path
) -> None:
    form = dialog.open_form(editing=False)
    assert form is not None
    form.partner.setCurrentIndex(form.partner.findData(PCT))
    form.basis.setCurrentIndex(form.basis.findData("current"))
    form.scope.setCurrentIndex(form.scope.findData("pool"))
    form.amount.setText("£17,346,999.99")
    form.source.setText("PCT Board  paper 12")
    form.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not form.isVisible()
    assert _cells(dialog, 4) == [
        "Oxfordshire Primary Care Trust",
        "Current value",
        "Pool alone",
        "£17,346,999.99",
        "£17,347,000.00",  # £1,215,000 + £3,652,000 + £12,480,000 of PCT lines in the pool now
        "+£0.01",
        "PCT Board paper 12",
    ]
    assert ("PCT now", "£17.347m") in _stated(window)
    assert ("difference", "+£0.01") in _panel(window)
    assert _rows(demo_path, "stated_total")[-1][6] == 1_734_699_999
    assert _actions(demo_path)[-1] == "Add Stated Total"
    assert window.undo_stack.undoText() == "Add Stated Total"
    window.undo_stack.undo()
    assert len(_rows(demo_path, "stated_total")) == 4
    assert dialog.model.rowCount() == 4
    assert not any(label == "PCT now" for label, _ in _stated(window))
    window.undo_stack.redo()
    assert _rows(demo_path, "stated_total")[-1][6] == 1_734_699_999
    assert ("PCT now", "£17.347m") in _stated(window)


def test_edit_to_the_penny_reconciles_in_the_panel(
    window: MainWindow, dialog: StatedTotalsDialog, demo_path: Path
) -> None:
    assert ("computed ✓", "£94.836m") in _panel(window)
    dialog.table.selectRow(3)
    form = dialog.open_form(editing=True)
    assert form is not None and form.windowTitle() == "Edit Stated Total"
    assert form.amount.text() == "£94,836,000.00"
    form.amount.setText("94.934m")
    form.accept()
    assert _cells(dialog, 3)[3:6] == ["£94,934,000.00", "£94,836,000.00", "-£98,000.00"]
    assert ("computed ✓", "£94.836m") not in _panel(window)
    assert ("difference", "-£98,000.00") in _panel(window)
    assert _rows(demo_path, "stated_total")[3][6] == 9_493_400_000
    window.undo_stack.undo()
    assert _rows(demo_path, "stated_total")[3][6] == 9_483_600_000
    assert ("computed ✓", "£94.836m") in _panel(window)
    assert _cells(dialog, 3)[5] == "✓ agrees"


def test_remove_and_undo(window: MainWindow, dialog: StatedTotalsDialog, demo_path: Path) -> None:
    before = _rows(demo_path, "stated_total")
    dialog.table.selectRow(0)
    assert dialog.remove_current()
    assert [r[0] for r in _rows(demo_path, "stated_total")] == [2, 3, 4]
    assert _actions(demo_path)[-1] == "Remove Stated Total"
    assert _stated_count(window) == 3
    window.undo_stack.undo()
    assert _rows(demo_path, "stated_total") == before
    assert _stated_count(window) == 4


@pytest.mark.parametrize("text", ["12abc", "1e309", "", "   "])
def test_bad_amounts_are_refused_with_the_reason(
    dialog: StatedTotalsDialog, demo_path: Path, text: str
) -> None:
    before, events = _rows(demo_path, "stated_total"), _actions(demo_path)
    form = dialog.open_form(editing=False)
    assert form is not None
    form.amount.setText(text)
    form.accept()
    assert form.isVisible()
    message = form.message.text()
    if text.strip():
        assert f"“{text}”" in message and "amount" in message
    else:
        assert message == "Type the stated amount, e.g. £94.836m or 94,836,000."
    assert _rows(demo_path, "stated_total") == before
    assert _actions(demo_path) == events
    form.reject()


def test_a_duplicate_figure_is_refused_and_nothing_changes(
    dialog: StatedTotalsDialog, demo_path: Path
) -> None:
    before = _rows(demo_path, "stated_total")
    refusal = dialog.add_entry(StatedEntry(OCC, "current", "pool", Money(1)))
    assert refusal is not None and "already has a stated figure" in refusal
    assert _rows(demo_path, "stated_total") == before


def test_linked_pools_change_the_with_linked_totals_and_undo(
    qtbot, window: MainWindow, demo_path: Path
) -> None:
    dlg = LinkedPoolsDialog(window)
    qtbot.addWidget(dlg)
    assert [dlg.list.item(i).text() for i in range(dlg.list.count())] == [
        "Physical Disabilities",
        "Equipment",
        "Staffordshire Better Care Fund 2019/20 (illustrative)",
    ]
    assert dlg.checked() == [DISABILITIES, EQUIPMENT]
    with_both = dict(_panel(window))["New value"]
    dlg.set_checked([EQUIPMENT])
    assert dlg.apply()
    assert _rows(demo_path, "pool_link") == [(OLDER, EQUIPMENT)]
    assert _actions(demo_path)[-1] == "Set Linked Pools"
    assert window.undo_stack.undoText() == "Change Linked Pools"
    # "New value" including linked pools is now the Older People and Equipment lines only.
    assert dict(_panel(window))["New value"] == _new_value(demo_path, (OLDER, EQUIPMENT)).format_m()
    assert with_both == _new_value(demo_path, (OLDER, DISABILITIES, EQUIPMENT)).format_m()
    assert with_both != dict(_panel(window))["New value"]
    window.undo_stack.undo()
    assert _rows(demo_path, "pool_link") == [(OLDER, DISABILITIES), (OLDER, EQUIPMENT)]
    assert dlg.checked() == [DISABILITIES, EQUIPMENT]
    assert dict(_panel(window))["New value"] == with_both


def test_a_loop_of_links_is_refused_with_a_message(qtbot, window: MainWindow, demo_path: Path) -> None:
    assert window.select_pool(EQUIPMENT, 2009)
    dlg = LinkedPoolsDialog(window)
    qtbot.addWidget(dlg)
    before, events = _rows(demo_path, "pool_link"), _actions(demo_path)
    dlg.set_checked([OLDER])
    assert not dlg.apply()
    assert dlg.message.text() == (
        "Linking “Older People” would make a loop: Equipment → Older People → Equipment. Nothing was changed."
    )
    assert _rows(demo_path, "pool_link") == before
    assert _actions(demo_path) == events


def test_read_only_disables_every_change(qtbot, demo_path: Path) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_path(demo_path, read_only=True)
    dlg = StatedTotalsDialog(win)
    qtbot.addWidget(dlg)
    assert dlg.model.rowCount() == 4
    assert not dlg.add_button.isEnabled()
    assert not dlg.edit_button.isEnabled()
    assert not dlg.remove_button.isEnabled()
    assert dlg.open_form(editing=False) is None
    links = LinkedPoolsDialog(win)
    qtbot.addWidget(links)
    assert not links.save_button.isEnabled()
    assert not links.apply()


def test_menu_items_are_installed(window: MainWindow) -> None:
    texts = [action.text() for action in window.menu_tools.actions()]
    assert "Stated &Totals…" in texts and "&Linked Pools…" in texts
    assert window.stated_totals_action.isEnabled()  # type: ignore[attr-defined]


def test_removing_a_partner_an_agreement_names_is_refused_in_words(qtbot, demo_path: Path) -> None:
    from jmg_desktop.ui.lines.references import ReferenceListModel

    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute(
            "INSERT INTO partner (id, name, short_name, kind, sovereign_body, position) "
            "VALUES (7, 'District Council', 'DC', 'council', 'Cabinet', 7)"
        )
        connection.execute("INSERT INTO agreement_body (agreement_id, partner_id) VALUES (1, 7)")
    connection.close()
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_path(demo_path)
    before = _rows(demo_path, "partner")
    model = ReferenceListModel(win, "partner")
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0)) == "District Council")
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.remove_entry(row)
    assert blocker.args == [
        "“District Council” is used by 1 agreement it must approve, so it was not removed."
    ]
    assert _rows(demo_path, "partner") == before


def test_undo_after_the_dialog_is_gone_still_updates_the_panel(
    qtbot, window: MainWindow, demo_path: Path
) -> None:
    dlg = StatedTotalsDialog(window)
    assert (
        dlg.add_entry(StatedEntry(None, "new", "pool", Money.from_pounds("104293000"), "Budget book")) is None
    )
    assert ("All new", "£104.293m") in _stated(window)
    dlg.close()
    dlg.deleteLater()
    qtbot.waitUntil(lambda: window.findChild(StatedTotalsDialog) is None)
    assert window.action_undo.text() == "&Undo Add Stated Total"
    window.action_undo.trigger()
    assert len(_rows(demo_path, "stated_total")) == 4
    assert ("All new", "£104.293m") not in _stated(window)
