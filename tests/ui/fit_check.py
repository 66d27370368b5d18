"""Checks that text fits where a user reads it: no label, button, tab or column heading cut, and
every cut table cell offering its full text in the tooltip. Used by the laptop-screen tests."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QWidget,
)

from jmg_desktop.ui.columns import cell_is_elided, cell_tooltip

__all__ = ["cut_texts", "is_title_case", "save_shot"]

# Words Qt's title case leaves small (after the first word).
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def is_title_case(title: str) -> bool:
    """True for "Copy Lines to 2010/11" and "Save a Copy As"; the part after " — " names data."""
    words = title.split(" — ")[0].replace("…", "").split()
    for position, word in enumerate(words):
        first = next((c for c in word if c.isalpha()), None)
        if first is None:
            continue
        if position and word.lower() in _SMALL and position != len(words) - 1:
            continue
        if not first.isupper():
            return False
    return True


def _plain(text: str) -> str:
    """The text as drawn: mnemonic ampersands gone (a doubled one is a literal "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _literal_ampersand(label: QLabel) -> str | None:
    """A plain label with a mnemonic "&" but no buddy draws the "&" itself ("&Meeting:")."""
    text = label.text().replace("&&", "")
    rich = label.textFormat() == Qt.TextFormat.RichText or GuiQt.mightBeRichText(label.text())
    if "&" in text and label.buddy() is None and not rich:
        return f"label {label.text()!r} shows its '&' (no buddy)"
    return None


def _label(label: QLabel) -> str | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    if label.wordWrap() or label.textFormat() == Qt.TextFormat.RichText or GuiQt.mightBeRichText(text):
        # Wrapped (and rich) text is cut only when it needs more height than it is given.
        if label.hasHeightForWidth() and label.heightForWidth(label.width()) > label.height() + 1:
            return f"label {text[:60]!r} needs {label.heightForWidth(label.width())} px, has {label.height()}"
        return None
    room = label.contentsRect().width() - 2 * label.margin() - max(label.indent(), 0)
    shown = _plain(text) if label.buddy() is not None else text
    widest = max(QFontMetrics(label.font()).horizontalAdvance(part) for part in shown.split("\n"))
    return f"label {text!r} needs {widest} px, has {room}" if widest > room else None


def _button(button: QAbstractButton) -> str | None:
    if not isinstance(button, (QPushButton, QCheckBox, QRadioButton)) or not button.text():
        return None
    need = button.sizeHint().width()
    return (
        f"button {button.text()!r} needs {need} px, has {button.width()}"
        if need > button.width() + 1
        else None
    )


def _combo(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text:
        return None
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    need = QFontMetrics(combo.font()).horizontalAdvance(text)
    if need <= room.width() or text in combo.toolTip():  # cut, but the tooltip has it all
        return None
    return f"list {text!r} needs {need} px, has {room.width()}"


def _tabs(bar: QTabBar) -> list[str]:
    return [
        f"tab {bar.tabText(i)!r} cut"
        for i in range(bar.count())
        if bar.isTabVisible(i) and bar.tabRect(i).width() < bar.tabSizeHint(i).width() - 1
    ]


def _header(header: QHeaderView) -> list[str]:
    if header.orientation() != Qt.Orientation.Horizontal or header.model() is None:
        return []
    out = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(header.model().headerData(section, Qt.Orientation.Horizontal) or "")
        need = header.sectionSizeFromContents(section).width()  # what Qt draws it in full with
        if text and header.sectionSize(section) < need - 1:
            out.append(f"heading {text!r} needs {need} px, has {header.sectionSize(section)}")
    return out


def _cells(view: QAbstractItemView) -> list[str]:
    """Cut cells whose tooltip does not give their full text."""
    model = view.model()
    if model is None or not hasattr(view, "rowAt"):
        return []
    delegate_says = getattr(view.itemDelegate(), "shows_full_text", False)
    viewport = view.viewport().rect()
    first, last = view.rowAt(viewport.top()), view.rowAt(viewport.bottom())
    last = model.rowCount() - 1 if last < 0 else last
    out = []
    for row in range(max(first, 0), last + 1):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            if view.isColumnHidden(column) or not cell_is_elided(view, index):
                continue
            text = str(index.data())
            tip = (
                cell_tooltip(view, index)
                if delegate_says
                else str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
            )
            if text not in (tip or ""):
                out.append(f"cell {text[:40]!r} cut without its full text in the tooltip")
    return out


def cut_texts(root: QWidget) -> list[str]:
    """Everything visible under ``root`` whose text does not fit, described for a failure."""
    out: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if isinstance(widget, QLabel):
            problem = _literal_ampersand(widget) or _label(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo(widget)
        else:
            problem = None
            if isinstance(widget, QTabBar):
                out.extend(_tabs(widget))
            elif isinstance(widget, QHeaderView):
                out.extend(_header(widget))
            elif isinstance(widget, QAbstractItemView):
                out.extend(_cells(widget))
        if problem:
            out.append(f"{widget.objectName() or type(widget).__name__}: {problem}")
    return out


def save_shot(widget: QWidget, name: str) -> None:
    """Save a PNG of ``widget`` under ``$JMG_SHOTS_DIR`` when it is set (for looking at)."""
    folder = os.environ.get("JMG_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))
