"""Meeting mode's "Record in principle" when the register's newest meeting was not held today: the
chair may record against it or against a new meeting held today, by keyboard; cancel records nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from sqlalchemy import delete, func, select, update

from jmg_desktop.store.agreements_repo import agreement_detail, create_meeting, list_agreements, list_meetings
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.projection.meeting import NEW_MEETING_TODAY, MeetingMode, RecordAnswer

OLDER_PEOPLE = 1
BODY = "Older People Joint Management Group"  # the demo's newest meeting (13 Jan 2009)
TODAY = date(2026, 3, 17)


@pytest.fixture
def meeting(qtbot, demo_workspace: Workspace) -> Iterator[MeetingMode]:
    widget = MeetingMode(demo_workspace, OLDER_PEOPLE, 2009, "Central")
    widget.today = lambda: TODAY
    qtbot.addWidget(widget)
    widget.resize(1920, 1080)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def counts(workspace: Workspace) -> tuple[int, int, int]:
    """Meetings, agreements and audit events in the workspace."""
    with workspace.reading() as session:
        return (
            len(list_meetings(session)),
            len(list_agreements(session)),
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def answering(answer: RecordAnswer, asked: list[tuple[str, str | None]], widget: MeetingMode) -> Callable:
    """A stand-in confirmation that notes the question (and the new meeting offered) and answers."""

    def confirm(_title: str, text: str) -> RecordAnswer:
        asked.append((text, widget.new_meeting_body))
        return answer

    return confirm


def test_newest_meeting_today_records_against_it_without_asking_which(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace
) -> None:
    with demo_workspace.writing() as session:
        today_id = create_meeting(session, body=BODY, held_on=TODAY)
    before = counts(demo_workspace)
    asked: list[tuple[str, str | None]] = []
    meeting.confirm = answering(True, asked, meeting)
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    assert len(asked) == 1
    text, offered = asked[0]
    assert offered is None and "new meeting" not in text
    assert text.startswith(f"Record this as agreed in principle for the meeting of {BODY} on 17 Mar 2026?")
    with demo_workspace.reading() as session:
        newest = list_agreements(session)
        agreement_id = max(a.id for a in newest)
        assert agreement_detail(session, agreement_id).summary.meeting.id == today_id
    assert counts(demo_workspace)[:2] == (before[0], before[1] + 1)  # no meeting added


def test_older_meeting_choosing_a_new_meeting_today(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace
) -> None:
    qtbot.keyClick(meeting, Qt.Key.Key_Up)
    qtbot.keyClick(meeting, Qt.Key.Key_Up)  # inflation 3%: the assumptions on screen
    meetings_before, agreements_before, _ = counts(demo_workspace)
    asked: list[tuple[str, str | None]] = []
    meeting.confirm = answering(NEW_MEETING_TODAY, asked, meeting)
    recorded: list[int] = []
    meeting.recorded.connect(recorded.append)
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    text, offered = asked[0]
    assert offered == BODY
    assert f"for the meeting of {BODY} on 13 Jan 2009?" in text
    assert f"Or record it for a new meeting of {BODY} held today, 17 Mar 2026" in text
    assert len(recorded) == 1
    with demo_workspace.reading() as session:
        meetings = list_meetings(session)
        todays = [m for m in meetings if m.held_on == TODAY]
        detail = agreement_detail(session, recorded[0])
    assert len(meetings) == meetings_before + 1 and len(todays) == 1
    assert todays[0].body == BODY
    assert detail.summary.meeting is not None and detail.summary.meeting.id == todays[0].id
    assert detail.summary.status.value == "agreed_in_principle"
    assert "inflation 3%, growth 2%, savings 1.5%" in detail.assumptions
    assert "£114.130 million including the linked pools" in detail.decision
    assert counts(demo_workspace)[1] == agreements_before + 1
    assert "new meeting" in meeting.status_label.text()
    assert meeting.new_meeting_body is None  # the offer ends with the question


def test_older_meeting_choosing_it_keeps_todays_behaviour(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace
) -> None:
    with demo_workspace.reading() as session:
        january = list_meetings(session)[0]
    meetings_before = counts(demo_workspace)[0]
    meeting.confirm = answering(True, [], meeting)
    recorded: list[int] = []
    meeting.recorded.connect(recorded.append)
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    with demo_workspace.reading() as session:
        detail = agreement_detail(session, recorded[0])
    assert detail.summary.meeting is not None and detail.summary.meeting.id == january.id
    assert january.held_on == date(2009, 1, 13)
    assert counts(demo_workspace)[0] == meetings_before


def test_cancel_records_nothing(qtbot, meeting: MeetingMode, demo_workspace: Workspace) -> None:
    before = counts(demo_workspace)
    meeting.confirm = answering(False, [], meeting)
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    assert counts(demo_workspace) == before  # no meeting, no agreement, no audit event
    assert meeting.status_label.text() == "Nothing was recorded."


def test_without_meetings_the_new_one_is_named_after_the_pool(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace
) -> None:
    from jmg_desktop.store.models import Agreement, Meeting

    with demo_workspace.writing() as session:
        session.execute(update(Agreement).values(meeting_id=None))
        session.execute(delete(Meeting))
    asked: list[tuple[str, str | None]] = []
    meeting.confirm = answering(NEW_MEETING_TODAY, asked, meeting)
    recorded: list[int] = []
    meeting.recorded.connect(recorded.append)
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    assert asked[0][1] == "Older People Joint Management Group"
    assert "without a meeting" in asked[0][0]
    with demo_workspace.reading() as session:
        (only,) = list_meetings(session)
        assert agreement_detail(session, recorded[0]).summary.meeting.id == only.id
    assert (only.body, only.held_on) == ("Older People Joint Management Group", TODAY)


def shown_box(widget: MeetingMode) -> QMessageBox | None:
    boxes = [b for b in widget.findChildren(QMessageBox, "recordConfirm") if b.isVisible()]
    return boxes[0] if boxes else None


def drive(widget: MeetingMode, keys: list[Qt.Key], seen: list[str], shot: Path | None = None) -> None:
    """Once the real confirmation is up, press ``keys`` on its focused button (as a clicker would)."""

    def act(tries: int = 100) -> None:
        box = shown_box(widget)
        if box is None:
            if tries:
                QTimer.singleShot(20, lambda: act(tries - 1))
            return
        seen.append(box.text())
        if shot is not None:
            QApplication.processEvents()
            box.grab().save(str(shot))
        for key in keys:
            focused = box.focusWidget()
            seen.append(focused.text().replace("&", "") if isinstance(focused, QPushButton) else "?")
            QTest.keyClick(focused, key)

    QTimer.singleShot(0, act)


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_real_dialog_by_clicker_keys_records_for_a_new_meeting_today(
    qtbot, meeting: MeetingMode, demo_workspace: Workspace, tmp_path: Path, width: int, height: int
) -> None:
    meeting.resize(width, height)
    QApplication.processEvents()
    meetings_before, agreements_before, _ = counts(demo_workspace)
    seen: list[str] = []
    shot = tmp_path / f"record-choice-{width}x{height}.png"
    # Cancel has the focus (a stray Enter records nothing); Page Up steps back to the new meeting.
    drive(meeting, [Qt.Key.Key_PageUp, Qt.Key.Key_Return], seen, shot)
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: shown_box(meeting) is None)
    assert seen[1:] == ["Cancel", "Record for a new meeting today"]
    assert "held today, 17 Mar 2026" in seen[0]
    with demo_workspace.reading() as session:
        assert [m.held_on for m in list_meetings(session)].count(TODAY) == 1
    assert counts(demo_workspace)[:2] == (meetings_before + 1, agreements_before + 1)
    assert shot.exists()


def test_real_dialog_escape_cancels(qtbot, meeting: MeetingMode, demo_workspace: Workspace) -> None:
    before = counts(demo_workspace)
    seen: list[str] = []
    drive(meeting, [Qt.Key.Key_Left, Qt.Key.Key_Escape], seen)
    qtbot.keyClick(meeting, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: shown_box(meeting) is None)
    assert seen[1:] == ["Cancel", "Record for a new meeting today"]
    assert counts(demo_workspace) == before
    assert meeting.status_label.text() == "Nothing was recorded."
