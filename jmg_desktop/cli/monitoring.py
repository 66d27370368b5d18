"""The ``monitor`` sub-command: one period's monitoring report for a pool, as CSV or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from jmg_desktop.cli.common import EXIT_OK, CommandError, UsageError, open_workspace

__all__ = ["add_monitor"]


def add_monitor(parser: argparse.ArgumentParser) -> None:
    """Options of ``monitor``."""
    parser.description = (
        "Each monitored line of a pool for one period: original budget, movements, latest budget, "
        "forecast outturn, variance (forecast − latest budget: overspend +, underspend −), traffic "
        "light and commentary. JSON adds the totals and the risk-share split. A closed period is "
        "reported exactly as it was frozen."
    )
    parser.add_argument("file", metavar="FILE", help="the workspace file (opened read-only)")
    parser.add_argument("--pool", required=True, metavar="P", help="the pool")
    parser.add_argument("--year", required=True, metavar="Y", help="the financial year, like 2009/10")
    parser.add_argument(
        "--period",
        metavar="N",
        help="the month (1-12) or quarter (1-4); default: the first open period",
    )
    parser.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="output format (default csv)"
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    parser.set_defaults(func=_monitor)


def _period(text: str | None) -> int | None:
    """The ``--period`` value as a whole number, or None."""
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(
            f"--period “{text}” is not a whole number (a month 1-12 or a quarter 1-4)."
        ) from None


def _monitor(args: argparse.Namespace) -> int:
    """Write the report; every refusal is a one-line message, exit 2."""
    from jmg_desktop.core.financial_year import FinancialYear, FinancialYearError
    from jmg_desktop.core.monitoring import MonitoringError
    from jmg_desktop.core.monitoring_report import report_csv, report_document
    from jmg_desktop.store.errors import WorkspaceError
    from jmg_desktop.store.monitoring_repo import current_period, period_report
    from jmg_desktop.store.safe_write import SafeWriteError, write_text_atomically
    from jmg_desktop.store.scenarios_repo import find_pool

    period = _period(args.period)
    try:
        year = FinancialYear.parse(args.year)
        with open_workspace(args.file) as workspace, workspace.reading() as session:
            pool = find_pool(session, args.pool)
            number = period if period is not None else current_period(session, pool.id, year.start_year)
            report = period_report(session, pool.id, year.start_year, number)
        if not report.lines:
            raise CommandError(f"The pool “{report.pool}” has no lines for {year.label}.")
        if args.format == "csv":
            text = report_csv(report)
        else:
            text = json.dumps(report_document(report), indent=1, ensure_ascii=False) + "\n"
    except (FinancialYearError, MonitoringError, WorkspaceError) as error:
        raise CommandError(str(error)) from None
    if args.output:
        try:
            write_text_atomically(args.output, text)
        except SafeWriteError as error:
            raise CommandError(str(error)) from None
    else:
        sys.stdout.write(text)
    return EXIT_OK
