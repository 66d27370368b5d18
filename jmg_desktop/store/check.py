"""The findings behind ``jmg-desktop check FILE``: everything that can be wrong with a workspace file.

:func:`run_checks` opens the file read-only (it never modifies it) and runs, in order: SQLite's
``integrity_check``, ``foreign_key_check``, the schema against what this version of the application
expects (the models' metadata, no stray triggers or views), the audit chain, and the reconciliation
of every stated total with the lines. Each problem becomes one :class:`Finding` whose ``message`` is
a single line fit to print.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.store import audit, migrate
from jmg_desktop.store.agreements_repo import agreement_findings
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.models import Base, Partner, Pool, StatedTotal
from jmg_desktop.store.monitoring_check import monitoring_findings
from jmg_desktop.store.totals import stated_comparisons
from jmg_desktop.store.trust import harden_connection, untrusted_objects
from jmg_desktop.store.workspace import inspect_file, make_engine

__all__ = ["Finding", "run_checks"]

#: Tables SQLite or Alembic keep that the models do not describe.
_BOOKKEEPING_TABLES: Final = frozenset({"alembic_version", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"})
_MAX_LISTED: Final = 20  # a damaged file can give thousands of rows; the first ones locate the problem


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a workspace. ``check`` names the check; ``message`` is one line."""

    check: str
    message: str
    #: True when the problem stops the later checks (a damaged file, a missing table or column).
    blocking: bool = False


def run_checks(path: Path) -> list[Finding]:
    """Check the workspace at ``path`` without modifying it; an empty list means no problems.

    Raises :class:`WorkspaceError` (one sentence) when the file is not a workspace this version can
    read at all: missing, not SQLite, another application's database, or from a newer version.
    """
    path = Path(path)
    facts = inspect_file(path)
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        raise WorkspaceError(
            f"“{path.name}” holds a change interrupted by a crash; open it once in JMG Desktop to "
            "finish recovering it, then check it again."
        )
    connection = _connect_read_only(path)
    try:
        findings = _integrity(connection)
        damaged = bool(findings)
        findings += _guarded("foreign_keys", _foreign_keys, connection)
        findings += _guarded("schema", _schema, connection, facts.user_version)
    finally:
        connection.close()
    if damaged or any(f.check == "schema" and f.blocking for f in findings):
        # The ORM reads below assume a sound file with the expected tables and columns.
        return findings
    engine = make_engine(path, read_only=True)
    try:
        with Session(engine) as session:
            findings += _guarded("audit", _audit, session)
            findings += _guarded(
                "agreements", lambda s: [Finding("agreements", m) for m in agreement_findings(s)], session
            )
            findings += _guarded("totals", _totals, session)
            findings += _guarded(
                "monitoring", lambda s: [Finding("monitoring", m) for m in monitoring_findings(s)], session
            )
            session.rollback()
    finally:
        engine.dispose()
    return findings


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A hardened connection that cannot write to the file."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        harden_connection(connection)
        connection.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        raise WorkspaceError(f"“{path.name}” cannot be opened for checking: {error}.") from None
    return connection


def _guarded(check: str, function: Callable[..., list[Finding]], *args: object) -> list[Finding]:
    """Run one check; a database error while checking is itself a finding, never a traceback."""
    try:
        return function(*args)
    except (sqlite3.Error, WorkspaceError) as error:
        return [Finding(check, f"The {check.replace('_', ' ')} check could not run: {error}.")]
    except Exception as error:  # SQLAlchemy wraps driver errors; a damaged row may fail to load
        return [Finding(check, f"The {check.replace('_', ' ')} check could not run: {type(error).__name__}.")]


def _integrity(connection: sqlite3.Connection) -> list[Finding]:
    """SQLite's full ``integrity_check``, the first few problems only."""
    try:
        rows = connection.execute(f"PRAGMA integrity_check({_MAX_LISTED})").fetchall()
    except sqlite3.DatabaseError as error:
        return [Finding("integrity", f"Integrity: the file is damaged ({error}).")]
    return [Finding("integrity", f"Integrity: {row[0]}", True) for row in rows if row[0] != "ok"]


def _foreign_keys(connection: sqlite3.Connection) -> list[Finding]:
    """Rows that point at something that no longer exists."""
    rows = connection.execute("PRAGMA foreign_key_check").fetchall()
    findings = [
        Finding("foreign_keys", f"Foreign key: {table} row {rowid} refers to a missing {parent} row.")
        for table, rowid, parent, _fk in rows[:_MAX_LISTED]
    ]
    if len(rows) > _MAX_LISTED:
        findings.append(
            Finding(
                "foreign_keys", f"Foreign key: {len(rows) - _MAX_LISTED} more rows refer to missing rows."
            )
        )
    return findings


def _schema(connection: sqlite3.Connection, user_version: int) -> list[Finding]:
    """The live schema against the models' metadata and the migration history."""
    expected_version = migrate.schema_version()
    if user_version < expected_version:
        return [
            Finding(
                "schema",
                f"Schema: the file is at schema {user_version}, older than this version's "
                f"{expected_version}; opening it in JMG Desktop upgrades it (after a backup).",
                blocking=True,
            )
        ]
    findings = [
        Finding("schema", f"Schema: the file holds {what}.") for what in untrusted_objects(connection)
    ]
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if revision != [(migrate.head_revision(),)]:
        recorded = ", ".join(str(row[0]) for row in revision) or "none"
        findings.append(
            Finding(
                "schema",
                f"Schema: the migration record says {recorded} but the file claims schema {user_version}.",
            )
        )
    live_tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }
    for name, table in Base.metadata.tables.items():
        if name not in live_tables:
            findings.append(Finding("schema", f"Schema: the table {name} is missing.", blocking=True))
            continue
        live_columns = {row[1] for row in connection.execute(f'PRAGMA table_info("{name}")').fetchall()}
        for column in table.columns:
            if column.name not in live_columns:
                findings.append(
                    Finding("schema", f"Schema: the column {name}.{column.name} is missing.", blocking=True)
                )
        for extra in sorted(live_columns - {column.name for column in table.columns}):
            findings.append(
                Finding("schema", f"Schema: the column {name}.{extra} is not one this version knows.")
            )
        live_indexes = {row[1] for row in connection.execute(f'PRAGMA index_list("{name}")').fetchall()}
        for index in table.indexes:
            if index.name not in live_indexes:
                findings.append(Finding("schema", f"Schema: the index {index.name} on {name} is missing."))
    for extra in sorted(live_tables - set(Base.metadata.tables) - _BOOKKEEPING_TABLES):
        findings.append(Finding("schema", f"Schema: the table {extra} is not one this version knows."))
    return findings


def _audit(session: Session) -> list[Finding]:
    """The hash-chained audit trail, through the audit module's own verdict."""
    findings_of = getattr(audit, "audit_findings", None)
    if findings_of is not None:
        return [Finding("audit", message) for message in findings_of(session)]
    problem = audit.verify_chain(session)
    if problem is None:
        return []
    return [Finding("audit", f"Audit trail broken at event {problem.sequence}: {problem.reason}.")]


def _totals(session: Session) -> list[Finding]:
    """Every stated (published) figure against the value the lines give, to the penny."""
    pools = {pool.id: pool.name for pool in session.execute(select(Pool)).scalars()}
    partners = {
        partner.id: partner.short_name or partner.name
        for partner in session.execute(select(Partner)).scalars()
    }
    pairs = session.execute(
        select(StatedTotal.pool_id, StatedTotal.financial_year)
        .distinct()
        .order_by(StatedTotal.pool_id, StatedTotal.financial_year)
    ).all()
    findings = []
    for pool_id, year in pairs:
        for comparison in stated_comparisons(session, pool_id, year):
            if comparison.reconciles:
                continue
            figure = comparison.stated
            whose = (
                f"{partners.get(figure.partner_id, f'partner {figure.partner_id}')}'s "
                if figure.partner_id is not None
                else ""
            )
            scope = " including linked pools" if figure.scope == "with_linked" else ""
            findings.append(
                Finding(
                    "totals",
                    f"Totals: {pools.get(pool_id, f'pool {pool_id}')} {FinancialYear(year).label}: "
                    f"the stated {whose}{figure.basis} value{scope} is {figure.amount.format_full()} "
                    f"but the lines give {comparison.computed.format_full()} "
                    f"(difference {comparison.difference.format_full()}).",
                )
            )
    return findings
