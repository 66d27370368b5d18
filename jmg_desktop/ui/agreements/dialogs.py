"""The register's dialogs: a meeting, recording an agreement, editing its words, moving its status,
and an audit trail. Each validates what it can before OK and gives its result through ``values()``;
the register performs the change (so the store has the last word and refusals reach the user)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.agreements import (
    STATUS_LABELS,
    MoveRefused,
    PathState,
    Status,
    Step,
    check_step,
    format_date,
    status_text,
    waiting_for,
)
from jmg_desktop.core.dates import format_moment
from jmg_desktop.store.agreements_repo import AgreementDetail, AgreementSummary, MeetingRecord
from jmg_desktop.ui.audit.words import AuditRow, AuditWords, action_words
from jmg_desktop.ui.columns import ColumnFit, install_full_text_tooltips

__all__ = [
    "AuditRow",
    "AuditTrailDialog",
    "BodyChoice",
    "EditAgreementDialog",
    "LineChoice",
    "MeetingDialog",
    "RecordAgreementDialog",
    "StatusMoveDialog",
]

_DATE_FORMAT = "d MMM yyyy"  # the one date style: "13 Jan 2009"
_ERROR_STYLE = "QLabel { color: #a00000; }"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date_edit(parent: QWidget, day: date, name: str) -> QDateEdit:
    edit = QDateEdit(_qdate(day), parent)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(_DATE_FORMAT)
    return edit


def _text_box(parent: QWidget, name: str, placeholder: str, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setObjectName(name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("dialogError")
    label.setStyleSheet(_ERROR_STYLE)
    label.setWordWrap(True)
    return label


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class MeetingDialog(QDialog):
    """Record a meeting: the body, the date, an optional reference such as a minute number.

    Given ``meeting``, it corrects that meeting instead ("Edit Meeting", pre-filled, "Save").
    """

    def __init__(
        self,
        parent: QWidget | None,
        bodies: Sequence[str],
        *,
        on: date | None = None,
        meeting: MeetingRecord | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("meetingDialog")
        self.meeting = meeting
        self.setWindowTitle("Edit Meeting" if meeting else "New Meeting")
        form = QFormLayout()
        self.body = QComboBox(self)
        self.body.setObjectName("meetingBody")
        self.body.setEditable(True)
        self.body.addItems(list(bodies) or ["Older People Joint Management Group"])
        self.body.setMinimumWidth(360)
        self.held_on = _date_edit(self, meeting.held_on if meeting else on or date.today(), "meetingDate")
        self.reference = QLineEdit(self)
        self.reference.setObjectName("meetingReference")
        self.reference.setPlaceholderText("e.g. a minute number (optional)")
        self.note = QLineEdit(self)
        self.note.setObjectName("meetingNote")
        if meeting is not None:
            self.body.setCurrentText(meeting.body)
            self.reference.setText(meeting.reference)
            self.note.setText(meeting.note)
        form.addRow("&Body:", self.body)
        form.addRow("&Date:", self.held_on)
        form.addRow("&Reference:", self.reference)
        form.addRow("&Note:", self.note)
        self.error = _error_label(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Save" if meeting else "Add Meeting"))

    def accept(self) -> None:
        """Refuse an empty body name, with a message; otherwise close."""
        if not self.body.currentText().strip():
            self.error.setText("Name the body that met, e.g. Older People Joint Management Group.")
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        """Keyword arguments for ``create_meeting``."""
        return {
            "body": self.body.currentText().strip(),
            "held_on": self.held_on.date().toPython(),
            "reference": self.reference.text().strip(),
            "note": self.note.text().strip(),
        }

    def changes(self) -> dict[str, Any]:
        """When editing, only the fields that differ from the meeting (empty when nothing does)."""
        values = self.values()
        if self.meeting is None:
            return values
        return {key: value for key, value in values.items() if getattr(self.meeting, key) != value}


class _WordsForm(QWidget):
    """Title, meeting and the decision record's words, shared by record and edit."""

    def __init__(self, parent: QWidget, meetings: Sequence[MeetingRecord]) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.meeting = QComboBox(self)
        self.meeting.setObjectName("agreementMeeting")
        self.set_meetings(meetings, None)
        self.title = QLineEdit(self)
        self.title.setObjectName("agreementTitleEdit")
        self.title.setPlaceholderText("A short name for the decision")
        self.decision = _text_box(self, "agreementDecision", "What the group agreed, in its own words")
        self.reasons = _text_box(self, "agreementReasons", "Why", 2)
        self.alternatives = _text_box(self, "agreementAlternatives", "Other options considered", 2)
        self.conflicts = _text_box(
            self, "agreementConflicts", "Any conflicts of interest declared, or “None declared”", 1
        )
        self.assumptions = _text_box(self, "agreementAssumptions", "What the figures assume (optional)", 1)
        meeting_row = QHBoxLayout()
        meeting_row.addWidget(self.meeting, 1)
        self.new_meeting = QPushButton("&New…", self)
        self.new_meeting.setObjectName("agreementNewMeeting")
        self.new_meeting.setToolTip("Record a new meeting and choose it")
        meeting_row.addWidget(self.new_meeting)
        # A row holding a layout gets no buddy from the form, so its "&M" would show literally.
        meeting_label = QLabel("&Meeting:", self)
        meeting_label.setBuddy(self.meeting)
        form.addRow(meeting_label, meeting_row)
        form.addRow("&Title:", self.title)
        form.addRow("&Agreed:", self.decision)
        form.addRow("&Reasons:", self.reasons)
        form.addRow("Alternati&ves:", self.alternatives)
        form.addRow("&Conflicts:", self.conflicts)
        form.addRow("Assum&ptions:", self.assumptions)

    def set_meetings(self, meetings: Sequence[MeetingRecord], selected: int | None) -> None:
        """Fill the meeting list (newest first) and select ``selected``."""
        self.meetings = {m.id: m for m in meetings}
        self.meeting.clear()
        self.meeting.addItem("(not at a meeting)", None)
        for meeting in meetings:
            reference = f" — {meeting.reference}" if meeting.reference else ""
            self.meeting.addItem(meeting.label + reference, meeting.id)
        index = self.meeting.findData(selected) if selected is not None else (1 if meetings else 0)
        self.meeting.setCurrentIndex(max(index, 0))

    def meeting_id(self) -> int | None:
        """The chosen meeting's id, or None."""
        value = self.meeting.currentData()
        return None if value is None else int(value)

    def words(self) -> dict[str, Any]:
        """Title, meeting and words as ``record_agreement``/``update_agreement`` take them."""
        return {
            "title": self.title.text().strip(),
            "meeting_id": self.meeting_id(),
            "decision": self.decision.toPlainText().strip(),
            "reasons": self.reasons.toPlainText().strip(),
            "alternatives": self.alternatives.toPlainText().strip(),
            "conflicts": self.conflicts.toPlainText().strip(),
            "assumptions": self.assumptions.toPlainText().strip(),
        }


@dataclass(frozen=True, slots=True)
class LineChoice:
    """A line offered to an agreement: its id and how it reads ("Day services – internal £3.342m")."""

    line_id: int
    text: str


@dataclass(frozen=True, slots=True)
class BodyChoice:
    """A partner whose sovereign body may be asked to approve."""

    partner_id: int
    text: str
    checked: bool


class RecordAgreementDialog(QDialog):
    """ "Record agreement…": what was agreed on the selected lines (or a whole pool and year)."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        meetings: Sequence[MeetingRecord],
        lines: Sequence[LineChoice],
        total_text: str,
        scope_text: str,
        bodies: Sequence[BodyChoice],
        whole_pool: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordAgreementDialog")
        self.setWindowTitle("Record Agreement")
        self._lines = list(lines)
        self._whole_pool = whole_pool
        layout = QVBoxLayout(self)
        covered = QGroupBox(f"Covers: {scope_text}", self)
        covered_layout = QVBoxLayout(covered)
        self.lines_list = QListWidget(covered)
        self.lines_list.setObjectName("agreementCoveredLines")
        self.lines_list.addItems([line.text for line in lines])
        self.lines_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines_list.setFixedHeight(min(6, max(2, len(lines))) * 20 + 8)
        covered_layout.addWidget(self.lines_list)
        total = QLabel(f"Figures kept with the agreement: <b>{total_text}</b>", covered)
        total.setObjectName("agreementSnapshotTotal")
        covered_layout.addWidget(total)
        layout.addWidget(covered)

        self.form = _WordsForm(self, meetings)
        layout.addWidget(self.form)
        step_row = QHBoxLayout()
        self.first_status = QComboBox(self)
        self.first_status.setObjectName("agreementFirstStatus")
        self.first_status.addItem(STATUS_LABELS[Status.AGREED], Status.AGREED.value)
        self.first_status.addItem(STATUS_LABELS[Status.PROPOSED], Status.PROPOSED.value)
        first = next(iter(meetings), None)
        self.on = _date_edit(self, first.held_on if first else date.today(), "agreementDate")
        status_label = QLabel("&Status:", self)
        status_label.setBuddy(self.first_status)
        step_row.addWidget(status_label)
        step_row.addWidget(self.first_status)
        step_row.addWidget(QLabel("on", self))
        step_row.addWidget(self.on)
        step_row.addStretch(1)
        layout.addLayout(step_row)
        bodies_box = QGroupBox("To be approved by", self)
        # Two to a row: a workspace with four or more partners would not fit a laptop in one row.
        bodies_layout = QGridLayout(bodies_box)
        self.body_boxes: list[tuple[int, QCheckBox]] = []
        for place, body in enumerate(bodies):
            box = QCheckBox(body.text, bodies_box)
            box.setChecked(body.checked)
            self.body_boxes.append((body.partner_id, box))
            bodies_layout.addWidget(box, place // 2, place % 2)
        bodies_layout.setColumnStretch(2, 1)
        layout.addWidget(bodies_box)
        self.error = _error_label(self)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Record Agreement"))
        self.form.meeting.currentIndexChanged.connect(self._meeting_changed)
        self.resize(640, self.sizeHint().height())

    def _meeting_changed(self) -> None:
        meeting = self.form.meetings.get(self.form.meeting_id() or -1)
        if meeting is not None:
            self.on.setDate(_qdate(meeting.held_on))

    def accept(self) -> None:
        """Refuse a missing title, with a message; otherwise close."""
        if not self.form.title.text().strip():
            self.error.setText("Give the agreement a title, so the register can show it.")
            self.form.title.setFocus()
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        """Keyword arguments for ``record_agreement``."""
        values = self.form.words()
        values.update(
            status=Status(self.first_status.currentData()),
            on=self.on.date().toPython(),
            body_partner_ids=[pid for pid, box in self.body_boxes if box.isChecked()],
        )
        if self._whole_pool is not None:
            pool_id, year = self._whole_pool
            values.update(whole_pool=True, pool_id=pool_id, financial_year=year)
        else:
            values["line_ids"] = [line.line_id for line in self._lines]
        return values


class EditAgreementDialog(QDialog):
    """Change an agreement's title, meeting or words (its figures and history stay as they are)."""

    def __init__(
        self, parent: QWidget | None, detail: AgreementDetail, meetings: Sequence[MeetingRecord]
    ) -> None:
        super().__init__(parent)
        self.setObjectName("editAgreementDialog")
        self.setWindowTitle("Edit Agreement")
        self.form = _WordsForm(self, meetings)
        summary = detail.summary
        self.form.set_meetings(meetings, summary.meeting.id if summary.meeting else None)
        if summary.meeting is None:
            self.form.meeting.setCurrentIndex(0)
        self.form.title.setText(summary.title)
        self.form.decision.setPlainText(detail.decision)
        self.form.reasons.setPlainText(detail.reasons)
        self.form.alternatives.setPlainText(detail.alternatives)
        self.form.conflicts.setPlainText(detail.conflicts)
        self.form.assumptions.setPlainText(detail.assumptions)
        self._before = self.form.words()
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        self.error = _error_label(self)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Save Changes"))
        self.resize(620, self.sizeHint().height())

    def accept(self) -> None:
        """Refuse an empty title."""
        if not self.form.title.text().strip():
            self.error.setText("The title cannot be empty.")
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        """Only the fields that changed."""
        after = self.form.words()
        return {key: value for key, value in after.items() if value != self._before[key]}


class StatusMoveDialog(QDialog):
    """Move an agreement along its path. Every move is listed; one that makes no sense shows why
    and cannot be confirmed."""

    def __init__(
        self,
        parent: QWidget | None,
        detail: AgreementDetail,
        others: Sequence[AgreementSummary],
        *,
        on: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statusMoveDialog")
        self.setWindowTitle("Move Status")
        self._detail = detail
        self._bodies = detail.summary.bodies
        state: PathState = detail.state
        summary = detail.summary
        layout = QVBoxLayout(self)
        now = QLabel(
            f"<b>{summary.title}</b><br>Now: {status_text(state, self._bodies)}"
            + (
                f" — waiting for {waiting_for(state, self._bodies)}"
                if waiting_for(state, self._bodies)
                else ""
            ),
            self,
        )
        now.setWordWrap(True)
        layout.addWidget(now)
        form = QFormLayout()
        self.move = QComboBox(self)
        self.move.setObjectName("statusMoveChoice")
        for status in (Status.PROPOSED, Status.AGREED, Status.RECOMMENDED):
            self.move.addItem(STATUS_LABELS[status], (status.value, None))
        for body in self._bodies:
            self.move.addItem(
                f"Approved by {body.name} ({body.partner})", (Status.APPROVED.value, body.partner_id)
            )
        if not self._bodies:
            self.move.addItem("Approved by the partners", (Status.APPROVED.value, None))
        for status in (Status.IMPLEMENTED, Status.DEFERRED, Status.REJECTED, Status.SUPERSEDED):
            label = "Superseded by…" if status is Status.SUPERSEDED else STATUS_LABELS[status]
            self.move.addItem(label, (status.value, None))
        self.superseded_by = QComboBox(self)
        self.superseded_by.setObjectName("supersededBy")
        for other in others:
            if other.id != summary.id:
                self.superseded_by.addItem(f"{format_date(other.on)}: {other.title}", other.id)
        self.on = _date_edit(self, on or max(date.today(), state.last_date or date.min), "statusMoveDate")
        self.note = QLineEdit(self)
        self.note.setObjectName("statusMoveNote")
        self.note.setPlaceholderText("e.g. the minute or report reference (optional)")
        form.addRow("&Move to:", self.move)
        self.superseded_label = QLabel("&By agreement:", self)
        self.superseded_label.setBuddy(self.superseded_by)
        form.addRow(self.superseded_label, self.superseded_by)
        form.addRow("&Date:", self.on)
        form.addRow("&Note:", self.note)
        layout.addLayout(form)
        self.reason = _error_label(self)
        self.reason.setObjectName("statusMoveReason")
        layout.addWidget(self.reason)
        self.buttons = _buttons(self, "Move")
        layout.addWidget(self.buttons)
        self.move.currentIndexChanged.connect(self._update)
        self.superseded_by.currentIndexChanged.connect(self._update)
        self.on.dateChanged.connect(self._update)
        self._select_first_sensible()
        self._update()
        self.resize(560, self.sizeHint().height())

    def _select_first_sensible(self) -> None:
        for index in range(self.move.count()):
            self.move.setCurrentIndex(index)
            if self.refusal() is None and self.move.itemData(index)[0] not in (
                Status.DEFERRED.value,
                Status.REJECTED.value,
                Status.SUPERSEDED.value,
            ):
                return
        self.move.setCurrentIndex(0)

    def step(self) -> Step:
        """The move as chosen."""
        status_value, partner_id = self.move.currentData()
        status = Status(status_value)
        superseded = self.superseded_by.currentData() if status is Status.SUPERSEDED else None
        return Step(status, self.on.date().toPython(), partner_id, superseded)

    def refusal(self) -> str | None:
        """Why the chosen move makes no sense, or None when it can be made."""
        try:
            check_step(self._detail.state, self.step(), self._bodies, agreement_id=self._detail.summary.id)
        except MoveRefused as refused:
            return str(refused)
        return None

    def _update(self) -> None:
        superseding = Status(self.move.currentData()[0]) is Status.SUPERSEDED
        self.superseded_by.setVisible(superseding)
        self.superseded_label.setVisible(superseding)
        reason = self.refusal()
        self.reason.setText(reason or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(reason is None)

    def accept(self) -> None:
        """Close only on a move that makes sense."""
        if self.refusal() is None:
            super().accept()

    def values(self) -> tuple[Step, str, str]:
        """The step, its note, and a name for the undo history ("Move to Recommended to partners")."""
        return self.step(), self.note.text().strip(), f"Move to {self.move.currentText().rstrip('…')}"


class AuditTrailDialog(QDialog):
    """The audit trail of one agreement or line: when, who, what, before and after."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        rows: Sequence[AuditRow],
        *,
        preface: str = "",
        words: AuditWords | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditTrailDialog")
        words = words or AuditWords()
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if preface:
            label = QLabel(preface, self)
            label.setObjectName("auditPreface")
            label.setWordWrap(True)
            layout.addWidget(label)
        self.table = QTableWidget(len(rows), 5, self)
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels(["#", "When", "Who", "What", "Details"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            cells = [
                str(row.sequence),
                format_moment(row.at),
                row.actor,
                action_words(row.action),
                words.change(row),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if column == 4 else "")
                self.table.setItem(r, column, item)
        self._fit = ColumnFit(self.table, {3: 1.0, 4: 3.0})
        install_full_text_tooltips(self.table, self)
        if not rows:
            empty = QLabel("No changes are recorded yet.", self)
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(empty)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 360)
