"""Many lines inserted at once: several rows per statement run, with the same rows and refusals
as inserting them one at a time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from jmg_desktop.core.commands import LineRecord, insert_lines
from jmg_desktop.store import line_inserts
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lines_repo import LinesStore, fetch_lines
from jmg_desktop.store.workspace import Workspace

OLDER_PEOPLE = 1


def _rows(workspace: Workspace) -> list[tuple]:
    with workspace.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM pool_line ORDER BY id")).all()
        connection.rollback()
    return [tuple(row) for row in rows]


def _lines(store: LinesStore, count: int, *, scheme_every: int = 0) -> list[LineRecord]:
    ids = store.allocate_line_ids(count)
    lines = []
    for offset, line_id in enumerate(ids):
        fields = (
            line_id,
            OLDER_PEOPLE,
            2009,
            f"Line {offset}",
            1 + offset % 3,
            1,
            1,
            offset * 7 - 50,
            "",
            17 + offset,
        )
        if scheme_every and offset % scheme_every == 0:
            lines.append(
                LineRecord(*fields, scheme_ref=f"S{offset}", commissioner="nhs", funding_stream_id=1)
            )
        else:
            lines.append(LineRecord(*fields))
    return lines


def test_one_row_insert_made_into_many() -> None:
    sql = "INSERT INTO pool_line (id, note) VALUES (?, ?)"
    assert (
        line_inserts.rows_statement(sql, 3)
        == "INSERT INTO pool_line (id, note) VALUES (?, ?), (?, ?), (?, ?)"
    )
    with pytest.raises(ValueError):
        line_inserts.rows_statement("DELETE FROM pool_line", 2)


@pytest.mark.parametrize("scheme_every", [0, 4])
def test_lines_in_several_runs_are_stored_exactly(
    demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch, scheme_every: int
) -> None:
    # Seven rows a run: 47 lines take six full runs and a shorter seventh.
    monkeypatch.setattr(line_inserts, "_MAX_ROWS_PER_RUN", 7)
    store = LinesStore(demo_workspace)
    lines = _lines(store, 47, scheme_every=scheme_every)
    insert_lines(lines).apply(store)
    assert fetch_lines(demo_workspace, [line.id for line in lines]) == {line.id: line for line in lines}


def test_runs_follow_sqlites_limit_on_bound_values(demo_path: Path) -> None:
    with Workspace.open(demo_path) as workspace, workspace.engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        assert line_inserts._rows_per_run(connection, 10) == min(1000, limit // 10)
        assert line_inserts._rows_per_run(connection, 10**9) == 1
        connection.rollback()


def test_a_line_refused_in_a_later_run_changes_nothing(
    demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(line_inserts, "_MAX_ROWS_PER_RUN", 5)
    store = LinesStore(demo_workspace)
    before = _rows(demo_workspace)
    lines = _lines(store, 23)
    bad = lines[17]
    lines[17] = LineRecord(bad.id, OLDER_PEOPLE, 2009, bad.service, 9999, 1, 1, 0, "", bad.position)
    with pytest.raises(WorkspaceError) as refused:
        insert_lines(lines).apply(store)
    message = str(refused.value)
    assert message.startswith("The change would break data that depends on it (")
    assert "foreign key" in message.casefold() and message.endswith("); nothing was changed.")
    assert _rows(demo_workspace) == before
