"""Editing the reference lists — partners, pools and categories — as undoable commands.

Each list is a small table model over :func:`jmg_desktop.store.lines_repo.reference_rows`; every
rename, addition and removal goes through the window's undo stack like a line edit. Removing an
entry that lines (or stated totals, or hosted pools) still use is refused with the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.commands import reference_change
from jmg_desktop.core.validation import CellError, check_name, parse_choice, parse_text
from jmg_desktop.store.lines_repo import reference_rows, usage_count

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["LIST_SPECS", "ReferenceListDialog", "ReferenceListModel", "describe_uses"]

_Index = QModelIndex | QPersistentModelIndex
_KINDS = {"council": "council", "nhs": "nhs", "nhs body": "nhs", "other": "other"}


@dataclass(frozen=True, slots=True)
class ListSpec:
    """How one reference list is shown: its title, its editable columns and their headings."""

    table: str
    singular: str
    plural: str
    columns: tuple[str, ...]
    headings: tuple[str, ...]


LIST_SPECS = {
    "category": ListSpec("category", "Category", "Categories", ("name",), ("Name",)),
    "partner": ListSpec(
        "partner",
        "Partner",
        "Partners",
        ("name", "short_name", "kind", "sovereign_body"),
        ("Name", "Short name", "Kind", "Decided by"),
    ),
    "pool": ListSpec(
        "pool", "Pool", "Pools", ("name", "host_partner_id", "description"), ("Name", "Host", "Description")
    ),
}


_SINGULAR = {
    "lines": "line",
    "stated totals": "stated total",
    "pools it hosts": "pool it hosts",
    "pool links": "pool link",
    "agreements it must approve": "agreement it must approve",
    "recorded approvals": "recorded approval",
    "agreements": "agreement",
    "papers": "paper",
    "scenario adjustments": "scenario adjustment",
    "risk-share terms": "risk-share term",
    "monitoring set-ups": "monitoring set-up",
    "forecasts": "forecast",
    "budget movements": "budget movement",
    "budget movement lines": "budget movement line",
    "closed monitoring periods": "closed monitoring period",
    "risk-share rules": "risk-share rule",
    "income entries": "income entry",
    "BCF income entries": "BCF income entry",
    "minimum-spend conditions": "minimum-spend condition",
}


def describe_uses(uses: dict[str, int]) -> str:
    """ "5 lines, 4 stated totals and 1 pool it hosts"."""
    parts = [f"{count:,} {_SINGULAR.get(kind, kind) if count == 1 else kind}" for kind, count in uses.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class ReferenceListModel(QAbstractTableModel):
    """One reference list; the last column (read-only) says how many lines use each entry."""

    #: A message for the user (a refusal and why).
    message = Signal(str)

    def __init__(self, window: MainWindow, table: str, parent: Any = None) -> None:
        """A dialog over one reference list of ``window``'s workspace."""
        super().__init__(parent)
        self.window = window
        self.spec = LIST_SPECS[table]
        self.rows: list[dict[str, Any]] = []
        self.reload()

    def reload(self) -> None:
        """Re-read the list."""
        self.beginResetModel()
        workspace = self.window.workspace()
        self.rows = reference_rows(workspace, self.spec.table) if workspace is not None else []
        self.endResetModel()

    def _partner_names(self) -> dict[int, str]:
        """Partner id → name, for the pool host column."""
        return self.window.lines_model.references.names("partner_id")

    # -- Qt model --------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Entries in the list."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """The editable columns and the usage count."""
        return 0 if parent.isValid() else len(self.spec.columns) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column headings."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            headings = (*self.spec.headings, "Lines")
            return headings[section] if 0 <= section < len(headings) else None
        return section + 1

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Editable except the usage count, and except when read-only."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() < len(self.spec.columns) and not self.window.is_read_only():
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The entry's values as text."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == len(self.spec.columns):
                return str(row["used_by"])
            column = self.spec.columns[index.column()]
            value = row[column]
            if column == "host_partner_id":
                return self._partner_names().get(value, "") if value is not None else ""
            if column == "kind" and role == Qt.ItemDataRole.DisplayRole:
                return {"council": "Council", "nhs": "NHS body", "other": "Other"}.get(value, value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == len(self.spec.columns):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _parse(self, column: str, text: str, row: dict[str, Any]) -> object | CellError:
        """Check the text typed for ``column`` of ``row``: the value to store, or why not."""
        title = self.spec.headings[self.spec.columns.index(column)]
        if column == "name":
            taken = {r["name"] for r in self.rows if r["id"] != row["id"]}
            return check_name(text, title=title, taken=taken)
        if column == "short_name":
            return parse_text(text, title=title, limit=40, required=False)
        if column == "sovereign_body":
            return parse_text(text, title=title, limit=200, required=False)
        if column == "description":
            return parse_text(text, title=title, limit=2000, required=False)
        if column == "kind":
            found = _KINDS.get(" ".join(text.split()).casefold())
            return found if found else CellError("Kind must be council, NHS body or other.")
        if column == "host_partner_id":
            return parse_choice(
                text,
                self.window.lines_model.references.choices("partner_id"),
                title="Partner",
                required=False,
            )
        return CellError(f"{title} cannot be edited.")

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Change one value as one undoable step; refuse bad input with a :attr:`message`."""
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row = self.rows[index.row()]
        column = self.spec.columns[index.column()]
        parsed = self._parse(column, str(value if value is not None else ""), row)
        if isinstance(parsed, CellError):
            self.message.emit(f"{self.spec.singular} not changed: {parsed.message}")
            return False
        if row[column] == parsed:
            return True
        old = {k: v for k, v in row.items() if k != "used_by"}
        new = {**old, column: parsed}
        verb = "Rename" if column == "name" else "Edit"
        command = reference_change(self.spec.table, row["id"], old, new, text=f"{verb} {self.spec.singular}")
        return self._run(command)

    # -- adding and removing -----------------------------------------------------------------

    def add_entry(self, name: str | None = None) -> bool:
        """Add an entry (named ``name``, or "New …" made unique) at the end of the list."""
        store = self.window.lines_model.store
        if store is None or self.window.is_read_only():
            return False
        taken = {r["name"] for r in self.rows}
        if name is None:
            base = f"New {self.spec.singular.lower()}"
            name, number = base, 1
            while name in taken:
                number += 1
                name = f"{base} {number}"
        checked = check_name(name, title="Name", taken=taken)
        if isinstance(checked, CellError):
            self.message.emit(f"{self.spec.singular} not added: {checked.message}")
            return False
        row_id = store.next_reference_id(self.spec.table)
        row: dict[str, Any] = {
            "id": row_id,
            "name": checked,
            "position": store.next_reference_position(self.spec.table),
        }
        if self.spec.table == "partner":
            row.update(short_name="", kind="other", sovereign_body="")
        elif self.spec.table == "pool":
            partners = self.window.lines_model.references.partners
            row.update(host_partner_id=partners[0].id if partners else None, description="")
        return self._run(
            reference_change(self.spec.table, row_id, None, row, text=f"Add {self.spec.singular}")
        )

    def remove_entry(self, row_number: int) -> bool:
        """Remove an entry nothing uses; otherwise say what uses it and change nothing."""
        workspace = self.window.workspace()
        if workspace is None or self.window.is_read_only() or not 0 <= row_number < len(self.rows):
            return False
        row = self.rows[row_number]
        uses = usage_count(workspace, self.spec.table, row["id"])
        if uses:
            self.message.emit(f"“{row['name']}” is used by {describe_uses(uses)}, so it was not removed.")
            return False
        old = {k: v for k, v in row.items() if k != "used_by"}
        return self._run(
            reference_change(self.spec.table, row["id"], old, None, text=f"Remove {self.spec.singular}")
        )

    def _run(self, command: Any) -> bool:
        """Run a command through the window's undo stack and show the list as it now is."""
        done = self.window.lines_model.execute(command)
        self.reload()
        return done


class ReferenceListDialog(QDialog):
    """A window over one reference list with Add and Remove buttons."""

    def __init__(self, window: MainWindow, table: str, parent: QWidget | None = None) -> None:
        """A dialog over one reference list of ``window``'s workspace."""
        super().__init__(parent or window)
        self.model = ReferenceListModel(window, table, self)
        spec = self.model.spec
        self.setObjectName(f"{table}ListDialog")
        self.setWindowTitle(spec.plural)
        self.table = QTableView(self)
        self.table.setObjectName(f"{table}List")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Every column shares the width by what it holds (the name most); a cut cell's tooltip has it all.
        from jmg_desktop.ui.columns import ColumnFit, install_full_text_tooltips

        self.column_fit = ColumnFit(
            self.table, {column: 2.0 if column == 0 else 1.0 for column in range(self.model.columnCount())}
        )
        install_full_text_tooltips(self.table, self)
        self.message = QLabel(self)
        self.message.setObjectName("referenceMessage")
        self.message.setWordWrap(True)
        self.model.message.connect(self.message.setText)
        window.lines_model.message.connect(self.message.setText)
        self.add_button = QPushButton(f"Add {spec.singular}", self)
        self.remove_button = QPushButton(f"Remove {spec.singular}", self)
        read_only = window.is_read_only()
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        intro = QLabel(
            "Double-click a cell to change it. Every change can be undone with Edit ▸ Undo. An entry "
            "that lines still use cannot be removed.",
            self,
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        window.undo_stack.indexChanged.connect(self._reload)
        self.resize(720, 400)

    def _reload(self, *_signal_args: object) -> None:
        """After any undo or redo, show the list as it now is."""
        self.model.reload()

    def _add(self) -> None:
        """Add an entry and start editing its name."""
        if self.model.add_entry():
            row = self.model.rowCount() - 1
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.edit(self.model.index(row, 0))

    def _remove(self) -> None:
        """Remove the current entry (refused, with the reason, while something uses it)."""
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove_entry(index.row())
