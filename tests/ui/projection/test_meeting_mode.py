"""``meetingMode``: legible at 1920×1080 and 1280×720, live what-if by keyboard, recording in
principle, and nothing edited by stray keys."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import func, select

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.projection import project
from jmg_desktop.store.agreements_repo import agreement_detail, list_agreements, list_meetings
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.scenarios_repo import load_scenario, projection_inputs
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.projection.meeting import HEADLINE_PX, TABLE_PX, MeetingMode

OLDER_PEOPLE = 1


@pytest.fixture
def meeting(qtbot, demo_workspace: Workspace) -> Iterator[MeetingMode]:
    widget = MeetingMode(demo_workspace, OLDER_PEOPLE, 2009, "Central")
    qtbot.addWidget(widget)
    widget.resize(1920, 1080)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def settle() -> None:
    """Let the layout catch up with a resize (fonts change in resizeEvent)."""
    for _ in range(3):
        QApplication.processEvents()


def press(qtbot, widget: MeetingMode, key: Qt.Key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(widget, key)


def clipped_labels(widget: MeetingMode) -> list[str]:
    """Every visible label whose text needs more room than it has (clipped or cut off)."""
    found = []
    for label in widget.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        hint = label.sizeHint()
        if hint.width() > label.width() + 1 or hint.height() > label.height() + 1:
            found.append(
                f"{label.objectName() or label.text()!r}: needs {hint.toTuple()}, has {label.size().toTuple()}"
            )
    return found


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_large_type_and_nothing_clipped(
    meeting: MeetingMode, width: int, height: int, tmp_path: Path
) -> None:
    meeting.resize(width, height)
    settle()
    assert meeting.size().toTuple() == (width, height)
    scale = height / 1080
    headline = meeting.findChild(QLabel, "headline_new")
    assert headline is not None and headline.text() == "£104.293m"
    assert headline.font().pixelSize() == round(HEADLINE_PX * scale)
    cell = meeting.cells[(2, 3)]  # the council's new value in the pool table
    assert cell.text() == "£86.946m"
    assert cell.font().pixelSize() == round(TABLE_PX * scale)
    if width == 1920:
        assert headline.font().pixelSize() >= 48
        assert cell.font().pixelSize() >= 24
    assert clipped_labels(meeting) == []
    # The longest texts: ten years ahead, including linked pools, a what-if with a fraction.
    meeting.select_control(-1)
    meeting.change_selected(5)
    meeting.toggle_linked()
    meeting.select_control(1)
    meeting.change_selected(1)
    settle()
    assert meeting.findChild(QLabel, "caption_projected").text() == "Projected 2019/20 incl. linked"
    assert clipped_labels(meeting) == []
    shot = meeting.grab()
    assert shot.size().toTuple() == (width, height)
    assert shot.save(str(tmp_path / f"meeting-mode-{width}x{height}.png"))


def test_shows_current_proposed_new_with_and_without_linked_pools(meeting: MeetingMode) -> None:
    texts = {label.objectName(): label.text() for label in meeting.findChildren(QLabel) if label.objectName()}
    assert texts["headline_current"] == "£67.783m"
    assert texts["headline_proposed"] == "+£36.510m"
    assert texts["headline_new"] == "£104.293m"
    assert texts["detail_new"] == "£114.130m with linked pools"
    table = [label.text() for label in meeting.table_frame.findChildren(QLabel)]
    assert "Including linked pools" in table
    assert "£94.836m" in table  # the council with linked pools, as published
    assert texts["meetingScenario"] == "Scenario: Central"


def test_what_if_keys_update_the_figures_and_reset_restores(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace
) -> None:
    press(qtbot, meeting, Qt.Key.Key_Up, 2)  # inflation 2.5% → 3%
    assert meeting.what_if.inflation == Decimal("0.03")
    press(qtbot, meeting, Qt.Key.Key_Right)
    press(qtbot, meeting, Qt.Key.Key_PageDown, 4)  # growth 2% → 1%, as a presenter's clicker would
    assert meeting.what_if.growth == Decimal("0.01")
    with demo_workspace.reading() as session:
        inputs = projection_inputs(session, OLDER_PEOPLE, FinancialYear(2009))
        scenario = load_scenario(session, "Central", inputs.pool_ids)
    expected = project(
        inputs.lines,
        scenario.with_rates(inflation=Decimal("0.03"), growth=Decimal("0.01")),
        FinancialYear(2009),
        5,
        inputs.host_partner,
    ).pool_totals()[-1]
    headline = meeting.findChild(QLabel, "headline_projected")
    assert headline is not None and headline.text() == expected.format_m()
    assert meeting.scenario_label.text() == "Scenario: Central (what-if)"
    assert meeting.control_labels["inflation"].text() == "Inflation  3%"
    assert meeting.last_update_ms < 1000
    press(qtbot, meeting, Qt.Key.Key_R)
    assert meeting.what_if.inflation == Decimal("0.025") and meeting.what_if.growth == Decimal("0.02")
    assert meeting.scenario_label.text() == "Scenario: Central"


def test_years_next_scenario_and_linked_pools(qtbot, meeting: MeetingMode) -> None:
    press(qtbot, meeting, Qt.Key.Key_Left)  # wraps round to "Years ahead"
    press(qtbot, meeting, Qt.Key.Key_Up, 3)
    assert meeting.what_if.years == 8
    assert meeting.findChild(QLabel, "caption_projected").text() == "Projected 2017/18"
    press(qtbot, meeting, Qt.Key.Key_N)
    assert meeting.scenario.name == "High inflation" and meeting.what_if.inflation == Decimal("0.045")
    press(qtbot, meeting, Qt.Key.Key_L)
    assert meeting.findChild(QLabel, "caption_projected").text() == "Projected 2017/18 incl. linked"


def test_stray_keys_change_nothing(qtbot, meeting: MeetingMode, demo_workspace: Workspace) -> None:
    with demo_workspace.reading() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    what_if = meeting.what_if
    for key in (Qt.Key.Key_X, Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Return, Qt.Key.Key_F2):
        qtbot.keyClick(meeting, key)
    qtbot.keyClick(meeting, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(meeting, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # not "record"
    assert meeting.what_if == what_if
    with demo_workspace.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_record_in_principle_after_confirming(qtbot, meeting: MeetingMode, demo_workspace: Workspace) -> None:
    asked: list[str] = []

    def confirm(title: str, text: str) -> bool:
        asked.append(text)
        return True

    meeting.confirm = confirm
    press(qtbot, meeting, Qt.Key.Key_Up, 2)  # inflation 3%
    recorded: list[int] = []
    meeting.recorded.connect(recorded.append)
    press(qtbot, meeting, Qt.Key.Key_A)
    assert len(asked) == 1 and "£104.293 million" in asked[0]
    assert "meeting of" in asked[0]
    assert len(recorded) == 1
    with demo_workspace.reading() as session:
        detail = agreement_detail(session, recorded[0])
        newest_meeting = list_meetings(session)[0]
    summary = detail.summary
    assert summary.status.value == "agreed_in_principle"
    assert summary.pool_id == OLDER_PEOPLE and summary.financial_year == 2009
    assert summary.meeting is not None and summary.meeting.id == newest_meeting.id  # the current meeting
    assert detail.covers_whole_pool
    assert "inflation 3%, growth 2%, savings 1.5%" in detail.assumptions
    assert "£114.130 million including the linked pools" in detail.decision
    assert "agreement" in meeting.status_label.text()


def test_declining_the_confirmation_records_nothing(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace
) -> None:
    with demo_workspace.reading() as session:
        before = len(list_agreements(session))
    meeting.confirm = lambda _title, _text: False
    press(qtbot, meeting, Qt.Key.Key_A)
    with demo_workspace.reading() as session:
        assert len(list_agreements(session)) == before
    assert meeting.status_label.text() == "Nothing was recorded."


def test_read_only_workspace_cannot_record(qtbot, demo_path: Path) -> None:
    workspace = Workspace.open(demo_path, read_only=True)
    try:
        widget = MeetingMode(workspace, OLDER_PEOPLE, 2009)
        qtbot.addWidget(widget)
        widget.confirm = lambda _title, _text: pytest.fail("must not ask")  # type: ignore[assignment]
        assert widget.record_in_principle() is None
        assert "read-only" in widget.status_label.text()
    finally:
        workspace.close()


def test_escape_leaves(qtbot, meeting: MeetingMode) -> None:
    with qtbot.waitSignal(meeting.left, timeout=2000):
        qtbot.keyClick(meeting, Qt.Key.Key_Escape)
    assert not meeting.isVisible()


def test_without_scenarios_the_pool_is_held_flat(qtbot, demo_workspace: Workspace) -> None:
    from jmg_desktop.store.scenarios_repo import delete_scenario

    with demo_workspace.writing() as session:
        for name in ("Central", "High inflation", "Savings plan"):
            delete_scenario(session, name)
    widget = MeetingMode(demo_workspace, OLDER_PEOPLE, 2009)
    qtbot.addWidget(widget)
    assert widget.scenario.name == "No change"
    assert widget.findChild(QLabel, "headline_projected").text() == "£104.293m"
    press(qtbot, widget, Qt.Key.Key_N)  # nothing to move to, nothing breaks
    press(qtbot, widget, Qt.Key.Key_Up, 4)  # inflation 1%: 104,293,000 × 1.01⁵ rounded per line
    assert widget.what_if.inflation == Decimal("0.01")
    assert widget.findChild(QLabel, "headline_projected").text() == "£109.613m"


def test_a_year_without_lines_shows_zeros(qtbot, demo_workspace: Workspace) -> None:
    widget = MeetingMode(demo_workspace, OLDER_PEOPLE, 2015, "Central")
    qtbot.addWidget(widget)
    assert widget.findChild(QLabel, "headline_new").text() == "£0.000m"
    assert widget.findChild(QLabel, "meetingTitle").text() == "Older People pool, 2015/16"


def test_the_real_confirmation_dialog_records_only_on_record(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def answer(button_text: str, tries: int = 100) -> None:
        # The timer may fire before the dialog is up (key clicks process events): try again soon.
        shown = [b for b in meeting.findChildren(QMessageBox, "recordConfirm") if b.isVisible()]
        box = shown[0] if shown else None
        if box is None:
            if tries:
                QTimer.singleShot(20, lambda: answer(button_text, tries - 1))
            return
        seen.append(box.text())
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        pytest.fail(f"no {button_text} button")

    with demo_workspace.reading() as session:
        before = len(list_agreements(session))
    QTimer.singleShot(0, lambda: answer("Cancel"))
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    qtbot.waitUntil(
        lambda: (
            meeting.findChild(QMessageBox, "recordConfirm") is None
            or not meeting.findChild(QMessageBox, "recordConfirm").isVisible()
        )
    )
    QTimer.singleShot(0, lambda: answer("Record"))
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    with demo_workspace.reading() as session:
        assert len(list_agreements(session)) == before + 1
    assert len(seen) == 2 and seen[0].startswith("Record this as agreed in principle for the meeting of")
