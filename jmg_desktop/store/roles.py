"""Roles on a shared workspace, enforced by the PostgreSQL server itself (grants and row security).

Four group roles per database (``jmg_<database>_viewer`` and so on), each holding the one below:

* **viewer** reads everything;
* **editor** also changes lines, categories, stated totals, scenarios, forecasts and monitoring,
  and draft papers (row-level security keeps final papers out of reach);
* **chair** also records agreements and meetings, moves their status, and makes papers final;
* **admin** also changes partners, pools and line statuses, and gives people their roles.

Which tables a role may change is worked out from the models' metadata: a table is the editor's
unless it is listed as the chair's or the administrator's, so tables added later are covered
without touching this module. The audit trail can only be appended to (no role may update or
delete an event). A person's role is what the server actually lets them do (:func:`role_of`), so
the GUI never claims more than the server allows; a viewer connecting with psql cannot write either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, text

from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import Base

__all__ = ["ROLES", "Role", "grant_role", "group_role", "revoke_roles", "role_of", "set_up_roles"]


@dataclass(frozen=True, slots=True)
class Role:
    """What one role may do, for the GUI (the server enforces it)."""

    name: str
    title: str
    rank: int

    @property
    def can_edit(self) -> bool:
        """Lines, forecasts, stated totals, scenarios and draft papers."""
        return self.rank >= 1

    @property
    def can_chair(self) -> bool:
        """Record agreements and meetings, move their status, make papers final."""
        return self.rank >= 2

    @property
    def can_administer(self) -> bool:
        """Partners, pools, line statuses, and people's roles."""
        return self.rank >= 3


ROLES: Final = {
    role.name: role
    for role in (
        Role("viewer", "Viewer", 0),
        Role("editor", "Editor", 1),
        Role("chair", "Chair", 2),
        Role("admin", "Administrator", 3),
    )
}

#: Tables only a chair (or administrator) may change.
CHAIR_TABLES: Final = frozenset(
    {"meeting", "agreement", "agreement_body", "agreement_line", "agreement_step"}
)
#: Tables only an administrator may change.
ADMIN_TABLES: Final = frozenset({"partner", "pool", "pool_link", "line_status"})
#: Appended to by every writer, never updated or deleted.
APPEND_ONLY: Final = frozenset({"audit_event"})


def group_role(database: str, role: str) -> str:
    """The server's group role for ``role`` in ``database`` (letters, digits and _ only)."""
    safe = re.sub(r"[^a-z0-9_]", "_", database.lower())[:40]
    return f"jmg_{safe}_{role}"


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def set_up_roles(connection: Connection) -> None:
    """Create the four group roles of this database (if missing) and grant them their rights.

    Run by an administrator (owner of the tables, allowed to create roles); safe to run again,
    e.g. after an upgrade added tables.
    """
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    names = {role: group_role(database, role) for role in ROLES}
    q = {role: _quote(connection, name) for role, name in names.items()}
    for role, name in names.items():
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
        if not exists:
            connection.execute(text(f"CREATE ROLE {q[role]} NOLOGIN"))
    # Each role holds the one below it.
    connection.execute(text(f"GRANT {q['viewer']} TO {q['editor']}"))
    connection.execute(text(f"GRANT {q['editor']} TO {q['chair']}"))
    connection.execute(text(f"GRANT {q['chair']} TO {q['admin']}"))
    connection.execute(text(f"GRANT CONNECT ON DATABASE {_quote(connection, database)} TO {q['viewer']}"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {q['viewer']}"))
    connection.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {q['viewer']}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q['editor']}"))
    for table in Base.metadata.sorted_tables:
        name = _quote(connection, table.name)
        connection.execute(
            text(f"REVOKE INSERT, UPDATE, DELETE ON {name} FROM {q['editor']}, {q['chair']}, {q['admin']}")
        )
        if table.name in APPEND_ONLY:
            connection.execute(text(f"GRANT INSERT ON {name} TO {q['editor']}"))
            continue
        owner = "admin" if table.name in ADMIN_TABLES else "chair" if table.name in CHAIR_TABLES else "editor"
        connection.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {q[owner]}"))
    _paper_rows(connection, q)


def _paper_rows(connection: Connection, q: dict[str, str]) -> None:
    """Row security on papers: an editor may change drafts only; making one final is the chair's."""
    if "paper" not in Base.metadata.tables:
        return
    connection.execute(text("ALTER TABLE paper ENABLE ROW LEVEL SECURITY"))
    for policy in ("jmg_paper_read", "jmg_paper_draft", "jmg_paper_chair"):
        connection.execute(text(f"DROP POLICY IF EXISTS {policy} ON paper"))
    connection.execute(
        text(f"CREATE POLICY jmg_paper_read ON paper FOR SELECT TO {q['viewer']} USING (true)")
    )
    connection.execute(
        text(
            f"CREATE POLICY jmg_paper_draft ON paper FOR ALL TO {q['editor']} "
            "USING (status = 'draft') WITH CHECK (status = 'draft')"
        )
    )
    connection.execute(
        text(f"CREATE POLICY jmg_paper_chair ON paper FOR ALL TO {q['chair']} USING (true) WITH CHECK (true)")
    )


def _require_login(connection: Connection, user: str) -> None:
    """Refuse a login the server does not have."""
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": user}).first()
    if not exists:
        raise WorkspaceError(
            f"The server has no account “{user}”; its administrator must create that login first."
        )


def grant_role(connection: Connection, user: str, role: str) -> None:
    """Give the login ``user`` the workspace role ``role`` (and no other of this database's)."""
    if role not in ROLES:
        raise WorkspaceError(f"“{role}” is not a role; choose viewer, editor, chair or admin.")
    _require_login(connection, user)
    revoke_roles(connection, user)
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    connection.execute(
        text(f"GRANT {_quote(connection, group_role(database, role))} TO {_quote(connection, user)}")
    )


def revoke_roles(connection: Connection, user: str) -> None:
    """Take every one of this database's roles from the login ``user``."""
    _require_login(connection, user)
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    who = _quote(connection, user)
    for other in ROLES:
        connection.execute(text(f"REVOKE {_quote(connection, group_role(database, other))} FROM {who}"))


def role_of(connection: Connection) -> Role:
    """The role the server gives the person connected: what they may actually do."""
    row = connection.execute(
        text(
            "SELECT r.rolsuper, pg_catalog.pg_get_userbyid(d.datdba) = current_user AS owns, "
            "has_table_privilege('partner', 'INSERT') AS admin, "
            "has_table_privilege('agreement', 'INSERT') AS chair, "
            "has_table_privilege('pool_line', 'UPDATE') AS editor "
            "FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()"
        )
    ).one()
    if row.rolsuper or row.owns or row.admin:
        return ROLES["admin"]
    if row.chair:
        return ROLES["chair"]
    if row.editor:
        return ROLES["editor"]
    return ROLES["viewer"]
