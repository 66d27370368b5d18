"""The two :class:`Rows` implementations answer the same SQL text with the same rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jmg_desktop.store.demo import build_demo
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.reads.rows import SqliteRows, expand
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.reads.snapshot import file_snapshot
from jmg_desktop.store.workspace import Workspace


def test_a_list_parameter_becomes_one_parameter_per_item() -> None:
    assert expand("SELECT 1 WHERE a IN :ids AND b = :b", {"ids": [3, 4], "b": 1}) == (
        "SELECT 1 WHERE a IN (:ids_0, :ids_1) AND b = :b",
        {"b": 1, "ids_0": 3, "ids_1": 4},
    )
    # No value matches an empty list; a name that is a prefix of another is left alone.
    assert expand("a IN :ids OR c = :idsx", {"ids": (), "idsx": 2}) == (
        "a IN (NULL) OR c = :idsx",
        {"idsx": 2},
    )


def test_both_implementations_read_the_same_rows(tmp_path: Path) -> None:
    path = tmp_path / "demo.jmg"
    build_demo(path).close()
    sql = (
        "SELECT pl.id, pl.service, pl.amount_pence, po.name FROM pool_line pl JOIN pool po ON po.id = pl.pool_id "
        "WHERE pl.pool_id IN :pools AND pl.financial_year = :year ORDER BY pl.id"
    )
    params = {"pools": [1, 2], "year": 2009}
    with file_snapshot(path) as light:
        plain = light.all(sql, params)
        batched = [row for batch in light.batches(sql, params, size=3) for row in batch]
        named = light.mappings("SELECT id, name FROM pool WHERE id IN :ids ORDER BY id", {"ids": [1, 3]})
        nothing = light.all(sql, {"pools": [], "year": 2009})
    with Workspace.open(path, read_only=True) as workspace, workspace.reading() as session:
        rows = session_rows(session)
        assert rows.all(sql, params) == plain
        assert [row for batch in rows.batches(sql, params, size=3) for row in batch] == batched
        assert (
            rows.mappings("SELECT id, name FROM pool WHERE id IN :ids ORDER BY id", {"ids": [1, 3]}) == named
        )
    assert len(plain) == 20 and plain == batched and nothing == []
    assert named == [{"id": 1, "name": "Older People"}, {"id": 3, "name": "Equipment"}]


def test_the_snapshot_refuses_what_a_read_only_opening_refuses(tmp_path: Path) -> None:
    not_ours = tmp_path / "other.jmg"
    sqlite3.connect(not_ours).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(WorkspaceError, match="another application"), file_snapshot(not_ours):
        pass
    path = tmp_path / "demo.jmg"
    build_demo(path).close()
    with file_snapshot(path) as rows:
        assert isinstance(rows, SqliteRows)
        with pytest.raises(sqlite3.OperationalError):  # the snapshot is read-only
            rows.connection.execute("DELETE FROM pool_line")
