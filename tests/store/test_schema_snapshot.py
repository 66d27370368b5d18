"""The schema snapshot shipped in the package is the schema this version's migrations make.

``check`` and every opening compare a file with the snapshot instead of migrating a scratch
workspace with Alembic (half a second), so a stale snapshot would call every new file altered.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop.store import migrate, sqlite_schema
from jmg_desktop.store.demo import build_demo


def test_the_shipped_snapshot_is_a_freshly_migrated_workspace() -> None:
    shipped = json.loads(sqlite_schema.SNAPSHOT.read_text(encoding="utf-8"))
    fresh = sqlite_schema.build_reference()
    how = f"the schema snapshot is stale: regenerate it with `{sqlite_schema.REGENERATE}`"
    assert shipped["revision"] == migrate.head_revision(), how
    assert sqlite_schema.schema_differences(fresh, shipped["schema"]) == [], how
    assert sqlite_schema.schema_differences(shipped["schema"], fresh) == [], how
    assert shipped["schema"] == fresh, how
    assert shipped["master"] == sqlite_schema._build_reference()[1], how


def _built_with_hash_seed(path: Path, seed: int) -> None:
    """The demo built in a fresh process: Alembic's batch rebuild of a table orders its
    constraints by hashing, so each seed may write the CREATE statement in another order."""
    script = f"from jmg_desktop.store.demo import build_demo; build_demo({str(path)!r}).close()"
    subprocess.run(
        [sys.executable, "-c", script], check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}
    )


def test_a_new_file_is_recognised_without_the_table_by_table_walk(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    def walk(_connection: sqlite3.Connection) -> None:
        raise AssertionError("the full comparison ran on an unaltered new file")

    monkeypatch.setattr(sqlite_schema, "schema_of", walk)
    statements = set()
    for seed in (1, 2, 3):
        path = tmp_path / f"demo{seed}.jmg"
        _built_with_hash_seed(path, seed)
        connection = sqlite3.connect(path)
        statements.add(
            connection.execute("SELECT sql FROM sqlite_master WHERE name = 'pool_line'").fetchone()
        )
        assert sqlite_schema.differences_from_expected(connection) == []
        connection.close()
    assert len(statements) > 1  # the orders really differed, and each was recognised


@pytest.mark.parametrize(
    ("alteration", "found"),
    [
        (
            "ALTER TABLE pool_line ADD COLUMN secret TEXT",
            "the column pool_line.secret is not one this version knows",
        ),
        (
            "CREATE INDEX extra ON pool_line (note)",
            "an index extra on pool_line that JMG Desktop did not create",
        ),
        ("DROP INDEX (one this version makes)", "is missing"),
    ],
)
def test_an_altered_file_gets_the_full_comparison_naming_the_difference(
    tmp_path: Path, alteration: str, found: str
) -> None:
    path = tmp_path / "demo.jmg"
    build_demo(path).close()
    connection = sqlite3.connect(path)
    if alteration.startswith("DROP INDEX"):
        index = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL LIMIT 1"
        ).fetchone()[0]
        alteration = f'DROP INDEX "{index}"'
    connection.execute(alteration)
    differences = sqlite_schema.differences_from_expected(connection)
    assert any(found in difference for difference in differences), differences


def test_sorting_a_table_s_items_splits_only_at_top_level_commas() -> None:
    one = "CREATE TABLE t (a TEXT DEFAULT 'x, (y', b INTEGER, CHECK (b IN (1, 2)), \"c,d\" TEXT)"
    other = "CREATE TABLE t (\"c,d\" TEXT, CHECK (b IN (1, 2)), b INTEGER, a TEXT DEFAULT 'x, (y')"
    assert sqlite_schema._table_items(one) == sqlite_schema._table_items(other)
    assert sqlite_schema._table_items(one).count("\n") == 3  # four items
    assert sqlite_schema._table_items(one) != sqlite_schema._table_items(one.replace("(1, 2)", "(1, 3)"))


def test_every_way_of_quoting_keeps_its_commas_inside_one_item() -> None:
    statement = "CREATE TABLE t (z TEXT DEFAULT 'it''s, here', [b,c] INT, `d,e` INT, \"f\"\"g,h\" INT)"
    assert sqlite_schema._table_items(statement) == (
        "CREATE TABLE t (\"f\"\"g,h\" INT\n[b,c] INT\n`d,e` INT\nz TEXT DEFAULT 'it''s, here')"
    )


def test_a_quote_never_closed_keeps_the_rest_in_one_item() -> None:
    statement = "CREATE TABLE t (b INT, a TEXT DEFAULT 'x, y, z)"
    assert sqlite_schema._table_items(statement) == "CREATE TABLE t (a TEXT DEFAULT 'x, y, z\nb INT)"


def test_a_stale_snapshot_is_not_trusted(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A checkout with a new migration but the old snapshot compares with a freshly built schema."""
    stale = tmp_path / "sqlite_schema.json"
    stale.write_text(
        json.dumps({"revision": "0001", "schema": {"tables": {}, "others": {}}}), encoding="utf-8"
    )
    monkeypatch.setattr(sqlite_schema, "SNAPSHOT", stale)
    caches = (sqlite_schema._shipped, sqlite_schema.expected_schema)
    for cached in caches:
        cached.cache_clear()
    try:
        assert "pool_line" in sqlite_schema.expected_schema()["tables"]
        assert sqlite_schema.expected_master_rows() is None  # so no file skips the full comparison
    finally:
        for cached in caches:
            cached.cache_clear()
