"""The schema snapshot shipped in the package is the schema this version's migrations make.

``check`` and every opening compare a file with the snapshot instead of migrating a scratch
workspace with Alembic (half a second), so a stale snapshot would call every new file altered.
"""

from __future__ import annotations

import json

from jmg_desktop.store import migrate, sqlite_schema


def test_the_shipped_snapshot_is_a_freshly_migrated_workspace() -> None:
    shipped = json.loads(sqlite_schema.SNAPSHOT.read_text(encoding="utf-8"))
    fresh = sqlite_schema.build_reference()
    how = f"the schema snapshot is stale: regenerate it with `{sqlite_schema.REGENERATE}`"
    assert shipped["revision"] == migrate.head_revision(), how
    assert sqlite_schema.schema_differences(fresh, shipped["schema"]) == [], how
    assert sqlite_schema.schema_differences(shipped["schema"], fresh) == [], how
    assert shipped["schema"] == fresh, how


def test_a_stale_snapshot_is_not_trusted(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A checkout with a new migration but the old snapshot compares with a freshly built schema."""
    stale = tmp_path / "sqlite_schema.json"
    stale.write_text(
        json.dumps({"revision": "0001", "schema": {"tables": {}, "others": {}}}), encoding="utf-8"
    )
    monkeypatch.setattr(sqlite_schema, "SNAPSHOT", stale)
    sqlite_schema.expected_schema.cache_clear()
    try:
        assert "pool_line" in sqlite_schema.expected_schema()["tables"]
    finally:
        sqlite_schema.expected_schema.cache_clear()
