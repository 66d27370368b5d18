"""The people of a shared workspace: who holds which role, and the name each is shown by.

An administrator gives someone a role with ``jmg-desktop roles ADDRESS grant LOGIN ROLE --name
"Helen Marsh"``. The role is the server's own grant (:func:`~jmg_desktop.store.roles.grant_role`);
the grant is recorded in the workspace's audit trail in the same transaction, as a ``person``
event holding the login, the role and the person's name. That record is where the name comes from:
the newest record for a login gives the name the audit trail and the "changed by" sentences use
("This line was changed by Helen Marsh at 10:42"), falling back to the server's comment on the
role, then to the login itself. The records are part of the hash-chained trail, so a name is
never changed without a trace, and they travel with the workspace through push, pull and dump.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jmg_desktop.store.audit import record_event
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import AuditEvent
from jmg_desktop.store.roles import ROLES, grant_role, group_role, revoke_roles

__all__ = ["Member", "display_name", "grant", "members", "recorded_names", "revoke"]

ENTITY: Final = "person"
_NAME_LIMIT: Final = 200


@dataclass(frozen=True, slots=True)
class Member:
    """Someone holding one of this workspace's roles on the server."""

    login: str
    role: str
    name: str


def recorded_names(session: Session | Connection) -> dict[str, str]:
    """Each login's name as the newest grant record gives it (logins revoked keep their name, so
    their past changes are still named)."""
    rows = session.execute(
        select(AuditEvent.new).where(AuditEvent.entity == ENTITY).order_by(AuditEvent.sequence)
    ).scalars()
    names: dict[str, str] = {}
    for value in rows:
        try:
            record = json.loads(value) if value else {}
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("login"), str) and record.get("name"):
            names[record["login"]] = str(record["name"])
    return names


def display_name(connection: Connection) -> str:
    """The name of the person connected: their grant record's, else the server's comment on their
    login, else the login."""
    login, comment = connection.execute(
        text(
            "SELECT rolname, nullif(shobj_description(oid, 'pg_authid'), '') FROM pg_roles "
            "WHERE rolname = current_user"
        )
    ).one()
    try:
        recorded = recorded_names(connection).get(str(login))
    except DBAPIError:  # no audit table yet (a database being created)
        recorded = None
    return str(recorded or comment or login)


def members(connection: Connection) -> list[Member]:
    """Everyone holding a role of this database's, by login, with their recorded names."""
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    by_group = {group_role(database, role): role for role in ROLES}
    rows = connection.execute(
        text(
            "SELECT member.rolname, grp.rolname FROM pg_auth_members m "
            "JOIN pg_roles grp ON grp.oid = m.roleid JOIN pg_roles member ON member.oid = m.member "
            "WHERE grp.rolname = ANY(:groups) AND member.rolcanlogin ORDER BY member.rolname"
        ),
        {"groups": list(by_group)},
    ).all()
    names = recorded_names(connection)
    best: dict[str, str] = {}
    for login, group in rows:
        role = by_group[group]
        if login not in best or ROLES[role].rank > ROLES[best[login]].rank:
            best[login] = role
    return [Member(login, role, names.get(login, login)) for login, role in sorted(best.items())]


def _clean_name(name: str) -> str:
    """A person's name as given, trimmed; refused when blank, too long or unprintable."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise WorkspaceError("The name is blank; give the person's name as it should be shown.")
    if len(cleaned) > _NAME_LIMIT:
        raise WorkspaceError(f"The name is longer than {_NAME_LIMIT} characters.")
    if not cleaned.isprintable():
        raise WorkspaceError("The name holds a character that cannot be shown.")
    return cleaned


def grant(session: Session, login: str, role: str, *, name: str | None = None) -> Member:
    """Give ``login`` the workspace role ``role`` (replacing any other), recording the grant and
    the person's name (kept from an earlier grant when ``name`` is None) in the audit trail."""
    connection = session.connection()
    cleaned = _clean_name(name) if name is not None else None
    grant_role(connection, login, role)
    shown = cleaned or recorded_names(session).get(login) or login
    record_event(
        session,
        action="grant_role",
        entity=ENTITY,
        entity_id=None,
        new={"login": login, "role": role, "name": shown},
    )
    return Member(login, role, shown)


def revoke(session: Session, login: str) -> None:
    """Take every role of this workspace from ``login``, recorded in the audit trail."""
    connection = session.connection()
    held = [member for member in members(connection) if member.login == login]
    if not held:
        raise WorkspaceError(f"“{login}” holds no role on this shared workspace.")
    revoke_roles(connection, login)
    record_event(
        session,
        action="revoke_role",
        entity=ENTITY,
        entity_id=None,
        old={"login": login, "role": held[0].role, "name": held[0].name},
        new={"login": login, "role": None, "name": held[0].name},
    )
