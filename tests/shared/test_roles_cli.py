"""``roles ADDRESS list|grant|revoke`` for administrators, and the names people are shown by: a
grant records the person's name in the audit trail, and their changes (and the refusals naming
them) use it instead of their login."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from jmg_desktop.cli import main
from jmg_desktop.core.commands import FieldUpdate, edit_fields
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.lines_repo import LinesStore, StaleEditError, fetch_lines
from jmg_desktop.store.models import AuditEvent, PoolLine
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.roles import set_up_roles


@pytest.fixture
def workspace(pg_server, pg_demo_template, pg_database):
    """A shared demo with its roles set up and two logins that hold none yet."""
    address = pg_database(pg_demo_template)
    with SharedWorkspace.open(address) as admin, admin.engine.begin() as connection:
        set_up_roles(connection)
        for login in ("hmarsh", "rpatel"):
            if not connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}
            ).first():
                connection.execute(text(f"CREATE ROLE {login} LOGIN"))
    database = make_url(address).database

    def as_login(login: str) -> str:
        return f"postgresql://{login}@/{database}?host={pg_server.folder}&port={pg_server.port}"

    return address, as_login


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_grant_list_and_revoke(workspace, capsys: pytest.CaptureFixture[str]) -> None:
    address, as_login = workspace
    code, out, _ = _cli(capsys, "roles", address, "grant", "hmarsh", "chair", "--name", "Helen  Marsh ")
    assert code == 0 and out.strip() == "Helen Marsh (hmarsh) is now chair on this shared workspace."
    assert _cli(capsys, "roles", address, "grant", "rpatel", "viewer")[0] == 0
    code, out, _ = _cli(capsys, "roles", address, "list")
    assert code == 0
    assert [line.split(None, 2) for line in out.splitlines()] == [
        ["hmarsh", "chair", "Helen Marsh"],
        ["rpatel", "viewer", "rpatel"],
    ]
    # The server gives the role: Helen's workspace is a chair's, Raj's a viewer's (read-only).
    with SharedWorkspace.open(as_login("hmarsh")) as helen:
        assert helen.role.name == "chair" and helen.actor == "Helen Marsh"
    with SharedWorkspace.open(as_login("rpatel")) as raj:
        assert raj.role.name == "viewer" and raj.read_only
    # A new role replaces the old one and keeps the recorded name.
    assert _cli(capsys, "roles", address, "grant", "hmarsh", "editor")[0] == 0
    assert "hmarsh  editor  Helen Marsh" in _cli(capsys, "roles", address, "list")[1]
    code, out, _ = _cli(capsys, "roles", address, "revoke", "rpatel")
    assert code == 0 and out.strip() == "rpatel no longer holds a role on this shared workspace."
    assert "rpatel" not in _cli(capsys, "roles", address, "list")[1]
    # Every grant and revocation is in the audit trail, which still verifies.
    with SharedWorkspace.open(address, read_only=True) as admin, admin.reading() as session:
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.entity == "person").order_by(AuditEvent.sequence)
        ).scalars()
        assert list(actions) == ["grant_role", "grant_role", "grant_role", "revoke_role"]
        assert verify_chain(session) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("grant", "hmarsh", "boss"), "“boss” is not a role; choose viewer, editor, chair or admin."),
        (
            ("grant", "nobody", "editor"),
            "The server has no account “nobody”; its administrator must create that login first.",
        ),
        (
            ("grant", "hmarsh", "editor", "--name", "   "),
            "The name is blank; give the person's name as it should be shown.",
        ),
        (("revoke", "rpatel"), "“rpatel” holds no role on this shared workspace."),
    ],
)
def test_bad_requests_are_refused_in_one_sentence_and_change_nothing(
    workspace, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    address, _ = workspace
    with SharedWorkspace.open(address, read_only=True) as admin:
        before = admin.newest_event()
    code, out, err = _cli(capsys, "roles", address, *args)
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [f"jmg-desktop: {message}"]
    with SharedWorkspace.open(address, read_only=True) as admin:
        assert admin.newest_event() == before


def test_only_an_administrator_may_grant(workspace, capsys: pytest.CaptureFixture[str]) -> None:
    address, as_login = workspace
    assert _cli(capsys, "roles", address, "grant", "hmarsh", "chair")[0] == 0
    code, _, err = _cli(capsys, "roles", as_login("hmarsh"), "grant", "rpatel", "admin")
    assert code == 2
    assert (
        err.strip()
        == "jmg-desktop: Only an administrator may change people's roles; your role here is Chair."
    )
    assert _cli(capsys, "roles", "pool.jmg", "list")[0] == 2


def test_a_conflict_names_the_person_by_the_name_their_grant_recorded(
    workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    address, as_login = workspace
    assert _cli(capsys, "roles", address, "grant", "hmarsh", "editor", "--name", "Helen Marsh")[0] == 0
    assert _cli(capsys, "roles", address, "grant", "rpatel", "editor", "--name", "Raj Patel")[0] == 0
    with SharedWorkspace.open(as_login("hmarsh")) as helen, SharedWorkspace.open(as_login("rpatel")) as raj:
        with helen.reading() as session:
            line = session.execute(select(PoolLine.id).order_by(PoolLine.id).limit(1)).scalar_one()
        shown = fetch_lines(raj, [line])[line].amount_pence
        LinesStore(helen).apply_changes(
            edit_fields([FieldUpdate(line, "amount_pence", shown, shown + 1)]).changes, action="edit_lines"
        )
        with pytest.raises(StaleEditError) as refused:
            LinesStore(raj).apply_changes(
                edit_fields([FieldUpdate(line, "note", "", "Raj's note")]).changes, action="edit_lines"
            )
        assert re.fullmatch(
            r"This line was changed by Helen Marsh at \d\d:\d\d; the table now shows their change\.",
            str(refused.value),
        )
        with helen.reading() as session:
            newest = session.execute(
                select(AuditEvent.actor, AuditEvent.action).order_by(AuditEvent.sequence.desc()).limit(1)
            ).one()
        assert tuple(newest) == ("Helen Marsh", "edit_lines")
