"""The workbook reader against workbooks zipped by hand as Excel writes them (not by our writer)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.mapping import find_header, headings_of
from jmg_desktop.interchange.xlsx_reader import open_workbook
from tests.interchange.handmade import cell_xml, row_xml, sheet_xml, write_xlsx


def _officer_workbook(tmp_path: Path) -> Path:
    """A title merged across the top, a blank row, the header on row 4, amounts in £000 with a
    formula total (saved value), and one formula saved without a value."""
    rows = [
        row_xml(1, [cell_xml("A1", "Older People's pool: draft budget 2019/20")]),
        row_xml(2, [cell_xml("A2", "Prepared by finance; figures in thousands")]),
        row_xml(
            4, [cell_xml("A4", "Service budget"), cell_xml("B4", "Partner"), cell_xml("C4", "Budget £000")]
        ),
        row_xml(
            5,
            [
                cell_xml("A5", "Day Services – internal"),
                cell_xml("B5", "OCC"),
                cell_xml("C5", Decimal("3342")),
            ],
        ),
        row_xml(
            6,
            [
                cell_xml("A6", "Home support"),
                cell_xml("B6", "OCC"),
                cell_xml("C6", Decimal("1234.5600000000001")),
            ],
        ),
        row_xml(
            7,
            [
                cell_xml("A7", "Equipment uplift"),
                cell_xml("B7", "PCT"),
                cell_xml("C7", None, formula="C5*0.02"),
            ],
        ),
        row_xml(8, [cell_xml("A8", "Total"), cell_xml("C8", Decimal("4576.56"), formula="SUM(C5:C7)")]),
    ]
    return write_xlsx(
        tmp_path / "officer.xlsx",
        {
            "Cover": sheet_xml([row_xml(1, [cell_xml("A1", "Cover sheet")])]),
            "Budget": sheet_xml(rows, merges=["A1:C1", "A2:C2"]),
        },
    )


def test_sheets_are_listed_and_cells_keep_their_decimal_text(tmp_path: Path) -> None:
    with open_workbook(_officer_workbook(tmp_path)) as book:
        assert book.sheet_names == ["Cover", "Budget"]
        sheet = book.read_sheet("Budget")
    rows = dict(sheet.rows)
    assert rows[5][2] == ("n", "3342")
    # The text as the file holds it, binary noise and all: no float was made on the way.
    assert rows[6][2] == ("n", "1234.5600000000001")
    assert rows[7][2] == ("f", "")  # a formula saved without its value
    assert rows[8][2] == ("n", "4576.56")  # a formula with its saved value reads as that value
    assert 3 not in rows  # the empty row is not there


def test_the_header_is_found_below_the_title_and_merged_banner(tmp_path: Path) -> None:
    with open_workbook(_officer_workbook(tmp_path)) as book:
        sheet = book.read_sheet("Budget")
    index = find_header(sheet)
    assert index is not None
    assert sheet.rows[index][0] == 4
    assert headings_of(sheet, index) == {0: "Service budget", 1: "Partner", 2: "Budget £000"}


def test_shared_strings_rich_text_percentages_and_prefixed_namespaces(tmp_path: Path) -> None:
    rich = (
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" s="1"><x:v>0.6</x:v></x:c>'
        '<x:c r="C1" t="b"><x:v>1</x:v></x:c><x:c r="D1" t="e"><x:v>#REF!</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    path = write_xlsx(tmp_path / "rich.xlsx", {"S": rich}, shared=["Day services"], percent_style=True)
    with open_workbook(path) as book:
        sheet = book.read_sheet("S")
    assert sheet.rows == [(1, {0: ("s", "Day services"), 1: ("p", "0.6"), 2: ("b", "1"), 3: ("e", "#REF!")})]


def test_a_sheet_that_is_not_there_is_named_in_the_refusal(tmp_path: Path) -> None:
    with open_workbook(_officer_workbook(tmp_path)) as book, pytest.raises(InterchangeError) as refused:
        book.read_sheet("Income")
    assert str(refused.value) == "“officer.xlsx” has no sheet called “Income”; it has: Cover, Budget."


@pytest.mark.parametrize(
    ("items", "expected", "plain"),
    [
        (
            '<si><t>Day services</t></si>\n<si><t xml:space="preserve"> Home &amp; care </t></si>'
            "<si><t>a\r\nb\rc&#13;d &lt;&gt;&quot;&apos; &#x20AC;&#163;</t></si><si><t></t></si>",
            ["Day services", " Home & care ", "a\nb\nc\rd <>\"' €£", ""],
            True,
        ),
        (  # rich text runs are joined, a phonetic guide is left out
            "<si><r><rPr><b/></rPr><t>Care </t></r><r><t>homes</t></r><rPh><t>x</t></rPh></si>"
            "<si><t>Next</t></si>",
            ["Care homes", "Next"],
            False,
        ),
        (
            "<si><t>One</t></si><!-- <si><t>not an item</t></si> --><si><t><![CDATA[a<b]]></t></si>",
            ["One", "a<b"],
            False,
        ),
    ],
)
def test_shared_strings_read_whole_or_streamed_give_the_same_text(
    tmp_path: Path, items: str, expected: list[str], plain: bool
) -> None:
    """A plain table is read with one expression over the part, any other shape through the
    parser's callbacks; both decode entities, character references and line ends as XML does."""
    import zipfile

    from jmg_desktop.interchange import xlsx_strings
    from jmg_desktop.interchange.xml_stream import Budget

    path = tmp_path / "strings.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9">{items}</sst>',
        )
    with zipfile.ZipFile(path) as archive:
        budget = Budget("strings.zip")
        assert xlsx_strings.read_shared_strings(archive, "xl/sharedStrings.xml", budget) == expected
        whole = xlsx_strings._read_simple(archive, "xl/sharedStrings.xml", Budget("strings.zip"))
        assert whole == (expected if plain else None)
        assert xlsx_strings._read_streamed(archive, "xl/sharedStrings.xml", Budget("strings.zip")) == expected
        # The part was counted against the inflation cap once, whichever way it was read.
        assert budget.used == archive.getinfo("xl/sharedStrings.xml").file_size


def _both_readings(path: Path, name: str = "S") -> tuple[list, bool]:  # type: ignore[type-arg]
    """A sheet's rows read through the <v> rewrite and as written (they must be the same), and
    whether the rewrite changed any tag and was read."""
    from jmg_desktop.interchange import xlsx_reader
    from jmg_desktop.interchange.value_tags import ValueTags
    from jmg_desktop.interchange.xml_stream import Budget

    with open_workbook(path) as book:
        info = next(s for s in book.sheets if s.name == name)
        shared, percent = book._shared_strings(), book._percent_style_ids()
        plain = xlsx_reader._stream_sheet(book._archive, info, shared, percent, Budget(path.name))
        rewrite = ValueTags()
        try:
            rewritten = xlsx_reader._stream_sheet(
                book._archive, info, shared, percent, Budget(path.name), rewrite
            ).rows
        except InterchangeError:
            rewritten = None  # the rewrite broke the nesting: read_sheet reads it as written
        read = book.read_sheet(name).rows
    assert read == plain.rows
    if rewritten is not None:
        assert rewritten == plain.rows
    return read, rewritten is not None and rewrite.changed


def test_the_value_tag_rewrite_reads_every_cell_as_written(tmp_path: Path) -> None:
    """Cells with and without values, formulas, shared and inline text, text that looks like the
    rewritten tags (escaped, and raw inside CDATA), cells the rewrite must leave alone (no
    attributes, single quotes, a value tag with attributes, text beside the value), and a sheet
    long enough that the patterns fall across the parser's 64 KB chunks."""
    odd = [
        row_xml(
            1,
            [
                '<c r="A1" t="s"><v>0</v></c>',
                '<c r="B1" s="1"><v>12.50</v></c>',
                '<c r="C1" t="str"><f>A1&amp;"x"</f><v>&quot;&gt;&lt;v&gt;</v></c>',
                '<c r="D1"><f>1/0</f></c>',
                '<c r="E1" t="inlineStr"><is><t>&lt;/v&gt;&lt;/c&gt;</t></is></c>',
                '<c r="F1" t="e"><v>#DIV/0!</v></c>',
                '<c r="G1" t="b"><v>1</v></c>',
                '<c r="H1"><f t="shared" ref="H1:H2" si="0">G1*3</f><v>3</v></c>',
                '<c r="I1"><f t="shared" si="0"/><v>4</v></c>',
            ],
        ),
        row_xml(2, [cell_xml("B2", 5)]),
    ]
    path = write_xlsx(tmp_path / "odd.xlsx", {"S": sheet_xml(odd)}, shared=["Day services"])
    rows, rewritten = _both_readings(path)
    assert rewritten
    assert rows[0] == (
        1,
        {
            0: ("s", "Day services"),
            1: ("n", "12.50"),
            2: ("s", '"><v>'),
            3: ("f", ""),
            4: ("s", "</v></c>"),
            5: ("e", "#DIV/0!"),
            6: ("b", "1"),
            7: ("n", "3"),
            8: ("n", "4"),
        },
    )
    assert rows[1] == (2, {1: ("n", "5")})
    cdata = row_xml(1, ['<c r="A1" t="inlineStr"><is><t><![CDATA["><v>9</v></c>]]></t></is></c>'])
    path = write_xlsx(tmp_path / "cdata.xlsx", {"S": sheet_xml([cdata, *odd[1:]])})
    assert _both_readings(path) == ([(1, {0: ("s", '"><v>9</v></c>')}), (2, {1: ("n", "5")})], False)

    # Not rewritten (the nesting breaks, so the sheet is read as written): a cell without
    # attributes, single quotes, a value tag with attributes, text before the value.
    for cell, expected in [
        ("<c><v>7</v></c>", {0: ("n", "7")}),
        ("<c r='A1'><v>7</v></c>", {0: ("n", "7")}),
        ('<c r="A1"><v xml:space="preserve">7</v></c>', {0: ("n", "7")}),
        ('<c r="A1" t="s">junk<v>0</v></c>', {0: ("s", "Day services")}),
        ('<c r="A1" t="s">junk</c>', None),
    ]:
        path = write_xlsx(
            tmp_path / "one.xlsx", {"S": sheet_xml([row_xml(1, [cell])])}, shared=["Day services"]
        )
        rows, rewritten = _both_readings(path)
        assert rows == ([(1, expected)] if expected else []), cell
        assert not rewritten, cell

    many = [
        row_xml(n, [f'<c r="A{n}" t="s"><v>0</v></c>', f'<c r="B{n}" s="2"><v>{n}.{n % 100:02d}</v></c>'])
        for n in range(1, 6001)
    ]
    path = write_xlsx(tmp_path / "long.xlsx", {"S": sheet_xml(many)}, shared=["Day services"])
    rows, rewritten = _both_readings(path)
    assert rewritten and path.stat().st_size and len(rows) == 6000
    assert rows[4321] == (4322, {0: ("s", "Day services"), 1: ("n", "4322.22")})
