"""Pasting a block copied from Excel or LibreOffice into the lines table.

The block lands with its top-left cell on the current cell (or fills the selection when a single
value is pasted); rows that run past the last line become new lines. Every cell is parsed as if
typed. If any cell is refused, the user sees each one with the table row it would change and its
column, and may correct its text in place (refused again, beside the cell, while still wrong);
nothing is applied unless they accept; accepted pastes skip the cells still bad (and new lines
with a bad cell).
The whole paste is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.commands import ChangeSet, Command, FieldUpdate, LineRecord
from jmg_desktop.core.line_kinds import SERVICE_BUDGET
from jmg_desktop.core.scheme_fields import SCHEME_FIELDS, scheme_updates
from jmg_desktop.core.validation import CellError
from jmg_desktop.ui.columns import ColumnFit, FullTextDelegate
from jmg_desktop.ui.lines.clipboard import parse_tsv
from jmg_desktop.ui.refusal import KeepsRefusedEditor, editor_text

if TYPE_CHECKING:
    from jmg_desktop.ui.lines.model import PoolLinesModel
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["PasteDialog", "PastePlan", "PasteProblem", "paste_text", "plan_paste"]

_NEW_SERVICE = "New line"


@dataclass(frozen=True, slots=True)
class PasteProblem:
    """A pasted cell that was refused. ``row`` and ``column`` (1-based) place it in the pasted
    block; ``where`` names the table row it would change ("Row 12", or "New line 2")."""

    row: int
    column: int
    column_title: str
    message: str
    where: str = ""
    text: str = ""

    def describe(self) -> str:
        """ "Row 12, Amount: “abc” is not an amount…"."""
        return f"{self.where or f'Row {self.row}'}, {self.column_title}: {self.message}"


@dataclass(slots=True)
class PastePlan:
    """What a paste would change, and the cells it refused."""

    updates: list[FieldUpdate] = field(default_factory=list)
    inserts: list[LineRecord] = field(default_factory=list)
    problems: list[PasteProblem] = field(default_factory=list)
    skipped_header: bool = False

    def command(self) -> Command:
        """One undoable step for the whole paste."""
        parts = []
        if self.updates:
            parts.append(f"{len(self.updates)} Cell{'s' if len(self.updates) != 1 else ''}")
        if self.inserts:
            parts.append(f"{len(self.inserts)} New Line{'s' if len(self.inserts) != 1 else ''}")
        text = "Paste " + " and ".join(parts) if parts else "Paste"
        return Command(
            text,
            ChangeSet(updates=tuple(self.updates), inserts=tuple(self.inserts)),
            action="paste_lines",
            select_after=tuple(line.id for line in self.inserts),
        )


def _is_header(row: Sequence[str], columns: Sequence[int]) -> bool:
    """True when a pasted row is the table's own column titles (copied with the data)."""
    from jmg_desktop.ui.lines.model import ALL_TITLES

    titles = [ALL_TITLES[column].casefold() for column in columns]
    cells = [cell.strip().casefold() for cell in row]
    return bool(cells) and cells == titles[: len(cells)]


def plan_paste(
    model: PoolLinesModel,
    rows: list[list[str]],
    *,
    anchor_row: int,
    anchor_column: int,
    fill_rows: Sequence[int] = (),
    fill_columns: Sequence[int] = (),
    as_new_lines: bool = False,
    columns: Sequence[int] | None = None,
) -> PastePlan:
    """Work out a paste without changing anything.

    ``anchor_row`` is where the block's first row lands (``model.rowCount()`` or ``as_new_lines``
    appends); with a single pasted value, ``fill_rows`` × ``fill_columns`` (the selection) all get it.
    ``columns`` are the columns shown, in their order on screen (hidden ones are skipped, as a
    spreadsheet pastes into what it shows); every column when not given.
    """
    from jmg_desktop.ui.lines.model import ALL_FIELDS, ALL_TITLES, COLUMN_SCHEME_FIRST

    plan = PastePlan()
    shown = list(columns) if columns is not None else list(range(len(ALL_FIELDS)))
    start = shown.index(anchor_column) if anchor_column in shown else 0
    across = shown[start:]  # the columns a pasted row fills, left to right
    if rows and _is_header(rows[0], across):
        rows = rows[1:]
        plan.skipped_header = True
    if not rows:
        return plan
    store = model.store
    assert store is not None
    single = len(rows) == 1 and len(rows[0]) == 1
    if single and fill_rows and fill_columns and not as_new_lines:
        targets = [(r, c, rows[0][0], 1, 1) for r in fill_rows for c in fill_columns]
    else:
        targets = []
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                column = across[j] if j < len(across) else len(ALL_FIELDS) + j
                targets.append((anchor_row + i if not as_new_lines else -1 - i, column, text, i + 1, j + 1))

    existing_rows = model.rowCount()
    new_rows: dict[int, dict[str, object]] = {}
    bad_new_rows: set[int] = set()
    # Scheme cells are put together per line, since their columns depend on one another.
    scheme_cells: dict[int, dict[str, tuple[object, int, int, str, int]]] = {}

    def where(table_row: int) -> str:
        """The table row a cell lands on, as the row numbers down the side show it."""
        if 0 <= table_row < existing_rows:
            return f"Row {table_row + 1}"
        return f"New line {-table_row if table_row < 0 else table_row - existing_rows + 1}"

    for table_row, column, text, block_row, block_column in targets:
        if column >= len(ALL_FIELDS):
            plan.problems.append(
                PasteProblem(
                    block_row,
                    block_column,
                    f"column {block_column}",
                    f"the table has no column here (it ends at {ALL_TITLES[shown[-1]]}).",
                    where(table_row),
                    text,
                )
            )
            if table_row < 0 or table_row >= existing_rows:
                bad_new_rows.add(block_row)
            continue
        parsed = model.parse(column, text)
        title = ALL_TITLES[column]
        if isinstance(parsed, CellError):
            plan.problems.append(
                PasteProblem(block_row, block_column, title, parsed.message, where(table_row), text)
            )
            if table_row < 0 or table_row >= existing_rows:
                bad_new_rows.add(block_row)
            continue
        if column >= COLUMN_SCHEME_FIRST:
            key = table_row if 0 <= table_row < existing_rows else -block_row - 1
            scheme_cells.setdefault(key, {})[ALL_FIELDS[column]] = (
                parsed,
                block_row,
                block_column,
                text,
                table_row,
            )
        elif 0 <= table_row < existing_rows:
            record = model.record(table_row)
            name = ALL_FIELDS[column]
            old = getattr(record, name)
            if old != parsed:
                plan.updates.append(FieldUpdate(record.id, name, old, parsed))
        else:
            new_rows.setdefault(block_row, {})[ALL_FIELDS[column]] = parsed

    blank = LineRecord(0, model.pool_id, model.financial_year, "", None, 0, 0, 0, "", 0)
    new_schemes: dict[int, dict[str, object]] = {}
    for key, cells in scheme_cells.items():
        record = model.record(key) if key >= 0 else blank
        values = {name: cell[0] for name, cell in cells.items()}
        found = scheme_updates(record, values, model.scheme_lists)
        if isinstance(found, CellError):
            name = next(n for n in SCHEME_FIELDS if n in cells)  # the first of the line's cells
            _parsed, block_row, block_column, text, table_row = cells[name]
            plan.problems.append(
                PasteProblem(
                    block_row,
                    block_column,
                    ALL_TITLES[ALL_FIELDS.index(name)],
                    found.message,
                    where(table_row),
                    text,
                )
            )
            if key < 0:
                bad_new_rows.add(block_row)
        elif key >= 0:
            plan.updates.extend(found)
        else:
            block_row = -key - 1
            new_rows.setdefault(block_row, {})
            new_schemes[block_row] = {update.field: update.new for update in found}

    wanted = [block_row for block_row in sorted(new_rows) if block_row not in bad_new_rows]
    if wanted:
        refs = model.references
        if not refs.partners or not refs.statuses:
            plan.problems.append(
                PasteProblem(
                    wanted[0], 1, "Partner", "add a partner first: every line belongs to one.", "New lines"
                )
            )
            return plan
        ids = store.allocate_line_ids(len(wanted))
        position = store.max_position(model.pool_id, model.financial_year)
        for new_id, block_row in zip(ids, wanted, strict=True):
            values = new_rows[block_row]
            position += 1
            plan.inserts.append(
                LineRecord(
                    id=new_id,
                    pool_id=model.pool_id,
                    financial_year=model.financial_year,
                    service=str(values.get("service", _NEW_SERVICE)),
                    category_id=values.get("category_id"),  # type: ignore[arg-type]
                    partner_id=int(values.get("partner_id", refs.partners[0].id)),  # type: ignore[call-overload]
                    status_id=int(values.get("status_id", refs.statuses[0].id)),  # type: ignore[call-overload]
                    amount_pence=int(values.get("amount_pence", 0)),  # type: ignore[call-overload]
                    note=str(values.get("note", "")),
                    position=position,
                    kind=str(values.get("kind", SERVICE_BUDGET)),
                    **new_schemes.get(block_row, {}),  # type: ignore[arg-type]
                )
            )
    return plan


class _ProblemDelegate(FullTextDelegate):
    """Edits a refused cell's pasted text, refusing again what the lines table would refuse."""

    def __init__(self, dialog: PasteDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog

    def refusal(self, editor: QWidget, index: QModelIndex) -> str | None:
        """Why the corrected text would still be refused, or None."""
        return self._dialog.refusal(index.row(), editor_text(editor))


class _ProblemTable(KeepsRefusedEditor, QTableWidget):
    """The refused cells, their pasted text editable in place."""


class PasteDialog(QDialog):
    """Lists the refused cells, each correctable in place; Paste pastes what can be used, Cancel
    pastes nothing. With ``replan`` (the paste worked out again from corrected cells), a corrected
    cell is pasted too; :attr:`plan` is the paste as it stands."""

    def __init__(
        self,
        plan: PastePlan,
        parent: QWidget | None = None,
        *,
        rows: list[list[str]] | None = None,
        replan: Callable[[list[list[str]]], PastePlan] | None = None,
        parse: Callable[[int, str], object] | None = None,
    ) -> None:
        """A dialog listing ``plan``'s refused cells (``rows`` is the pasted block)."""
        super().__init__(parent)
        self.setObjectName("pasteReview")
        self.setWindowTitle("Some Pasted Cells Cannot Be Used")
        self.plan = plan
        self._rows = [list(row) for row in rows] if rows is not None else None
        self._replan = replan
        self._parse = parse
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        editable = self._rows is not None and replan is not None and parse is not None
        self.problems = _ProblemTable(0, 4, self)
        self.problems.setObjectName("pasteProblems")
        self.problems.setHorizontalHeaderLabels(["Where", "Column", "Pasted", "Why"])
        self.problems.verticalHeader().hide()
        self.problems.setWordWrap(False)
        self.problems.setAlternatingRowColors(True)
        self.problems.setItemDelegate(_ProblemDelegate(self))
        self.problems.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        self._fit = ColumnFit(self.problems, {2: 1.0, 3: 2.0})
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.paste_button = buttons.addButton("Paste the Rest", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.problems, 1)
        layout.addWidget(buttons)
        self._fill()
        self.problems.itemChanged.connect(self._corrected)
        self.resize(760, 340)

    def _fill(self) -> None:
        """Show the plan's refused cells and say what Paste will do."""
        plan = self.plan
        self.problems.blockSignals(True)
        self.problems.setRowCount(len(plan.problems))
        for row, problem in enumerate(plan.problems):
            for column, text in enumerate(
                (problem.where, problem.column_title, problem.text, problem.message)
            ):
                item = QTableWidgetItem(text)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if column == 2 and self._rows is not None:
                    flags |= Qt.ItemFlag.ItemIsEditable
                item.setFlags(flags)
                self.problems.setItem(row, column, item)
        self.problems.blockSignals(False)
        self._fit.schedule()
        count = len(plan.problems)
        if count:
            fix = " Correct a cell by typing over its pasted text." if self._rows is not None else ""
            self.intro.setText(
                f"{count} pasted cell{'s' if count != 1 else ''} cannot be used, so nothing has been "
                "pasted yet. Paste the rest (skipping these cells, and any new line that has one), "
                f"or cancel and fix the copied cells.{fix}"
            )
            self.paste_button.setText("Paste the Rest")
        else:
            self.intro.setText("Every pasted cell can now be used.")
            self.paste_button.setText("Paste")
        self.paste_button.setEnabled(bool(plan.updates or plan.inserts))

    def refusal(self, row: int, text: str) -> str | None:
        """Why ``text`` would still be refused in the cell of problem ``row``, or None."""
        if self._parse is None or not 0 <= row < len(self.plan.problems):
            return None
        problem = self.plan.problems[row]
        from jmg_desktop.ui.lines.model import ALL_TITLES

        if problem.column_title not in ALL_TITLES:
            return problem.message
        parsed = self._parse(ALL_TITLES.index(problem.column_title), text)
        return parsed.message if isinstance(parsed, CellError) else None

    def _corrected(self, item: QTableWidgetItem) -> None:
        """A refused cell was corrected: work the paste out again with the new text."""
        if item.column() != 2 or self._rows is None or self._replan is None:
            return
        problem = self.plan.problems[item.row()]
        self._rows[problem.row - 1][problem.column - 1] = item.text()
        QTimer.singleShot(0, self._work_out_again)  # once the cell's editor has closed

    def _work_out_again(self) -> None:
        """Work the paste out again from the corrected block and show what is still refused."""
        assert self._rows is not None and self._replan is not None
        self.plan = self._replan(self._rows)
        self._fill()


def _ask(window: MainWindow, plan: PastePlan, rows: list[list[str]], replan: Callable) -> PastePlan | None:
    """Show the refused cells for correcting; the paste to make, or None when cancelled."""
    dialog = PasteDialog(plan, window, rows=rows, replan=replan, parse=window.lines_model.parse)
    try:
        return dialog.plan if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def paste_text(
    window: MainWindow,
    text: str,
    *,
    as_new_lines: bool = False,
    confirm: Callable[[PastePlan], bool] | None = None,
) -> bool:
    """Paste tab-separated ``text`` at the current cell (or as new lines); True if anything changed.

    ``confirm`` decides whether to go ahead when some cells were refused (default: ask the user).
    """
    model = window.lines_model
    view = window.lines_view
    if model.read_only or model.store is None or model.pool_id < 0:
        window.show_message("Nothing was pasted: there is no pool open for editing.")
        return False
    rows = parse_tsv(text)
    if not rows:
        window.show_message("Nothing was pasted: the clipboard holds no text.")
        return False
    current = view.current_index()
    selection = view.table.selectionModel()
    selected = selection.selectedIndexes() if selection else []
    new_lines = as_new_lines or not current.isValid()
    anchor_row = (
        min((i.row() for i in selected), default=current.row()) if not new_lines else model.rowCount()
    )
    header = view.table.horizontalHeader()
    shown = [
        header.logicalIndex(visual)
        for visual in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(visual))
    ]
    anchor_column = (
        min((i.column() for i in selected), default=current.column(), key=header.visualIndex)
        if not new_lines
        else shown[0]
    )

    def replan(block: list[list[str]]) -> PastePlan:
        return plan_paste(
            model,
            block,
            anchor_row=anchor_row,
            anchor_column=anchor_column,
            fill_rows=sorted({i.row() for i in selected}),
            fill_columns=sorted({i.column() for i in selected}),
            as_new_lines=new_lines,
            columns=shown,
        )

    plan = replan(rows)
    if plan.problems:
        if confirm is not None:
            go_on: PastePlan | None = plan if confirm(plan) else None
        else:
            go_on = _ask(window, plan, rows[1:] if plan.skipped_header else rows, replan)
        if go_on is None:
            window.show_message("Nothing was pasted.")
            return False
        plan = go_on
    command = plan.command()
    if command.changes.is_empty:
        window.show_message("Nothing was pasted: the pasted values are the same as the lines.")
        return False
    if not model.execute(command):
        return False
    if plan.inserts:
        view.select_line_ids([line.id for line in plan.inserts])
    window.show_message(f"{command.text}: done. Edit ▸ Undo takes the whole paste back.")
    return True
