"""``paperPreview``: builds and renders off the GUI thread; only the newest request is shown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from jmg_desktop.papers.model import PaperView, Paragraph, Run, Section
from jmg_desktop.ui.papers.preview import PaperPreview


def _view(title: str) -> PaperView:
    return PaperView(
        title=title, created=datetime(2009, 1, 1), sections=(Section("S", (Paragraph((Run("x"),)),)),)
    )


def test_build_and_render_run_off_the_gui_thread_and_hand_back_extras(qtbot) -> None:
    preview = PaperPreview()
    qtbot.addWidget(preview)
    threads: list[threading.Thread] = []
    extras: list[object] = []
    preview.extraReady.connect(extras.append)

    def build() -> tuple[PaperView, object]:
        threads.append(threading.current_thread())
        return _view("One"), ["difference"]

    with qtbot.waitSignal(preview.rendered, timeout=10_000):
        preview.show_paper(build)
    assert threads and threads[0] is not threading.main_thread()
    assert extras == [["difference"]]
    assert preview.document.pageCount() == 1 and preview.last_pdf.startswith(b"%PDF")


def test_a_slow_older_request_never_replaces_a_newer_one(qtbot) -> None:
    preview = PaperPreview()
    qtbot.addWidget(preview)

    def slow(title: str) -> Callable[[], tuple[PaperView, None]]:
        def build() -> tuple[PaperView, None]:
            time.sleep(0.3)
            return _view(title), None

        return build

    shown: list[int] = []
    preview.rendered.connect(shown.append)
    preview.show_paper(slow("Old"))
    preview.show_paper(lambda: (_view("New"), None))
    qtbot.waitUntil(lambda: not preview.busy, timeout=10_000)
    # The old request finished first but was dropped: only the newest reached the screen.
    assert shown == [1]
    assert preview.document.metaData(preview.document.MetaDataField.Title) == "New"


def test_a_build_error_is_shown_as_a_message(qtbot) -> None:
    from jmg_desktop.papers.errors import PaperError

    preview = PaperPreview()
    qtbot.addWidget(preview)

    def broken() -> tuple[PaperView, None]:
        raise PaperError("The pool this paper is about no longer exists.")

    preview.show_paper(broken)
    qtbot.waitUntil(lambda: not preview.busy, timeout=10_000)
    assert preview.message.text() == "The pool this paper is about no longer exists."
