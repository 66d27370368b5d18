"""``roles ADDRESS list|grant|revoke``: who may do what on a shared workspace, for administrators.

``list`` prints everyone holding one of the workspace's roles; ``grant LOGIN ROLE [--name NAME]``
gives a login one role (viewer, editor, chair or admin; replacing any other) and records the
person's name, which the audit trail and the "changed by" sentences then use; ``revoke LOGIN``
takes their role away. Grants are the server's own and each is recorded in the audit trail.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from jmg_desktop.cli.common import EXIT_OK, CommandError
from jmg_desktop.store.errors import WorkspaceError

if TYPE_CHECKING:  # imported when run: the registry keeps SQLAlchemy out of other commands
    from sqlalchemy.orm import Session

    from jmg_desktop.store.pg_workspace import SharedWorkspace

__all__ = ["add_roles"]

_ROLE_NAMES = ("viewer", "editor", "chair", "admin")


def add_roles(roles: argparse.ArgumentParser) -> None:
    """Options of ``roles ADDRESS list|grant LOGIN ROLE [--name NAME]|revoke LOGIN``."""
    roles.description = (
        "List, grant or revoke the roles people hold on the shared workspace at ADDRESS: viewer "
        "(reads), editor (lines, forecasts, draft papers), chair (also agreements, status, final "
        "papers) or admin. The server enforces them; each grant is recorded in the audit trail. "
        "Run by an administrator whose account may grant roles on the server."
    )
    roles.add_argument("address", metavar="ADDRESS", help="postgresql://user@host:port/dbname")
    roles.set_defaults(func=_roles)
    actions = roles.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="everyone holding a role, with their names")
    listing.set_defaults(run=_list)
    grant = actions.add_parser("grant", help="give LOGIN the role ROLE (replacing any other)")
    grant.add_argument("login", metavar="LOGIN", help="the person's login on the server")
    grant.add_argument("role", metavar="ROLE", help="viewer, editor, chair or admin")
    grant.add_argument("--name", help='the name the person is shown by, e.g. "Helen Marsh"')
    grant.set_defaults(run=_grant)
    revoke = actions.add_parser("revoke", help="take LOGIN's role away")
    revoke.add_argument("login", metavar="LOGIN", help="the person's login on the server")
    revoke.set_defaults(run=_revoke)


def _roles(args: argparse.Namespace) -> int:
    """Run the action asked for (list, grant or revoke)."""
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


def _refusal(error: BaseException) -> str:
    """One sentence for the server refusing an administrator's change."""
    text = str(getattr(error, "orig", error)).lower()
    if "permission denied" in text or "must have admin option" in text or "privilege" in text:
        return (
            "Your account may not grant or revoke roles on this server; ask an administrator of the "
            "server (one who set up the workspace) to do it."
        )
    return "The server refused the change to people's roles; nothing was changed."


def _open(address: str) -> SharedWorkspace:
    """The shared workspace at ``address``, writable, or a one-line refusal."""
    from jmg_desktop.store.pg_connect import is_address
    from jmg_desktop.store.pg_workspace import SharedWorkspace

    if not is_address(address):
        raise CommandError(
            f"“{address}” is not a shared workspace's address (postgresql://user@host/database); "
            "roles belong to shared workspaces only."
        )
    try:
        return SharedWorkspace.open(address)
    except WorkspaceError as error:
        raise CommandError(str(error)) from None


def _list(args: argparse.Namespace) -> int:
    from jmg_desktop.store.pg_people import members

    with _open(args.address) as workspace, workspace.engine.connect() as connection:
        people = members(connection)
        connection.rollback()
    if not people:
        print("Nobody holds a role on this shared workspace yet (grant one with 'roles ADDRESS grant').")
        return EXIT_OK
    width = max(len(person.login) for person in people)
    for person in people:
        print(f"{person.login:<{width}}  {person.role:<6}  {person.name}")
    return EXIT_OK


def _change(args: argparse.Namespace, change: Callable[[Session], str]) -> str:
    """Run ``change(session)`` in one audited transaction; its sentence, or a one-line refusal."""
    from sqlalchemy.exc import DBAPIError

    with _open(args.address) as workspace:
        if not workspace.role.can_administer:
            raise CommandError(
                f"Only an administrator may change people's roles; your role here is {workspace.role.title}."
            )
        try:
            with workspace.writing() as session:
                return change(session)
        except WorkspaceError as error:
            raise CommandError(str(error)) from None
        except DBAPIError as error:
            raise CommandError(_refusal(error)) from None


def _grant(args: argparse.Namespace) -> int:
    from jmg_desktop.store.pg_people import grant

    if args.role not in _ROLE_NAMES:
        raise CommandError(f"“{args.role}” is not a role; choose viewer, editor, chair or admin.")

    def change(session: Session) -> str:
        member = grant(session, args.login, args.role, name=args.name)
        return f"{member.name} ({member.login}) is now {args.role} on this shared workspace."

    print(_change(args, change))
    return EXIT_OK


def _revoke(args: argparse.Namespace) -> int:
    from jmg_desktop.store.pg_people import revoke

    def change(session: Session) -> str:
        revoke(session, args.login)
        return f"{args.login} no longer holds a role on this shared workspace."

    print(_change(args, change))
    return EXIT_OK
