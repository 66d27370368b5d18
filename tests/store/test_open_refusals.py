"""Opening a file that is not a usable workspace: one plain sentence, and the file untouched."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from jmg_desktop.store import migrate
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.workspace import APPLICATION_ID, Workspace


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _text(path: Path) -> None:
    path.write_text("Service,Amount\nDay services,3342000\n", encoding="utf-8")


def _other_application(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.execute("INSERT INTO notes VALUES ('not ours')")
    connection.commit()
    connection.close()


def _newer_schema(path: Path) -> None:
    Workspace.create(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {migrate.schema_version() + 1}")
    connection.close()


def _damaged(path: Path) -> None:
    Workspace.create(path).close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Scribble over the second page (a table's b-tree page) but keep the header readable.
    data[page_size : page_size + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_empty, "is empty: it is not a JMG Desktop workspace."),
        (_random_bytes, "is not a JMG Desktop workspace (it is not a database file)."),
        (_text, "is not a JMG Desktop workspace (it is not a database file)."),
        (_other_application, "is a database of another application, not a JMG Desktop workspace."),
        (_newer_schema, "was made by a newer version of JMG Desktop"),
        (_damaged, "is damaged and cannot be opened"),
    ],
)
@pytest.mark.parametrize("read_only", [False, True])
def test_refused_with_one_sentence_and_file_unchanged(
    tmp_path: Path, make: Callable[[Path], None], message: str, read_only: bool
) -> None:
    path = tmp_path / "candidate.jmg"
    make(path)
    before = path.read_bytes()
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(path, read_only=read_only)
    text = str(caught.value)
    assert message in text
    assert text.startswith("“candidate.jmg”")
    assert "\n" not in text
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["candidate.jmg"]


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.open(tmp_path / "absent.jmg")


def test_new_workspace_has_the_documented_file_facts(tmp_path: Path) -> None:
    path = tmp_path / "new.jmg"
    Workspace.create(path, title="Test pools").close()
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert connection.execute("PRAGMA user_version").fetchone() == (migrate.schema_version(),)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            migrate.head_revision(),
        )
        columns = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(pool_line)")}
        assert columns["amount_pence"] == "INTEGER"
    finally:
        connection.close()
    with Workspace.open(path) as workspace:
        assert workspace.title == "Test pools"


def test_every_connection_gets_the_workspace_pragmas(empty_workspace: Workspace) -> None:
    with empty_workspace.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA trusted_schema").scalar() == 0
        assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
        assert pragma("PRAGMA journal_mode").scalar() == "delete"


def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "taken.jmg"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="already exists"):
        Workspace.create(path)
    assert path.read_text(encoding="utf-8") == "keep me"
