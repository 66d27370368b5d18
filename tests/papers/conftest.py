"""Fixtures for paper tests: a small, fully resolved paper view needing no workspace, and PDF readers.

Tests run with ``--import-mode=importlib``, so helpers reach test modules as fixtures, not imports.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from jmg_desktop.core.money import Money
from jmg_desktop.papers.model import (
    FigureTable,
    PaperMetadata,
    PaperView,
    Paragraph,
    Person,
    Run,
    Section,
    TableRow,
)
from jmg_desktop.store.workspace import Workspace

LINES = [
    ("Day services – internal", "3342000"),
    ("Day services – external", "4652000"),
    ("Home support – internal", "8050000"),
]


def make_view(**changes: object) -> PaperView:
    """A two-section paper with a figures table; ``changes`` replace any field."""
    rows = tuple(TableRow((name, Money.from_pounds(amount))) for name, amount in LINES)
    total = sum((Money.from_pounds(amount) for _, amount in LINES), Money.zero())
    view = PaperView(
        title="Widening the Older People’s Pool 2009/10",
        created=datetime(2009, 1, 12, 9, 30),
        annex_labels=("ANNEX 1", "ANNEX 4(b)"),
        meeting="CABINET – 20 January 2009",
        item_code="CA7",
        report_by="Director for Social & Community Services",
        divisions_affected="All",
        sections=(
            Section("Introduction", (Paragraph((Run("The pool has run since "), Run("2002", bold=True))),)),
            Section(
                "Budget changes",
                (
                    Paragraph((Run("Lines to be added:"),)),
                    FigureTable(
                        ("Service budget", "2009/10 £m"), (*rows, TableRow(("Total", total), total=True))
                    ),
                ),
            ),
        ),
        recommendations=((Run("approve the additions;"),), (Run("note the figures."),)),
        authors=(Person("Alex Example", "Finance Business Partner"),),
        contact_officer=Person("Alex Example", "Finance Business Partner", "01865 000000"),
        metadata=PaperMetadata(
            author="Alex Example",
            subject="Older People pool",
            keywords=("pooled budget",),
            creator="JMG Desktop test",
        ),
    )
    return view._replace(**changes)  # type: ignore[arg-type]


def pdf_reader(data: bytes) -> PdfReader:
    """A pypdf reader over rendered bytes."""
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    """All extracted text, pages joined."""
    return "\n".join(page.extract_text() for page in pdf_reader(data).pages)


@pytest.fixture
def view() -> PaperView:
    """The small sample paper."""
    return make_view()


@pytest.fixture(name="make_view")
def make_view_fixture() -> Callable[..., PaperView]:
    """:func:`make_view`, for tests that vary the sample."""
    return make_view


@pytest.fixture(name="pdf_text")
def pdf_text_fixture() -> Callable[[bytes], str]:
    """:func:`pdf_text`."""
    return pdf_text


@pytest.fixture(name="pdf_reader")
def pdf_reader_fixture() -> Callable[[bytes], PdfReader]:
    """:func:`pdf_reader`."""
    return pdf_reader


@pytest.fixture
def paper_workspace(demo_workspace: Workspace) -> Workspace:
    """The demo workspace with its paper (added here too, so these tests do not depend on the demo's
    extension list) and exactly one known agreement in principle, dated 2 December 2008."""
    from jmg_desktop.store.models import Agreement, AgreementStep, Meeting, Paper
    from jmg_desktop.store.papers_demo import add_demo_paper

    with demo_workspace.writing() as session:
        if session.query(Paper).count() == 0:
            add_demo_paper(session)
    remove_agreements(demo_workspace)
    with demo_workspace.writing() as session:
        meeting = Meeting(
            body="Older People Joint Management Group", held_on="2008-12-02", reference="OP 08/12"
        )
        session.add(meeting)
        session.flush()
        agreement = Agreement(
            meeting_id=meeting.id,
            title="Add five service budgets to the pool",
            pool_id=1,
            financial_year=2009,
            status="agreed_in_principle",
        )
        session.add(agreement)
        session.flush()
        session.add(
            AgreementStep(
                agreement_id=agreement.id, ordinal=1, status="agreed_in_principle", on_date="2008-12-02"
            )
        )
    return demo_workspace


def remove_agreements(workspace: Workspace) -> None:
    """Empty the decision register (its steps, lines and bodies go with it)."""
    from jmg_desktop.store.models import Agreement, Meeting

    with workspace.writing() as session:
        for agreement in session.query(Agreement).all():
            session.delete(agreement)
        for meeting in session.query(Meeting).all():
            session.delete(meeting)


@pytest.fixture(name="remove_agreements")
def remove_agreements_fixture() -> Callable[[Workspace], None]:
    """:func:`remove_agreements`."""
    return remove_agreements


@pytest.fixture
def paper_id(paper_workspace: Workspace) -> int:
    """The demo paper's id."""
    from jmg_desktop.papers.service import list_papers

    return list_papers(paper_workspace)[0].id


@dataclasses.dataclass(frozen=True)
class TagNode:
    """One element of a PDF's structure tree, in reading order."""

    depth: int
    tag: str
    lang: str = ""
    numbering: str = ""
    scope: str = ""
    title: str = ""


def _attributes(node: pikepdf.Dictionary) -> dict[str, str]:
    """The attribute values of a structure element that the tests look at."""
    found: dict[str, str] = {}
    owners = node.get("/A")
    owners = list(owners) if isinstance(owners, pikepdf.Array) else [owners] if owners is not None else []
    for owner in owners:
        if isinstance(owner, pikepdf.Dictionary):
            for key in ("/ListNumbering", "/Scope"):
                if key in owner:
                    found[key] = str(owner[key]).lstrip("/")
    return found


def structure(data: bytes) -> list[TagNode]:
    """The structure tree's elements, depth first, in reading order."""
    pdf = pikepdf.open(io.BytesIO(data))
    nodes: list[TagNode] = []

    def walk(node: object, depth: int) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, depth)
            return
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        attributes = _attributes(node)
        nodes.append(
            TagNode(
                depth,
                str(node.S).lstrip("/"),
                lang=str(node.get("/Lang", "")),
                numbering=attributes.get("/ListNumbering", ""),
                scope=attributes.get("/Scope", ""),
                title=str(node.get("/T", "")),
            )
        )
        kids = node.get("/K")
        if kids is not None:
            walk(kids, depth + 1)

    walk(pdf.Root.StructTreeRoot.K, 0)
    return nodes


def _strip_marked(data: bytes, keep_artifacts: bool) -> bytes:
    """The PDF with its artifacts removed from every page (or only its artifacts kept)."""
    pdf = pikepdf.open(io.BytesIO(data))
    for page in pdf.pages:
        kept = []
        depth = 0  # nesting inside an /Artifact marked-content sequence
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BMC", "BDC"):
                if depth or str(operands[0]) == "/Artifact":
                    depth += 1
                    if not keep_artifacts:
                        continue
            elif name == "EMC" and depth:
                depth -= 1
                if not keep_artifacts:
                    continue
            text_op = name in ("Tj", "TJ", "'", '"')
            if text_op and (depth > 0) != keep_artifacts:
                continue
            kept.append((operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def reading_text(data: bytes) -> str:
    """The text a screen reader meets: every page's text with the artifacts taken out."""
    return pdf_text(_strip_marked(data, keep_artifacts=False))


def artifact_text(data: bytes) -> str:
    """Only the text drawn as artifacts (page furniture, the watermark)."""
    return pdf_text(_strip_marked(data, keep_artifacts=True))


def outline(data: bytes) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, page number), depth first."""
    pdf = pikepdf.open(io.BytesIO(data))
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    entries: list[tuple[int, str, int]] = []

    def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
        for item in items:
            destination = item.destination
            page = pages.get(destination[0].objgen, 0) if destination is not None else 0
            entries.append((depth, item.title, page))
            walk(item.children, depth + 1)

    with pdf.open_outline() as tree:
        walk(tree.root, 0)
    return entries


@pytest.fixture(name="pdf_structure")
def pdf_structure_fixture() -> Callable[[bytes], list[TagNode]]:
    """:func:`structure`."""
    return structure


@pytest.fixture(name="reading_text")
def reading_text_fixture() -> Callable[[bytes], str]:
    """:func:`reading_text`."""
    return reading_text


@pytest.fixture(name="artifact_text")
def artifact_text_fixture() -> Callable[[bytes], str]:
    """:func:`artifact_text`."""
    return artifact_text


@pytest.fixture(name="pdf_outline")
def pdf_outline_fixture() -> Callable[[bytes], list[tuple[int, str, int]]]:
    """:func:`outline`."""
    return outline


def pdfua_findings(data: bytes, tmp_path: Path) -> list[str]:
    """What ``pdfua check`` finds in a PDF, one line per finding (empty when it passes)."""
    from pdfua import validate

    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    report = validate(str(path))
    return [f"{finding.rule_id} {finding.severity.name}: {finding.message}" for finding in report.findings]


@pytest.fixture(name="pdfua_findings")
def pdfua_findings_fixture(tmp_path: Path) -> Callable[[bytes], list[str]]:
    """:func:`pdfua_findings` with a temporary folder."""
    return lambda data: pdfua_findings(data, tmp_path)
