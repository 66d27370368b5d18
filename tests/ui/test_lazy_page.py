"""LazyPage: a tab page whose content is made on first show or first use, exactly once."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from jmg_desktop.ui.lazy_page import LazyPage


def _counting_page() -> tuple[LazyPage, list[QWidget], list[QWidget]]:
    made: list[QWidget] = []
    announced: list[QWidget] = []

    def build(parent: QWidget) -> QWidget:
        label = QLabel("built", parent)
        label.setObjectName("lazyContent")
        made.append(label)
        return label

    page = LazyPage(build, "lazyPage")
    page.built.connect(announced.append)
    return page, made, announced


def test_nothing_is_built_until_the_tab_is_first_shown_then_only_once(qtbot) -> None:
    page, made, announced = _counting_page()
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "First")
    tabs.addTab(page, "Lazy")
    tabs.show()
    assert made == [] and not page.has_content()
    tabs.setCurrentWidget(page)
    assert len(made) == 1 and announced == made
    assert made[0].isVisible() and made[0].parentWidget() is page
    tabs.setCurrentIndex(0)
    tabs.setCurrentWidget(page)
    assert len(made) == 1 and page.content() is made[0]


def test_first_use_builds_it_hidden_and_showing_the_tab_later_shows_that_same_content(qtbot) -> None:
    page, made, announced = _counting_page()
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "First")
    tabs.addTab(page, "Lazy")
    tabs.show()
    content = page.content()  # e.g. a menu action used before the tab was ever opened
    assert made == [content] and announced == [content] and not content.isVisible()
    tabs.setCurrentWidget(page)
    assert content.isVisible() and made == [content]
    assert page.findChild(QWidget, "lazyContent") is content
