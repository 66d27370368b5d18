"""What the editor and the command line do with papers in a workspace: create, save, build the view,
check the reconciliation gate, finalise, start a new version, export.

Final papers are built from their frozen snapshot, never from the lines, so they stay as issued.
Building, checking and rendering read through :mod:`jmg_desktop.papers.reading` (one snapshot,
portable SQL): here on the workspace's session; ``export-paper`` on a file runs the same functions
straight on ``sqlite3``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.papers import reading
from jmg_desktop.papers.document import PaperDocument, document_from_json, document_to_json
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.model import Notice, PaperView
from jmg_desktop.papers.output import write_file_atomically
from jmg_desktop.papers.reading import Difference, ReconciliationRequired, UnresolvedFiguresError
from jmg_desktop.papers.render import check_characters, render_pdf
from jmg_desktop.papers.snapshot import view_to_json
from jmg_desktop.store import acceptances_repo, papers_repo
from jmg_desktop.store.audit import current_actor
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.papers_repo import PaperRecord
from jmg_desktop.store.reads.sa_rows import session_rows
from jmg_desktop.store.workspace import Workspace, make_engine

__all__ = [
    "Difference",
    "ReconciliationRequired",
    "UnresolvedFiguresError",
    "create_paper",
    "create_starter_paper",
    "delete_draft",
    "draft_preview",
    "export_paper",
    "finalise_paper",
    "find_paper",
    "list_papers",
    "load_document",
    "new_version",
    "paper_differences",
    "paper_pdf",
    "paper_view",
    "partner_choices",
    "pool_name",
    "private_reader",
    "save_document",
]


def _now() -> str:
    """The current moment, UTC, to the second, as ISO text."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _require(session: Session, paper_id: int) -> PaperRecord:
    """The stored version, or a plain error when it is gone."""
    return reading.require(session_rows(session), paper_id)


@contextmanager
def private_reader(path: Path | Workspace) -> Iterator[Workspace]:
    """A read-only handle on a workspace (a file's path, or an open workspace, shared ones too)
    with connections of its own, for another thread.

    The preview builds papers on a worker thread; it must never share a connection with the GUI
    thread, which may close its workspace (and its connections) at any moment.
    """
    if isinstance(path, Workspace):
        reader = path.private_reader()
    else:
        reader = Workspace(
            path, make_engine(path, read_only=True), read_only=True, read_only_reason="preview"
        )
    try:
        yield reader
    finally:
        reader.close()


def partner_choices(workspace: Workspace) -> list[tuple[int, str]]:
    """Partners a paper's figures can describe: (id, name) in the workspace's order."""
    from sqlalchemy import select

    from jmg_desktop.store.models import Partner

    with workspace.reading() as session:
        rows = session.execute(select(Partner.id, Partner.name).order_by(Partner.position, Partner.id)).all()
    return [(row[0], row[1]) for row in rows]


def pool_name(workspace: Workspace, pool_id: int) -> str:
    """A pool's name, or a plain placeholder if it has gone."""
    from jmg_desktop.store.models import Pool

    with workspace.reading() as session:
        pool = session.get(Pool, pool_id)
        return pool.name if pool is not None else "(pool no longer exists)"


def list_papers(workspace: Workspace) -> list[PaperRecord]:
    """Every paper version in the workspace."""
    with workspace.reading() as session:
        return papers_repo.list_papers(session)


def find_paper(workspace: Workspace, id_or_title: str) -> PaperRecord:
    """A paper by id (``3``) or by title (the newest version of that title); a plain error otherwise."""
    with workspace.reading() as session:
        return reading.find_paper(session_rows(session), id_or_title)


def load_document(workspace: Workspace, paper_id: int) -> tuple[PaperRecord, PaperDocument]:
    """A version's record and its editable content."""
    with workspace.reading() as session:
        record = _require(session, paper_id)
    return record, document_from_json(record.content)


def create_paper(
    workspace: Workspace,
    *,
    pool_id: int,
    financial_year: int,
    partner_id: int | None,
    document: PaperDocument,
) -> int:
    """A new draft paper (version 1); returns its id."""
    FinancialYear(financial_year)  # refuses an impossible year with a plain message
    with workspace.writing() as session:
        return papers_repo.insert_paper(
            session,
            title=document.title.strip(),
            pool_id=pool_id,
            financial_year=financial_year,
            partner_id=partner_id,
            content=document_to_json(document),
            created_at=_now(),
        )


def create_starter_paper(workspace: Workspace, pool_id: int, financial_year: int) -> int:
    """A new draft for a pool and year, about its host partner's contribution, from the starter text."""
    from jmg_desktop.papers.template import starter_document
    from jmg_desktop.store.models import Pool

    with workspace.reading() as session:
        pool = session.get(Pool, pool_id)
        if pool is None:
            raise PaperError("Choose a pool first: the paper needs a pool and a financial year.")
        name, host = pool.name, pool.host_partner_id
    document = starter_document(name, FinancialYear(financial_year).label)
    return create_paper(
        workspace, pool_id=pool_id, financial_year=financial_year, partner_id=host, document=document
    )


def save_document(
    workspace: Workspace,
    paper_id: int,
    document: PaperDocument,
    *,
    about: tuple[int, int, int | None] | None = None,
) -> bool:
    """Save a draft's content (and optionally its pool, year, partner); refuses final papers."""
    pool_id, year, partner_id = about if about else (None, None, None)
    try:
        with workspace.writing() as session:
            return papers_repo.update_draft(
                session,
                paper_id,
                title=document.title.strip(),
                content=document_to_json(document),
                pool_id=pool_id,
                financial_year=year,
                partner_id=partner_id,
            )
    except WorkspaceError as error:
        raise PaperError(str(error)) from None


def paper_view(workspace: Workspace, paper_id: int) -> PaperView:
    """The paper as it prints now: the frozen snapshot of a final paper, else built from the lines."""
    with workspace.reading() as session:
        return reading.paper_view(session_rows(session), paper_id)


def draft_preview(workspace: Workspace, paper_id: int) -> tuple[PaperView, list[Difference]]:
    """A paper as it prints now and the stated totals it differs from (accepted or not), read in one
    snapshot: the editor's preview and its differences panel."""
    with workspace.reading() as session:
        rows = session_rows(session)
        record = reading.require(rows, paper_id)
        if record.is_final:
            return reading.paper_view(rows, paper_id), []
        return reading.draft_view_and_differences(rows, record)


def paper_differences(workspace: Workspace, paper_id: int) -> list[Difference]:
    """Stated totals for the paper's pool, year and partner that the lines do not add up to, each
    saying whether it was accepted for these figures.

    A final paper's figures are frozen and were accepted when it was issued, so it has none.
    """
    with workspace.reading() as session:
        rows = session_rows(session)
        return reading.differences(rows, reading.require(rows, paper_id))


def paper_pdf(workspace: Workspace, paper_id: int) -> bytes:
    """The PDF bytes of a paper: a final paper's PDF exactly as issued; a draft's rendered now, after
    the character check and the reconciliation gate (all read from one snapshot)."""
    with workspace.reading() as session:
        return reading.paper_pdf(session_rows(session), paper_id)


def export_paper(workspace: Workspace, paper_id: int, destination: Path | str) -> Path:
    """Render and write the paper safely; nothing is written unless every check passes."""
    return write_file_atomically(paper_pdf(workspace, paper_id), destination)


def finalise_paper(workspace: Workspace, paper_id: int) -> None:
    """Issue a draft: check it, freeze its resolved figures and text, and make it read-only."""
    with workspace.writing() as session:
        record = _require(session, paper_id)
        if record.is_final:
            raise PaperError(f"Version {record.version} of “{record.title}” is already final.")
        problems = document_from_json(record.content).problems()
        if problems:
            raise PaperError("The paper cannot be made final yet: " + " ".join(problems))
        now = _now()
        rows = session_rows(session)
        view, found = reading.draft_view_and_differences(
            rows, record, status="final", issued_at=datetime.fromisoformat(now).replace(tzinfo=None)
        )
        reading.refuse_unresolved(view, "made final")
        notices = [
            block.text for section in view.sections for block in section.blocks if isinstance(block, Notice)
        ]
        if notices:
            raise PaperError("The paper cannot be made final while it shows a notice: " + " ".join(notices))
        check_characters(view)
        reading.gate(found)  # an accepted difference is frozen with its footnote
        papers_repo.finalise(
            session,
            paper_id,
            snapshot=view_to_json(view),
            issued_pdf=render_pdf(view),
            finalised_at=now,
            finalised_by=current_actor(session),
        )


def new_version(workspace: Workspace, paper_id: int) -> int:
    """A new editable draft copied from this version, numbered one above the newest; returns its id."""
    try:
        with workspace.writing() as session:
            return papers_repo.start_new_version(session, paper_id, created_at=_now())
    except WorkspaceError as error:
        raise PaperError(str(error)) from None


def delete_draft(workspace: Workspace, paper_id: int) -> None:
    """Delete a draft version; final papers cannot be deleted."""
    try:
        with workspace.writing() as session:
            acceptances_repo.remove_for_paper(session, paper_id)  # each removal audited
            papers_repo.delete_draft(session, paper_id)
    except WorkspaceError as error:
        raise PaperError(str(error)) from None
