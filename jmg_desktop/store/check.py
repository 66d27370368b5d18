"""The findings behind ``jmg-desktop check FILE``: everything that can be wrong with a workspace file.

:func:`run_checks` opens the file read-only (it never modifies it) and runs, in order: SQLite's
``integrity_check``, ``foreign_key_check``, the schema against what this version of the application
expects (the whole schema of a freshly made workspace: :mod:`jmg_desktop.store.sqlite_schema`), the
audit chain, agreement histories, the reconciliation of every stated total with the lines, and
budget monitoring. All of them read one consistent snapshot of the file. Each problem becomes one :class:`Finding` whose ``message`` is
a single line fit to print.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.store import audit, migrate
from jmg_desktop.store.agreements_repo import agreement_findings
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lock import LockState, assess, read_lock
from jmg_desktop.store.models import Partner, Pool, StatedTotal
from jmg_desktop.store.monitoring_check import monitoring_findings
from jmg_desktop.store.sqlite_schema import expected_schema, schema_differences, schema_of
from jmg_desktop.store.totals import stated_comparisons
from jmg_desktop.store.trust import harden_connection, untrusted_objects
from jmg_desktop.store.unaudited import unaudited_findings
from jmg_desktop.store.witness import witness_findings
from jmg_desktop.store.workspace_file import inspect_file, needs_recovery

__all__ = ["Finding", "in_use_by", "run_checks"]

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

    Every check reads one consistent snapshot: a single read transaction, so a file another
    program is editing is checked as it stood at one moment, never half-way through a change.
    Nothing is written: no journal is created, and a change interrupted by a crash is not rolled
    back (the file is refused, saying it needs recovering by opening it).

    Raises :class:`WorkspaceError` (one sentence) when the file is not a workspace this version can
    read at all: missing, not SQLite, another application's database, or from a newer version.
    """
    path = Path(path)
    facts = inspect_file(path)
    connection = _connect_snapshot(path)
    try:
        findings = _integrity(connection)
        damaged = bool(findings)
        findings += _guarded("foreign_keys", _foreign_keys, connection)
        findings += _guarded("schema", _schema, connection, facts.user_version)
        if damaged or any(f.check == "schema" and f.blocking for f in findings):
            # The ORM reads below assume a sound file with the expected tables and columns.
            return findings
        engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)
        try:
            with Session(engine) as session:
                findings += _guarded("audit", _audit, session)
                findings += _guarded(
                    "audit", lambda s: [Finding("audit", m) for m in witness_findings(s, path)], session
                )
                findings += _guarded(
                    "unaudited", lambda s: [Finding("unaudited", m) for m in unaudited_findings(s)], session
                )
                findings += _guarded(
                    "agreements", lambda s: [Finding("agreements", m) for m in agreement_findings(s)], session
                )
                findings += _guarded("totals", _totals, session)
                findings += _guarded(
                    "monitoring",
                    lambda s: [Finding("monitoring", m) for m in monitoring_findings(s)],
                    session,
                )
        finally:
            engine.dispose()
    finally:
        connection.close()
    return findings


def in_use_by(path: Path) -> str:
    """Who has the workspace open for changes, in words (``alice on LAPTOP-7 since …``), or ""."""
    try:
        holder = read_lock(Path(path))
    except ValueError:
        return "someone (its lock file cannot be read)"
    if holder is None or assess(holder) is not LockState.HELD:
        return ""
    return holder.describe()


def _connect_snapshot(path: Path) -> sqlite3.Connection:
    """A hardened read-only connection holding one read transaction (the snapshot) open."""
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        harden_connection(connection)
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA busy_timeout = 5000")
        connection.execute("BEGIN")
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # takes the snapshot
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorcode", -1) & 0xFF
        if code == sqlite3.SQLITE_READONLY:  # a hot journal, which a read-only reader cannot roll back
            raise WorkspaceError(needs_recovery(path).replace("try again", "check it again")) from None
        if code == sqlite3.SQLITE_BUSY:
            raise WorkspaceError(
                f"“{path.name}” was kept busy by another program for several seconds; check it again in a moment."
            ) from None
        raise WorkspaceError(
            f"“{path.name}” cannot be opened for checking: its pages cannot be read."
        ) from None
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
    # One row can hold several problems on separate lines, under a "*** in database main ***"
    # heading; each problem is its own one-line finding.
    problems = [
        part.strip()
        for row in rows
        for part in str(row[0]).splitlines()
        if part.strip() and part.strip() != "ok" and not part.startswith("***")
    ]
    return [Finding("integrity", f"Integrity: {problem}", True) for problem in problems[:_MAX_LISTED]]


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
    """The live schema, whole, against a workspace freshly made by this version (SQLite only)."""
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
    strangers = untrusted_objects(connection)
    findings = [Finding("schema", f"Schema: the file holds {what}.") for what in strangers]
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        revision = []
    if revision != [(migrate.head_revision(),)]:
        recorded = ", ".join(str(row[0]) for row in revision) or "none"
        findings.append(
            Finding(
                "schema",
                f"Schema: the migration record says {recorded} but the file claims schema {user_version}.",
            )
        )
    for difference in schema_differences(schema_of(connection), expected_schema()):
        if difference.startswith(("a trigger", "a view")) or (
            strangers and "virtual" in " ".join(strangers) and "is not one this version knows" in difference
        ):
            continue  # already said above, in the words the opening refusal uses
        blocking = difference.endswith("is missing") and difference.startswith(("the table", "the column"))
        blocking = blocking or " is declared " in difference
        findings.append(Finding("schema", f"Schema: {difference}.", blocking=blocking))
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
