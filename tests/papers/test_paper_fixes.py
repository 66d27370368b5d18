"""Smaller things a published paper must get right: where an unprintable character is, an amount
over the application's limit named by its line, and computed sentences in the title's own style."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.core.money import Money
from jmg_desktop.papers import service
from jmg_desktop.papers.errors import UnsupportedCharactersError
from jmg_desktop.papers.model import FigureTable, PaperView, Paragraph, Run, Section, TableRow
from jmg_desktop.papers.render import render_pdf


def test_an_unprintable_character_is_placed_by_section_and_line(make_view: Callable[..., PaperView]) -> None:
    table = FigureTable(("Service", "£m"), (TableRow(("Care ☃ homes", Money(100))),))
    view = make_view(
        title="Winter ☃ plan",
        sections=(Section("Intro", (Paragraph((Run("fine"),)),)), Section("Figures", (table,))),
    )
    with pytest.raises(UnsupportedCharactersError) as caught:
        render_pdf(view)
    message = str(caught.value)
    assert "“☃” (U+2603 SNOWMAN) in the title, section 2 (“Figures”), line “Care ☃ homes”." in message


def test_an_amount_over_the_limit_is_named_by_its_line(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute(
            "UPDATE pool_line SET amount_pence = 9000000000000000 WHERE service = 'Day services – external'"
        )
    connection.close()
    out = tmp_path / "paper.pdf"
    assert main(["export-paper", str(demo_path), "--paper", "1", "-o", str(out), "--accept-differences"]) == 2
    err = capsys.readouterr().err
    assert "unexpected error" not in err and "MoneyError" not in err
    assert (
        "line 12 “Day services – external” of the Older People pool for 2009/10 holds more than £1 trillion"
        in err
    )
    assert not out.exists()


def test_computed_sentences_use_the_titles_possessive_and_apostrophe(
    paper_workspace, paper_id: int, pdf_text: Callable[[bytes], str]
) -> None:
    from jmg_desktop.store.models import Agreement

    with paper_workspace.writing() as session:
        session.query(Agreement).update({"title": "Add five budgets to the Older People's pool"})
    text = " ".join(pdf_text(service.paper_pdf(paper_workspace, paper_id)).split())
    assert "Older People’s Pooled Budget: Widening its Scope" in text  # the title
    assert "contribution to the Older People’s pooled budget for 2009/10 is £50.436 million" in text
    assert "contribution to the Older People’s pooled budget for 2009/10 will be £86.946 million" in text
    assert "the proposal “Add five budgets to the Older People’s pool”" in text
    assert "People's" not in text
