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

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.store import migrate
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.lock import LockState, assess, read_lock
from jmg_desktop.store.monitoring_check import monitoring_findings
from jmg_desktop.store.reads.agreements import agreement_findings
from jmg_desktop.store.reads.audit import audit_findings
from jmg_desktop.store.reads.rows import Rows, SqliteRows
from jmg_desktop.store.reads.snapshot import connect_snapshot
from jmg_desktop.store.reads.totals import stated_comparisons, stated_pool_years
from jmg_desktop.store.sqlite_schema import differences_from_expected
from jmg_desktop.store.trust import untrusted_objects
from jmg_desktop.store.unaudited import unaudited_findings
from jmg_desktop.store.witness import witness_findings
from jmg_desktop.store.workspace_file import inspect_file

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
            # The reads below assume a sound file with the expected tables and columns.
            return findings
        # Every later check reads the same snapshot through sqlite3 (no SQLAlchemy: check stays quick).
        rows = SqliteRows(connection)
        findings += _guarded("audit", lambda r: [Finding("audit", m) for m in audit_findings(r)], rows)
        findings += _guarded(
            "audit", lambda r: [Finding("audit", m) for m in witness_findings(r, path)], rows
        )
        findings += _guarded(
            "unaudited", lambda r: [Finding("unaudited", m) for m in unaudited_findings(r)], rows
        )
        findings += _guarded(
            "agreements", lambda r: [Finding("agreements", m) for m in agreement_findings(r)], rows
        )
        findings += _guarded("totals", _totals, rows)
        findings += _guarded("acceptances", _acceptances, rows)
        findings += _guarded(
            "monitoring", lambda r: [Finding("monitoring", m) for m in monitoring_findings(r)], rows
        )
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
    return connect_snapshot(path, doing="checking")


def _guarded(check: str, function: Callable[..., list[Finding]], *args: object) -> list[Finding]:
    """Run one check; a database error while checking is itself a finding, never a traceback."""
    try:
        return function(*args)
    except (sqlite3.Error, WorkspaceError) as error:
        return [Finding(check, f"The {check.replace('_', ' ')} check could not run: {error}.")]
    except Exception as error:  # a damaged row may fail to load (a date or status that cannot be read)
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
    for difference in differences_from_expected(connection):
        if difference.startswith(("a trigger", "a view")) or (
            strangers and "virtual" in " ".join(strangers) and "is not one this version knows" in difference
        ):
            continue  # already said above, in the words the opening refusal uses
        blocking = difference.endswith("is missing") and difference.startswith(("the table", "the column"))
        blocking = blocking or " is declared " in difference
        findings.append(Finding("schema", f"Schema: {difference}.", blocking=blocking))
    return findings


def _totals(rows: Rows) -> list[Finding]:
    """Every stated (published) figure against the value the lines give, to the penny."""
    pools = dict(rows.all("SELECT id, name FROM pool"))
    partners = {
        partner_id: short_name or name
        for partner_id, short_name, name in rows.all("SELECT id, short_name, name FROM partner")
    }
    findings = []
    for pool_id, year in stated_pool_years(rows):
        for comparison in stated_comparisons(rows, pool_id, year):
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


def _acceptances(rows: Rows) -> list[Finding]:
    """Accepted differences against the audit trail and the figures they accepted."""
    from jmg_desktop.store.acceptances_check import acceptance_findings

    return [Finding("acceptances", message) for message in acceptance_findings(rows)]
