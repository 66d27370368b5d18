"""The paper editor and preview: live preview, saving, read-only finals, versions, export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import update

from jmg_desktop.papers import service
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.papers.accept_dialog import AcceptDifferencesDialog
from jmg_desktop.ui.papers.editor import PaperEditor


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def editor(qtbot, demo_workspace: Workspace) -> PaperEditor:
    widget = PaperEditor()
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.set_workspace(demo_workspace)
    # The demo has two papers and the editor opens the newest (the quarter 2 monitoring report):
    # these tests work on the cabinet annex, the first.
    widget.open_paper(service.list_papers(demo_workspace)[0].id)
    qtbot.waitUntil(
        lambda: bool(widget.preview.last_pdf) and "Widening its Scope" in _text(widget.preview.last_pdf),
        timeout=10_000,
    )
    return widget


def press_accept(qtbot, dialog) -> None:
    """As a user at the keyboard: Tab to the dialog's accept button, then press Space."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    for _ in range(6):
        if dialog.go.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Tab)
    assert dialog.go.hasFocus(), "Tab reaches the accept button"
    qtbot.keyClick(dialog.go, Qt.Key.Key_Space)


def _error_text(widget: PaperEditor) -> str:
    box = widget.findChild(QMessageBox, "errorDialog")
    assert box is not None, "no error dialog was shown"
    return box.text()


def test_editor_shows_the_demo_paper_and_its_preview(editor: PaperEditor) -> None:
    assert editor.objectName() == "paperEditor"
    assert editor.preview.objectName() == "paperPreview"
    assert editor.title.text().startswith("Older People’s Pooled Budget")
    assert editor.annex_labels.toPlainText() == "ANNEX 1\nANNEX 4(b)"
    assert editor.section_list.count() == 5
    assert editor.preview.document.pageCount() == 3
    assert "£86.946 million" in _text(editor.preview.last_pdf)


def test_typing_saves_after_a_pause_and_the_preview_follows(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    paper_id = editor.current_paper_id()
    assert paper_id is not None
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "Widening the pool")
    editor.title.insert(" – Ŵ")  # QTest can only type ASCII; insert() is an edit like typing
    # Nothing is saved or rendered on the keystroke itself: the save waits for a pause.
    assert editor._save_timer.isActive()
    assert service.load_document(demo_workspace, paper_id)[1].title.startswith("Older People")
    qtbot.waitUntil(
        lambda: service.load_document(demo_workspace, paper_id)[1].title == "Widening the pool – Ŵ"
    )
    qtbot.waitUntil(lambda: "Widening the pool – Ŵ" in _text(editor.preview.last_pdf), timeout=10_000)


def test_sections_can_be_added_renamed_moved_and_get_figures(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    paper_id = editor.current_paper_id()
    editor.section_list.setCurrentRow(4)
    editor.add_section()
    editor.section_heading.selectAll()
    qtbot.keyClicks(editor.section_heading, "Risks")
    editor.section_body.setFocus()
    editor.insert_figure("current_value")
    editor.move_section(-1)
    editor.commit()
    document = service.load_document(demo_workspace, paper_id)[1]
    headings = [section.heading for section in document.sections]
    assert headings[4:6] == ["Risks", "Financial and legal implications"]
    assert document.sections[4].body.strip() == "{{figures:current_value}}"
    qtbot.waitUntil(lambda: "Risks" in _text(editor.preview.last_pdf), timeout=10_000)


def test_final_paper_is_read_only_and_new_version_is_editable(qtbot, editor: PaperEditor) -> None:
    first = editor.current_paper_id()
    assert editor.finalise(confirm=False) is True
    assert editor.title.isReadOnly() and editor.section_body.isReadOnly()
    assert not editor.insert_figures.isEnabled()
    assert editor.banner.isVisible() or not editor.isVisible()
    assert "is final" in editor.banner.text()
    qtbot.keyClicks(editor.title, "x")
    assert not editor._save_timer.isActive()
    second = editor.new_version()
    assert second is not None and second != first
    assert not editor.title.isReadOnly()
    assert editor.version_label.text() == "2 (draft)"


def test_confirmation_question_is_offered_before_finalising(editor: PaperEditor) -> None:
    box = editor.finalise(confirm=True)
    assert isinstance(box, QMessageBox) and box.objectName() == "finaliseQuestion"
    assert "can no longer be edited" in box.text()
    box.reject()
    assert not editor.title.isReadOnly()


def _accept_dialog(qtbot, editor: PaperEditor) -> AcceptDifferencesDialog:
    """The Accept Differences question the editor has open, shown on screen."""
    shown = [d for d in editor.findChildren(AcceptDifferencesDialog) if d.isVisible()]
    assert len(shown) == 1, "no Accept Differences question was asked"
    qtbot.waitExposed(shown[0])
    return shown[0]


def test_export_asks_to_accept_a_difference_and_the_pdf_and_preview_footnote_it(
    qtbot, editor: PaperEditor, demo_workspace: Workspace, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("LOGNAME", "helen.marsh")
    monkeypatch.setenv("USER", "helen.marsh")
    with demo_workspace.writing() as session:
        session.execute(
            update(PoolLine).where(PoolLine.service == "Intermediate care").values(amount_pence=0)
        )
    editor.refresh()
    qtbot.waitUntil(lambda: editor.differences.isVisibleTo(editor), timeout=10_000)
    assert editor.accept_button.isVisibleTo(editor)
    assert "• New value (pool alone): stated £86,946,000.00" in editor.differences.text()
    target = tmp_path / "annex.pdf"
    assert editor.export_to(target) is False
    dialog = _accept_dialog(qtbot, editor)
    assert [dialog.table.item(0, column).text() for column in range(4)] == [
        "New value",
        "£86,946,000.00",
        "£81,836,000.00",
        "-£5,110,000.00",
    ]
    assert "helen.marsh accepted these figures" in dialog.explanation.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel: nothing accepted, nothing written
    assert not dialog.isVisible() and not target.exists()
    assert all(not d.accepted for d in service.paper_differences(demo_workspace, editor.current_paper_id()))
    assert editor.export_to(target) is False
    dialog = _accept_dialog(qtbot, editor)
    press_accept(qtbot, dialog)  # Tab to “Accept and Export”, Space
    assert target.exists(), "accepting went on to write the PDF"
    text = _text(target.read_bytes())
    assert "will be £81.836 million1, or £89.726 million2" in text
    assert (
        "Published as £86,946,000.00 (the new value). The lines give £81,836,000.00, £5,110,000.00 less"
    ) in text
    assert "Difference accepted by helen.marsh on " in text
    qtbot.waitUntil(
        lambda: "Difference accepted by helen.marsh" in _text(editor.preview.last_pdf), timeout=10_000
    )
    assert not editor.accept_button.isVisibleTo(editor)
    assert "✓ New value (pool alone)" in editor.differences.text()
    assert "Accepted by helen.marsh on" in editor.differences.text()
    # Undo withdraws the acceptance: the preview loses the footnote and export asks again.
    assert editor.undo_stack.undoText() == "Accept Differences"
    editor.undo_stack.undo()
    qtbot.waitUntil(lambda: "Difference accepted" not in _text(editor.preview.last_pdf), timeout=10_000)
    assert editor.accept_button.isVisibleTo(editor)
    editor.undo_stack.redo()
    qtbot.waitUntil(lambda: "Difference accepted" in _text(editor.preview.last_pdf), timeout=10_000)


def test_export_to_an_unusable_place_says_why_and_keeps_the_earlier_file(
    editor: PaperEditor, tmp_path: Path
) -> None:
    assert editor.export_to(tmp_path / "nowhere" / "annex.pdf") is False
    assert "does not exist" in _error_text(editor)
    earlier = tmp_path / "annex.pdf"
    earlier.write_bytes(b"issued")
    assert editor.export_to(tmp_path) is False  # a folder, not a file
    assert earlier.read_bytes() == b"issued"


def test_unsupported_characters_are_reported_in_the_preview_and_on_export(
    qtbot, editor: PaperEditor, tmp_path: Path
) -> None:
    editor.section_body.setFocus()
    editor.section_body.moveCursor(editor.section_body.textCursor().MoveOperation.End)
    editor.section_body.insertPlainText(" 日本")
    editor.commit()
    qtbot.waitUntil(lambda: "日" in editor.preview.message.text(), timeout=10_000)
    assert editor.export_to(tmp_path / "a.pdf") is False
    assert "U+65E5" in _error_text(editor)
    assert not (tmp_path / "a.pdf").exists()


def test_new_paper_starts_from_the_starter_sections(qtbot, editor: PaperEditor) -> None:
    editor.set_context(2, 2009)
    paper_id = editor.new_paper()
    assert paper_id is not None and editor.current_paper_id() == paper_id
    assert editor.title.text() == "Physical Disabilities Pooled Budget 2009/10"
    assert editor.section_list.item(2).text() == "Budget changes"
    assert editor.paper_selector.count() == 3  # the demo's two papers and the new one
    qtbot.waitUntil(lambda: "Physical Disabilities" in _text(editor.preview.last_pdf), timeout=10_000)


def test_read_only_workspace_allows_preview_and_export_only(qtbot, demo_path: Path, tmp_path: Path) -> None:
    with Workspace.open(demo_path, read_only=True) as workspace:
        widget = PaperEditor()
        qtbot.addWidget(widget)
        widget.set_workspace(workspace)
        assert widget.title.isReadOnly() and not widget.new_button.isEnabled()
        assert "read-only" in widget.banner.text()
        assert widget.export_to(tmp_path / "a.pdf") is True
        widget.preview.wait()


def test_key_parts_have_accessible_names(editor: PaperEditor) -> None:
    for widget in (
        editor.title,
        editor.section_body,
        editor.recommendations,
        editor.preview,
        editor.paper_selector,
    ):
        assert widget.accessibleName()
    assert editor.title.focusPolicy() != Qt.FocusPolicy.NoFocus


def test_final_paper_preview_shows_the_issued_pdf(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    paper_id = editor.current_paper_id()
    assert editor.finalise(confirm=False) is True
    issued = service.paper_pdf(demo_workspace, paper_id)
    qtbot.waitUntil(lambda: editor.preview.last_pdf == issued, timeout=10_000)


def test_delete_draft_asks_then_removes_only_drafts(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    box = editor.delete_draft(confirm=True)
    assert isinstance(box, QMessageBox) and "audit trail" in box.text()
    box.reject()
    assert len(service.list_papers(demo_workspace)) == 2  # both demo papers are still there
    first = editor.current_paper_id()
    editor.finalise(confirm=False)
    assert not editor.delete_button.isEnabled()
    second = editor.new_version()
    assert editor.delete_draft(confirm=False) is True
    remaining = [record.id for record in service.list_papers(demo_workspace)]
    assert first in remaining and second not in remaining and len(remaining) == 2
    # The editor then shows the newest paper in the list (with the demo's two papers, the monitoring
    # report), not necessarily the version the deleted draft came from.
    assert editor.current_paper_id() in remaining and second != first


def test_an_acceptance_covers_only_the_figures_accepted(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    def set_intermediate_care(pence: int) -> None:
        with demo_workspace.writing() as session:
            session.execute(
                update(PoolLine).where(PoolLine.service == "Intermediate care").values(amount_pence=pence)
            )

    set_intermediate_care(0)
    editor.refresh()
    qtbot.waitUntil(lambda: editor.accept_button.isVisibleTo(editor), timeout=10_000)
    qtbot.mouseClick(editor.accept_button, Qt.MouseButton.LeftButton)
    dialog = _accept_dialog(qtbot, editor)
    press_accept(qtbot, dialog)  # Tab to “Accept”, Space
    qtbot.waitUntil(lambda: not editor.accept_button.isVisibleTo(editor), timeout=10_000)
    set_intermediate_care(100_000_000)
    editor.refresh()
    qtbot.waitUntil(lambda: "-£4,110,000.00" in editor.differences.text(), timeout=10_000)
    assert editor.accept_button.isVisibleTo(editor), "the new figures are not accepted"
    assert "✓" not in editor.differences.text()
    assert editor.finalise(confirm=True) is not None
    assert _accept_dialog(qtbot, editor).go.text() == "&Accept and Make Final"


def test_with_no_sections_the_body_cannot_swallow_typing(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    while editor.section_list.count():
        editor.section_list.setCurrentRow(0)
        editor.remove_section()
    assert editor.section_body.isReadOnly() and editor.section_heading.isReadOnly()
    assert "no sections yet" in editor.section_body.placeholderText()
    editor.add_section()
    assert not editor.section_body.isReadOnly()
    editor.commit()
    headings = [
        s.heading for s in service.load_document(demo_workspace, editor.current_paper_id())[1].sections
    ]
    assert headings == ["New section"]


def test_figures_can_describe_another_partner_or_all_partners(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    assert editor.about_label.text() == "Older People, 2009/10"
    assert editor.partner.currentText() == "Oxfordshire County Council"
    editor.partner.setCurrentIndex(editor.partner.findText("Oxfordshire Primary Care Trust"))
    editor.commit()
    record = service.load_document(demo_workspace, editor.current_paper_id())[0]
    assert record.partner_id == 2
    qtbot.waitUntil(
        lambda: "Primary Care Trust’s contribution" in _text(editor.preview.last_pdf), timeout=10_000
    )
    assert "is £17.347 million" in _text(editor.preview.last_pdf)
    editor.partner.setCurrentIndex(editor.partner.findData(None))
    editor.commit()
    assert service.load_document(demo_workspace, editor.current_paper_id())[0].partner_id is None


def test_inserting_a_projection_shows_its_options_and_previews_the_table(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    editor.section_list.setCurrentRow(4)
    editor.section_body.moveCursor(editor.section_body.textCursor().MoveOperation.End)
    editor.insert_figure("projection")
    assert editor.section_body.toPlainText().endswith('\n{{figures:projection scenario="" years=5}}\n')
    editor.commit()
    qtbot.waitUntil(lambda: "Year (£m)" in _text(editor.preview.last_pdf), timeout=10_000)
    assert "2014/15" in _text(editor.preview.last_pdf)


def test_the_preview_worker_never_uses_the_gui_threads_workspace(
    qtbot, editor: PaperEditor, demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window closes the old workspace before telling the editor; a worker reading through the
    # GUI thread's connections could then crash the process. It must read through its own handle.
    seen: list[object] = []
    original = service.draft_preview

    def spy(workspace: Workspace, paper_id: int) -> object:
        seen.append(workspace.engine)
        return original(workspace, paper_id)

    monkeypatch.setattr(service, "draft_preview", spy)
    for _ in range(3):
        editor.refresh()
        demo_workspace.engine.dispose()
    qtbot.waitUntil(lambda: not editor.preview.busy, timeout=20_000)
    assert seen and all(engine is not demo_workspace.engine for engine in seen)
    assert editor.preview.message.text() == ""
    assert editor.preview.document.pageCount() == 3


def test_a_section_ticked_welsh_is_saved_and_tagged_welsh_in_the_preview(
    qtbot, editor: PaperEditor, demo_workspace: Workspace
) -> None:
    import pikepdf

    paper_id = editor.current_paper_id()
    editor.section_list.setCurrentRow(1)
    editor.section_welsh.setFocus()
    qtbot.keyClick(editor.section_welsh, Qt.Key.Key_Space)
    assert editor.section_welsh.isChecked()
    editor.commit()
    document = service.load_document(demo_workspace, paper_id)[1]
    assert [section.language for section in document.sections] == ["", "cy", "", "", ""]

    def welsh_tagged() -> bool:
        with pikepdf.open(io.BytesIO(editor.preview.last_pdf)) as pdf:
            return "/Lang (cy)" in "".join(
                str(obj.get("/Lang", "")) and f"/Lang ({obj.Lang})"
                for obj in pdf.objects
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem"
            )

    qtbot.waitUntil(welsh_tagged, timeout=10_000)
    editor.section_list.setCurrentRow(0)
    assert not editor.section_welsh.isChecked()  # each section keeps its own language
    editor.section_list.setCurrentRow(1)
    assert editor.section_welsh.isChecked()
