"""View ▸ Audit Trail…: every change to the workspace, newest first, filtered by pool, person,
date and kind of change. Before, the trail opened only from one agreement or one line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.dates import format_moment
from jmg_desktop.ui.audit.words import AuditRow, AuditWords, action_words, words_for
from jmg_desktop.ui.columns import ColumnFit, install_full_text_tooltips

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["TrailEvent", "WorkspaceAuditDialog", "install", "load_trail"]

_ANY = "Anyone"
_ALL_POOLS = "All pools"
_ALL_KINDS = "Every kind"
_DATE_FORMAT = "d MMM yyyy"


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """One event with what the filters need: its local day and the pools it touched."""

    row: AuditRow
    day: date
    pools: frozenset[int]


def _local_day(at: str) -> date:
    """The local day of a stored UTC moment."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        return date.min
    return moment.astimezone().date() if moment.tzinfo else moment.date()


def _line_ids(value: Any) -> set[int]:
    """The line ids an event's JSON names (one line, or a list of lines or updates)."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key in ("updates", "lines"):
            for item in value.get(key, []) if isinstance(value.get(key), list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), int):
                    found.add(item["id"])
    return found


def load_trail(workspace: Workspace) -> list[TrailEvent]:
    """Every audit event, newest first, with the pools it concerns (lines, agreements, papers)."""
    import json

    from sqlalchemy import select

    from jmg_desktop.store.models import Agreement, AuditEvent, PoolLine

    with workspace.reading() as session:
        events = list(session.execute(select(AuditEvent).order_by(AuditEvent.sequence.desc())).scalars())
        line_pools = dict(session.execute(select(PoolLine.id, PoolLine.pool_id)).all())
        agreement_pools = dict(session.execute(select(Agreement.id, Agreement.pool_id)).all())
        rows = [
            AuditRow(e.sequence, e.at, e.actor, e.action, e.old, e.new, e.entity, e.entity_id) for e in events
        ]
    out = []
    for row in rows:
        pools: set[int] = set()
        for text in (row.old, row.new):
            try:
                value = json.loads(text) if text else None
            except ValueError:
                value = None
            if isinstance(value, dict):
                pools.update(
                    item["pool_id"]
                    for item in value.get("lines", []) or []
                    if isinstance(item, dict) and isinstance(item.get("pool_id"), int)
                )
                pools.update(line_pools[i] for i in _line_ids(value) if i in line_pools)
                if isinstance(value.get("pool_id"), int) and row.entity != "pool":
                    pools.add(value["pool_id"])
        if row.entity == "pool_line" and row.entity_id in line_pools:
            pools.add(line_pools[row.entity_id])
        if row.entity == "agreement" and agreement_pools.get(row.entity_id) is not None:
            pools.add(agreement_pools[row.entity_id])  # type: ignore[arg-type]
        if row.entity == "pool" and row.entity_id is not None:
            pools.add(row.entity_id)
        out.append(TrailEvent(row, _local_day(row.at), frozenset(pools)))
    return out


class WorkspaceAuditDialog(QDialog):
    """The whole audit trail with its four filters; the table shows what they leave."""

    def __init__(
        self,
        parent: QWidget | None,
        events: Sequence[TrailEvent],
        words: AuditWords,
        pools: Sequence[tuple[int, str]],
    ) -> None:
        """A dialog over ``events`` (newest first)."""
        super().__init__(parent)
        self.setObjectName("workspaceAuditDialog")
        self.setWindowTitle("Audit Trail")
        self._events = list(events)
        self._words = words
        self._pool_names = dict(pools)
        self.pool_filter = QComboBox(self)
        self.pool_filter.setObjectName("auditPoolFilter")
        self.pool_filter.addItem(_ALL_POOLS, None)
        for pool_id, name in pools:
            self.pool_filter.addItem(name, pool_id)
        self.person_filter = QComboBox(self)
        self.person_filter.setObjectName("auditPersonFilter")
        self.person_filter.addItem(_ANY, None)
        for actor in sorted({e.row.actor for e in self._events if e.row.actor}, key=str.casefold):
            self.person_filter.addItem(actor, actor)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("auditKindFilter")
        self.kind_filter.addItem(_ALL_KINDS, None)
        for kind in sorted({action_words(e.row.action) for e in self._events}, key=str.casefold):
            self.kind_filter.addItem(kind, kind)
        days = [e.day for e in self._events if e.day != date.min]
        first, last = (min(days), max(days)) if days else (date.today(), date.today())
        self.from_date = self._date_edit("auditFromDate", first)
        self.to_date = self._date_edit("auditToDate", max(last, date.today()))
        filters = QHBoxLayout()
        for text, widget in (
            ("P&ool:", self.pool_filter),
            ("&Person:", self.person_filter),
            ("&From:", self.from_date),
            ("&To:", self.to_date),
            ("&Kind:", self.kind_filter),
        ):
            label = QLabel(text, self)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addStretch(1)
        self.table = QTableWidget(0, 6, self)
        self.table.setObjectName("workspaceAuditTable")
        self.table.setHorizontalHeaderLabels(["#", "When", "Who", "What", "Pool", "Details"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self._fit = ColumnFit(self.table, {3: 1.0, 4: 1.0, 5: 3.0})
        install_full_text_tooltips(self.table, self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("auditCount")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(buttons)
        for combo in (self.pool_filter, self.person_filter, self.kind_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.from_date, self.to_date):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.refresh()
        self.resize(1000, 520)

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day), self)
        edit.setObjectName(name)
        edit.setDisplayFormat(_DATE_FORMAT)
        edit.setCalendarPopup(True)
        return edit

    def shown(self) -> list[TrailEvent]:
        """The events the filters leave, newest first."""
        pool = self.pool_filter.currentData()
        person = self.person_filter.currentData()
        kind = self.kind_filter.currentData()
        start, end = self.from_date.date().toPython(), self.to_date.date().toPython()
        return [
            event
            for event in self._events
            if (pool is None or pool in event.pools)
            and (person is None or event.row.actor == person)
            and (kind is None or action_words(event.row.action) == kind)
            and start <= event.day <= end
        ]

    def refresh(self) -> None:
        """Show the events the filters leave."""
        events = self.shown()
        self.table.setRowCount(len(events))
        for r, event in enumerate(events):
            row = event.row
            pools = ", ".join(sorted(self._pool_names.get(p, "") for p in event.pools))
            cells = [
                str(row.sequence),
                format_moment(row.at),
                row.actor,
                action_words(row.action),
                pools,
                self._words.change(row),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, column, item)
        self._fit.schedule()
        total = len(self._events)
        self.count_label.setText(
            f"{len(events):,} of {total:,} change{'s' if total != 1 else ''} shown, newest first."
        )


def open_audit_trail(window: MainWindow) -> WorkspaceAuditDialog | None:
    """Open the workspace's audit trail (nothing when no workspace is open)."""
    workspace = window.workspace()
    if workspace is None:
        window.show_message("Open a workspace first.")
        return None
    from jmg_desktop.store.lines_repo import list_pools

    pools = [(pool.id, pool.name) for pool in list_pools(workspace)]
    dialog = WorkspaceAuditDialog(window, load_trail(workspace), words_for(workspace), pools)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.audit_dialog = dialog  # type: ignore[attr-defined]
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    """View ▸ Audit Trail…, enabled while a workspace is open."""
    action = QAction("Audit &Trail…", window)
    action.setObjectName("actionAuditTrail")
    action.setStatusTip("Every change to this workspace: who, when and what, by pool, person, date and kind")
    action.triggered.connect(lambda _checked=False: open_audit_trail(window))
    window.menu_view.addAction(action)
    action.setEnabled(window.workspace() is not None)
    window.workspaceChanged.connect(lambda workspace: action.setEnabled(workspace is not None))
