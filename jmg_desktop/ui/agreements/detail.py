"""One agreement in full: what was agreed and why, where it stands, its history, and its lines
agreed against now with the difference."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.agreed_figures import Change
from jmg_desktop.core.agreements import STATUS_LABELS, format_date
from jmg_desktop.core.dates import format_moment
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.line_kinds import BUDGET_CHANGE, SERVICE_BUDGET, kind_label
from jmg_desktop.core.money import Money
from jmg_desktop.core.since_agreed import can_be_flagged
from jmg_desktop.store.agreements_repo import AgreementDetail
from jmg_desktop.ui.agreements.register_model import signed
from jmg_desktop.ui.columns import ColumnFit, install_full_text_tooltips

__all__ = ["AgreementDetailView"]

#: The figures note's last sentence when every line covered is of one kind.
_ALL_OF_KIND = {
    SERVICE_BUDGET: "Every line is a service budget.",
    BUDGET_CHANGE: "Every line is a change to budgets already in the pool.",
}

_CHANGE_WORDS = {
    Change.UNCHANGED: "",
    Change.CHANGED: "",
    Change.REMOVED: "line deleted since",
    Change.ADDED: "line added since",
}
_CHANGED_COLOUR = QColor("#9a3a00")
_FIELD_WORDS = {
    "amount": "amount",
    "service": "service renamed",
    "partner": "partner",
    "category": "category",
    "status": "status",
    "year": "year",
    "pool": "pool",
    "kind": "kind",
}


def _item(
    text: str, *, right: bool = False, bold: bool = False, colour: QColor | None = None
) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = QFont()
        font.setBold(True)
        item.setFont(font)
    if colour is not None:
        item.setForeground(QBrush(colour))
    return item


def _table(headers: list[str], name: str, parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


class AgreementDetailView(QWidget):
    """Shows one :class:`AgreementDetail`; its buttons ask the register to act on it."""

    moveRequested = Signal(int)
    editRequested = Signal(int)
    #: The id of the meeting the shown agreement was recorded at (to correct it).
    meetingEditRequested = Signal(int)
    auditRequested = Signal(int)
    lineHistoryRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._read_only = False
        self.setObjectName("agreementDetail")
        self._detail: AgreementDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)

        head = QHBoxLayout()
        titles = QVBoxLayout()
        self.title_label = QLabel(self)
        self.title_label.setObjectName("agreementTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label = QLabel(self)
        self.meta_label.setObjectName("agreementMeta")
        self.meta_label.setWordWrap(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("agreementStatus")
        self.status_label.setWordWrap(True)
        titles.addWidget(self.title_label)
        titles.addWidget(self.meta_label)
        titles.addWidget(self.status_label)
        head.addLayout(titles, 1)
        # Two by two: on a laptop the height goes to the figures, not to a column of buttons.
        buttons = QGridLayout()
        self.move_button = QPushButton("&Move Status…", self)
        self.move_button.setObjectName("moveStatusButton")
        self.edit_button = QPushButton("&Edit Words…", self)
        self.edit_button.setObjectName("editAgreementButton")
        self.edit_meeting_button = QPushButton("Ed&it Meeting…", self)
        self.edit_meeting_button.setObjectName("editMeetingButton")
        self.edit_meeting_button.setToolTip(
            "Correct the body, date or reference of the meeting this agreement was recorded at"
        )
        self.audit_button = QPushButton("Audit &Trail…", self)
        self.audit_button.setObjectName("agreementAuditButton")
        for position, button in enumerate(
            (self.move_button, self.edit_button, self.edit_meeting_button, self.audit_button)
        ):
            buttons.addWidget(button, position // 2, position % 2)
        buttons.setRowStretch(2, 1)
        head.addLayout(buttons)
        layout.addLayout(head)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.words = QTextBrowser(splitter)
        self.words.setObjectName("agreementWords")
        self.words.setOpenLinks(False)
        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        figures_box = QGroupBox("Figures: agreed and now", right)
        figures_layout = QVBoxLayout(figures_box)
        self.figures_note = QLabel(figures_box)
        self.figures_note.setObjectName("figuresNote")
        self.figures_note.setWordWrap(True)
        self.figures = _table(
            ["Service", "Pool", "Partner", "Agreed", "Now", "Difference", "What changed", "Kind"],
            "agreementLines",
            figures_box,
        )
        self.figures.setToolTip("Double-click a line to see its own history.")
        figures_layout.addWidget(self.figures_note)
        figures_layout.addWidget(self.figures)
        history_box = QGroupBox("History", right)
        history_layout = QVBoxLayout(history_box)
        self.history = _table(
            ["Date", "Step", "Note", "Recorded by", "Recorded at"], "agreementHistory", history_box
        )
        history_layout.addWidget(self.history)
        # A few steps show without scrolling; the rest of the height goes to the figures.
        rows = self.history.verticalHeader().defaultSectionSize()
        self.history.setMaximumHeight(self.history.horizontalHeader().sizeHint().height() + 3 * rows + 6)
        # Text columns give way to the figures, which are never cut; a cut cell's tooltip has it all.
        self._figures_fit = ColumnFit(self.figures, {0: 2.0, 1: 1.5, 2: 0.8, 6: 1.0})
        self._history_fit = ColumnFit(self.history, {1: 2.0, 2: 1.0, 3: 1.0})
        install_full_text_tooltips(self.figures, self)
        install_full_text_tooltips(self.history, self)
        right_layout.addWidget(figures_box, 3)
        right_layout.addWidget(history_box, 1)
        splitter.addWidget(self.words)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 840])
        layout.addWidget(splitter, 1)

        self.move_button.clicked.connect(lambda: self._emit(self.moveRequested))
        self.edit_button.clicked.connect(lambda: self._emit(self.editRequested))
        self.audit_button.clicked.connect(lambda: self._emit(self.auditRequested))
        self.edit_meeting_button.clicked.connect(self._emit_meeting)
        self.figures.cellDoubleClicked.connect(self._line_double_clicked)
        self.show_detail(None)

    def _emit(self, signal: Signal) -> None:
        if self._detail is not None:
            signal.emit(self._detail.summary.id)  # type: ignore[attr-defined]

    def _emit_meeting(self) -> None:
        if self._detail is not None and self._detail.summary.meeting is not None:
            self.meetingEditRequested.emit(self._detail.summary.meeting.id)

    def _has_meeting(self) -> bool:
        return self._detail is not None and self._detail.summary.meeting is not None

    def _line_double_clicked(self, row: int, _column: int) -> None:
        line_id = (
            self.figures.item(row, 0).data(Qt.ItemDataRole.UserRole) if self.figures.item(row, 0) else None
        )
        if line_id:
            self.lineHistoryRequested.emit(int(line_id))

    def detail(self) -> AgreementDetail | None:
        """The agreement shown, or None."""
        return self._detail

    def set_read_only(self, read_only: bool) -> None:
        """Disable the buttons that change things."""
        self._read_only = read_only
        self.move_button.setEnabled(not read_only and self._detail is not None)
        self.edit_button.setEnabled(not read_only and self._detail is not None)
        self.edit_meeting_button.setEnabled(not read_only and self._has_meeting())

    def show_detail(self, detail: AgreementDetail | None) -> None:
        """Show ``detail`` (None clears the view)."""
        self._detail = detail
        writable = not self._read_only
        for button in (self.move_button, self.edit_button):
            button.setEnabled(writable and detail is not None)
        self.audit_button.setEnabled(detail is not None)
        self.edit_meeting_button.setEnabled(writable and self._has_meeting())
        if detail is None:
            self.title_label.setText("<b>No agreement selected</b>")
            self.meta_label.setText(
                "Choose an agreement in the register to see what was agreed, on what figures."
            )
            self.status_label.clear()
            self.words.clear()
            self.figures_note.clear()
            self.figures.setRowCount(0)
            self.history.setRowCount(0)
            return
        summary = detail.summary
        self.title_label.setText(f"<span style='font-size:13pt'><b>{html.escape(summary.title)}</b></span>")
        where = []
        if summary.meeting is not None:
            reference = f" ({summary.meeting.reference})" if summary.meeting.reference else ""
            where.append(html.escape(summary.meeting.label + reference))
        else:
            where.append(html.escape(format_date(summary.on)))
        scope = summary.pool_name + (
            f" {FinancialYear(summary.financial_year).label}" if summary.financial_year else ""
        )
        where.append(html.escape(scope + (" (whole pool)" if detail.covers_whole_pool else "")))
        self.meta_label.setText(" · ".join(where))
        waiting = f" — waiting for <b>{html.escape(summary.waiting_for)}</b>" if summary.waiting_for else ""
        self.status_label.setText(f"Status: <b>{html.escape(summary.status_text)}</b>{waiting}")
        self.words.setHtml(self._words_html(detail))
        self._fill_figures(detail)
        self._fill_history(detail)

    @staticmethod
    def _words_html(detail: AgreementDetail) -> str:
        parts = []
        for heading, text in (
            ("What was agreed", detail.decision),
            ("Reasons", detail.reasons),
            ("Alternatives considered", detail.alternatives),
            ("Conflicts of interest declared", detail.conflicts),
            ("Assumptions behind the figures", detail.assumptions),
        ):
            body = html.escape(text).replace("\n", "<br>") if text else "<i>Not recorded.</i>"
            parts.append(f"<p><b>{heading}</b><br>{body}</p>")
        bodies = ", ".join(f"{b.name} ({b.partner})" for b in detail.summary.bodies) or "none named"
        parts.append(f"<p><b>To be approved by</b><br>{html.escape(bodies)}</p>")
        parts.append(
            f"<p style='color:#666'>Recorded by {html.escape(detail.recorded_by)} on "
            f"{html.escape(format_moment(detail.recorded_at))}.</p>"
        )
        return "".join(parts)

    def _figures_note(self, detail: AgreementDetail) -> str:
        """The sentence above the figures: what changed and what was added since agreed."""
        summary = detail.summary
        comparison = summary.comparison
        if not can_be_flagged(summary.status):
            return (
                f"{STATUS_LABELS[summary.status]}: its figures are shown agreed and now, but are no "
                f"longer checked against the lines ({comparison.agreed_total.format_full()} agreed)."
            )
        parts = []
        if summary.figures_changed:
            count = len(comparison.changed)
            parts.append(
                f"<span style='color:#9a3a00'><b>{count} line{'s' if count != 1 else ''} changed since "
                f"agreed</b>: {signed(comparison.difference_on_agreed_lines)} on the lines agreed.</span>"
            )
        if summary.lines_added:
            added = comparison.added
            money = sum((line.now_amount for line in added), Money.zero())
            parts.append(
                f"<b>{len(added)} line{'s' if len(added) != 1 else ''} added since agreed</b> to the pool "
                f"and year it covers as a whole ({money.format_full()})."
            )
        if not parts:
            return f"The figures are as agreed: {comparison.agreed_total.format_full()} in total."
        parts.append(
            f"Now {comparison.now_total.format_full()} against {comparison.agreed_total.format_full()} agreed."
        )
        return " ".join(parts)

    def _fill_figures(self, detail: AgreementDetail) -> None:
        comparison = detail.summary.comparison
        flagged = can_be_flagged(detail.summary.status)
        self.figures_note.setText(self._figures_note(detail))
        rows = list(comparison.lines)
        self.figures.setRowCount(len(rows) + 1)
        for row, line in enumerate(rows):
            differs = flagged and line.change in (Change.CHANGED, Change.REMOVED)
            colour = _CHANGED_COLOUR if differs else None
            source = line.now or line.agreed
            assert source is not None
            service = _item(line.service)
            service.setData(Qt.ItemDataRole.UserRole, source.line_id)
            if "service" in line.noted and line.agreed is not None:
                service.setToolTip(f"Agreed as “{line.agreed.service}”")
            what = ", ".join(
                filter(
                    None,
                    [
                        _CHANGE_WORDS.get(line.change, ""),
                        *(_FIELD_WORDS[f] for f in line.fields),
                        *(_FIELD_WORDS[f] for f in line.noted),
                    ],
                )
            )
            moved = line.change is not Change.UNCHANGED and line.difference.pence != 0
            cells = [
                service,
                _item(source.pool),
                _item(source.partner),
                _item(line.agreed_amount.format_full() if line.agreed else "—", right=True),
                _item(line.now_amount.format_full() if line.now else "—", right=True, colour=colour),
                _item(signed(line.difference) if moved else "", right=True, bold=differs, colour=colour),
                _item(what, colour=colour),
                _item(kind_label(source.kind) if source.kind else ""),
            ]
            for column, cell in enumerate(cells):
                self.figures.setItem(row, column, cell)
        total = len(rows)
        moved = comparison.difference.pence != 0
        totals = [
            _item("Total", bold=True),
            _item(""),
            _item(""),
            _item(comparison.agreed_total.format_full(), right=True, bold=True),
            _item(comparison.now_total.format_full(), right=True, bold=True),
            _item(signed(comparison.difference) if moved else "", right=True, bold=True),
            _item(""),
            _item(""),
        ]
        for column, cell in enumerate(totals):
            self.figures.setItem(total, column, cell)
        # The pool column only earns its width when the lines come from more than one pool.
        self.figures.setColumnHidden(1, len({(line.now or line.agreed).pool for line in rows}) <= 1)  # type: ignore[union-attr]
        # Nor does the kind when every line is of one kind: the note says which.
        kinds = {(line.now or line.agreed).kind for line in rows} - {""}  # type: ignore[union-attr]
        self.figures.setColumnHidden(7, len(kinds) <= 1)
        if len(kinds) == 1:
            self.figures_note.setText(f"{self.figures_note.text()} {_ALL_OF_KIND[kinds.pop()]}")
        self._figures_fit.schedule()

    def _fill_history(self, detail: AgreementDetail) -> None:
        self.history.setRowCount(len(detail.steps))
        for row, step in enumerate(detail.steps):
            cells = [
                _item(format_date(step.step.on)),
                _item(step.text, bold=row == len(detail.steps) - 1),
                _item(step.note),
                _item(step.recorded_by),
                _item(format_moment(step.recorded_at)),
            ]
            for column, cell in enumerate(cells):
                self.history.setItem(row, column, cell)
        self._history_fit.schedule()
