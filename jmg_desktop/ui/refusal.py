"""A refused cell entry cannot be missed: the editor stays open on the cell with the typed text,
and the reason is shown beside it until the text is corrected or Esc is pressed.

Qt's item views commit and close an editor on Enter, Tab and on moving to another cell, whatever
the model says; a refusal then only reaches the status bar and the typed text is gone.
:class:`KeepsRefusedEditor` is mixed into a table view (before ``QTableView``) and asks its
delegate's ``refusal(editor, index)`` before committing: while that returns a reason, nothing is
committed and the editor is not closed, except by Esc (which puts the cell back as it was).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QWidget,
)

__all__ = ["KeepsRefusedEditor", "RefusalNote", "editor_text"]


def editor_text(editor: QWidget) -> str:
    """What the user has typed or picked in a cell editor."""
    if isinstance(editor, QComboBox):
        return editor.currentText()
    if isinstance(editor, QLineEdit):
        return editor.text()
    return ""


class RefusalNote(QLabel):
    """The reason an entry is refused, drawn beside its cell inside the view's viewport."""

    def __init__(self, viewport: QWidget) -> None:
        """A hidden note over ``viewport``."""
        super().__init__(viewport)
        self.setObjectName("cellRefusal")
        self.setAccessibleName("Entry refused")
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet(
            "QLabel#cellRefusal { background: #fff0f0; color: #8a0010; border: 1px solid #c0303a;"
            " padding: 4px; }"
        )
        self.hide()

    def show_beside(self, cell: QRect, text: str) -> None:
        """Show ``text`` just below ``cell`` (above it when there is no room below)."""
        viewport = self.parentWidget()
        assert viewport is not None
        self.setText(text)
        width = min(max(cell.width(), 320), max(viewport.width() - 8, 120))
        self.setFixedWidth(width)
        height = self.heightForWidth(width)
        self.setFixedHeight(height if height > 0 else self.sizeHint().height())
        left = max(0, min(cell.left(), viewport.width() - width))
        top = cell.bottom() + 2
        if top + self.height() > viewport.height():
            top = max(0, cell.top() - self.height() - 2)
        self.move(QPoint(left, top))
        self.show()
        self.raise_()


class KeepsRefusedEditor:
    """Mix into a ``QTableView`` subclass (listed first); its delegate supplies ``refusal``."""

    def _refusal_note(self) -> RefusalNote:
        note = getattr(self, "_note", None)
        if note is None:
            note = RefusalNote(self.viewport())  # type: ignore[attr-defined]
            self._note = note
        return note

    @property
    def refusal_text(self) -> str:
        """The reason shown beside the cell being edited, or "" when none is shown."""
        note = getattr(self, "_note", None)
        return note.text() if note is not None and note.isVisible() else ""

    def _refusal(self, editor: QWidget) -> str | None:
        """The delegate's reason for refusing what ``editor`` holds, or None."""
        view: QAbstractItemView = self  # type: ignore[assignment]
        index = getattr(self, "_editing", None)
        if index is None or not index.isValid():
            return None
        check = getattr(view.itemDelegateForIndex(QModelIndex(index)), "refusal", None)
        return check(editor, QModelIndex(index)) if check is not None else None

    def edit(self, index, trigger=None, event=None):  # type: ignore[no-untyped-def]
        """Remember which cell is being edited (to check its editor later)."""
        if trigger is None:  # the public slot: Qt calls back with a trigger
            return super().edit(index)  # type: ignore[misc]
        started = super().edit(index, trigger, event)  # type: ignore[misc]
        if started:
            self._editing = QPersistentModelIndex(index)
        return started

    def _watch(self, editor: QWidget) -> None:
        """Re-check the text as it is corrected: a good entry clears the note at once."""
        if editor.property("refusalWatched"):
            return
        editor.setProperty("refusalWatched", True)
        line = editor.lineEdit() if isinstance(editor, QComboBox) else editor
        if isinstance(line, QLineEdit):
            line.textEdited.connect(lambda _text: self._recheck(editor))
        if isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i: self._recheck(editor))

    def _recheck(self, editor: QWidget) -> None:
        """Update or clear the note while the user corrects the text."""
        note = getattr(self, "_note", None)
        if note is None or not note.isVisible():
            return
        reason = self._refusal(editor)
        if reason:
            note.show_beside(editor.geometry(), reason)
        else:
            note.hide()

    def commitData(self, editor: QWidget) -> None:
        """Commit only an entry the delegate accepts."""
        if self._refusal(editor):
            return
        super().commitData(editor)  # type: ignore[misc]

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Esc closes (the cell is left as it was); anything else keeps a refused entry open."""
        view: QAbstractItemView = self  # type: ignore[assignment]
        if hint != QAbstractItemDelegate.EndEditHint.RevertModelCache:
            reason = self._refusal(editor)
            if reason:
                index = getattr(self, "_editing", None)
                if index is not None and index.isValid() and view.currentIndex() != QModelIndex(index):
                    # Moved away by a click or an arrow: come back to the refused cell.
                    view.selectionModel().setCurrentIndex(
                        QModelIndex(index), QItemSelectionModel.SelectionFlag.ClearAndSelect
                    )
                self._refusal_note().show_beside(editor.geometry(), reason)
                self._watch(editor)
                editor.setFocus()
                if isinstance(editor, QLineEdit):
                    editor.selectAll()
                return
        note = getattr(self, "_note", None)
        if note is not None:
            note.hide()
        self._editing = None
        super().closeEditor(editor, hint)  # type: ignore[misc]
        self._after_close(hint)

    def _after_close(self, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """What the view does once an editor closed (a spreadsheet moves down after Enter)."""
