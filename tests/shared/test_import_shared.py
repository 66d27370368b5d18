"""Importing a workbook into a shared workspace on PostgreSQL: one audited change whose long event
(its lines encoded a column at a time, hashed in pieces) chains as on SQLite; undo removes it all."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.interchange.import_lines import import_command
from jmg_desktop.interchange.planning import make_defaults, plan_source, resolve_pool
from jmg_desktop.interchange.sources import open_source
from jmg_desktop.store.audit import verify_chain
from jmg_desktop.store.lines_repo import LinesStore, load_references
from jmg_desktop.store.models import AuditEvent, PoolLine
from jmg_desktop.store.pg_workspace import SharedWorkspace

ROWS = 6_000  # past one batch of the audit's column encoder, and past one hashing piece


def test_a_large_import_into_a_shared_workspace_is_one_whole_audited_change(
    tmp_path: Path, pg_server, pg_demo_template, pg_database
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Service", "Amount (£)", "Note"])
    for n in range(ROWS):
        sheet.append([f"Home care – “package” {n}", Decimal(f"{n}.{n % 100:02d}"), 'a "quoted" \\ note'])
    book.save(tmp_path / "lines.xlsx")
    expected = sum(n * 100 + n % 100 for n in range(ROWS))

    with SharedWorkspace.open(pg_database(pg_demo_template)) as workspace:
        refs = load_references(workspace)
        pool = resolve_pool(workspace, "Older People")
        defaults = make_defaults(workspace, refs, pool, FinancialYear(2009), None, None)
        plan = plan_source(open_source(tmp_path / "lines.xlsx"), refs, defaults)
        assert not plan.refusals and plan.total.pence == expected
        store = LinesStore(workspace)
        command = import_command(store, plan, pool.id, 2009, "lines.xlsx")

        def lines_and_total() -> tuple[int, int]:
            with workspace.reading() as session:
                where = (PoolLine.pool_id == pool.id, PoolLine.financial_year == 2009)
                count = session.execute(select(func.count()).where(*where)).scalar_one()
                total = session.execute(select(func.sum(PoolLine.amount_pence)).where(*where)).scalar_one()
                return count, int(total or 0)

        before = lines_and_total()
        command.apply(store)
        assert lines_and_total() == (before[0] + ROWS, before[1] + expected)
        with workspace.reading() as session:
            assert verify_chain(session) is None
            event = session.execute(
                select(AuditEvent).order_by(AuditEvent.sequence.desc()).limit(1)
            ).scalar_one()
            assert event.action == "import_lines" and len(event.new) > 1 << 20
        command.revert(store)
        assert lines_and_total() == before
        with workspace.reading() as session:
            assert verify_chain(session) is None
