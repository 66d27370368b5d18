"""The store suite runs on both databases: each test using ``demo_workspace`` or
``empty_workspace`` runs once on a workspace file (SQLite) and once on a shared workspace held by a
real PostgreSQL server that the tests start (:func:`tests.conftest.pg_server`).

Modules about the file itself (its lock, its faults, its header) stay SQLite-only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jmg_desktop.store.workspace import Workspace

#: Test modules about the workspace *file* (locks, disk faults, headers, backups, crashes).
_FILE_ONLY = frozenset(
    {
        "test_workspace_faults",
        "test_open_refusals",
        "test_lock",
        "test_backups",
        "test_crash",
        "test_migration",
        "test_check",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every workspace test of the shared modules on both backends."""
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    wanted = {"demo_workspace", "empty_workspace"} & set(metafunc.fixturenames)
    if wanted and module not in _FILE_ONLY:
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the workspace fixtures use (SQLite unless parametrised)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def demo_workspace(backend: str, demo_path: Path, request: pytest.FixtureRequest) -> Iterator[Workspace]:
    """The demo workspace, open for writing, in a file or on the server."""
    if backend == "postgresql":
        from jmg_desktop.store.pg_workspace import SharedWorkspace

        template = request.getfixturevalue("pg_demo_template")
        make: Callable[..., str] = request.getfixturevalue("pg_database")
        workspace: Workspace = SharedWorkspace.open(make(template))
    else:
        workspace = Workspace.open(demo_path)
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def empty_workspace(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Workspace]:
    """A new, empty workspace, open for writing, in a file or on the server."""
    if backend == "postgresql":
        from jmg_desktop.store.pg_workspace import SharedWorkspace

        make: Callable[..., str] = request.getfixturevalue("pg_database")
        workspace: Workspace = SharedWorkspace.create(make())
    else:
        workspace = Workspace.create(tmp_path / "empty.jmg")
    try:
        yield workspace
    finally:
        workspace.close()
