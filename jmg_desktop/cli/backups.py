"""Sub-commands for backups: ``backups FILE`` lists them, ``restore BACKUP -o OUT.jmg`` restores one."""

from __future__ import annotations

import argparse
from pathlib import Path

from jmg_desktop.cli.common import EXIT_OK, CommandError
from jmg_desktop.store.backups import backups_dir, data_dir, known_workspaces, list_backups, restore
from jmg_desktop.store.errors import WorkspaceError

__all__ = ["add_backups", "add_restore"]


def add_backups(parser: argparse.ArgumentParser) -> None:
    """Options of ``backups``."""
    parser.description = (
        "List the automatic backups of FILE, newest first. FILE need not exist any more: "
        "its backups are found by its full path. Without FILE, list every workspace that has backups."
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help="the workspace file (.jmg); without it, every workspace with backups",
    )
    parser.set_defaults(func=_list)


def add_restore(parser: argparse.ArgumentParser) -> None:
    """Options of ``restore``."""
    parser.description = (
        "Write the workspace held in BACKUP to OUT.jmg. An existing OUT.jmg is never "
        "replaced unless --replace is given; it is then backed up first, and refused if in use."
    )
    parser.add_argument("backup", metavar="BACKUP", help="a backup file listed by 'jmg-desktop backups'")
    parser.add_argument("-o", "--output", metavar="OUT.jmg", required=True, help="the workspace to write")
    parser.add_argument(
        "--replace", action="store_true", help="replace OUT.jmg if it exists (after backing it up)"
    )
    parser.set_defaults(func=_restore)


def _list(args: argparse.Namespace) -> int:
    """``backups FILE``: one line per backup, newest first, the latest good one marked."""
    if args.file is None:
        return _list_workspaces()
    path = Path(args.file)
    found = list_backups(path)
    if not found:
        print(f"No backups of {path.name} yet (they would be in {backups_dir(path)}).")
        return EXIT_OK
    print(f"Backups of {path.name}, newest first (in {backups_dir(path)}):")
    latest_good = next((backup for backup in found if backup.ok), None)
    for backup in found:
        marker = "*" if backup is latest_good else " "
        print(f"{marker} {backup.describe()}  {backup.path}")
    if latest_good is not None:
        print("* the latest good backup")
    return EXIT_OK


def _list_workspaces() -> int:
    """``backups``: every workspace with backups, most recently backed up first."""
    known = known_workspaces()
    if not known:
        print(f"No workspace has backups yet (they would be in {data_dir() / 'backups'}).")
        return EXIT_OK
    print("Workspaces with backups, most recently backed up first:")
    for workspace in known:
        newest = workspace.newest.astimezone().strftime("%d %b %Y %H:%M")
        gone = "  (the file is no longer there)" if workspace.missing else ""
        print(f"  {workspace.path}  {workspace.count} backup(s), newest {newest}{gone}")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    """``restore BACKUP -o OUT.jmg [--replace]``."""
    backup, output = Path(args.backup), Path(args.output)
    try:
        restore(backup, output, overwrite=args.replace)
    except WorkspaceError as error:
        message = str(error)
        if not args.replace and output.exists() and "already exists" in message:
            message = f"{output.name} already exists; give another -o file, or --replace to replace it."
        raise CommandError(message) from None
    print(f"Restored {backup.name} to {output}")
    return EXIT_OK
