"""The Edit and Tools menu actions of the lines editor: add, duplicate, delete, move, copy, paste,
roll forward and the reference lists. Each builds a core command and runs it through the model, so
every one of them is a single undo step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from jmg_desktop.core.commands import LineRecord, delete_lines, insert_lines, move_lines
from jmg_desktop.core.line_kinds import SERVICE_BUDGET
from jmg_desktop.ui.lines.clipboard import rows_to_tsv

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["LineActions", "moved_order"]

_NEW_SERVICE = "New line"


def moved_order(ids: list[int], selected: set[int], step: int) -> list[int] | None:
    """``ids`` re-ordered with each selected id moved one place up (step -1) or down (step 1);
    None when a selected id is already at that end."""
    order = list(ids)
    indexes = range(len(order)) if step < 0 else range(len(order) - 1, -1, -1)
    for i in indexes:
        if order[i] in selected:
            j = i + step
            if j < 0 or j >= len(order):
                return None
            if order[j] not in selected:
                order[i], order[j] = order[j], order[i]
    return order


class LineActions(QObject):
    """Creates the lines editor's actions in the window's menus and carries them out."""

    def __init__(self, window: MainWindow) -> None:
        """Create the actions in ``window``'s menus and connect them to the lines view."""
        super().__init__(window)
        self.window = window
        self.view = window.lines_view
        self.model = window.lines_model
        edit = window.menu_edit
        #: The widget whose focus the keyboard shortcuts need: the lines view and the totals.
        self._page = self.view.parentWidget() or self.view
        self.copy = self._add(edit, "&Copy", self.copy_selection, QKeySequence.StandardKey.Copy, always=True)
        self.paste = self._add(edit, "&Paste", self.paste_clipboard, QKeySequence.StandardKey.Paste)
        self.paste_new = self._add(
            edit, "Paste as &New Lines", lambda: self.paste_clipboard(as_new_lines=True), "Ctrl+Shift+V"
        )
        edit.addSeparator()
        self.add_line = self._add(edit, "&Add Line", self.add_new_line, "Ins")
        self.duplicate = self._add(edit, "&Duplicate Lines", self.duplicate_lines, "Ctrl+D")
        self.delete = self._add(edit, "De&lete Lines", self.delete_selected, None)
        self.delete.setShortcutVisibleInContextMenu(True)
        self.delete.setText("De&lete Lines\tDel")
        self.move_up = self._add(edit, "Move &Up", lambda: self.move_selected(-1), "Alt+Up")
        self.move_down = self._add(edit, "Move Do&wn", lambda: self.move_selected(1), "Alt+Down")
        edit.addSeparator()
        self.find = self._add(edit, "&Find…", self.focus_filter, QKeySequence.StandardKey.Find, always=True)
        self.pool_order = self._add(
            window.menu_view, "&Pool Order (Clear Sort)", self.clear_sort, None, always=True
        )
        self.view.table.deleteRequested.connect(self.delete_selected)
        self.model.set_move_handler(self.move_to)
        for action in (
            self.add_line,
            self.duplicate,
            self.move_up,
            self.move_down,
            self.copy,
            self.paste,
            self.paste_new,
        ):
            self.view.table.addAction(action)
        self.view.table.setContextMenuPolicy(self.view.table.contextMenuPolicy().ActionsContextMenu)
        self.view.table.addAction(self.delete)
        self.view.table.selectionModel().selectionChanged.connect(self.update_enabled)
        self.model.modelReset.connect(self.update_enabled)
        from jmg_desktop.ui.lines.tools import install_tools

        install_tools(window, self)
        self.update_enabled()

    def _add(
        self, menu: object, text: str, slot: object, shortcut: object, *, always: bool = False
    ) -> QAction:
        """An action in ``menu`` whose shortcut works while the lines page has the focus."""
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(shortcut if not isinstance(shortcut, str) else QKeySequence(shortcut))  # type: ignore[arg-type]
            # The keys act only while the lines page has the focus, so Insert, Ctrl+D or Ctrl+C
            # typed on another page (a paper, the agreements) never change lines out of sight.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self._page.addAction(action)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        action.setProperty("editsLines", not always)
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    # -- state ----------------------------------------------------------------------------------

    def can_edit(self) -> bool:
        """True when lines of a pool and year are shown and the workspace may be changed."""
        return not self.model.read_only and self.model.pool_id >= 0 and self.model.financial_year >= 0

    def update_enabled(self, *_signal_args: object) -> None:
        """Grey out every editing action when nothing may be changed."""
        editable = self.can_edit()
        has_rows = self.model.rowCount() > 0
        for action in (self.paste, self.paste_new, self.add_line):
            action.setEnabled(editable)
        for action in (self.duplicate, self.delete, self.move_up, self.move_down):
            action.setEnabled(editable and has_rows)
        self.copy.setEnabled(has_rows)
        # The lists can be read when read-only; their dialogs disable changes themselves.
        for action in getattr(self, "tool_actions", []):
            action.setEnabled(self.model.workspace is not None)
        if hasattr(self, "roll_forward"):
            self.roll_forward.setEnabled(editable and has_rows)

    def _refuse(self, why: str) -> None:
        """Say in the status bar why nothing was done."""
        self.window.show_message(why)

    # -- operations -----------------------------------------------------------------------------

    def add_new_line(self) -> bool:
        """Insert a new line below the current one (or at the end) and start editing its service."""
        if not self.can_edit() or self.model.store is None:
            return False
        refs = self.model.references
        if not refs.partners:
            self._refuse("Add a partner first (Tools ▸ Partners…): every line belongs to one.")
            return False
        current = self.view.current_index()
        if current.isValid() and not self.model.is_reordered:
            template = self.model.record(current.row())
            position = template.position + 1
            partner_id, status_id, kind = template.partner_id, template.status_id, template.kind
        else:
            position = self.model.store.max_position(self.model.pool_id, self.model.financial_year) + 1
            partner_id, status_id, kind = refs.partners[0].id, refs.statuses[0].id, SERVICE_BUDGET
        (line_id,) = self.model.store.allocate_line_ids(1)
        record = LineRecord(
            id=line_id,
            pool_id=self.model.pool_id,
            financial_year=self.model.financial_year,
            service=_NEW_SERVICE,
            category_id=None,
            partner_id=partner_id,
            status_id=status_id,
            amount_pence=0,
            note="",
            position=position,
            kind=kind,
        )
        if not self.model.execute(insert_lines([record], text="Add Line")):
            return False
        self.view.select_line_ids([line_id])
        self.view.table.edit(self.view.current_index())
        return True

    def duplicate_lines(self) -> bool:
        """Copy the selected lines to just below the last of them."""
        rows = self.view.selected_rows()
        if not self.can_edit() or not rows or self.model.store is None:
            return False
        records = sorted(self.model.records(rows), key=lambda r: (r.position, r.id))
        after = max(r.position for r in records)
        ids = self.model.store.allocate_line_ids(len(records))
        copies = [
            LineRecord(
                id=new_id,
                pool_id=r.pool_id,
                financial_year=r.financial_year,
                service=r.service,
                category_id=r.category_id,
                partner_id=r.partner_id,
                status_id=r.status_id,
                amount_pence=r.amount_pence,
                note=r.note,
                position=after + offset,
                kind=r.kind,
            )
            for offset, (new_id, r) in enumerate(zip(ids, records, strict=True), start=1)
        ]
        text = "Duplicate Line" if len(copies) == 1 else f"Duplicate {len(copies)} Lines"
        if not self.model.execute(insert_lines(copies, text=text)):
            return False
        self.view.select_line_ids(ids)
        return True

    def delete_selected(self) -> bool:
        """Delete the selected lines: one undo step however many there are."""
        rows = self.view.selected_rows()
        if not self.can_edit() or not rows:
            if self.model.read_only and rows:
                self._refuse("This workspace is read-only; nothing was deleted.")
            return False
        records = self.model.records(rows)
        column = max(self.view.current_index().column(), 0)
        if not self.model.execute(delete_lines(records)):
            return False
        if self.model.rowCount():
            row = min(rows[0], self.model.rowCount() - 1)
            self.view.table.setCurrentIndex(self.model.index(row, column))
        self.window.show_message(
            f"Deleted {len(records)} line{'s' if len(records) != 1 else ''}; Edit ▸ Undo puts "
            f"{'them' if len(records) != 1 else 'it'} back."
        )
        return True

    def move_selected(self, step: int) -> bool:
        """Move the selected lines one place up (-1) or down (1) in the pool's order."""
        rows = self.view.selected_rows()
        if not self.can_edit() or not rows:
            return False
        if self.model.is_reordered:
            self._refuse(
                "Lines can be moved only in the pool's own order: clear the sort and the filter first."
            )
            return False
        low, high = min(rows) + min(step, 0), max(rows) + max(step, 0)
        if low < 0 or high >= self.model.rowCount():
            return False
        window_rows = list(range(low, high + 1))
        records = self.model.records(window_rows)
        selected = {self.model.line_id(row) for row in rows}
        order = moved_order([r.id for r in records], selected, step)
        if order is None:
            return False
        text = "Move Line Up" if step < 0 else "Move Line Down"
        if len(rows) > 1:
            text = text.replace("Line", "Lines")
        column = max(self.view.current_index().column(), 0)
        if not self.model.execute(move_lines(records, order, text=text)):
            return False
        self.view.select_line_ids(sorted(selected, key=self.model.row_of), column)
        return True

    def move_to(self, line_ids: list[int], target_row: int) -> bool:
        """Move lines (dragged) so that they sit before ``target_row`` (row count: at the end)."""
        if not self.can_edit() or self.model.is_reordered or not line_ids:
            return False
        rows = self.model.rows_for(line_ids)
        if not rows:
            return False
        low = min(rows[0], target_row)
        high = max(rows[-1], target_row - 1)
        high = min(high, self.model.rowCount() - 1)
        window_ids = [self.model.line_id(row) for row in range(low, high + 1)]
        moving = [self.model.line_id(row) for row in rows]
        before = [i for i in window_ids if i not in set(moving) and self.model.row_of(i) < target_row]
        after = [i for i in window_ids if i not in set(moving) and self.model.row_of(i) >= target_row]
        order = [*before, *moving, *after]
        if order == window_ids:
            return False
        records = self.model.records(range(low, high + 1))
        text = "Move Line" if len(moving) == 1 else f"Move {len(moving)} Lines"
        if not self.model.execute(move_lines(records, order, text=text)):
            return False
        self.view.select_line_ids(moving)
        return True

    def copy_selection(self) -> str:
        """Put the selected cells on the clipboard as tab-separated text Excel reads back."""
        selection = self.view.table.selectionModel()
        indexes = selection.selectedIndexes() if selection else []
        if not indexes and self.view.current_index().isValid():
            indexes = [self.view.current_index()]
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        text = rows_to_tsv(self.model, rows, columns)
        QGuiApplication.clipboard().setText(text)
        self.window.show_message(f"Copied {len(rows)} row{'s' if len(rows) != 1 else ''}.")
        return text

    def paste_clipboard(self, *, as_new_lines: bool = False) -> bool:
        """Paste tab-separated text from the clipboard onto the selection or as new lines."""
        from jmg_desktop.ui.lines.paste import paste_text

        if not self.can_edit():
            return False
        return paste_text(self.window, QGuiApplication.clipboard().text(), as_new_lines=as_new_lines)

    def focus_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.view.filter_edit.setFocus()
        self.view.filter_edit.selectAll()

    def clear_sort(self) -> None:
        """Back to the pool's own order."""
        self.view.table.horizontalHeader().setSortIndicator(
            -1, self.view.table.horizontalHeader().sortIndicatorOrder()
        )
        self.model.sort(-1)
