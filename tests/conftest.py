"""Test set-up shared by every test: headless Qt, and a fresh demo workspace on demand."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from jmg_desktop.store.workspace import Workspace


@pytest.fixture(autouse=True, scope="session")
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Backups and other per-user files go to a temporary folder, never the real home folder."""
    folder = tmp_path_factory.mktemp("jmg-data")
    previous = os.environ.get("JMG_DESKTOP_DATA_DIR")
    os.environ["JMG_DESKTOP_DATA_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("JMG_DESKTOP_DATA_DIR", None)
    else:
        os.environ["JMG_DESKTOP_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory, _private_data_dir: Path) -> Path:
    """The demo workspace built once per run; each test gets its own copy of the file."""
    from jmg_desktop.store.demo import build_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.jmg"
    build_demo(path).close()
    return path


@pytest.fixture
def demo_path(tmp_path: Path, _demo_template: Path) -> Path:
    """A fresh demo workspace file (closed) in the test's own folder."""
    path = tmp_path / "demo.jmg"
    shutil.copyfile(_demo_template, path)
    return path


@pytest.fixture
def demo_workspace(demo_path: Path) -> Iterator[Workspace]:
    """The demo workspace, open for writing."""
    workspace = Workspace.open(demo_path)
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def empty_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A new, empty workspace, open for writing."""
    workspace = Workspace.create(tmp_path / "empty.jmg")
    try:
        yield workspace
    finally:
        workspace.close()
