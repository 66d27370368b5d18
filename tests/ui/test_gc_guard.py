"""Garbage is collected on the GUI thread by a timer, never automatically in a worker thread."""

from __future__ import annotations

import gc

from jmg_desktop.ui.gc_guard import MainThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collector_disables_automatic_collection_and_collects_on_its_timer(qtbot) -> None:
    gc.enable()
    collector = MainThreadCollector(interval_ms=10)
    try:
        assert not gc.isenabled()
        for _ in range(5000):
            _Cycle()
        assert gc.get_count()[0] > 700  # nothing collected them automatically
        qtbot.waitUntil(lambda: gc.get_count()[0] < 700, timeout=2000)
    finally:
        collector.stop()
    assert gc.isenabled()
