"""The first screen is read without SQLAlchemy, and is the same screen as ever; an edit made
before SQLAlchemy has been imported still lands, audited, and can be undone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from jmg_desktop.core.money import Money
from jmg_desktop.store.reads.audit import verify_chain
from jmg_desktop.store.reads.snapshot import file_snapshot
from jmg_desktop.ui.main_window import MainWindow


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "JMG_DESKTOP_CONFIG_DIR": str(tmp_path / "config"),
        "JMG_DESKTOP_DATA_DIR": str(tmp_path / "data"),
    }


def test_the_application_paints_the_lines_before_importing_sqlalchemy(
    tmp_path: Path, demo_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jmg_desktop", str(demo_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env(tmp_path), "JMG_DESKTOP_STARTUP_PROBE": "1"},
    )
    assert result.returncode == 0, result.stderr
    loaded = next(line for line in result.stderr.splitlines() if line.startswith("loaded "))
    assert loaded.endswith("sqlalchemy=0 rows=16")
    assert any(line.startswith("ready ") for line in result.stderr.splitlines())  # features came after


def test_the_first_screen_shows_the_pools_years_lines_and_totals(qtbot, demo_path: Path) -> None:
    window = MainWindow(install_features=False)  # as the application shows it, before the features
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(demo_path)
    pools = [window.pool_list.item(row).text() for row in range(window.pool_list.count())]
    assert pools == [
        "Older People",
        "Physical Disabilities",
        "Equipment",
        "Staffordshire Better Care Fund 2019/20 (illustrative)",
    ]
    assert window.pool_list.currentRow() == 0
    years = [window.year_selector.itemText(i) for i in range(window.year_selector.count())]
    assert years == ["2009/10", "2010/11"] and window.year_selector.currentText() == "2009/10"
    model = window.lines_model
    assert model.rowCount() == 16
    assert [model.index(row, 0).data() for row in range(3)] == [
        "Care homes – residential placements",
        "Care homes – nursing placements",
        "Transitional and step-down beds",
    ]
    assert [model.index(row, 4).data() for row in range(3)] == [
        "£21,874,000.00",
        "£15,962,000.00",
        "£4,318,000.00",
    ]
    totals = window.totals_panel.totals
    assert totals is not None
    assert totals.overall().current_value == Money(6_778_300_000)
    assert totals.overall().new_value == Money(10_429_300_000)
    assert window.totals_panel.heading.text() == "Older People 2009/10"
    assert all(comparison.reconciles for comparison in window.totals_panel.comparisons)
    assert window.windowTitle() == "demo.jmg — Oxfordshire pooled budgets (demo) — JMG Desktop"


_EDIT_AT_ONCE = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit
    app = QApplication([])
    from jmg_desktop.ui.main_window import MainWindow
    window = MainWindow(install_features=False)  # the features (and SQLAlchemy) are not in yet
    window.show()
    assert window.open_path(sys.argv[1])
    app.processEvents()
    seen = {"orm_before": "sqlalchemy" in sys.modules}
    table, model = window.lines_view.table, window.lines_model
    window.activateWindow()
    table.setCurrentIndex(model.index(0, 4))
    table.setFocus()
    QTest.keyClick(table, "1")  # typing over the Amount cell opens its editor
    editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    QTest.keyClicks(editor, "2,345.67")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    for _ in range(5):  # the view commits on a later turn of the event loop
        app.processEvents()
    seen.update(
        orm_after="sqlalchemy" in sys.modules,
        shown=model.index(0, 4).data(),
        pool_now=window.totals_panel.totals.overall().current_value.pence,
        undo=window.undo_stack.undoText(),
        message=window.statusBar().currentMessage(),
    )
    window.close()
    print(json.dumps(seen))
    """
)


def test_an_edit_before_sqlalchemy_is_imported_lands_and_is_audited(tmp_path: Path, demo_path: Path) -> None:
    with file_snapshot(demo_path) as rows:
        (events_before,) = rows.all("SELECT COUNT(*) FROM audit_event")[0]
    result = subprocess.run(
        [sys.executable, "-c", _EDIT_AT_ONCE, str(demo_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["orm_before"] is False  # the edit really was the first thing to need it
    assert seen["orm_after"] is True
    assert seen["shown"] == "£12,345.67"
    assert seen["pool_now"] == 6_778_300_000 - 2_187_400_000 + 1_234_567  # the totals followed, to the penny
    assert seen["undo"] == "Edit Amount"
    assert seen["message"] == ""  # nothing refused
    with file_snapshot(demo_path) as rows:
        assert rows.all("SELECT amount_pence FROM pool_line WHERE id = 1") == [(1_234_567,)]
        events = rows.all("SELECT action, entity, old, new FROM audit_event ORDER BY sequence")
        assert len(events) == events_before + 1
        action, entity, old, new = events[-1]
        assert (action, entity) == ("edit_lines", "pool_line")
        assert "2187400000" in old and "1234567" in new
        assert verify_chain(rows) is None  # the trail is whole, its head moved on with the edit
