"""``jmg-desktop check ADDRESS``: what can be wrong with a shared workspace on a server.

The server keeps its own files sound (no integrity check of ours applies); what is checked is
what the application relies on: every table and column the models describe is there, the audit
chain is whole, the agreements' histories make sense and every stated total reconciles.
"""

from __future__ import annotations

from sqlalchemy import inspect

from jmg_desktop.store.agreements_repo import agreement_findings
from jmg_desktop.store.audit import audit_findings
from jmg_desktop.store.check import Finding, _totals
from jmg_desktop.store.models import Base
from jmg_desktop.store.pg_workspace import SharedWorkspace
from jmg_desktop.store.reads.sa_rows import session_rows

__all__ = ["run_shared_checks"]


def _schema(workspace: SharedWorkspace) -> list[Finding]:
    """Each table and column of the models, present on the server."""
    with workspace.engine.connect() as connection:
        inspector = inspect(connection)
        live = set(inspector.get_table_names())
        findings = []
        for table in Base.metadata.sorted_tables:
            if table.name not in live:
                findings.append(Finding("schema", f"Schema: table {table.name} is missing.", blocking=True))
                continue
            columns = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in columns:
                    findings.append(
                        Finding(
                            "schema", f"Schema: column {table.name}.{column.name} is missing.", blocking=True
                        )
                    )
        connection.rollback()
    return findings


def run_shared_checks(address: str) -> list[Finding]:
    """Check the shared workspace at ``address`` without changing it; empty means no problems."""
    workspace = SharedWorkspace.open(address, read_only=True)
    try:
        findings = _schema(workspace)
        if findings:
            return findings
        with workspace.reading() as session:
            findings += [Finding("audit", message) for message in audit_findings(session)]
            findings += [Finding("agreements", message) for message in agreement_findings(session)]
            findings += _totals(session_rows(session))
        return findings
    finally:
        workspace.close()
