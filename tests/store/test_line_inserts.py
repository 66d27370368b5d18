"""Many lines inserted at once: several rows per statement run, with the same rows and refusals
as inserting them one at a time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from jmg_desktop.core.commands import RECORD_FIELDS, LineRecord, insert_lines
from jmg_desktop.store import line_checks, line_inserts
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


def test_the_columns_a_check_rule_can_read_are_found_in_the_tables_own_text(demo_path: Path) -> None:
    with sqlite3.connect(demo_path) as connection:
        (table_sql,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'pool_line'").fetchone()
    connection.close()
    found = line_checks.check_columns(table_sql, RECORD_FIELDS)
    assert found == {"commissioner", "financial_year", "kind", "new_or_existing"}
    columns = ["a", "b", "c"]
    assert line_checks.check_columns("CREATE TABLE t (a INT, b INT)", columns) == frozenset()
    assert line_checks.check_columns("CREATE TABLE t (a INT check(B > ')(' AND [c] < 2), b)", columns) == {
        "b",
        "c",
    }
    assert line_checks.check_columns("CREATE TABLE t (a CHECK (a IN ('it''s a', 'x')))", columns) == {"a"}
    assert line_checks.check_columns("CREATE TABLE t (a CHECK (a > (1)", columns) is None


def test_one_line_of_each_kind_is_chosen_unless_types_mix_or_kinds_are_many() -> None:
    lines = [(2009, "a"), (2009, "a"), (2010, "a"), (2009, "b"), (2009, "a")]
    firsts = line_checks.first_of_each_kind(lines, [0, 1], itemgetter(0, 1))
    assert firsts is not None and sorted({lines[i] for i in firsts}) == [
        (2009, "a"),
        (2009, "b"),
        (2010, "a"),
    ]
    assert len(firsts) == 3
    assert line_checks.first_of_each_kind([(1,), (1.0,), (True,)], [0], itemgetter(0)) is None
    many = [(n,) for n in range(line_checks.MOST_KINDS + 1)]
    assert line_checks.first_of_each_kind(many, [0], itemgetter(0)) is None


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "nonsense"), ("commissioner", "NHS"), ("new_or_existing", "x")]
)
def test_a_large_insert_refuses_a_line_a_check_rule_refuses(
    demo_workspace: Workspace, field: str, value: str
) -> None:
    store = LinesStore(demo_workspace)
    before = _rows(demo_workspace)
    lines = _lines(store, 600, scheme_every=7)
    lines[431] = lines[431]._replace(**{field: value})
    with pytest.raises(WorkspaceError) as refused:
        insert_lines(lines).apply(store)
    message = str(refused.value)
    assert (
        message.startswith("The change would break data that depends on it (")
        and "check" in message.casefold()
    )
    assert _rows(demo_workspace) == before


def test_a_large_insert_runs_the_rules_on_one_line_of_each_kind_and_stores_all_exactly(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    left_out: list[int] = []
    real = line_checks.checks_left_out

    @contextmanager
    def counted(connection: Any) -> Iterator[None]:
        with real(connection):
            left_out.append(1)
            yield

    monkeypatch.setattr(line_inserts, "checks_left_out", counted)
    with Workspace.open(demo_path) as workspace:
        store = LinesStore(workspace)
        lines = _lines(store, 700, scheme_every=5)
        lines[10] = lines[10]._replace(kind="budget_change", new_or_existing="new")
        insert_lines(lines).apply(store)
        assert left_out == [1]
        assert fetch_lines(workspace, [line.id for line in lines]) == {line.id: line for line in lines}
        # The rules are on again: one bad line, even alone, is refused.
        (bad_id,) = store.allocate_line_ids(1)
        bad = LineRecord(bad_id, OLDER_PEOPLE, 2009, "Bad", None, 1, 1, 0, "", 900, kind="nonsense")
        with pytest.raises(WorkspaceError):
            insert_lines([bad]).apply(store)
        with workspace.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
            connection.rollback()


def test_lines_of_too_many_kinds_have_the_rules_run_on_every_one(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(line_checks, "MOST_KINDS", 1)
    monkeypatch.setattr(line_inserts, "checks_left_out", None)  # would fail if it were used
    with Workspace.open(demo_path) as workspace:
        store = LinesStore(workspace)
        lines = _lines(store, 300, scheme_every=3)  # two kinds: commissioner "" and "nhs"
        insert_lines(lines).apply(store)
        assert fetch_lines(workspace, [line.id for line in lines]) == {line.id: line for line in lines}
