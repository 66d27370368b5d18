"""Editing a Better Care Fund reference table in place: a table model over one
:class:`~jmg_desktop.ui.bcf.specs.TableSpec`, and the view that keeps a refused entry open with
the reason beside it.

Every change is a command on the window's undo stack (a reference change, with the lines and
conditions a rename carries along), made durable and audited in one transaction by the lines
store, like any line edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from jmg_desktop.core.commands import ChangeSet, Command, RefChange
from jmg_desktop.core.validation import CellError
from jmg_desktop.ui.bcf.specs import Context, TableSpec
from jmg_desktop.ui.refusal import KeepsRefusedEditor, editor_text

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["BcfTable", "BcfTableModel", "context_of"]

_Index = QModelIndex | QPersistentModelIndex


def context_of(window: MainWindow) -> Context:
    """The pool and year the window shows, its partners and the scheme lists as they are now."""
    model = window.lines_model
    host = None
    workspace = window.workspace()
    if workspace is not None and window.current_pool_id() >= 0:
        from jmg_desktop.store.lines_repo import list_pools

        host = next(
            (p.host_partner_id for p in list_pools(workspace) if p.id == window.current_pool_id()), None
        )
    return Context(
        window.current_pool_id(),
        window.current_year(),
        tuple((p.id, p.name) for p in model.references.partners),
        model.scheme_lists,
        host,
    )


class BcfTableModel(QAbstractTableModel):
    """The rows of one BCF table (those of the pool and year shown, where it has them)."""

    #: A refusal for the user, in one sentence naming the field.
    message = Signal(str)

    def __init__(self, window: MainWindow, spec: TableSpec, parent: Any = None) -> None:
        """The rows of ``spec``'s table in ``window``'s workspace."""
        super().__init__(parent)
        self.window = window
        self.spec = spec
        self.context = context_of(window)
        self.rows: list[dict[str, Any]] = []
        #: What uses each row, by kind (for the "Used by" column of the reference lists).
        self.uses: list[dict[str, int]] = []
        self.reload()

    def reload(self) -> None:
        """Re-read the rows and the lists they draw on (after any change, undo or redo)."""
        from jmg_desktop.store.bcf_repo import rows_where

        self.beginResetModel()
        self.context = context_of(self.window)
        workspace = self.window.workspace()
        self.rows = (
            rows_where(workspace, self.spec.table, self.spec.where(self.context))
            if workspace is not None
            else []
        )
        self.uses = self._uses_of(self.rows) if self.spec.shows_uses else []
        self.endResetModel()

    def _uses_of(self, rows: list[dict[str, Any]]) -> list[dict[str, int]]:
        """What uses each of ``rows``, by kind: rows referring to it by id, then by its text."""
        workspace = self.window.workspace()
        if workspace is None or not rows:
            return [{} for _row in rows]
        from jmg_desktop.store.lines_repo import usage_count

        by_text = self.spec.text_uses(workspace, rows) if self.spec.text_uses is not None else None
        found = []
        for number, row in enumerate(rows):
            uses = dict(by_text[number]) if by_text is not None else {}
            for kind, count in usage_count(workspace, self.spec.table, row["id"]).items():
                uses[kind] = uses.get(kind, 0) + count
            found.append(uses)
        return found

    # -- Qt model --------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Rows shown."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """The table's editable columns (and what uses each entry, for a reference list)."""
        return 0 if parent.isValid() else len(self.spec.columns) + (1 if self.spec.shows_uses else 0)

    def is_uses_column(self, column: int) -> bool:
        """Whether ``column`` is the read-only "Used by" column."""
        return self.spec.shows_uses and column == len(self.spec.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column headings; row numbers down the side."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if self.is_uses_column(section):
                return "Used by"
            return self.spec.columns[section].title if 0 <= section < len(self.spec.columns) else None
        return section + 1

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Editable unless the workspace is read-only."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if not self.window.is_read_only() and not self.is_uses_column(index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell as shown (and as typed to edit it)."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if self.is_uses_column(index.column()):
            if role == Qt.ItemDataRole.DisplayRole:
                from jmg_desktop.ui.lines.references import describe_uses

                uses = self.uses[index.row()]
                return describe_uses(uses) if uses else "Not used"
            return None
        column = self.spec.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return column.show(self.rows[index.row()][column.key], self.context)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if column.right else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    # -- changes -----------------------------------------------------------------------------

    def _changed(self, index: _Index, text: str) -> tuple[dict[str, Any], dict[str, Any]] | CellError:
        """The row before and after ``text`` goes into the cell, or why it cannot."""
        column = self.spec.columns[index.column()]
        parsed = column.parse(text, self.context)
        if isinstance(parsed, CellError):
            return parsed
        old = self.rows[index.row()]
        new = {**old, column.key: parsed}
        clash = self.spec.clash(new, self.rows)
        return clash if clash is not None else (old, new)

    def refusal(self, index: _Index, text: str) -> str | None:
        """Why ``text`` cannot go into the cell at ``index``, or None."""
        found = self._changed(index, text)
        return found.message if isinstance(found, CellError) else None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Change one cell as one undoable step (with what a rename carries along)."""
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        found = self._changed(index, str(value if value is not None else ""))
        if isinstance(found, CellError):
            self.message.emit(f"{self.spec.singular} not changed: {found.message}")
            return False
        old, new = found
        if old == new:
            return True
        updates, refs = [], [RefChange(self.spec.table, old["id"], old, new)]
        workspace = self.window.workspace()
        if self.spec.follow is not None and workspace is not None:
            updates, carried = self.spec.follow(workspace, old, new)
            refs.extend(carried)
        title = self.spec.columns[index.column()].title
        verb = "Rename" if self.spec.columns[index.column()].key in ("name", "label") else f"Edit {title} of"
        return self._run(
            Command(
                f"{verb} {self.spec.singular}",
                ChangeSet(updates=tuple(updates), refs=tuple(refs)),
                action=f"edit_{self.spec.table}",
            )
        )

    def add_row(self) -> bool:
        """Add a row with the spec's starting values at the end; False (with a message) if none can be."""
        store = self.window.lines_model.store
        if store is None or self.window.is_read_only():
            return False
        values = self.spec.new_row(self.context, self.rows)
        if isinstance(values, CellError):
            self.message.emit(f"{self.spec.singular} not added: {values.message}")
            return False
        row_id = store.next_reference_id(self.spec.table)
        row = {"id": row_id, **self.spec.where(self.context), **values}
        if self.spec.table != "bcf_income":
            row["position"] = store.next_reference_position(self.spec.table)
        command = Command(
            f"Add {self.spec.singular}",
            ChangeSet(refs=(RefChange(self.spec.table, row_id, None, row),)),
            action=f"edit_{self.spec.table}",
        )
        return self._run(command)

    def remove_row(self, row_number: int) -> bool:
        """Remove a row that nothing uses; otherwise say what uses it and change nothing."""
        workspace = self.window.workspace()
        if workspace is None or self.window.is_read_only() or not 0 <= row_number < len(self.rows):
            return False
        from jmg_desktop.ui.lines.references import describe_uses

        row = self.rows[row_number]
        uses = self._uses_of([row])[0]  # counted afresh: the table may be out of date
        if uses:
            label = row.get("name") or row.get("label") or self.spec.singular.lower()
            self.message.emit(f"“{label}” is used by {describe_uses(uses)}, so it was not removed.")
            return False
        command = Command(
            f"Remove {self.spec.singular}",
            ChangeSet(refs=(RefChange(self.spec.table, row["id"], row, None),)),
            action=f"edit_{self.spec.table}",
        )
        return self._run(command)

    def _run(self, command: Command) -> bool:
        """Run a command through the window's undo stack, then show the table as it now is."""
        done = self.window.lines_model.execute(command)
        self.reload()
        return done


class _Delegate(QStyledItemDelegate):
    """A list for the columns that draw on one; the model says why an entry is refused."""

    #: A cut cell's tooltip leads with its full text (see :mod:`jmg_desktop.ui.columns`).
    shows_full_text = True

    def __init__(self, model: BcfTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        """A list of the column's entries, or a line edit."""
        column = self._model.spec.columns[index.column()]
        if column.choices is not None:
            combo = QComboBox(parent)
            combo.addItems(column.choices(self._model.context))
            return combo
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if column.right:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        """Start from the cell's text."""
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            found = editor.findText(text)
            if found >= 0:
                editor.setCurrentIndex(found)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        """Hand the text to the model."""
        model.setData(index, editor_text(editor), Qt.ItemDataRole.EditRole)

    def refusal(self, editor: QWidget, index: _Index) -> str | None:
        """Why the editor's text is refused (kept open with the reason beside it), or None."""
        return self._model.refusal(index, editor_text(editor))

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: _Index
    ) -> bool:
        """A cut cell's tooltip gives its full text."""
        from jmg_desktop.ui.columns import full_text_tooltip

        if full_text_tooltip(view, event, index):
            return True
        return super().helpEvent(event, view, option, index)


class BcfTable(KeepsRefusedEditor, QTableView):
    """A BCF table: edited in place; a refused entry stays open with the reason beside it."""

    def __init__(self, model: BcfTableModel, parent: QWidget | None = None) -> None:
        """A view over ``model``."""
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(_Delegate(model, self))
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.EditKeyPressed
            | QTableView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        from jmg_desktop.ui.columns import ColumnFit

        self.column_fit = ColumnFit(self, {0: 2.0, **{c: 1.0 for c in range(1, model.columnCount())}})
