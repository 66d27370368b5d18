"""The totals panel: SQL totals by partner and status, linked pools, stated vs computed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QSplitter, QStyle

from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.lines.totals import TotalsPanel
from jmg_desktop.ui.main_window import MainWindow


def _section(rows: list[tuple[str, str]], title: str) -> list[tuple[str, str]]:
    start = rows.index((title, ""))
    out = []
    for label, figure in rows[start + 1 :]:
        if figure == "" and not label.startswith("computed"):
            break
        out.append((label, figure))
    return out


def test_demo_totals_reconcile(qtbot, demo_workspace: Workspace) -> None:
    panel = TotalsPanel()
    qtbot.addWidget(panel)
    panel.show_totals(demo_workspace, 1, 2009)
    rows = panel.rows()
    assert panel.heading.text() == "Older People 2009/10"
    assert _section(rows, "By partner, now") == [
        ("OCC", "£50.436m"),
        ("PCT", "£17.347m"),
        ("Pool now", "£67.783m"),
    ]
    assert ("Proposed additions", "£36.510m") in rows
    assert ("OCC now → new", "£58.228m → £94.836m") in rows
    stated = _section(rows, "Stated vs computed")
    assert stated == [
        ("OCC now", "£50.436m"),
        ("computed ✓", "£50.436m"),
        ("OCC now, with linked", "£58.228m"),
        ("computed ✓", "£58.228m"),
        ("OCC new", "£86.946m"),
        ("computed ✓", "£86.946m"),
        ("OCC new, with linked", "£94.836m"),
        ("computed ✓", "£94.836m"),
    ]
    # The row no longer says "stated" (its section does); the tooltip still does, with the source.
    first = panel.tree.topLevelItem(rows.index(("OCC now", "£50.436m")))
    assert (
        first.toolTip(0)
        == "OCC now: stated, published in Annex 4(b) to the Cabinet report of 20 January 2009"
    )
    assert all(c.reconciles for c in panel.comparisons)


def test_difference_is_shown_with_its_amount_after_an_edit(qtbot, demo_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_path(demo_path)
    model = window.lines_model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0)).startswith("2009/10 base"))
    assert model.setData(model.index(row, 4), "£1m")
    stated = _section(window.totals_panel.rows(), "Stated vs computed")
    assert ("OCC now", "£50.436m") in stated
    new_at = stated.index(("OCC new", "£86.946m"))
    assert stated[new_at + 1] == ("computed", "£86.300m")
    assert stated[new_at + 2] == ("difference", "-£646,000.00")
    window.undo_stack.undo()
    assert ("computed ✓", "£86.946m") in window.totals_panel.rows()


@pytest.mark.parametrize("pool_id", [2, 3])
def test_pools_without_links_have_no_linked_section(qtbot, demo_workspace: Workspace, pool_id: int) -> None:
    panel = TotalsPanel()
    qtbot.addWidget(panel)
    panel.show_totals(demo_workspace, pool_id, 2009)
    labels = [label for label, _ in panel.rows()]
    assert "With linked pools" not in labels
    assert "Pool now" in labels


def _elided(panel: TotalsPanel) -> list[str]:
    """Labels wider than the room the tree gives them (Qt would draw them with "…")."""
    tree = panel.tree
    margin = 2 * (tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1)
    out = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        room = tree.visualItemRect(item).width() if item.isFirstColumnSpanned() else tree.columnWidth(0)
        if QFontMetrics(item.font(0)).horizontalAdvance(item.text(0)) + margin > room:
            out.append(item.text(0).strip())
    return out


def test_no_label_is_elided_on_a_laptop_screen_even_with_differences(qtbot, window: MainWindow) -> None:
    model = window.lines_model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0)).startswith("2009/10 base"))
    assert model.setData(model.index(row, 4), "£1m")  # every stated "new" figure now shows a difference
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    panel = window.totals_panel
    assert ("difference", "-£646,000.00") in panel.rows()
    assert ("OCC new, with linked", "£94.836m") in panel.rows()
    assert _elided(panel) == []
    # Dragged as narrow as the splitter allows, the panel still shows every label in full.
    page = window.findChild(QSplitter, "linesPage")
    page.setSizes([5000, 1])
    qtbot.waitUntil(lambda: panel.width() == panel.minimumWidth())
    assert _elided(panel) == []
    assert window.minimumSizeHint().width() <= 1366
