"""Sub-commands on whole workspaces: ``demo``, ``check``, ``dump`` and ``load``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jmg_desktop.cli.common import EXIT_OK, EXIT_PROBLEMS, CommandError, open_workspace
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.safe_write import SafeWriteError, atomic_writer

__all__ = ["add_check", "add_demo", "add_dump", "add_load"]


def add_demo(parser: argparse.ArgumentParser) -> None:
    """Options of ``demo``."""
    parser.add_argument("out", metavar="OUT.jmg", help="the workspace file to create (must not exist)")
    parser.set_defaults(func=_demo)


def add_check(parser: argparse.ArgumentParser) -> None:
    """Options of ``check``."""
    parser.add_argument("file", metavar="FILE", help="the workspace file (opened read-only)")
    parser.add_argument(
        "--against",
        metavar="PAPER.pdf",
        help="instead, check that the history still leads to the audit head this exported paper recorded",
    )
    parser.set_defaults(func=_check)


def add_dump(parser: argparse.ArgumentParser) -> None:
    """Options of ``dump``."""
    parser.add_argument("file", metavar="FILE", help="the workspace file (opened read-only)")
    parser.add_argument("-o", "--output", metavar="OUT.json", help="write here instead of standard output")
    parser.set_defaults(func=_dump)


def add_load(parser: argparse.ArgumentParser) -> None:
    """Options of ``load``."""
    parser.add_argument("input", metavar="IN.json", help="a dump made by 'jmg-desktop dump'")
    parser.add_argument(
        "-o", "--output", metavar="OUT.jmg", required=True, help="the workspace to create (must not exist)"
    )
    parser.set_defaults(func=_load)


def _demo(args: argparse.Namespace) -> int:
    from jmg_desktop.store.demo import build_demo

    try:
        build_demo(Path(args.out)).close()
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
    print(f"Wrote the demo workspace to {args.out}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    """Print every problem found (exit 1), or that there is none; say who has the file open."""
    if getattr(args, "against", None):  # a published paper's witness (cli/witness.py)
        from jmg_desktop.cli.witness import check_against_paper

        return check_against_paper(args.file, args.against)
    from jmg_desktop.store.check import in_use_by, run_checks

    try:
        if args.file.lower().startswith(("postgresql://", "postgres://")):
            from jmg_desktop.store.pg_check import run_shared_checks

            findings = run_shared_checks(args.file)
        else:
            findings = run_checks(Path(args.file))
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
    shared = args.file.lower().startswith(("postgresql://", "postgres://"))
    holder = "" if shared else in_use_by(Path(args.file))  # a file's lock; a server has none
    for finding in findings:
        print(finding.message)
    if holder:
        print(f"(checked as it stood at one moment: it is open for changes by {holder})")
    if findings:
        return EXIT_PROBLEMS
    where = args.file
    if where.lower().startswith(("postgresql://", "postgres://")):
        from jmg_desktop.store.pg_connect import display_address

        where = display_address(where)  # never echo a password typed into the address
    print(f"{where}: no problems found")
    return EXIT_OK


def _dump(args: argparse.Namespace) -> int:
    """Stream the dump to ``-o`` (written whole or not at all) or to standard output."""
    from jmg_desktop.store.dump import iter_dump_bytes, iter_dump_text

    with open_workspace(args.file) as workspace:
        if args.output:
            try:
                with atomic_writer(args.output) as stream:
                    for piece in iter_dump_bytes(workspace):
                        stream.write(piece)
            except (SafeWriteError, WorkspaceError) as error:
                raise CommandError(str(error)) from None
        else:
            # The dump's refusals (a float in a table) come before its first piece.
            out = sys.stdout
            try:
                for piece in iter_dump_text(workspace):
                    out.write(piece)
            except WorkspaceError as error:
                raise CommandError(str(error)) from None
    return EXIT_OK


def _load(args: argparse.Namespace) -> int:
    """Make a new workspace from a dump, checked row by row; nothing is left behind on a refusal."""
    from jmg_desktop.interchange.gc_pause import collection_paused
    from jmg_desktop.store.load import load_file

    try:
        with collection_paused():  # a million rows, none in a cycle: 2 s of collector passes
            load_file(Path(args.input), Path(args.output))
    except WorkspaceError as error:
        raise CommandError(str(error)) from None
    print(f"Wrote {args.output}")
    return EXIT_OK
