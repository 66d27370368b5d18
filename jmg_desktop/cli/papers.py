"""Sub-commands for cabinet papers: ``papers`` lists them, ``export-paper`` writes one as a PDF."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from jmg_desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandError,
    is_shared_address,
    open_workspace,
    read_file,
)
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.store.errors import WorkspaceError

if TYPE_CHECKING:
    from jmg_desktop.papers.reading import Difference
    from jmg_desktop.store.reads.papers import PaperRecord
    from jmg_desktop.store.reads.rows import Rows

_T = TypeVar("_T")

__all__ = ["add_export_paper", "add_papers"]


class _GateError(CommandError):
    """Stated totals differ from the lines and the user did not accept that: a check found problems."""

    exit_code = EXIT_PROBLEMS


def add_papers(parser: argparse.ArgumentParser) -> None:
    """Options of ``papers``."""
    parser.add_argument("file", metavar="FILE", help="the workspace file (opened read-only)")
    parser.set_defaults(func=_list)


def add_export_paper(export: argparse.ArgumentParser) -> None:
    """Options of ``export-paper``."""
    export.add_argument(
        "file",
        metavar="FILE",
        help="the workspace file (opened read-only; with --accept-differences, writable for that step alone)",
    )
    export.add_argument(
        "--paper", required=True, metavar="ID_OR_TITLE", help="the paper's id, or its title (newest version)"
    )
    export.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="the PDF to write")
    export.add_argument(
        "--accept-differences",
        action="store_true",
        help="where a stated total differs from the lines, record that you accept it (audited, under your "
        "name; the paper prints the computed figure with a footnote giving both), then export",
    )
    export.set_defaults(func=_export)


def _list(args: argparse.Namespace) -> int:
    """Print one line per paper version."""
    if is_shared_address(args.file):
        from jmg_desktop.papers.service import list_papers

        with open_workspace(args.file) as workspace:
            papers = list_papers(workspace)
    else:  # a file: read straight through sqlite3, without SQLAlchemy (issue 13's start-up cost)
        from jmg_desktop.store.reads.papers import list_papers as read_papers

        with read_file(args.file) as rows:
            papers = read_papers(rows)
    if not papers:
        print("No papers in this workspace.")
    for paper in papers:
        year = FinancialYear(paper.financial_year).label
        print(f"{paper.id}\tversion {paper.version}\t{paper.status}\t{year}\t{paper.title}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    """Export one paper; the gate's refusal exits 1, other refusals exit 2.

    A workspace file is read straight through ``sqlite3`` (one snapshot, no SQLAlchemy), a shared
    workspace through its session: the same reads either way (:mod:`jmg_desktop.papers.reading`).
    With ``--accept-differences``, differences waiting for acceptance are recorded through a
    writable handle opened for that step alone, and the paper is then read again and exported.
    """
    from jmg_desktop.papers import reading
    from jmg_desktop.papers.output import write_file_atomically

    try:
        paper, result = _snapshot(args, lambda rows: _paper_and_pdf(reading, rows, args))
        if isinstance(result, reading.ReconciliationRequired):  # only with --accept-differences
            _accept(args.file, paper.id, result.differences)
            paper, result = _snapshot(args, lambda rows: _paper_and_pdf(reading, rows, args))
            if isinstance(result, reading.ReconciliationRequired):
                raise result
        path = write_file_atomically(result, args.output)
    except reading.ReconciliationRequired as error:
        raise _GateError(
            f"{error} Nothing was written (--accept-differences records your acceptance and exports)."
        ) from None
    except (PaperError, WorkspaceError) as error:
        raise CommandError(str(error)) from None
    status = "final" if paper.is_final else "draft"
    print(f"Wrote version {paper.version} ({status}) of “{paper.title}” to {path}")
    return EXIT_OK


def _snapshot(args: argparse.Namespace, work: Callable[[Rows], _T]) -> _T:
    """``work`` on one read snapshot: through ``sqlite3`` for a file, a session for a shared one."""
    if is_shared_address(args.file):
        from jmg_desktop.store.reads.sa_rows import session_rows

        with open_workspace(args.file) as workspace, workspace.reading() as session:
            return work(session_rows(session))
    with read_file(args.file) as rows:
        return work(rows)


def _paper_and_pdf(reading: ModuleType, rows: Rows, args: argparse.Namespace) -> tuple[PaperRecord, Any]:
    """The paper asked for and its PDF bytes, from one snapshot; with ``--accept-differences`` the
    gate's refusal is handed back (so the differences can be accepted) instead of raised."""
    paper = reading.find_paper(rows, args.paper)
    try:
        return paper, reading.paper_pdf(rows, paper.id)
    except reading.ReconciliationRequired as error:
        if not args.accept_differences:
            raise
        return paper, error


def _accept(file: str, paper_id: int, waiting: list[Difference]) -> None:
    """Record the acceptance of ``waiting`` through a writable handle opened for this step alone;
    refused, with nothing written, while someone else has the workspace open for changes."""
    from jmg_desktop.papers.accepting import accept_differences

    with open_workspace(file, read_only=False) as writable:
        if writable.read_only:
            reason = writable.read_only_reason or "open read-only"
            held = reason if reason.startswith("in use by") else f"read-only here ({reason})"
            raise CommandError(
                f"“{writable.display_name}” is {held}, so the differences were not accepted and nothing "
                "was written; try again once it is closed there."
            )
        accepted = accept_differences(writable, paper_id, waiting)
    count = len(accepted)
    who = accepted[0].accepted_by if accepted else ""
    print(f"Accepted {count} difference{'s' if count != 1 else ''} as {who} (recorded in the audit trail).")
