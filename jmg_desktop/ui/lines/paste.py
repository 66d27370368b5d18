"""Pasting a block copied from Excel or LibreOffice into the lines table.

The block lands with its top-left cell on the current cell (or fills the selection when a single
value is pasted); rows that run past the last line become new lines. Every cell is parsed as if
typed. If any cell is refused, the user sees each one with its row and column and nothing is
applied unless they accept; accepted pastes skip the bad cells (and new lines with a bad cell).
The whole paste is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from jmg_desktop.core.commands import ChangeSet, Command, FieldUpdate, LineRecord
from jmg_desktop.core.validation import COLUMN_FIELDS, COLUMN_TITLES, CellError
from jmg_desktop.ui.lines.clipboard import parse_tsv

if TYPE_CHECKING:
    from jmg_desktop.ui.lines.model import PoolLinesModel
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["PasteDialog", "PastePlan", "PasteProblem", "paste_text", "plan_paste"]

_NEW_SERVICE = "New line"


@dataclass(frozen=True, slots=True)
class PasteProblem:
    """A pasted cell that was refused: 1-based row and column of the pasted block."""

    row: int
    column: int
    column_title: str
    message: str

    def describe(self) -> str:
        """ "Row 2, Amount: “abc” is not an amount…"."""
        return f"Row {self.row}, {self.column_title}: {self.message}"


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


def _is_header(row: Sequence[str], first_column: int) -> bool:
    """True when a pasted row is the table's own column titles (copied with the data)."""
    titles = [title.casefold() for title in COLUMN_TITLES[first_column:]]
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
) -> PastePlan:
    """Work out a paste without changing anything.

    ``anchor_row`` is where the block's first row lands (``model.rowCount()`` or ``as_new_lines``
    appends); with a single pasted value, ``fill_rows`` × ``fill_columns`` (the selection) all get it.
    """
    plan = PastePlan()
    if rows and _is_header(rows[0], anchor_column):
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
                targets.append(
                    (anchor_row + i if not as_new_lines else -1 - i, anchor_column + j, text, i + 1, j + 1)
                )

    existing_rows = model.rowCount()
    new_rows: dict[int, dict[str, object]] = {}
    bad_new_rows: set[int] = set()
    for table_row, column, text, block_row, block_column in targets:
        if column >= len(COLUMN_FIELDS):
            plan.problems.append(
                PasteProblem(
                    block_row,
                    block_column,
                    f"column {block_column}",
                    "the table has no column here (it ends at Note).",
                )
            )
            continue
        parsed = model.parse(column, text)
        title = COLUMN_TITLES[column]
        if isinstance(parsed, CellError):
            plan.problems.append(PasteProblem(block_row, block_column, title, parsed.message))
            if table_row < 0 or table_row >= existing_rows:
                bad_new_rows.add(block_row)
            continue
        if 0 <= table_row < existing_rows:
            record = model.record(table_row)
            name = COLUMN_FIELDS[column]
            old = getattr(record, name)
            if old != parsed:
                plan.updates.append(FieldUpdate(record.id, name, old, parsed))
        else:
            new_rows.setdefault(block_row, {})[COLUMN_FIELDS[column]] = parsed

    wanted = [block_row for block_row in sorted(new_rows) if block_row not in bad_new_rows]
    if wanted:
        refs = model.references
        if not refs.partners or not refs.statuses:
            plan.problems.append(
                PasteProblem(wanted[0], 1, "Partner", "add a partner first: every line belongs to one.")
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
                )
            )
    return plan


class PasteDialog(QDialog):
    """Lists the refused cells; Accept pastes the rest, Cancel pastes nothing."""

    def __init__(self, plan: PastePlan, parent: QWidget | None = None) -> None:
        """A dialog listing ``plan``'s refused cells."""
        super().__init__(parent)
        self.setObjectName("pasteReview")
        self.setWindowTitle("Some pasted cells cannot be used")
        count = len(plan.problems)
        intro = QLabel(
            f"{count} pasted cell{'s' if count != 1 else ''} cannot be used, so nothing has been "
            "pasted yet. Paste the rest (skipping these cells, and any new line that has one), "
            "or cancel and fix the copied cells.",
            self,
        )
        intro.setWordWrap(True)
        self.problems = QListWidget(self)
        self.problems.setObjectName("pasteProblems")
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.setAlternatingRowColors(True)
        self.problems.addItems([problem.describe() for problem in plan.problems])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.paste_button = buttons.addButton("Paste the Rest", QDialogButtonBox.ButtonRole.AcceptRole)
        self.paste_button.setEnabled(bool(plan.updates or plan.inserts))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problems, 1)
        layout.addWidget(buttons)
        self.resize(620, 320)


def _ask(window: QWidget, plan: PastePlan) -> bool:
    """Show the refused cells; True when the user chooses to paste the rest."""
    return PasteDialog(plan, window).exec() == QDialog.DialogCode.Accepted


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
    plan = plan_paste(
        model,
        rows,
        anchor_row=min((i.row() for i in selected), default=current.row())
        if not new_lines
        else model.rowCount(),
        anchor_column=min((i.column() for i in selected), default=current.column()) if not new_lines else 0,
        fill_rows=sorted({i.row() for i in selected}),
        fill_columns=sorted({i.column() for i in selected}),
        as_new_lines=new_lines,
    )
    if plan.problems and not (confirm or (lambda p: _ask(window, p)))(plan):
        window.show_message("Nothing was pasted.")
        return False
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
