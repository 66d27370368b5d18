"""The ``import-lines`` and ``export-xlsx`` sub-commands: pool lines in from a workbook or CSV file,
and the workspace out to an Excel workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

from jmg_desktop.cli.common import EXIT_OK, CommandError, UsageError, open_workspace
from jmg_desktop.core.money import Money
from jmg_desktop.interchange.gc_pause import while_paused

__all__ = ["add_export_xlsx", "add_import_lines"]


def add_import_lines(parser: argparse.ArgumentParser) -> None:
    """The options of ``import-lines``."""
    parser.description = (
        "Add the rows of a sheet as lines of a pool and year. The header row is found by its "
        "headings in the first 30 rows, and columns are mapped from them (units such as £000 and "
        "£m in a heading are applied). Nothing is imported if any cell is refused, unless "
        "--skip-refused is given; the import is one audited change."
    )
    parser.add_argument("file", metavar="FILE", help="the workspace file")
    parser.add_argument("input", metavar="IN.xlsx", help="the workbook or CSV file to import")
    parser.add_argument("--pool", required=True, metavar="NAME", help="the pool to add the lines to")
    parser.add_argument("--year", required=True, metavar="YEAR", help="the financial year, like 2019/20")
    parser.add_argument(
        "--sheet", metavar="NAME", help="the sheet to import (default: the first with a header)"
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"Heading=field"',
        help="map a column (by heading or letter) to service, category, partner, status, amount, note, "
        "year, pool, or ignore; may be repeated",
    )
    parser.add_argument("--header-row", type=int, metavar="N", help="the sheet row that holds the headings")
    parser.add_argument(
        "--partner", metavar="NAME", help="the partner for rows that give none (default: the pool's host)"
    )
    parser.add_argument("--status", metavar="NAME", help="the status for rows that give none")
    parser.add_argument(
        "--skip-refused", action="store_true", help="import the good rows even if some cells are refused"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be imported and change nothing"
    )
    parser.add_argument(
        "--bcf",
        action="store_true",
        help="a BCF planning workbook: replace the pool's income from its Income sheet and add its "
        "Expenditure sheet's schemes, in one change",
    )
    parser.set_defaults(func=_import_lines)


def add_export_xlsx(parser: argparse.ArgumentParser) -> None:
    """The options of ``export-xlsx``."""
    parser.add_argument("file", metavar="FILE", help="the workspace file (opened read-only)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="the workbook to write")
    parser.add_argument("--pool", metavar="NAME", help="only this pool (with --year)")
    parser.add_argument("--year", metavar="YEAR", help="only this financial year (with --pool)")
    parser.add_argument(
        "--bcf",
        action="store_true",
        help="write the pool's BCF plan in the planning template's shape (needs --pool and --year)",
    )
    parser.set_defaults(func=_export_xlsx)


def _year(text: str) -> int:
    """A financial year from the command line, or a usage error."""
    from jmg_desktop.core.financial_year import FinancialYear, FinancialYearError

    try:
        return FinancialYear.parse(text).start_year
    except FinancialYearError as error:
        raise UsageError(f"--year: {error}") from None


@while_paused
def _import_lines(args: argparse.Namespace) -> int:
    from jmg_desktop.core.financial_year import FinancialYear
    from jmg_desktop.interchange.errors import InterchangeError
    from jmg_desktop.interchange.import_lines import import_command
    from jmg_desktop.interchange.planning import make_defaults, plan_source, resolve_pool
    from jmg_desktop.interchange.sources import open_source
    from jmg_desktop.store.bcf_repo import stream_names
    from jmg_desktop.store.errors import WorkspaceError
    from jmg_desktop.store.lines_repo import LinesStore, load_references

    year = FinancialYear(_year(args.year))
    source_path = Path(args.input)
    with open_workspace(args.file, read_only=args.dry_run) as workspace:
        if not args.dry_run and workspace.read_only:
            raise CommandError(
                f"“{Path(args.file).name}” cannot be changed ({workspace.read_only_reason}); nothing was imported."
            )
        try:
            refs = load_references(workspace)
            pool = resolve_pool(workspace, args.pool)
            defaults = make_defaults(workspace, refs, pool, year, args.partner, args.status)
            source = open_source(source_path)
            if args.bcf:
                return _import_bcf(args, workspace, source, defaults, pool.name, pool.id, year)
            with workspace.reading() as session:
                streams = {name.casefold(): stream_id for stream_id, name in stream_names(session)}
            plan = plan_source(
                source,
                refs,
                defaults,
                sheet_name=args.sheet,
                header_row=args.header_row,
                map_options=args.map,
                streams=streams,
            )
            # The parsed sheet (about 110 MB for 100,000 rows) is not needed once planned: let it
            # go before the lines are written, or it stays alive beside them at the peak.
            del source
        except InterchangeError as error:
            raise CommandError(str(error)) from None
        for note in plan.notes:
            print(note)
        described = ", ".join(
            f"{plan.headings.get(column, '?')} → {field}" for column, field in sorted(plan.mapping.items())
        )
        print(f"Sheet “{plan.sheet}”, headings on row {plan.header_row}: {described}.")
        for line in plan.skipped:
            print(line)
        _print_refusals(plan.refusals)
        if plan.refusals and not args.skip_refused:
            raise CommandError(
                f"Nothing was imported: {len(plan.refusals)} cell{'s' if len(plan.refusals) != 1 else ''} "
                f"in {plan.refused_rows} row{'s' if plan.refused_rows != 1 else ''} "
                "were refused (fix them, or give --skip-refused to import the other rows)."
            )
        count = len(plan.lines)
        summary = f"{count} line{'s' if count != 1 else ''} totalling {plan.total.format_full()}"
        if args.dry_run:
            print(f"Would import {summary} into “{pool.name}” {year.label}; nothing was changed.")
            return EXIT_OK
        if not plan.lines:
            raise CommandError(f"Sheet “{plan.sheet}” has no lines to import; nothing was changed.")
        store = LinesStore(workspace)
        try:
            command = import_command(store, plan, pool.id, year.start_year, source_path.name)
            del plan  # the command holds the lines now; the planned ones need not share the peak
            command.apply(store)
        except WorkspaceError as error:
            raise CommandError(str(error)) from None
    print(f"Imported {summary} into “{pool.name}” {year.label} from {source_path.name}.")
    return EXIT_OK


def _print_refusals(refusals: list) -> None:  # type: ignore[type-arg]
    """Each refused cell on its own line (the first 500; then how many more)."""
    for refusal in refusals[:500]:
        print(refusal.sentence())
    if len(refusals) > 500:
        print(f"… and {len(refusals) - 500:,} more refused cells.")


def _import_bcf(
    args: argparse.Namespace, workspace, source, defaults, pool_name: str, pool_id: int, year
) -> int:  # type: ignore[no-untyped-def]
    """``import-lines --bcf``: the Income and Expenditure sheets together, or nothing."""
    from jmg_desktop.interchange.bcf_template import apply_bcf_import, plan_bcf_import
    from jmg_desktop.store.errors import WorkspaceError

    plan = plan_bcf_import(workspace, source, defaults, sheet_name=args.sheet)
    assert plan.lines is not None
    for note in plan.lines.notes:
        print(note)
    income = Money(sum(entry.amount.pence for entry in plan.income))
    print(
        f"Income sheet “{plan.income_sheet}”: {len(plan.income)} rows totalling {income.format_full()}; "
        f"Expenditure sheet “{plan.lines.sheet}”, headings on row {plan.lines.header_row}: "
        f"{len(plan.lines.lines)} schemes totalling {plan.lines.total.format_full()}."
    )
    if plan.new_streams:
        print("New funding streams: " + ", ".join(plan.new_streams) + ".")
    for line in plan.lines.skipped:
        print(line)
    _print_refusals(plan.refusals)
    if plan.refusals:
        raise CommandError(f"Nothing was imported: {len(plan.refusals):,} cells were refused.")
    if args.dry_run:
        print(
            f"Would replace the income and add the schemes of “{pool_name}” {year.label}; nothing was changed."
        )
        return EXIT_OK
    try:
        count = apply_bcf_import(workspace, plan, pool_id, year.start_year)
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
    print(f"Imported the income and {count} schemes into “{pool_name}” {year.label} from {source.path.name}.")
    return EXIT_OK


@while_paused
def _export_xlsx(args: argparse.Namespace) -> int:
    from jmg_desktop.interchange.errors import InterchangeError
    from jmg_desktop.interchange.export import Scope, export_workbook
    from jmg_desktop.interchange.planning import resolve_pool
    from jmg_desktop.store.safe_write import SafeWriteError

    if (args.pool is None) != (args.year is None):
        raise UsageError("export-xlsx: give --pool and --year together, or neither for the whole workspace.")
    if args.bcf and args.pool is None:
        raise UsageError("export-xlsx: --bcf needs --pool and --year.")
    with open_workspace(args.file) as workspace:
        try:
            scope = Scope()
            if args.pool is not None:
                scope = Scope(resolve_pool(workspace, args.pool).id, _year(args.year))
            if args.bcf:
                from jmg_desktop.interchange.bcf_template import export_bcf_workbook

                count = export_bcf_workbook(workspace, args.output, scope.pool_id, scope.year)  # type: ignore[arg-type]
                print(
                    f"Wrote {count} scheme{'s' if count != 1 else ''} in the BCF template's shape to {args.output}"
                )
                return EXIT_OK
            count = export_workbook(workspace, args.output, scope)
        except (InterchangeError, SafeWriteError) as error:
            raise CommandError(str(error)) from None
    print(f"Wrote {count} line{'s' if count != 1 else ''} to {args.output}")
    return EXIT_OK
