"""The decision register page (``agreementsView``): filters, the register sorted by date, and the
selected agreement's detail below it. Works standalone (give it a workspace) or in the main window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from jmg_desktop.core.agreements import STATUS_LABELS, Status, format_date
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.store import agreements_repo as repo
from jmg_desktop.store.audit import events_for
from jmg_desktop.store.models import AuditEvent, Pool, PoolLine
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.agreements import commands
from jmg_desktop.ui.agreements.detail import AgreementDetailView
from jmg_desktop.ui.agreements.dialogs import (
    AuditRow,
    AuditTrailDialog,
    BodyChoice,
    EditAgreementDialog,
    LineChoice,
    MeetingDialog,
    RecordAgreementDialog,
    StatusMoveDialog,
)
from jmg_desktop.ui.agreements.register_model import COL_DATE, COLUMNS, SORT_ROLE, RegisterModel
from jmg_desktop.ui.audit.words import words_for
from jmg_desktop.ui.columns import ColumnFit, install_full_text_tooltips
from jmg_desktop.ui.dialogs import show_error
from jmg_desktop.ui.shared.roles import CHAIR, role_allows

__all__ = ["AgreementsView"]

#: (pool id, financial year, selected line ids) of the lines editor, each -1/empty when none.
Context = Callable[[], tuple[int, int, list[int]]]


def _audit_rows(events: Sequence[AuditEvent]) -> list[AuditRow]:
    return [
        AuditRow(e.sequence, e.at, e.actor, e.action, e.old, e.new, e.entity, e.entity_id) for e in events
    ]


class AgreementsView(QWidget):
    """The register: filter by status, pool, year and body; the newest agreement first."""

    #: Emitted after any change to the register (the window re-marks changed lines).
    registerChanged = Signal()
    #: A message for the status bar.
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, undo_stack: QUndoStack | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementsView")
        self.setAccessibleName("Agreements register")
        self._workspace: Workspace | None = None
        self.undo_stack = undo_stack
        self._context: Context = lambda: (-1, -1, [])
        #: The dialog last opened (tests and assistive tech find it here as well as by name).
        self.active_dialog: QDialog | None = None
        self._stale = False
        #: The meeting dialog opened from "Record Agreement" (its "New…" button).
        self.meeting_dialog: MeetingDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        filters = QHBoxLayout()
        self.status_filter = self._combo("registerStatusFilter", "Status")
        self.pool_filter = self._combo("registerPoolFilter", "Pool")
        self.year_filter = self._combo("registerYearFilter", "Year")
        self.body_filter = self._combo("registerBodyFilter", "Body")
        self.changed_only = QCheckBox("Figures changed since agreed", self)
        self.changed_only.setObjectName("registerChangedOnly")
        for label, combo in (
            ("&Status:", self.status_filter),
            ("P&ool:", self.pool_filter),
            ("&Year:", self.year_filter),
            ("&Body:", self.body_filter),
        ):
            caption = QLabel(label, self)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
        filters.addStretch(1)
        # Actions on a second row, so the page fits a 1366-pixel laptop screen beside the pool list.
        actions = QHBoxLayout()
        actions.addWidget(self.changed_only)
        actions.addStretch(1)
        self.new_meeting_button = QPushButton("New &Meeting…", self)
        self.new_meeting_button.setObjectName("newMeetingButton")
        self.record_button = QPushButton("&Record Agreement…", self)
        self.record_button.setObjectName("recordAgreementButton")
        self.record_button.setToolTip("Record what was agreed on the lines selected in Pool lines")
        actions.addWidget(self.new_meeting_button)
        actions.addWidget(self.record_button)
        layout.addLayout(filters)
        layout.addLayout(actions)

        self.model = RegisterModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("agreementsTable")
        self.table.setAccessibleName("Agreements")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # Dates, years and figures keep their width; the words share the rest, the title first.
        self.column_fit = ColumnFit(
            self.table,
            {
                COLUMNS.index(name): weight
                for name, weight in (
                    ("Agreement", 3.0),
                    ("Meeting", 1.0),
                    ("Pool", 1.0),
                    ("Status", 1.5),
                    ("Waiting for", 1.0),
                )
            },
        )
        install_full_text_tooltips(self.table, self)
        rows = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 4 * rows + 4)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("registerSummary")
        self.summary_label.setWordWrap(True)
        self.detail = AgreementDetailView(self)
        register = QWidget(self)
        register_layout = QVBoxLayout(register)
        register_layout.setContentsMargins(0, 0, 0, 0)
        register_layout.addWidget(self.table)
        register_layout.addWidget(self.summary_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(register)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)

        for combo in (self.status_filter, self.pool_filter, self.year_filter, self.body_filter):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.changed_only.toggled.connect(self._filters_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.new_meeting_button.clicked.connect(self.open_meeting_dialog)
        self.record_button.clicked.connect(lambda: self.open_record_dialog())
        self.detail.moveRequested.connect(self.open_move_dialog)
        self.detail.editRequested.connect(self.open_edit_dialog)
        self.detail.meetingEditRequested.connect(self.open_edit_meeting_dialog)
        self.detail.auditRequested.connect(self.open_audit_dialog)
        self.detail.lineHistoryRequested.connect(self.open_line_history)
        self._fill_status_filter()
        self._update_enabled()

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    # -- set-up ---------------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show ``workspace``'s register (None empties the view)."""
        self._workspace = workspace
        self._fill_filters()
        self.refresh()

    def workspace(self) -> Workspace | None:
        """The workspace shown, or None."""
        return self._workspace

    def set_context(self, context: Context) -> None:
        """Where "Record agreement…" finds the current pool, year and selected lines."""
        self._context = context

    def _read_only(self) -> bool:
        """Nothing here can be changed: no workspace, a read-only one, or a role below chair's
        (meetings and agreements are the chair's to record and move)."""
        return self._workspace is None or self._workspace.read_only or not role_allows(self._workspace, CHAIR)

    def _update_enabled(self) -> None:
        writable = not self._read_only()
        self.new_meeting_button.setEnabled(writable)
        self.record_button.setEnabled(writable)
        self.detail.set_read_only(not writable)

    def _fill_status_filter(self) -> None:
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        self.status_filter.addItem("All", None)
        self.status_filter.addItem("Open (not closed)", "open")
        for status in Status:
            self.status_filter.addItem(STATUS_LABELS[status], status.value)
        self.status_filter.blockSignals(False)

    def _fill_filters(self) -> None:
        """Pools, years and bodies from the workspace, keeping the current choices where possible."""
        pools: list[tuple[str, int]] = []
        years: list[int] = []
        bodies: list[str] = []
        if self._workspace is not None:
            with self._workspace.reading() as session:
                pools = [
                    (name, pid)
                    for pid, name in session.execute(select(Pool.id, Pool.name).order_by(Pool.position))
                ]
                years = sorted(set(session.execute(select(PoolLine.financial_year).distinct()).scalars()))
                bodies = repo.list_bodies(session)
        self._refill(self.pool_filter, [(name, pid) for name, pid in pools])
        self._refill(self.year_filter, [(FinancialYear(y).label, y) for y in years])
        self._refill(self.body_filter, [(b, b) for b in bodies])

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All", None)
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        combo.blockSignals(False)

    # -- the register ---------------------------------------------------------------------------

    def _filters_changed(self) -> None:
        self.refresh()

    def refresh_when_shown(self) -> None:
        """Refresh now if the page is visible, else when it is next shown (a line edit must not
        wait for a register nobody is looking at)."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        """Qt: catch up on changes made while hidden, including agreements recorded elsewhere
        (meeting mode records through the store directly)."""
        super().showEvent(event)
        if self._stale or self._workspace is not None:
            self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        """Re-read the register with the current filters; keep (or move to) the selected agreement."""
        self._stale = False
        keep = select_id if select_id is not None else self.current_agreement_id()
        rows: list[repo.AgreementSummary] = []
        if self._workspace is not None:
            status_value = self.status_filter.currentData()
            with self._workspace.reading() as session:
                rows = repo.list_agreements(
                    session,
                    status=Status(status_value) if status_value not in (None, "open") else None,
                    pool_id=self.pool_filter.currentData(),
                    year=self.year_filter.currentData(),
                    body=self.body_filter.currentData(),
                )
            if status_value == "open":
                rows = [
                    r
                    for r in rows
                    if r.status not in (Status.REJECTED, Status.SUPERSEDED, Status.IMPLEMENTED)
                ]
            if self.changed_only.isChecked():
                rows = [r for r in rows if r.figures_changed]
        self.model.set_rows(rows)
        self._update_summary(rows)
        self._update_enabled()
        if keep is not None and self.select_agreement(keep):
            return
        if self.proxy.rowCount() > 0:
            self.table.selectRow(0)
        else:
            self.detail.show_detail(None)

    def _update_summary(self, rows: Sequence[repo.AgreementSummary]) -> None:
        if self._workspace is None:
            self.summary_label.setText("No workspace open.")
            return
        waiting = sum(1 for r in rows if r.status in (Status.AGREED, Status.RECOMMENDED, Status.APPROVED))
        changed = sum(1 for r in rows if r.figures_changed)
        added = sum(1 for r in rows if r.lines_added)
        noun = "agreement" if len(rows) == 1 else "agreements"
        parts = [f"{len(rows)} {noun} shown", f"{waiting} on the way to approval or implementation"]
        if changed:
            parts.append(f"⚠ {changed} with figures changed since agreed")
        if added:
            parts.append(f"ℹ {added} with lines added since agreed")
        self.summary_label.setText(" · ".join(parts))

    def current_agreement_id(self) -> int | None:
        """The selected agreement's id, or None."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.summary(self.proxy.mapToSource(index).row()).id

    def select_agreement(self, agreement_id: int) -> bool:
        """Select ``agreement_id`` in the register (if the filters show it) and show its detail."""
        row = self.model.row_of(agreement_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        self._show(agreement_id)
        return True

    def _current_changed(self) -> None:
        agreement_id = self.current_agreement_id()
        if agreement_id is None:
            self.detail.show_detail(None)
        else:
            self._show(agreement_id)

    def _show(self, agreement_id: int) -> None:
        if self._workspace is None:
            return
        with self._workspace.reading() as session:
            detail = repo.agreement_detail(session, agreement_id)
        self.detail.show_detail(detail)
        self.detail.set_read_only(self._read_only())

    # -- changes --------------------------------------------------------------------------------

    def _report(self, text: str) -> None:
        self.message.emit(text)
        show_error(self, "Not Changed", text)

    def _changed(self, select_id: int | None = None) -> None:
        self._fill_filters()
        self.refresh(select_id)
        self.registerChanged.emit()

    def _push(
        self, command: commands.RegisterCommand, select: Callable[[object], int | None] = lambda _r: None
    ):
        """Perform ``command`` and push it; refresh, selecting what ``select`` says."""

        def after() -> None:
            self._changed()

        result = commands.push_change(self.undo_stack, command, refresh=after, report=self._report)
        if result is not None:
            target = select(result)
            if target is not None:
                self.select_agreement(target)
            self.message.emit(f"{command.text()}: done. Undo is in the Edit menu.")
        return result

    def open_meeting_dialog(self) -> MeetingDialog | None:
        """Open "New Meeting"; on OK the meeting is recorded (undoably)."""
        if self._workspace is None or self._read_only():
            return None
        with self._workspace.reading() as session:
            bodies = repo.list_bodies(session)
        dialog = MeetingDialog(self, bodies)
        dialog.accepted.connect(lambda: self._create_meeting(dialog.values()))
        return self._open(dialog)

    def _create_meeting(self, values: dict) -> int | None:
        assert self._workspace is not None
        return self._push(commands.create_meeting_command(self._workspace, **values))

    def open_record_dialog(
        self, line_ids: Sequence[int] | None = None, pool_id: int | None = None, year: int | None = None
    ) -> RecordAgreementDialog | None:
        """Open "Record Agreement" for the given (or the editor's selected) lines; with no lines,
        for the whole of the current pool and year."""
        if self._workspace is None or self._read_only():
            return None
        context_pool, context_year, selected = self._context()
        ids = list(line_ids) if line_ids is not None else selected
        pool_id = pool_id if pool_id is not None else (context_pool if context_pool >= 0 else None)
        year = year if year is not None else (context_year if context_year >= 0 else None)
        whole_pool = None if ids else ((pool_id, year) if pool_id is not None and year is not None else None)
        if not ids and whole_pool is None:
            self._report("Select the lines the agreement covers on the Pool lines page first.")
            return None
        with self._workspace.reading() as session:
            figures = repo.current_figures(session, ids, pool_id=pool_id, financial_year=year)
            meetings = repo.list_meetings(session)
            bodies = repo.body_choices(session, ids, pool_id=pool_id, financial_year=year)
            pool = session.get(Pool, pool_id) if pool_id is not None else None
            pool_name = pool.name if pool is not None else ""
        total_money = sum((f.amount for f in figures), Money.zero())
        where = f"{pool_name} {FinancialYear(year).label}" if pool_name and year is not None else "the pool"
        # Say where the lines come from: opened from the register, the Pool lines page is hidden.
        if whole_pool:
            scope = f"every line of {where} (no lines are selected on the Pool lines page)"
        elif line_ids is not None:
            scope = f"{len(figures)} line{'s' if len(figures) != 1 else ''} of {where}"
        else:
            scope = (
                f"the {len(figures)} line{'s' if len(figures) != 1 else ''} selected on the Pool lines page "
                f"({where})"
            )
        dialog = RecordAgreementDialog(
            self,
            meetings=meetings,
            lines=[
                LineChoice(f.line_id or 0, f"{f.service} — {f.partner} — {f.amount.format_full()}")
                for f in figures
            ],
            total_text=total_money.format_full(),
            scope_text=scope,
            bodies=[BodyChoice(b.partner_id, f"{b.name} ({b.partner})", checked) for b, checked in bodies],
            whole_pool=whole_pool,
        )
        dialog.accepted.connect(lambda: self._record(dialog.values()))
        dialog.form.new_meeting.clicked.connect(lambda: self._new_meeting_for(dialog))
        return self._open(dialog)

    def _new_meeting_for(self, record: RecordAgreementDialog) -> MeetingDialog | None:
        """ "New…" beside the meeting list: record a meeting, then choose it in ``record``."""
        if self._workspace is None:
            return None
        with self._workspace.reading() as session:
            bodies = repo.list_bodies(session)
        dialog = MeetingDialog(record, bodies)

        def created() -> None:
            meeting_id = self._create_meeting(dialog.values())
            if meeting_id is not None and self._workspace is not None:
                with self._workspace.reading() as session:
                    record.form.set_meetings(repo.list_meetings(session), meeting_id)

        dialog.accepted.connect(created)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.meeting_dialog = dialog
        dialog.open()
        return dialog

    def _record(self, values: dict) -> int | None:
        assert self._workspace is not None
        return self._push(commands.record_agreement_command(self._workspace, **values), select=lambda r: r)  # type: ignore[arg-type,return-value]

    def _detail_of(self, agreement_id: int) -> repo.AgreementDetail | None:
        if self._workspace is None:
            return None
        with self._workspace.reading() as session:
            return repo.agreement_detail(session, agreement_id)

    def open_move_dialog(self, agreement_id: int) -> StatusMoveDialog | None:
        """Open "Move Status" for an agreement; on OK the move is made (undoably)."""
        detail = self._detail_of(agreement_id)
        if detail is None or self._read_only():
            return None
        assert self._workspace is not None
        with self._workspace.reading() as session:
            others = repo.list_agreements(session)
        dialog = StatusMoveDialog(self, detail, others)
        dialog.accepted.connect(lambda: self._move(agreement_id, *dialog.values()))
        return self._open(dialog)

    def _move(self, agreement_id: int, step: object, note: str, text: str) -> int | None:
        assert self._workspace is not None
        command = commands.move_command(self._workspace, agreement_id, step, note=note, text=text)  # type: ignore[arg-type]
        return self._push(command, select=lambda _r: agreement_id)

    def open_edit_dialog(self, agreement_id: int) -> EditAgreementDialog | None:
        """Open "Edit Agreement"; on OK the changed words are saved (undoably)."""
        detail = self._detail_of(agreement_id)
        if detail is None or self._read_only():
            return None
        assert self._workspace is not None
        with self._workspace.reading() as session:
            meetings = repo.list_meetings(session)
        dialog = EditAgreementDialog(self, detail, meetings)
        dialog.accepted.connect(lambda: self._edit(agreement_id, dialog.values()))
        return self._open(dialog)

    def _edit(self, agreement_id: int, values: dict) -> object:
        if not values or self._workspace is None:
            return None
        return self._push(
            commands.edit_agreement_command(self._workspace, agreement_id, **values),
            select=lambda _r: agreement_id,
        )

    def can_edit_meeting(self) -> bool:
        """Whether "Edit Meeting…" has something to act on: a writable workspace and a selected
        agreement recorded at a meeting."""
        detail = self.detail.detail()
        return not self._read_only() and detail is not None and detail.summary.meeting is not None

    def open_edit_meeting_dialog(self, meeting_id: int | None = None) -> MeetingDialog | None:
        """Open "Edit Meeting" for ``meeting_id`` (default: the selected agreement's meeting); on
        Save the corrections are made (undoably) and the register re-sorted by the new date."""
        if self._workspace is None or self._read_only():
            return None
        if meeting_id is None:
            if not self.can_edit_meeting():
                self._report("Select an agreement recorded at a meeting first.")
                return None
            meeting_id = self.detail.detail().summary.meeting.id  # type: ignore[union-attr]
        with self._workspace.reading() as session:
            meeting = next((m for m in repo.list_meetings(session) if m.id == meeting_id), None)
            bodies = repo.list_bodies(session)
        if meeting is None:
            self._report(f"Meeting {meeting_id} does not exist.")
            return None
        dialog = MeetingDialog(self, bodies, meeting=meeting)
        dialog.accepted.connect(lambda: self._edit_meeting(meeting_id, dialog.changes()))
        return self._open(dialog)  # type: ignore[return-value]

    def _edit_meeting(self, meeting_id: int, changes: dict) -> object:
        if not changes or self._workspace is None:
            return None
        keep = self.current_agreement_id()
        return self._push(
            commands.edit_meeting_command(self._workspace, meeting_id, **changes),
            select=lambda _r: keep,
        )

    def open_audit_dialog(self, agreement_id: int) -> AuditTrailDialog | None:
        """Show an agreement's audit trail."""
        if self._workspace is None:
            return None
        with self._workspace.reading() as session:
            rows = _audit_rows(events_for(session, "agreement", agreement_id))
            title = repo.agreement_detail(session, agreement_id).summary.title
        return self._open(
            AuditTrailDialog(self, f"Audit Trail — {title}", rows, words=words_for(self._workspace))
        )

    def open_line_history(self, line_id: int) -> AuditTrailDialog | None:
        """Show a line's audit trail, with the agreements that cover it."""
        if self._workspace is None:
            return None
        with self._workspace.reading() as session:
            rows = _audit_rows(repo.line_history(session, line_id))
            covering = repo.agreements_for_line(session, line_id)
            figures = repo.current_figures(session, [line_id])
            marks = repo.since_agreed_marks(session)
            by_id = {s.id: s for s in repo.list_agreements(session)}
        name = figures[0].service if figures else f"line {line_id} (deleted)"
        changed = set(marks.changed.get(line_id, []))
        parts = [
            f"{a.title} ({format_date(a.on)}, {a.status_text})"
            + (" — changed since agreed" if a.id in changed else "")
            for a in covering
        ]
        # A pool and year agreed as a whole covers the lines added since, without having seen them.
        parts += [
            f"{by_id[i].title} ({format_date(by_id[i].on)}, {by_id[i].status_text}) — the line was "
            "added since it agreed the pool and year as a whole"
            for i in marks.added.get(line_id, [])
            if i in by_id
        ]
        preface = "Covered by: " + ("; ".join(parts) if parts else "no agreement")
        return self._open(
            AuditTrailDialog(
                self, f"History — {name}", rows, preface=preface, words=words_for(self._workspace)
            )
        )

    def _open(self, dialog: QDialog) -> QDialog:  # type: ignore[type-var]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.active_dialog = dialog
        dialog.open()
        return dialog
