"""Every page and main dialog is legible on a council laptop: at 1366×768, and at 1920×1080 with
150 % scaling (1280×720 pixels as the application lays out). Nothing a user must read is cut: no
label, button, tab or column heading, and a table cell that is cut gives its full text in its
tooltip. Set JMG_SHOTS_DIR to keep a PNG of each (run with QT_SCALE_FACTOR=1.5 to see 150 %)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from jmg_desktop.ui.main_window import MainWindow

_SCALE = float(os.environ.get("QT_SCALE_FACTOR", "1") or 1)
# (name, logical width, logical height): the screen as the application's layout sees it. A
# 1920x1080 screen at 150 % lays out in 1280x720; run with QT_SCALE_FACTOR=1.5 to draw it so.
SCREENS = [
    *([("1366x768", 1366, 768)] if _SCALE == 1 else []),
    ("1920x1080-150pc", 1280, 720),
]


def _settle(qtbot, widget: QWidget) -> None:
    """Let layouts, lazy pages and column fits run."""
    qtbot.waitExposed(widget)
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


@pytest.fixture(params=SCREENS, ids=[s[0] for s in SCREENS])
def laptop(request, qtbot, window: MainWindow):
    """The demo window at a laptop's size, with its lines selected as a user would."""
    name, width, height = request.param
    window.resize(width, height)
    window.show()
    _settle(qtbot, window)
    assert window.width() <= width and window.height() <= height, "the window is larger than the screen"
    return name, window


def test_every_page_is_legible(qtbot, laptop, fit_check) -> None:
    name, window = laptop
    pages = window.pages
    for index in range(pages.count()):
        pages.setCurrentIndex(index)
        _settle(qtbot, window)
        title = pages.tabText(index)
        fit_check.save_shot(window, f"{name}-page-{index}-{title.replace(' ', '_')}")
        assert fit_check.cut_texts(window) == [], title


def _dialogs(window: MainWindow) -> list[tuple[str, Callable[[], QWidget | None]]]:
    """The main dialogs, each opened as the menus open it (modal ones built directly)."""
    from jmg_desktop.ui.lines.linked_pools import LinkedPoolsDialog
    from jmg_desktop.ui.lines.paste import PasteDialog, plan_paste
    from jmg_desktop.ui.lines.references import ReferenceListDialog
    from jmg_desktop.ui.lines.roll_forward import RollForwardDialog
    from jmg_desktop.ui.lines.stated_totals import StatedTotalsDialog

    def register():
        window.pages.setCurrentIndex(3)
        view = window.findChild(QWidget, "agreementsView")
        view.table.selectRow(0)
        return view

    return [
        ("record-agreement", lambda: register().open_record_dialog(window.lines_model.all_line_ids()[:3])),
        ("move-status", lambda: register().open_move_dialog(register().model.summary(0).id)),
        ("edit-words", lambda: register().open_edit_dialog(register().model.summary(0).id)),
        ("new-meeting", lambda: register().open_meeting_dialog()),
        ("audit-trail", lambda: register().open_audit_dialog(register().model.summary(0).id)),
        ("line-history", lambda: register().open_line_history(window.lines_model.all_line_ids()[0])),
        ("linked-pools", lambda: LinkedPoolsDialog(window)),
        ("stated-totals", lambda: StatedTotalsDialog(window)),
        ("partners", lambda: ReferenceListDialog(window, "partner")),
        ("pools", lambda: ReferenceListDialog(window, "pool")),
        ("copy-to-next-year", lambda: RollForwardDialog(window.lines_model, window)),
        ("about", window.show_about),
        ("paste-review", lambda: _paste_review(window, PasteDialog, plan_paste)),
        ("workspace-audit-trail", lambda: _workspace_trail(window)),
        ("bcf-reference-lists", lambda: _bcf(window, "lists")),
        ("bcf-income", lambda: _bcf(window, "income")),
        ("bcf-conditions", lambda: _bcf(window, "conditions")),
    ]


_BCF_POOL = "Staffordshire Better Care Fund 2019/20 (illustrative)"


def _show_bcf_pool(window: MainWindow) -> None:
    """Select the demo's BCF pool (its lines use the scheme columns)."""
    names = [window.pool_list.item(r).text() for r in range(window.pool_list.count())]
    window.pool_list.setCurrentRow(names.index(_BCF_POOL))


def _bcf(window: MainWindow, which: str) -> QWidget | None:
    """A Tools ▸ Better Care Fund dialog over the BCF pool, as the menu opens it."""
    from jmg_desktop.ui.bcf.install import open_bcf_dialog

    _show_bcf_pool(window)
    return open_bcf_dialog(window, which, modal=False)  # type: ignore[return-value]


def _paste_review(window: MainWindow, dialog_class, plan_paste) -> QWidget:
    """The review of a paste with refused cells, as pasting "abc / 1,2,3" on the sixth line shows it."""
    rows = [["abc", "=HYPERLINK()"], ["1,2,3", "fine"]]

    def replan(block):
        return plan_paste(window.lines_model, block, anchor_row=5, anchor_column=4)

    return dialog_class(replan(rows), window, rows=rows, replan=replan, parse=window.lines_model.parse)


def _workspace_trail(window: MainWindow) -> QWidget:
    """View ▸ Audit Trail… after a partner change, as a user opens it."""
    from jmg_desktop.ui.audit.trail import open_audit_trail

    model = window.lines_model
    model.setData(model.index(10, 2), "PCT")
    return open_audit_trail(window)


def test_every_main_dialog_is_legible(qtbot, laptop, fit_check) -> None:
    name, window = laptop
    for title, opener in _dialogs(window):
        dialog = opener()
        assert dialog is not None, title
        dialog.show()
        _settle(qtbot, dialog)
        fit_check.save_shot(dialog, f"{name}-dialog-{title}")
        assert dialog.width() <= window.width() and dialog.height() <= window.height(), title
        assert fit_check.is_title_case(dialog.windowTitle()), dialog.windowTitle()
        assert fit_check.cut_texts(dialog) == [], title
        if isinstance(dialog, QDialog):
            dialog.reject()
        dialog.close()
        dialog.deleteLater()
        QApplication.processEvents()


def test_the_bcf_pool_with_its_scheme_columns_is_legible(qtbot, laptop, fit_check) -> None:
    name, window = laptop
    _show_bcf_pool(window)
    _settle(qtbot, window)
    fit_check.save_shot(window, f"{name}-bcf-pool")
    view = window.lines_view
    assert view.scheme_columns.shown
    assert fit_check.cut_texts(window) == []
