"""Opening a workspace written by an older schema: backup first, one transaction, original safe."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection

from jmg_desktop.store import backups, migrate
from jmg_desktop.store.backups import list_backups
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lock import lock_path
from jmg_desktop.store.workspace import Workspace

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema0001.jmg"
#: What tests/fixtures/make_schema0001.py put in the fixture.
FIXTURE_LINES = {
    1: ("Day Services – internal", 334_200_000),
    2: ("Home support – older people", 1_210_055_512),
    3: ("Intermediate care beds", 91_800_001),
}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "userdata"
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "old.jmg"
    shutil.copy(FIXTURE, path)
    return path


def _facts(path: Path) -> tuple[int, list[tuple[int, str, int]]]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        lines = connection.execute("SELECT id, service, amount_pence FROM pool_line ORDER BY id").fetchall()
    finally:
        connection.close()
    return version, lines


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_fixture_really_is_schema_0001() -> None:
    version, lines = _facts(FIXTURE)
    assert version == 1
    assert {line_id: (service, pence) for line_id, service, pence in lines} == FIXTURE_LINES


def test_schema_0001_file_is_backed_up_then_migrated_with_every_figure_kept(old_file: Path) -> None:
    original = _digest(old_file)
    with Workspace.open(old_file) as workspace:
        assert not workspace.read_only
    version, lines = _facts(old_file)
    assert version == migrate.schema_version() > 1
    assert {line_id: (service, pence) for line_id, service, pence in lines} == FIXTURE_LINES
    saved = [b for b in list_backups(old_file) if b.reason == "before-upgrade"]
    assert len(saved) == 1 and saved[0].ok
    assert _facts(saved[0].path) == (1, _facts(FIXTURE)[1])  # the backup is the file as it was
    assert _digest(FIXTURE) == original  # the committed fixture itself is never touched
    assert run_checks(old_file) == []  # the upgraded file is whole: schema, audit chain, totals


def test_a_failed_migration_leaves_the_original_untouched(
    old_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upgrade = migrate.upgrade

    def upgrade_then_fail(connection: Connection, target: str = "head") -> None:
        real_upgrade(connection, target)  # every step applied inside the transaction...
        raise RuntimeError("simulated failure in the last step")  # ...then one fails

    monkeypatch.setattr(migrate, "upgrade", upgrade_then_fail)
    before = _digest(old_file)
    with pytest.raises(WorkspaceError, match=r"could not be upgraded and was left as it was"):
        Workspace.open(old_file)
    assert _digest(old_file) == before
    assert not lock_path(old_file).exists()
    assert not old_file.with_name(old_file.name + "-journal").exists()
    assert [b.reason for b in list_backups(old_file)] == ["before-upgrade"]


def test_no_migration_without_a_backup(
    old_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the per-user folder should be")
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(blocker))
    before = _digest(old_file)
    with pytest.raises(WorkspaceError, match="needs upgrading but no backup copy could be taken first"):
        Workspace.open(old_file)
    assert _digest(old_file) == before
    assert not lock_path(old_file).exists()


def test_an_old_file_opened_read_only_is_refused_not_changed(old_file: Path) -> None:
    before = _digest(old_file)
    with pytest.raises(WorkspaceError, match="must be upgraded, but it is open read-only"):
        Workspace.open(old_file, read_only=True)
    assert _digest(old_file) == before


def test_the_fast_schema_version_agrees_with_alembic() -> None:
    """Opening reads the newest revision from the migration files without loading Alembic."""
    from jmg_desktop.store.workspace import expected_version

    alembic_head = migrate._script_directory().get_current_head()
    assert migrate.head_revision() == alembic_head
    assert expected_version() == migrate.schema_version() == int(alembic_head)
