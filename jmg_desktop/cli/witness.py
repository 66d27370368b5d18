"""``check FILE --against PAPER.pdf``: does the workspace's history still lead to the audit head the
published paper recorded? Exit 0 when it does, 1 (one sentence) when it does not, 2 when the PDF
cannot be read or records no head."""

from __future__ import annotations

from pathlib import Path

from jmg_desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandError,
    is_shared_address,
    open_workspace,
    read_file,
)

__all__ = ["check_against_paper"]


def check_against_paper(file: str, paper: str) -> int:
    """Compare the workspace's history with the head ``paper`` pins; print the verdict."""
    from jmg_desktop.papers.witness import check_against, pinned_head

    try:
        data = Path(paper).read_bytes()
    except OSError as error:
        raise CommandError(f"The paper {paper} cannot be read ({error.strerror or error}).") from None
    head = pinned_head(data)
    if head is None:
        raise CommandError(
            f"{paper} records no audit head: it is not a paper exported by this version of JMG Desktop."
        )
    if is_shared_address(file):
        from jmg_desktop.store.reads.sa_rows import session_rows

        with open_workspace(file) as workspace, workspace.reading() as session:
            problem = check_against(session_rows(session), head)
    else:  # a file: straight through sqlite3
        with read_file(file) as rows:
            problem = check_against(rows, head)
    if problem is not None:
        print(problem)
        return EXIT_PROBLEMS
    print(
        f"{file}: the history still leads to audit event {head.sequence}, the one {paper} was published after."
    )
    return EXIT_OK
