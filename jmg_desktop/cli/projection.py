"""The ``project`` sub-command: a pool projected year by year under a scenario, as CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from itertools import chain

from jmg_desktop.cli.common import EXIT_OK, CommandError, UsageError, open_workspace
from jmg_desktop.core.financial_year import FinancialYear, FinancialYearError
from jmg_desktop.core.json_text import iter_indented
from jmg_desktop.core.projection import MAX_PROJECTION_YEARS, ProjectionError, project
from jmg_desktop.core.projection_export import comparison_document, projection_document
from jmg_desktop.core.projection_stream import LineColumns, stream_projection_csv
from jmg_desktop.core.scenario import Scenario, ScenarioError, parse_percent
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.safe_write import SafeWriteError, atomic_writer

__all__ = ["add_project"]


def add_project(parser: argparse.ArgumentParser) -> None:
    """Options of ``project``."""
    parser.description = (
        "Project each line of a pool from a base year: next = previous × (1 + inflation) × "
        "(1 + growth) × (1 − savings), rounded half-up to the penny, plus the scenario's adjustments. "
        "The output starts with the base year."
    )
    parser.add_argument("file", metavar="FILE", help="the workspace file (opened read-only)")
    parser.add_argument("--pool", required=True, metavar="NAME", help="the pool to project")
    parser.add_argument(
        "--from", dest="base_year", required=True, metavar="YEAR", help="the base year, like 2009/10"
    )
    parser.add_argument(
        "--years",
        required=True,
        metavar="N",
        help=f"how many years to project beyond the base year (0 to {MAX_PROJECTION_YEARS})",
    )
    parser.add_argument(
        "--scenario", metavar="NAME", help="a scenario stored in the workspace (default: no change)"
    )
    parser.add_argument(
        "--inflation", metavar="PCT", help="yearly inflation in percent, e.g. 2.5 (overrides the scenario)"
    )
    parser.add_argument(
        "--growth", metavar="PCT", help="yearly demographic growth in percent (overrides the scenario)"
    )
    parser.add_argument(
        "--savings", metavar="PCT", help="yearly efficiency savings in percent (overrides the scenario)"
    )
    parser.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="output format (default csv)"
    )
    parser.add_argument(
        "--compare",
        metavar="NAME",
        help="JSON only: add a second stored scenario's pool totals and the difference per year and in total",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    parser.set_defaults(func=_project)


def _years(text: str) -> int:
    """The ``--years`` value as a whole number in range."""
    try:
        years = int(text.strip())
    except ValueError:
        raise UsageError(f"--years “{text}” is not a whole number of years.") from None
    if not 0 <= years <= MAX_PROJECTION_YEARS:
        raise UsageError(f"--years must be between 0 and {MAX_PROJECTION_YEARS}.")
    return years


def _project(args: argparse.Namespace) -> int:
    """Run the projection and write it; every refusal is a one-line message, exit 2."""
    from jmg_desktop.store.scenarios_repo import find_pool, load_scenario, projection_inputs

    if args.compare and args.format != "json":
        raise UsageError("--compare adds figures to the JSON output: use it with --format json.")
    try:
        base_year = FinancialYear.parse(args.base_year)
        years = _years(args.years)
        rates = {
            name: None if text is None else parse_percent(text, f"--{name}")
            for name, text in (
                ("inflation", args.inflation),
                ("growth", args.growth),
                ("savings", args.savings),
            )
        }
        with open_workspace(args.file) as workspace, workspace.reading() as session:
            pool = find_pool(session, args.pool)
            # CSV streams from columns; JSON's totals and comparison need the whole projection.
            inputs = projection_inputs(session, pool.id, base_year, columnar=args.format == "csv")
            scenario = (
                load_scenario(session, args.scenario, inputs.pool_ids)
                if args.scenario
                else Scenario("Command line")
            )
            other = load_scenario(session, args.compare, inputs.pool_ids) if args.compare else None
        if not any(not line.linked for line in inputs.lines):
            raise CommandError(f"The pool “{inputs.pool_name}” has no lines for {base_year.label}.")
        scenario = scenario.with_rates(**rates)
        if isinstance(inputs.lines, LineColumns):
            stream = stream_projection_csv(inputs.lines, scenario, base_year, years, inputs.host_partner)
            pieces, warnings = stream.pieces, stream.warnings
        else:
            projection = project(inputs.lines, scenario, base_year, years, inputs.host_partner)
            document = projection_document(projection, inputs.pool_name)
            if other is not None:
                second = project(inputs.lines, other, base_year, years, inputs.host_partner)
                document["comparison"] = comparison_document(projection, second)
            pieces = chain(iter_indented(document), ["\n"])  # json.dumps(indent=1)'s text
            warnings = projection.warnings
    except (FinancialYearError, ScenarioError, ProjectionError, WorkspaceError) as error:
        raise CommandError(str(error)) from None
    for warning in warnings:
        print(f"jmg-desktop: note: {warning}", file=sys.stderr)
    if args.output:
        try:
            with atomic_writer(args.output) as out:
                for piece in pieces:
                    out.write(piece.encode("utf-8"))
        except SafeWriteError as error:
            raise CommandError(str(error)) from None
    else:
        for piece in pieces:
            sys.stdout.write(piece)
    return EXIT_OK
