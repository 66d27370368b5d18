"""The section body format officers type: paragraphs, lists, bold/italic and figure references."""

from __future__ import annotations

from jmg_desktop.papers.markup import FigureRef, figure_token, parse_body, parse_inline
from jmg_desktop.papers.model import BulletList, NumberedList, Paragraph, Run


def test_paragraphs_are_split_by_blank_lines_and_joined_within() -> None:
    blocks = parse_body("First line\ncontinues here.\n\nSecond paragraph.")
    assert blocks == [
        Paragraph((Run("First line continues here."),)),
        Paragraph((Run("Second paragraph."),)),
    ]


def test_bullets_and_numbered_lists_break_out_of_paragraphs() -> None:
    blocks = parse_body("Intro:\n- one\n- two\n  wrapped\n1. first\n2) second\nAfter.")
    assert blocks == [
        Paragraph((Run("Intro:"),)),
        BulletList(((Run("one"),), (Run("two wrapped"),))),
        NumberedList(((Run("first"),), (Run("second"),))),
        Paragraph((Run("After."),)),
    ]


def test_bold_and_italic_runs() -> None:
    assert parse_inline("a **b** c *d* _e_") == (
        Run("a "),
        Run("b", bold=True),
        Run(" c "),
        Run("d", italic=True),
        Run(" "),
        Run("e", italic=True),
    )


def test_stray_marks_print_as_typed() -> None:
    for text in ["5 * 3 = 15", "file_name_here", "a ** b", "£3.342m*"]:
        assert "".join(run.text for run in parse_inline(text)) == text
        assert all(not run.bold and not run.italic for run in parse_inline(text)), text


def test_a_figure_token_on_its_own_line_becomes_a_reference() -> None:
    blocks = parse_body(f"Before.\n{figure_token('proposed_lines')}\nAfter.")
    assert blocks == [Paragraph((Run("Before."),)), FigureRef("proposed_lines"), Paragraph((Run("After."),))]
    assert parse_body("see {{figures:new_value}} inline") == [
        Paragraph((Run("see {{figures:new_value}} inline"),))
    ]


def test_breaks_and_marks_pasted_from_word_are_made_printable() -> None:
    pasted = "\ufeffFirst line\x0bsame paragraph\u2029Second \u2011 para"
    assert parse_body(pasted) == [
        Paragraph((Run("First line same paragraph"),)),
        Paragraph((Run("Second - para"),)),
    ]
    assert parse_inline("approve\u2028the change") == (Run("approve the change"),)


def test_figure_options_are_read_with_quotes_and_flags() -> None:
    (ref,) = parse_body('{{figures:projection scenario="High inflation" years=10 linked}}')
    assert isinstance(ref, FigureRef)
    assert ref.options == (("scenario", "High inflation"), ("years", "10"), ("linked", ""))
    assert ref.option("years") == "10" and ref.has("linked") and not ref.has("partner")
    assert ref.option("missing", "5") == "5"
