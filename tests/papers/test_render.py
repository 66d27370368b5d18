"""The rendered PDF: fonts, metadata, determinism, Unicode, page furniture and long tables."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import datetime

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from jmg_desktop.core.money import Money
from jmg_desktop.papers.errors import UnsupportedCharactersError
from jmg_desktop.papers.model import FigureTable, PaperView, Paragraph, Run, Section, TableRow
from jmg_desktop.papers.render import format_table_money, render_pdf

STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
    "Times-BoldItalic", "Symbol", "ZapfDingbats",
}  # fmt: skip


def _fonts(data: bytes) -> list[DictionaryObject]:
    """Every font dictionary the pages use."""
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page["/Resources"].get_object()
        for font in resources["/Font"].get_object().values():
            fonts.append(font.get_object())
    return fonts


def test_every_font_is_embedded_liberation_sans_and_none_is_standard_14(view: PaperView) -> None:
    fonts = _fonts(render_pdf(view))
    assert fonts
    for font in fonts:
        base = str(font["/BaseFont"]).lstrip("/")
        assert base.split("+")[-1].startswith("LiberationSans"), base
        assert base.split("+")[-1] not in STANDARD_14
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), f"{base} is not embedded"


def test_same_view_renders_byte_identical(view: PaperView, make_view: Callable[..., PaperView]) -> None:
    assert render_pdf(view) == render_pdf(make_view())


def test_different_creation_date_changes_only_by_the_paper_not_the_clock(view: PaperView) -> None:
    later = dataclasses.replace(view, created=datetime(2009, 2, 3, 10, 0))
    assert render_pdf(view) != render_pdf(later)
    assert render_pdf(later) == render_pdf(later)


def test_metadata_language_and_creation_date(
    view: PaperView, pdf_reader: Callable[[bytes], PdfReader]
) -> None:
    reader = pdf_reader(render_pdf(view))
    info = reader.metadata
    assert info is not None
    assert info.title == "Widening the Older People’s Pool 2009/10"
    assert info.author == "Alex Example"
    assert info.subject == "Older People pool"
    assert info["/Keywords"] == "pooled budget"
    assert info.creator == "JMG Desktop test"
    assert info["/CreationDate"].startswith("D:20090112093000")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_one_bookmark_per_section_and_the_recommendations(
    view: PaperView, pdf_reader: Callable[[bytes], PdfReader]
) -> None:
    titles = [item.title for item in pdf_reader(render_pdf(view)).outline]
    assert titles == ["Introduction", "Budget changes", "RECOMMENDATIONS"]


def test_text_holds_labels_title_numbered_paragraphs_and_lettered_recommendations(
    view: PaperView, pdf_text: Callable[[bytes], str]
) -> None:
    text = pdf_text(render_pdf(view))
    for expected in ["ANNEX 1", "ANNEX 4(b)", "CABINET – 20 January 2009", "Widening the Older People’s Pool",
                     "1.", "The pool has run since", "The Cabinet is RECOMMENDED to:", "(a)", "approve the additions;",
                     "(b)", "note the figures.", "Alex Example", "Tel: 01865 000000"]:  # fmt: skip
        assert expected in text, expected


def test_table_money_is_millions_to_three_places_and_total_is_present(
    view: PaperView, pdf_text: Callable[[bytes], str]
) -> None:
    text = pdf_text(render_pdf(view))
    assert "3.342" in text and "4.652" in text and "8.050" in text
    assert "16.044" in text  # the total row


def test_format_table_money_rounds_half_up_and_brackets_reductions() -> None:
    assert format_table_money(Money.from_pounds("3341500")) == "3.342"
    assert format_table_money(Money.from_pounds("3341499.99")) == "3.341"
    assert format_table_money(Money.from_pounds("-918000")) == "(0.918)"
    assert format_table_money(Money.from_pounds("1234567000")) == "1,234.567"


def test_page_x_of_y_on_every_page_and_draft_watermark_only_on_drafts(
    make_view: Callable[..., PaperView], pdf_reader: Callable[[bytes], PdfReader]
) -> None:
    long_sections = tuple(
        Section(f"Section {n}", tuple(Paragraph((Run("Words of the paper. " * 30),)) for _ in range(4)))
        for n in range(4)
    )
    draft = make_view(sections=long_sections)
    reader = pdf_reader(render_pdf(draft))
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert "DRAFT" in text
        assert "Version 1 – Draft" in text
    final = dataclasses.replace(draft, status="final")
    for page in pdf_reader(render_pdf(final)).pages:
        text = page.extract_text()
        assert "DRAFT" not in text
        assert "Version 1 – Final" in text


def test_welsh_dash_curly_quotes_and_euro_come_out_as_text(
    make_view: Callable[..., PaperView], pdf_text: Callable[[bytes], str]
) -> None:
    sample = "Gŵyl a’r “tŷ” – cost €5 Ŵ Ŷ"
    data = render_pdf(make_view(sections=(Section("Cymraeg", (Paragraph((Run(sample),)),)),)))
    assert sample in pdf_text(data)


@pytest.mark.parametrize(
    ("text", "reported"),
    [("Cost 😀 today", ["😀"]), ("日本 and あ", ["日", "本", "あ"])],
)
def test_characters_the_font_lacks_are_listed_before_rendering(
    text: str, reported: list[str], make_view: Callable[..., PaperView]
) -> None:
    view = make_view(sections=(Section("Intro", (Paragraph((Run(text),)),)),))
    with pytest.raises(UnsupportedCharactersError) as caught:
        render_pdf(view)
    assert caught.value.characters == reported
    message = str(caught.value)
    for char in reported:
        assert f"“{char}”" in message
    assert "U+" in message


def test_unsupported_character_in_a_table_cell_or_header_field_is_caught_too(
    make_view: Callable[..., PaperView],
) -> None:
    table = FigureTable(("Service", "£m"), (TableRow(("Care ☃", Money(100))),))
    with pytest.raises(UnsupportedCharactersError, match="U\\+2603"):
        render_pdf(make_view(sections=(Section("S", (table,)),)))
    with pytest.raises(UnsupportedCharactersError):
        render_pdf(make_view(meeting="CABINET ✈"))


def test_markup_characters_typed_by_users_are_printed_not_interpreted(
    make_view: Callable[..., PaperView], pdf_text: Callable[[bytes], str]
) -> None:
    text = "Costs <b>&</b> savings & more > less"
    data = render_pdf(make_view(sections=(Section("Amp & co", (Paragraph((Run(text),)),)),)))
    assert text in pdf_text(data)


def test_thousand_line_table_repeats_its_header_on_every_page(
    make_view: Callable[..., PaperView], pdf_reader: Callable[[bytes], PdfReader]
) -> None:
    rows = tuple(TableRow((f"Service line {n:04d}", Money(n * 100_000 + 1))) for n in range(1, 1001))
    table = FigureTable(("Service budget", "Amount 2009/10 £m"), rows)
    data = render_pdf(make_view(sections=(Section("All lines", (table,)),)))
    reader = pdf_reader(data)
    assert len(reader.pages) >= 20
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    table_pages = [text for text in texts if "Service line" in text]
    assert len(table_pages) >= 20
    for text in table_pages:
        assert "Service budget" in text and "Amount 2009/10 £m" in text
    assert "Service line 1000" in table_pages[-1] and "1.000" in table_pages[-1]


def test_exempt_marking_cites_schedule_12a_paragraph(
    make_view: Callable[..., PaperView], pdf_text: Callable[[bytes], str]
) -> None:
    text = pdf_text(render_pdf(make_view(exempt=True, exempt_paragraph="3")))
    assert "NOT FOR PUBLICATION" in text
    assert "paragraph 3 of Part 1 of Schedule 12A" in " ".join(text.split())
    assert text.count("NOT FOR PUBLICATION") == 2  # the box, and the mark at the top of the page
    assert "Schedule 12A" not in pdf_text(render_pdf(make_view()))
