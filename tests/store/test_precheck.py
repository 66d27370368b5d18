"""The integrity check started early by the GUI: used only for the very file it checked."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.precheck import start_quick_check, take_quick_check
from jmg_desktop.store.workspace import Workspace


def _wait_for_early_checks() -> None:
    for thread in threading.enumerate():
        if thread.name == "jmg-quick-check":
            thread.join(timeout=30)


def test_an_unchanged_file_is_answered_once(tmp_path: Path) -> None:
    path = tmp_path / "pool.jmg"
    Workspace.create(path).close()
    start_quick_check(path)
    assert take_quick_check(path) == [("ok",)]
    assert take_quick_check(path) is None  # used once: a later opening checks again


def test_a_file_damaged_after_the_early_check_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "pool.jmg"
    Workspace.create(path).close()
    start_quick_check(path)
    _wait_for_early_checks()
    time.sleep(0.05)  # a later write, as a user's would be: the file's time moves on
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size : page_size + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(WorkspaceError, match="is damaged and cannot be opened"):
        Workspace.open(path)


def test_a_file_left_with_a_journal_is_left_to_the_opening(tmp_path: Path) -> None:
    path = tmp_path / "pool.jmg"
    Workspace.create(path).close()
    (tmp_path / "pool.jmg-journal").write_bytes(b"")
    start_quick_check(path)
    assert take_quick_check(path) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_never_opened(tmp_path: Path) -> None:
    path = tmp_path / "pool.jmg"
    os.mkfifo(path)
    start_quick_check(path)  # returns at once: reading a pipe could wait for ever
    assert take_quick_check(path) is None
    with pytest.raises(WorkspaceError, match="named pipe"):
        Workspace.open(path)
