"""Tools ▸ Stated Totals…: the figures as published for the pool and year shown, beside the same
figures computed from the lines, with Add, Edit and Remove.

Each change is made durable at once by :mod:`jmg_desktop.store.stated_repo` (one transaction, one
audit event) and then pushed onto the window's undo stack as a :class:`StoreUndoCommand`, exactly
as line edits are: applied before the push, so a refused change never reaches the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money
from jmg_desktop.core.totals import PoolTotals
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lines_repo import list_pools, load_references
from jmg_desktop.store.stated_repo import (
    BASIS_LABELS,
    SCOPE_LABELS,
    StatedEntry,
    StatedRow,
    add_stated,
    list_stated,
    parse_stated_amount,
    remove_stated,
    restore_stated,
    stated_problems,
    update_stated,
)
from jmg_desktop.store.totals import pool_totals

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = [
    "COLUMNS",
    "StatedFormDialog",
    "StatedTotalsDialog",
    "StatedTotalsModel",
    "StoreUndoCommand",
    "push_store_change",
]

COLUMNS: Final = ("Partner", "Basis", "Scope", "Stated", "Computed", "Difference", "Source")
_MONEY_COLUMNS: Final = (3, 4, 5)
_RED, _GREEN = QColor("#b00020"), QColor("#1b6e2a")
_Index = QModelIndex | QPersistentModelIndex


class StoreUndoCommand(QUndoCommand):
    """One undoable store change: ``do`` was already run (before the push); undo runs ``undo``."""

    def __init__(
        self,
        text: str,
        do: Callable[[], object],
        undo: Callable[[], object],
        after: Callable[[], None],
        report: Callable[[str], None],
    ) -> None:
        """A step named ``text``; ``after`` runs after each undo and redo, ``report`` on failure."""
        super().__init__(text)
        self._do, self._undo, self._after, self._report = do, undo, after, report
        self._applied_already = True

    def redo(self) -> None:
        """Make the change again (the first call is skipped: it was made before the push)."""
        if self._applied_already:
            self._applied_already = False
            return
        self._run(self._do, "Redo")

    def undo(self) -> None:
        """Reverse the change in a new transaction."""
        self._run(self._undo, "Undo")

    def _run(self, step: Callable[[], object], verb: str) -> None:
        """Run one step; on refusal tell the user and drop the step from the stack."""
        try:
            step()
        except Exception as error:  # refused by the store (as LineUndoCommand): tell, forget the step
            self._report(f"{verb} {self.text()} failed: {error}")
            self.setObsolete(True)
        self._after()


def push_store_change(
    window: MainWindow,
    text: str,
    do: Callable[[], object],
    undo: Callable[[], object],
    *,
    lines_changed: bool = False,
) -> None:
    """Record a store change that was just made as one undoable step of ``window`` and refresh
    the totals panel (after the change, and after each undo and redo). Only the window is held,
    never a dialog, so undoing after the dialog closed is safe. ``lines_changed`` also tells
    the views that follow the lines (projection, agreements) that the figures moved."""

    def after() -> None:
        """The totals panel shows the pool and year selected now."""
        window.totals_panel.show_totals(window.workspace(), window.current_pool_id(), window.current_year())
        if lines_changed:
            window.lines_model.linesChanged.emit()

    window.undo_stack.push(StoreUndoCommand(text, do, undo, after, window.show_message))
    after()


def _signed(money: Money) -> str:
    """A difference with its sign: "+£1,646,000.00", "-£98,000.00", "£0.00"."""
    return f"{'+' if money.pence > 0 else ''}{money.format_full()}"


class StatedTotalsModel(QAbstractTableModel):
    """The stated totals of one pool and year, each with its computed value and the difference."""

    def __init__(self, parent: Any = None) -> None:
        """An empty model; call :meth:`reload`."""
        super().__init__(parent)
        self.rows: list[StatedRow] = []
        self.totals: PoolTotals | None = None
        self.partner_names: dict[int, str] = {}

    def reload(self, workspace: Any, pool_id: int, financial_year: int) -> None:
        """Re-read the figures and the computed totals (SQL aggregates)."""
        self.beginResetModel()
        if workspace is None or pool_id < 0 or financial_year < 0:
            self.rows, self.totals = [], None
        else:
            self.rows = list_stated(workspace, pool_id, financial_year)
            with workspace.reading() as session:
                self.totals = pool_totals(session, pool_id, financial_year)
            self.partner_names = {p.id: p.name for p in load_references(workspace).partners}
        self.endResetModel()

    def computed(self, row: StatedRow) -> Money:
        """The figure the lines give for what ``row`` describes."""
        if self.totals is None:
            return Money(0)
        entry = row.entry
        return self.totals.value(entry.basis, entry.scope, entry.partner_id)  # type: ignore[arg-type]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """The figures recorded."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """See :data:`COLUMNS`."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; rows are numbered."""
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
            return section + 1
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.TextAlignmentRole and horizontal and section in _MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Selectable, never edited in place (Edit… opens the form)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, right-aligned money, the difference in red (or a green tick when it reconciles)."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        entry = row.entry
        computed = self.computed(row)
        difference = computed - entry.amount
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return (
                    "All partners"
                    if entry.partner_id is None
                    else self.partner_names.get(entry.partner_id, "?")
                )
            if column == 5 and difference.pence == 0:
                return "✓ agrees"
            return (
                BASIS_LABELS.get(entry.basis, entry.basis),
                SCOPE_LABELS.get(entry.scope, entry.scope),
                entry.amount.format_full(),
                computed.format_full(),
                _signed(difference),
                entry.source,
            )[column - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _MONEY_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 5:
            return QBrush(_GREEN if difference.pence == 0 else _RED)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 5:
                return "Computed from the lines less the published figure"
            if column == 6 and entry.source:
                return entry.source + (f"\n{entry.note}" if entry.note else "")
        return None


class StatedFormDialog(QDialog):
    """The Add/Edit form: partner, basis, scope, amount (any form the money parser accepts),
    source and note. OK checks the input; a refusal is shown in the form and nothing changes."""

    def __init__(
        self,
        partners: list[tuple[int, str]],
        submit: Callable[[StatedEntry], str | None],
        parent: QWidget | None = None,
        *,
        title: str = "Add Stated Total",
        start: StatedEntry | None = None,
    ) -> None:
        """A form whose OK hands the entry to ``submit`` (which returns why it was refused, or None)."""
        super().__init__(parent)
        self.setObjectName("statedForm")
        self.setWindowTitle(title)
        self._submit = submit
        self.partner = QComboBox(self)
        self.partner.setObjectName("statedPartner")
        self.partner.addItem("All partners", None)
        for partner_id, name in partners:
            self.partner.addItem(name, partner_id)
        self.basis = QComboBox(self)
        self.basis.setObjectName("statedBasis")
        for key, label in BASIS_LABELS.items():
            self.basis.addItem(label, key)
        self.scope = QComboBox(self)
        self.scope.setObjectName("statedScope")
        for key, label in SCOPE_LABELS.items():
            self.scope.addItem(label, key)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("statedAmount")
        self.amount.setPlaceholderText("e.g. £94.836m, 94,836,000 or £94,836k")
        self.source = QLineEdit(self)
        self.source.setObjectName("statedSource")
        self.source.setPlaceholderText("Where it was published, e.g. Annex 4(b), Cabinet 20 January 2009")
        self.note = QLineEdit(self)
        self.note.setObjectName("statedNote")
        self.message = QLabel(self)
        self.message.setObjectName("statedFormMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow("&Partner:", self.partner)
        form.addRow("&Basis:", self.basis)
        form.addRow("S&cope:", self.scope)
        form.addRow("&Amount:", self.amount)
        form.addRow("&Source:", self.source)
        form.addRow("&Note:", self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if start is not None:
            self.partner.setCurrentIndex(max(self.partner.findData(start.partner_id), 0))
            self.basis.setCurrentIndex(max(self.basis.findData(start.basis), 0))
            self.scope.setCurrentIndex(max(self.scope.findData(start.scope), 0))
            self.amount.setText(start.amount.format_full())
            self.source.setText(start.source)
            self.note.setText(start.note)
        self.resize(520, self.sizeHint().height())

    def entry(self) -> StatedEntry | str:
        """The entry as typed, or why the amount is refused."""
        amount = parse_stated_amount(self.amount.text())
        if isinstance(amount, str):
            return amount
        return StatedEntry(
            partner_id=self.partner.currentData(),
            basis=self.basis.currentData(),
            scope=self.scope.currentData(),
            amount=amount,
            source=" ".join(self.source.text().split()),
            note=self.note.text().strip(),
        )

    def accept(self) -> None:
        """Close only when the entry was stored; otherwise show why and keep the form open."""
        entry = self.entry()
        refusal = entry if isinstance(entry, str) else self._submit(entry)
        if refusal:
            self.message.setText(refusal)
            self.amount.setFocus()
            return
        super().accept()


class StatedTotalsDialog(QDialog):
    """The stated totals of the window's current pool and year, with Add, Edit and Remove."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        """A dialog over ``window``'s workspace, pool and year."""
        super().__init__(parent or window)
        self.window_ = window
        self.workspace = window.workspace()
        self.pool_id, self.year = window.current_pool_id(), window.current_year()
        self.setObjectName("statedTotalsDialog")
        self.setWindowTitle("Stated Totals")
        pools = {p.id: p.name for p in list_pools(self.workspace)} if self.workspace is not None else {}
        self.heading = QLabel(self)
        self.heading.setObjectName("statedHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        year = FinancialYear(self.year).label if self.year >= 0 else ""
        self.heading.setText(f"{pools.get(self.pool_id, 'No pool selected')} {year}".strip())
        intro = QLabel(
            "Figures as published (in a report, an annex or a board paper), beside the same figure "
            "computed from the lines. The difference is computed less stated. Every change can be "
            "undone with Edit ▸ Undo.",
            self,
        )
        intro.setWordWrap(True)
        self.model = StatedTotalsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("statedTotalsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _index: self.open_form(editing=True))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel(self)
        self.message.setObjectName("statedMessage")
        self.message.setWordWrap(True)
        self.add_button = QPushButton("&Add…", self)
        self.edit_button = QPushButton("&Edit…", self)
        self.remove_button = QPushButton("&Remove", self)
        self.add_button.clicked.connect(lambda _checked=False: self.open_form(editing=False))
        self.edit_button.clicked.connect(lambda _checked=False: self.open_form(editing=True))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_current())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.form: StatedFormDialog | None = None
        window.undo_stack.indexChanged.connect(self._reload)
        self.reload()
        self.resize(1120, 340)

    # -- state -------------------------------------------------------------------------------

    def can_edit(self) -> bool:
        """True when a pool and year are shown and the workspace may be changed."""
        return (
            self.workspace is not None
            and not self.workspace.read_only
            and self.pool_id >= 0
            and self.year >= 0
        )

    def reload(self) -> None:
        """Re-read the figures and enable what the state allows."""
        self.model.reload(self.workspace, self.pool_id, self.year)
        self._fit_columns()
        editable = self.can_edit()
        self.add_button.setEnabled(editable)
        self.edit_button.setEnabled(editable and self.model.rowCount() > 0)
        self.remove_button.setEnabled(editable and self.model.rowCount() > 0)
        if self.workspace is not None and self.workspace.read_only:
            self.message.setText("The workspace is open read-only: the figures can be read, not changed.")
        elif self.model.rowCount() == 0:
            self.message.setText(
                "No published figures are recorded for this pool and year yet: Add… records one."
            )

    def _reload(self, *_signal_args: object) -> None:
        """After any undo or redo, show the figures as they now are."""
        self.reload()

    def _fit_columns(self) -> None:
        """Columns as wide as their text plus a gap, so neighbouring amounts do not run together;
        the source takes the rest (its full text is in the tooltip)."""
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS) - 1):
            self.table.setColumnWidth(column, self.table.columnWidth(column) + 18)

    def current_row(self) -> StatedRow | None:
        """The selected figure, if any."""
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    # -- changes -------------------------------------------------------------------------------

    def _push(self, text: str, do: Callable[[], object], undo: Callable[[], object]) -> None:
        """Record a change that was just made as one undoable step (this dialog, the totals
        panel and the paper preview follow the undo stack)."""
        push_store_change(self.window_, text, do, undo)

    def _refusal(self, entry: StatedEntry, editing: StatedRow | None) -> str | None:
        """Why ``entry`` may not be stored (checked before touching the store), or None."""
        others = [row for row in self.model.rows if editing is None or row.id != editing.id]
        problems = stated_problems(entry, others, partner_ids=self.model.partner_names)
        return " ".join(problems) if problems else None

    def add_entry(self, entry: StatedEntry) -> str | None:
        """Store a new figure as one undoable step; why not, or None when it was stored."""
        if not self.can_edit() or self.workspace is None:
            return "The workspace is open read-only; nothing was changed."
        if refusal := self._refusal(entry, None):
            return refusal
        workspace, pool_id, year = self.workspace, self.pool_id, self.year
        try:
            new_id = add_stated(workspace, pool_id, year, entry)
        except WorkspaceError as error:
            return str(error)
        row = StatedRow(new_id, pool_id, year, entry)
        self._push(
            "Add Stated Total",
            lambda: restore_stated(workspace, row),
            lambda: remove_stated(workspace, new_id),
        )
        self.message.setText("Stated total added.")
        return None

    def edit_entry(self, row: StatedRow, entry: StatedEntry) -> str | None:
        """Change a figure as one undoable step; why not, or None when it was stored."""
        if not self.can_edit() or self.workspace is None:
            return "The workspace is open read-only; nothing was changed."
        if refusal := self._refusal(entry, row):
            return refusal
        if entry == row.entry:
            return None
        workspace = self.workspace
        try:
            update_stated(workspace, row.id, entry)
        except WorkspaceError as error:
            return str(error)
        self._push(
            "Edit Stated Total",
            lambda: update_stated(workspace, row.id, entry),
            lambda: update_stated(workspace, row.id, row.entry),
        )
        self.message.setText("Stated total changed.")
        return None

    def remove_current(self) -> bool:
        """Remove the selected figure as one undoable step."""
        row = self.current_row()
        if row is None or not self.can_edit() or self.workspace is None:
            return False
        workspace = self.workspace
        try:
            remove_stated(workspace, row.id)
        except WorkspaceError as error:
            self.message.setText(str(error))
            self.reload()
            return False
        self._push(
            "Remove Stated Total",
            lambda: remove_stated(workspace, row.id),
            lambda: restore_stated(workspace, row),
        )
        self.message.setText("Stated total removed.")
        return True

    def open_form(self, *, editing: bool) -> StatedFormDialog | None:
        """Show the Add or Edit form (window-modal, not blocking; returned for tests)."""
        if not self.can_edit():
            return None
        row = self.current_row() if editing else None
        if editing and row is None:
            self.message.setText("Select the figure to edit first.")
            return None
        partners = list(self.model.partner_names.items())  # in the partners list's order

        def submit(entry: StatedEntry) -> str | None:
            """Store the entry the form gives."""
            return self.edit_entry(row, entry) if row is not None else self.add_entry(entry)

        self.form = StatedFormDialog(
            partners,
            submit,
            self,
            title="Edit Stated Total" if row is not None else "Add Stated Total",
            start=row.entry if row is not None else None,
        )
        self.form.finished.connect(self.form.deleteLater)
        self.form.open()
        return self.form
