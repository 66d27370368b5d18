"""Building a new workspace file: an empty file of the current schema under a temporary name
beside its target, which the caller fills, then claims (:mod:`jmg_desktop.store.claim`) or discards.
Used by :meth:`Workspace.create <jmg_desktop.store.workspace.Workspace.create>` and by ``load``."""

from __future__ import annotations

import os
import uuid
from contextlib import suppress
from pathlib import Path

from jmg_desktop import __version__
from jmg_desktop.store import migrate
from jmg_desktop.store.claim import clear_abandoned_partials, partial_beside
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.workspace_file import APPLICATION_ID, fault_text, make_engine, utc_now

__all__ = ["build_beside", "build_empty", "discard_partial"]


def build_beside(path: Path, *, title: str) -> Path:
    """Build an empty workspace of the current schema under a temporary name beside ``path``.

    Returns the temporary file, which the caller fills (or not), then claims or discards. Refuses
    at once when ``path`` exists or its folder does not.
    """
    if os.path.lexists(path):
        raise WorkspaceError(f"“{path.name}” already exists; choose another name.")
    if not path.parent.is_dir():
        raise WorkspaceError(f"The folder for “{path.name}” does not exist.")
    clear_abandoned_partials(path)
    temp = partial_beside(path)
    try:
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise WorkspaceError(f"“{path.name}” cannot be created: {error.strerror or error}.") from None
    os.close(handle)
    try:
        build_empty(temp, title=title, shown=path.name)
    except BaseException:
        discard_partial(temp)
        raise
    return temp


def build_empty(temp: Path, *, title: str, shown: str) -> None:
    """Give the empty file ``temp`` the current schema and the new-workspace settings.

    ``shown`` is the name the user asked for, for messages (``temp`` is a hidden name).
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(temp)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate.upgrade(connection)
            connection.exec_driver_sql(f"PRAGMA user_version = {migrate.schema_version()}")
            connection.execute(
                text("INSERT INTO workspace_setting (key, value) VALUES (:k, :v)"),
                [
                    {"k": "title", "v": title},
                    {"k": "created_at", "v": utc_now()},
                    {"k": "created_by_version", "v": __version__},
                    # witness.IDENTITY_SETTING: who this workspace is, for the witnesses of its trail.
                    {"k": "workspace_id", "v": uuid.uuid4().hex},
                    # unaudited.COMPLETE_SETTING: every audited row will be recorded from the start.
                    {"k": "audit_complete", "v": "1"},
                ],
            )
    except DBAPIError as error:
        raise WorkspaceError(
            f"“{shown}” cannot be created: {fault_text(error.orig) or 'the database refused it'}."
        ) from None
    finally:
        engine.dispose()


def discard_partial(temp: Path) -> None:
    """Remove a temporary file built beside a target, and any journal SQLite left with it."""
    for name in (temp.name, temp.name + "-journal"):
        with suppress(OSError):
            (temp.parent / name).unlink()
