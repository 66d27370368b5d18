"""Two windows, each with its own connection, on one shared workspace: each sees the other's
change at once (well inside a second on an idle machine; the benchmark measures it, these waits
allow for a loaded CI machine), keeping its place; a conflicting edit is refused with the other's name;
the role is shown and what it does not allow is disabled."""

from __future__ import annotations

import re
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import text
from sqlalchemy.engine import make_url

from jmg_desktop.core.money import Money
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.roles import grant_role, set_up_roles
from jmg_desktop.ui.lines.model import COLUMN_AMOUNT
from jmg_desktop.ui.main_window import MainWindow

#: How long a change may take to show here: the goal is 1 s (see the shared benchmark); a CI
#: machine running eight jobs on two cores needs slack, and a missed change would never arrive.
_PROMPTLY_MS = 4000


@pytest.fixture
def addresses(pg_server, pg_demo_template, pg_database) -> dict[str, str]:
    """Addresses for Helen (editor), Raj (editor) and Vera (viewer) on one shared demo."""
    address = pg_database(pg_demo_template)
    database = make_url(address).database
    with SharedWorkspace.open(address) as admin, admin.engine.begin() as connection:
        set_up_roles(connection)
        for user, name, role in (
            ("helen", "Helen Marsh", "editor"),
            ("raj", "Raj Patel", "editor"),
            ("vera", "Vera Lane", "viewer"),
        ):
            if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :u"), {"u": user}).first():
                connection.execute(text(f"CREATE ROLE {user} LOGIN"))
            connection.execute(text(f"COMMENT ON ROLE {user} IS '{name}'"))
            grant_role(connection, user, role)
    socket = f"host={pg_server.folder}&port={pg_server.port}"
    return {user: f"postgresql://{user}@/{database}?{socket}" for user in ("helen", "raj", "vera")}


def _window(qtbot, address: str) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.install_features()
    assert window.open_path(address)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    follower = window.shared_follower
    qtbot.waitUntil(
        lambda: follower._listener is not None and follower._listener.connected.is_set(), timeout=10_000
    )
    return window


def _type_amount(qtbot, window: MainWindow, row: int, amount: str) -> None:
    """Type an amount over a cell and press Enter, as a user does."""
    table = window.lines_view.table
    window.activateWindow()
    table.setCurrentIndex(window.lines_model.index(row, COLUMN_AMOUNT))
    table.setFocus()
    qtbot.keyClick(table, amount[0])
    editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    qtbot.keyClicks(editor, amount[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(10)  # the view commits on the next turn of the event loop, as for a user


def test_two_windows_see_each_others_changes_and_conflicts_name_the_other_person(qtbot, addresses) -> None:
    helen, raj = _window(qtbot, addresses["helen"]), _window(qtbot, addresses["raj"])
    assert raj.shared_follower.status.text() == "Shared: Editor · 2 people connected"
    # Raj has his place on row 3; Helen changes row 0.
    raj.lines_view.table.setCurrentIndex(raj.lines_model.index(3, COLUMN_AMOUNT))
    raj_line = raj.lines_model.line_id(3)
    started = time.perf_counter()
    _type_amount(qtbot, helen, 0, "1,234,567")
    assert helen.lines_model.record(0).amount_pence == Money.parse("£1,234,567").pence
    qtbot.waitUntil(
        lambda: raj.lines_model.record(0).amount_pence == Money.parse("£1,234,567").pence,
        timeout=_PROMPTLY_MS,
    )
    assert time.perf_counter() - started < _PROMPTLY_MS / 1000
    current = raj.lines_view.table.currentIndex()
    assert (raj.lines_model.line_id(current.row()), current.column()) == (raj_line, COLUMN_AMOUNT)
    # And back the other way.
    _type_amount(qtbot, raj, 2, "42")
    qtbot.waitUntil(lambda: helen.lines_model.record(2).amount_pence == 4200, timeout=_PROMPTLY_MS)

    # A conflict: Raj's window has not yet heard of Helen's newest change when he edits that line.
    raj.shared_follower._listener.stop()
    qtbot.wait(300)  # a refresh already on its way (for Raj's own change) lands first
    _type_amount(qtbot, helen, 1, "7")
    _type_amount(qtbot, raj, 1, "9")
    message = raj.statusBar().currentMessage()
    assert re.search(
        r"This line was changed by Helen Marsh at \d\d:\d\d; the table now shows their change\.$", message
    ), message
    # ...and the table does show her change, at once.
    qtbot.waitUntil(lambda: raj.lines_model.record(1).amount_pence == 700, timeout=_PROMPTLY_MS)
    with SharedWorkspace.open(addresses["vera"]) as check:
        assert check.setting("title")  # readable
    helen.close()
    raj.close()


def test_a_viewer_sees_the_role_and_cannot_edit_or_record(qtbot, addresses) -> None:
    vera = _window(qtbot, addresses["vera"])
    assert vera.shared_follower.status.text().startswith("Shared: Viewer · ")
    assert vera.workspace().read_only
    assert "Viewer (reading only)" in vera.workspace().read_only_reason
    record = next(
        a
        for a in vera.findChildren(type(vera.menu_file.actions()[0]))
        if a.objectName() == "actionRecordAgreement"
    )
    assert not record.isEnabled()
    vera.close()
