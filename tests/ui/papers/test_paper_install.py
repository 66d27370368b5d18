"""The paper page inside the main window: File ▸ Export Paper as PDF…, selection and line edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from jmg_desktop.ui.main_window import MainWindow
from jmg_desktop.ui.papers.editor import PaperEditor
from jmg_desktop.ui.papers.install import install


@pytest.fixture
def window(qtbot) -> MainWindow:
    win = MainWindow(install_features=False)
    qtbot.addWidget(win)
    install(win)
    return win


def test_install_adds_the_page_and_the_export_action(window: MainWindow) -> None:
    page = window.paper_page  # type: ignore[attr-defined]
    assert not page.has_content()  # the editor (and Typst) wait until the page is needed
    assert window.findChild(PaperEditor, "paperEditor") is None
    window.show()
    window.pages.setCurrentWidget(page)
    editor = window.findChild(PaperEditor, "paperEditor")
    assert isinstance(editor, PaperEditor) and editor.isVisible()
    assert isinstance(window.findChild(QWidget, "paperPreview"), QWidget)
    texts = [action.text().replace("&", "") for action in window.menu_file.actions() if action.text()]
    assert "Export Paper as PDF…" in texts
    assert texts.index("Export Paper as PDF…") == texts.index("Close") - 1
    assert any(window.pages.tabText(i) == "Paper" for i in range(window.pages.count()))


def test_opening_the_demo_shows_its_paper_and_export_writes_it(
    qtbot, window: MainWindow, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.open_path(demo_path)
    page = window.paper_page  # type: ignore[attr-defined]
    assert not page.has_content()
    editor = page.content()  # built after the workspace was opened: it catches up
    assert isinstance(editor, PaperEditor) and window.paper_editor is editor  # type: ignore[attr-defined]
    assert editor.current_paper_id() == 2  # the newest of the demo's two papers
    # Hidden behind another tab, the preview is not rendered (no work for a page nobody sees)...
    assert editor.preview.document.pageCount() == 0
    window.show()
    window.pages.setCurrentWidget(page)
    # ...and catches up as soon as the page is shown (the quarter 2 monitoring report: 4 pages).
    qtbot.waitUntil(lambda: editor.preview.document.pageCount() == 4, timeout=10_000)
    target = tmp_path / "annex.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "PDF files (*.pdf)"))
    action = next(a for a in window.menu_file.actions() if a.objectName() == "exportPaperAction")
    action.trigger()
    assert target.read_bytes().startswith(b"%PDF-")
    assert window.pages.currentWidget() is page
    editor.preview.wait()


def test_export_without_a_workspace_says_there_is_nothing_to_export(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", ""))
    messages = []
    monkeypatch.setattr(window, "show_message", messages.append)
    next(a for a in window.menu_file.actions() if a.objectName() == "exportPaperAction").trigger()
    assert asked == []
    assert messages and "no paper to export" in messages[0]


def test_export_before_the_page_was_ever_opened_builds_it_and_writes_the_pdf(
    window: MainWindow, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.open_path(demo_path)
    window.show()
    assert not window.paper_page.has_content()  # type: ignore[attr-defined]
    target = tmp_path / "first.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "PDF files (*.pdf)"))
    next(a for a in window.menu_file.actions() if a.objectName() == "exportPaperAction").trigger()
    assert target.read_bytes().startswith(b"%PDF-")
    editor = window.paper_editor  # type: ignore[attr-defined]
    assert editor.current_paper_id() == 2  # the newest of the demo's two papers
    editor.preview.wait()
