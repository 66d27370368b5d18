"""Exit codes and the errors sub-commands raise to end with a one-line message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from jmg_desktop.store.errors import WorkspaceError

if TYPE_CHECKING:  # imported when used: the GUI's start-up should not wait for SQLAlchemy
    from jmg_desktop.store.reads.rows import SqliteRows
    from jmg_desktop.store.workspace import Workspace

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_BAD_INPUT: Final = 2


class CommandError(Exception):
    """Ends a sub-command with ``str(self)`` on stderr and :attr:`exit_code`."""

    exit_code: int = EXIT_BAD_INPUT


class UsageError(CommandError):
    """The command line itself is wrong."""


def is_shared_address(where: str) -> bool:
    """Whether a sub-command's FILE is a shared workspace's ``postgresql://`` address."""
    return where.lower().startswith(("postgresql://", "postgres://"))


@contextmanager
def read_file(path: str) -> Iterator[SqliteRows]:
    """One read-only snapshot of a workspace file, through ``sqlite3`` alone (no SQLAlchemy), for
    the commands that only read; refusals become a one-line :class:`CommandError`."""
    from jmg_desktop.store.reads.snapshot import file_snapshot

    try:
        with file_snapshot(Path(path)) as rows:
            yield rows
    except WorkspaceError as error:
        raise CommandError(str(error)) from None


def open_workspace(path: str, *, read_only: bool = True) -> Workspace:
    """Open a workspace (a file, or a shared workspace's postgresql:// address) for a sub-command,
    turning refusals into a one-line :class:`CommandError`."""
    from jmg_desktop.store.workspace import Workspace

    try:
        if is_shared_address(path):
            from jmg_desktop.store.pg_workspace import SharedWorkspace

            return SharedWorkspace.open(path, read_only=read_only)
        # A command that only reads never rolls back a crashed change: it says the file needs it.
        return Workspace.open(Path(path), read_only=read_only, recover=not read_only)
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
