"""Roles are enforced by the server: a viewer cannot write even through psql, an editor cannot
record agreements or make a paper final, and the workspace reports the role the server gives."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from jmg_desktop.core.commands import FieldUpdate, edit_fields
from jmg_desktop.store import pg_server as servers
from jmg_desktop.store.errors import ReadOnlyError
from jmg_desktop.store.lines_repo import LinesStore, fetch_lines
from jmg_desktop.store.models import PoolLine
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.roles import grant_role


@pytest.fixture
def shared(pg_server, pg_demo_template, pg_database):
    """A shared demo with its roles set up, and a way to connect as someone with a role."""
    address = pg_database(pg_demo_template)
    database = make_url(address).database
    socket = f"host={pg_server.folder}&port={pg_server.port}"
    with SharedWorkspace.open(address) as admin, admin.engine.begin() as connection:
        from jmg_desktop.store.roles import set_up_roles

        set_up_roles(connection)
        for user in ("vera", "eddie", "chris"):
            if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :u"), {"u": user}).first():
                connection.execute(text(f"CREATE ROLE {user} LOGIN"))
        grant_role(connection, "vera", "viewer")
        grant_role(connection, "eddie", "editor")
        grant_role(connection, "chris", "chair")

    def as_user(user: str) -> SharedWorkspace:
        return SharedWorkspace.open(f"postgresql://{user}@/{database}?{socket}")

    return as_user, database


def _psql(pg_server, user: str, database: str, sql: str) -> subprocess.CompletedProcess[str]:
    psql = str(servers.binaries() / "psql")
    return subprocess.run(
        [
            psql,
            "-X",
            "-h",
            str(pg_server.folder),
            "-p",
            str(pg_server.port),
            "-U",
            user,
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def test_a_viewers_write_through_psql_fails(shared, pg_server) -> None:
    _, database = shared
    refused = _psql(pg_server, "vera", database, "UPDATE pool_line SET amount_pence = 0")
    assert refused.returncode != 0 and "permission denied for table pool_line" in refused.stderr
    refused = _psql(pg_server, "vera", database, "DELETE FROM audit_event")
    assert refused.returncode != 0 and "permission denied" in refused.stderr
    assert _psql(pg_server, "vera", database, "SELECT count(*) FROM pool_line").returncode == 0


def test_nobody_can_rewrite_the_audit_trail_not_even_a_chair(shared, pg_server) -> None:
    _, database = shared
    refused = _psql(pg_server, "chris", database, "UPDATE audit_event SET actor = 'x'")
    assert refused.returncode != 0 and "permission denied for table audit_event" in refused.stderr


def test_a_viewer_opens_read_only_and_is_told_why(shared) -> None:
    as_user, _ = shared
    with as_user("vera") as workspace:
        assert workspace.role.name == "viewer"
        assert workspace.read_only
        assert workspace.read_only_reason == "your role on this shared workspace is Viewer (reading only)"
        with pytest.raises(ReadOnlyError), workspace.writing() as session:
            session.execute(text("UPDATE pool_line SET note = 'x'"))


def test_an_editor_edits_lines_but_cannot_record_an_agreement(shared) -> None:
    as_user, _ = shared
    with as_user("eddie") as workspace:
        assert workspace.role.name == "editor" and not workspace.read_only
        with workspace.reading() as session:
            line_id = session.execute(select(PoolLine.id).order_by(PoolLine.id).limit(1)).scalar_one()
        line = fetch_lines(workspace, [line_id])[line_id]
        LinesStore(workspace).apply_changes(
            edit_fields([FieldUpdate(line.id, "note", line.note, "edited by an editor")]).changes,
            action="edit_lines",
        )
        with pytest.raises(ReadOnlyError) as refused, workspace.writing() as session:
            session.execute(text("UPDATE agreement SET title = title || ' (changed)'"))
        assert (
            str(refused.value)
            == "Your role on this shared workspace does not allow that change; it was not made."
        )
        # A final paper is out of an editor's reach: the server's row security hides it from changes.
        with workspace.writing() as session:
            changed = session.execute(text("UPDATE paper SET title = 'x' WHERE status = 'final'")).rowcount
        assert changed == 0


def test_a_chair_records_agreements_and_roles_are_reported(shared) -> None:
    as_user, _ = shared
    with as_user("chris") as workspace:
        assert workspace.role.name == "chair"
        with workspace.writing() as session:
            assert session.execute(text("UPDATE agreement SET title = title WHERE id = 1")).rowcount == 1
