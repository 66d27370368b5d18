"""Cell editors that fit each column: lists for partner, status and kind, an editable list for category
(typing a new name adds it to the workspace's list), and plain text for the rest.

Every editor hands the model the text a user would type, so the same parsing and the same refusal
messages apply whether a value is typed, picked or pasted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QWidget,
)

from jmg_desktop.core.line_kinds import KIND_LABELS
from jmg_desktop.ui.columns import full_text_tooltip
from jmg_desktop.ui.lines.model import (
    COLUMN_AMOUNT,
    COLUMN_CATEGORY,
    COLUMN_KIND,
    COLUMN_PARTNER,
    COLUMN_SCHEME_FIRST,
    COLUMN_STATUS,
    PoolLinesModel,
)
from jmg_desktop.ui.lines.scheme_columns import scheme_choices
from jmg_desktop.ui.refusal import editor_text

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

__all__ = ["LinesDelegate"]

_Index = QModelIndex | QPersistentModelIndex


class LinesDelegate(QStyledItemDelegate):
    """The editor for each column of the pool lines table."""

    #: A cut cell's tooltip leads with its full text (see :mod:`jmg_desktop.ui.columns`).
    shows_full_text = True

    def __init__(self, model: PoolLinesModel, parent: QWidget | None = None) -> None:
        """Editors for ``model``'s columns."""
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        """A list for partner, status and category; a line edit otherwise."""
        column = index.column()
        refs = self._model.references
        if column >= COLUMN_SCHEME_FIRST:
            choices = scheme_choices(self._model, index)
            if choices is not None:
                combo = QComboBox(parent)
                combo.setObjectName(f"editor{column}")
                combo.addItems(choices)
                return combo
        if column == COLUMN_KIND:
            combo = QComboBox(parent)
            combo.setObjectName(f"editor{column}")
            combo.addItems(list(KIND_LABELS.values()))
            return combo
        if column in (COLUMN_PARTNER, COLUMN_STATUS, COLUMN_CATEGORY):
            combo = QComboBox(parent)
            combo.setObjectName(f"editor{column}")
            if column == COLUMN_PARTNER:
                combo.addItems([item.name for item in refs.partners])
            elif column == COLUMN_STATUS:
                combo.addItems([item.name for item in refs.statuses])
            else:
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                combo.addItems(["", *(item.name for item in refs.categories)])
                combo.lineEdit().setPlaceholderText("Type a new category to add it")
            return combo
        editor = QLineEdit(parent)
        editor.setObjectName(f"editor{column}")
        editor.setFrame(False)
        if column == COLUMN_AMOUNT:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
            editor.setPlaceholderText("e.g. 3,342,000 or £3.342m")
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        """Start from the cell's current text."""
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            found = editor.findText(text)
            if found >= 0:
                editor.setCurrentIndex(found)
            elif editor.isEditable():
                editor.setEditText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)

    def refusal(self, editor: QWidget, index: _Index) -> str | None:
        """Why the text in ``editor`` cannot go into ``index``'s cell, or None when it can."""
        from jmg_desktop.core.validation import CellError, check_name

        text = editor_text(editor)
        if index.column() == COLUMN_CATEGORY and text.strip():
            taken = self._model.references.choices("category_id")
            if " ".join(text.split()).casefold() not in taken:
                checked = check_name(
                    text, title="Category", taken={i.name for i in self._model.references.categories}
                )
                return checked.message if isinstance(checked, CellError) else None
        return self._model.refusal(index, text)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        """Hand the text to the model; a category not yet in the list is added in the same step."""
        if isinstance(editor, QComboBox):
            text = editor.currentText()
            if (
                index.column() == COLUMN_CATEGORY
                and text.strip()
                and " ".join(text.split()).casefold() not in self._model.references.choices("category_id")
            ):
                self._model.add_category_and_set(index, text)
                return
        elif isinstance(editor, QLineEdit):
            text = editor.text()
        else:  # pragma: no cover - every editor is one of the two
            return
        model.setData(index, text, Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:
        """Fill the cell, and grow past it when the editor needs more room (a list showing
        "Proposed addition" in full), staying inside the table."""
        rect = option.rect  # type: ignore[attr-defined]
        hint = editor.sizeHint()
        width = max(rect.width(), hint.width()) if isinstance(editor, QComboBox) else rect.width()
        height = max(rect.height(), editor.minimumSizeHint().height())
        left, top = rect.left(), rect.top()
        parent = editor.parentWidget()
        if parent is not None:
            left = max(0, min(left, parent.width() - width))
            top = max(0, min(top, parent.height() - height))
        editor.setGeometry(left, top, width, height)

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: _Index
    ) -> bool:
        """A cut cell's tooltip leads with its full text."""
        if full_text_tooltip(view, event, index):
            return True
        return super().helpEvent(event, view, option, index)
