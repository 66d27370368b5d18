"""Running the Alembic migrations in-process on one connection, inside one transaction."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@cache
def _script_directory():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


_REVISION_LINE = re.compile(r"""^revision\s*=\s*['"](\d+)['"]""", re.MULTILINE)


@cache
def head_revision() -> str:
    """The newest migration's revision id (``0001`` and so on).

    Revision ids are numbers that increase along the chain, so the head is the largest
    ``revision = "NNNN"`` line in the migration scripts: reading them costs a millisecond, where
    importing Alembic to parse its script directory costs 150 ms or more on every ``check``,
    ``dump`` and opening (``tests/store/test_migrations.py`` checks both agree).
    """
    revisions = [
        match.group(1)
        for script in (MIGRATIONS_DIR / "versions").glob("*.py")
        if (match := _REVISION_LINE.search(script.read_text(encoding="utf-8")))
    ]
    return max(revisions, key=int) if revisions else _script_directory().get_current_head()


def schema_version() -> int:
    """The schema version this application writes: the head revision as a number."""
    return int(head_revision())


def upgrade(connection: Connection, target: str = "head") -> None:
    """Upgrade the database on ``connection`` to ``target``; the caller owns the transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, target)
