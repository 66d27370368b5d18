"""Officers work on 1366×768 laptops: no page may force the window wider or taller than that."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTabWidget

from jmg_desktop.ui.main_window import MainWindow

LAPTOP_WIDTH, LAPTOP_HEIGHT = 1366, 768


def test_every_page_fits_a_laptop_screen(qtbot, demo_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(demo_path)
    tabs = window.findChild(QTabWidget)
    assert tabs is not None and tabs.count() >= 4
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)  # lazily built pages are built on first show
        qtbot.wait(50)
        hint = window.minimumSizeHint()
        assert hint.width() <= LAPTOP_WIDTH, f"{tabs.tabText(index)} needs {hint.width()} px"
        assert hint.height() <= LAPTOP_HEIGHT, f"{tabs.tabText(index)} needs {hint.height()} px"
