"""The row scanner (regular expressions over a plain sheet) against the callback reader: the same
cells for every sheet, and the callback reader's refusals, whichever reads it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jmg_desktop.interchange import xlsx_reader
from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.sheet_scan import NotPlain, RowScanner
from jmg_desktop.interchange.xlsx_reader import open_workbook
from jmg_desktop.interchange.xml_stream import Budget
from tests.interchange.handmade import MAIN, row_xml, sheet_xml, write_xlsx

SHARED = ["Day services", " Home & care ", "Older People"]


def _outcome(read: Callable[[], list]) -> list | str:  # type: ignore[type-arg]
    """A reading's rows, or the sentence it refuses the sheet with."""
    try:
        return read()
    except InterchangeError as error:
        return str(error)


def _readings(path: Path) -> tuple[list | str, list | None]:  # type: ignore[type-arg]
    """Sheet S read by ``read_sheet`` (its rows or its refusal), checked against the callback
    reader's, and the scanner's own rows (None when it passed the sheet to the callback reader)."""
    with open_workbook(path) as book:
        info = book.sheets[0]
        shared, percent = book._shared_strings(), book._percent_style_ids()

        def callback() -> list:  # type: ignore[type-arg]
            return xlsx_reader._stream_sheet(book._archive, info, shared, percent, Budget(path.name)).rows

        scanner = RowScanner(shared, percent)
        try:
            outside = xlsx_reader._stream_sheet(
                book._archive, info, shared, percent, Budget(path.name), scanner
            )
            scanned = None if outside.rows else scanner.rows
        except (NotPlain, InterchangeError):
            scanned = None
        read = _outcome(lambda: book.read_sheet("S").rows)
        assert read == _outcome(callback)
    return read, scanned


def _sheet(tmp_path: Path, rows: list[str], **kwargs: object) -> Path:
    return write_xlsx(
        tmp_path / "s.xlsx",
        {"S": sheet_xml(rows, **kwargs)},
        shared=SHARED,
        percent_style=True,  # type: ignore[arg-type]
    )


def test_plain_cells_of_every_kind_are_scanned_as_the_callback_reader_reads_them(tmp_path: Path) -> None:
    cells = [
        '<c r="A1" t="s"><v>1</v></c>',  # shared text, its edges kept
        '<c r="B1" s="0"><v>3342.50</v></c>',
        '<c r="C1" s="1"><v>0.6</v></c>',  # a percentage style
        '<c r="D1" t="s" s="1"><v>0</v></c>',  # type before style
        '<c r="E1" t="b"><v>1</v></c>',
        '<c r="F1" t="e"><v>#REF!</v></c>',
        '<c r="G1" t="str"><f>A1&amp;"x"</f><v>a&amp;b &lt;&gt; &#8364;&#x20AC;</v></c>',
        '<c r="H1"><f>1/0</f></c>',  # a formula saved without its value
        '<c r="I1"><f t="shared" ref="I1:I2" si="0">H1*3</f><v>3</v></c>',
        '<c r="J1"><f t="shared" si="0"/><v>4</v></c>',
        '<c r="K1" t="inlineStr"><is><t xml:space="preserve"> kept </t></is></c>',
        '<c r="L1" s="0"/>',  # formatting only: no cell
        '<c r="M1"></c>',
        '<c r="N1"><v></v></c>',
        '<c r="O1"><v>12 </v></c>',  # a value's trailing space is dropped, as the reader does
        '<c r="P1" t="n"><v>-1.5E3</v></c>',
        '<c r="Q1" t="d"><v>2019-04-01</v></c>',
        '<c r="R1" t="inlineStr"><is><t>a\r\nb&#13;c</t></is></c>',
        '<c r="S1" t="inlineStr"><is><t></t></is></c>',
        '<c r="AB1" t="s"><v>2</v></c>',
    ]
    rows = [
        '<row r="1" spans="1:28" x14ac:dyDescent="0.25">' + "".join(cells) + "</row>",
        '<row r="2"/>',
        row_xml(3, ['<c r="A3" s="0"/>']),  # a row of empty cells is no row
        row_xml(5, ['<c r="B5"><v>7</v></c>', '<c r="B5"><v>8</v></c>']),  # the later cell wins
    ]
    sheet = sheet_xml(rows).replace("<worksheet ", '<worksheet xmlns:x14ac="urn:x14ac" ')
    path = write_xlsx(tmp_path / "s.xlsx", {"S": sheet}, shared=SHARED, percent_style=True)
    read, scanned = _readings(path)
    assert scanned == read
    assert read == [
        (
            1,
            {
                0: ("s", " Home & care "),
                1: ("n", "3342.50"),
                2: ("p", "0.6"),
                3: ("s", "Day services"),
                4: ("b", "1"),
                5: ("e", "#REF!"),
                6: ("s", "a&b <> €€"),
                7: ("f", ""),
                8: ("n", "3"),
                9: ("n", "4"),
                10: ("s", " kept "),
                14: ("n", "12"),
                15: ("n", "-1.5E3"),
                16: ("d", "2019-04-01"),
                17: ("s", "a\nb\rc"),
                27: ("s", "Older People"),
            },
        ),
        (5, {1: ("n", "8")}),
    ]


def test_a_long_sheet_is_scanned_across_its_chunks(tmp_path: Path) -> None:
    """Rows fall across the 64 KB pieces the part is inflated in, some text is wide, and no text
    needs decoding (so the scanner's quickest reading of each cell is the one tested)."""
    rows = [
        row_xml(
            n,
            [
                f'<c r="A{n}" t="s"><v>{n % 3}</v></c>',
                f'<c r="B{n}" t="inlineStr"><is><t>£{n}–é</t></is></c>',
                f'<c r="C{n}" s="{n % 2}"><v>{n}.{n % 100:02d}</v></c>',
            ],
        )
        for n in range(1, 8001)
    ]
    read, scanned = _readings(_sheet(tmp_path, rows, dimension="A1:C8000"))
    assert scanned == read and len(read) == 8000
    assert read[4321] == (4322, {0: ("s", SHARED[4322 % 3]), 1: ("s", "£4322–é"), 2: ("n", "4322.22")})
    assert read[4322] == (4323, {0: ("s", SHARED[4323 % 3]), 1: ("s", "£4323–é"), 2: ("p", "4323.23")})


@pytest.mark.parametrize(
    "rows",
    [
        # Each is read by the callback reader (the scanner passes it on), to the same cells.
        ["\n  " + row_xml(1, ['<c r="A1" t="inlineStr"><is><t>end</t></is></c>']) + "\n"],  # whitespace kept
        [row_xml(1, ['<c r="A1" t="s"><v>0</v></c>\n<c r="B1"><v>1</v></c>'])],
        [row_xml(1, ['<c s="0" r="A1"><v>1</v></c>'])],  # another attribute order
        [row_xml(1, ["<c><v>1</v></c>", "<c><v>2</v></c>"])],  # no references
        [row_xml(1, ['<c r="A1" cm="1"><v>1</v></c>'])],
        [row_xml(1, ["<c r='A1'><v>1</v></c>"])],
        [
            row_xml(1, ['<c r="A1"><v>1</v></c>']),
            "<!-- a comment -->",
            row_xml(2, ['<c r="A2"><v>2</v></c>']),
        ],
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><r><t>Care </t></r><r><t>homes</t></r></is></c>'])],
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c>'])],
        [row_xml(1, ['<c r="A1" t="s">junk<v>0</v></c>'])],
        [row_xml(1, ['<c r="A1" t="s"><v> 1</v></c>'])],  # a shared text's number with a space before
        [row_xml(1, ['<c r="A1" t="s"><f>X</f><v>x</v></c>'])],
        ['<row r="1" spans="1:2">' + '<c r="A1"><v>1</v></c>'],  # an unended row: refused either way
        [row_xml(1, ['<c r="A1"><v>1</v></c>']) + "text"],
        ['<row spans="1:1" r="1"><c r="A1"><v>1</v></c></row>'],
    ],
)
def test_other_shapes_are_passed_to_the_callback_reader(tmp_path: Path, rows: list[str]) -> None:
    read, scanned = _readings(_sheet(tmp_path, rows))
    assert scanned is None
    assert read  # rows, or the refusal both readers give (a text that is not there, an unended row)


def test_cells_outside_the_rows_and_prefixed_parts_are_read_by_the_callback_reader(tmp_path: Path) -> None:
    outside = sheet_xml([row_xml(1, ['<c r="A1"><v>1</v></c>'])]).replace(
        "</sheetData>", '</sheetData><extLst><c r="B1"><v>2</v></c></extLst>'
    )
    prefixed = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'
        '<x:c r="A1"><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    commented = sheet_xml([row_xml(1, ['<c r="A1"><v>1</v></c>'])]).replace(
        "<sheetData>", "<!-- <sheetData> --><sheetData>", 1
    )
    for sheet, expected in [
        (outside, [(1, {0: ("n", "1")}), (1, {1: ("n", "2")})]),
        (prefixed, [(1, {0: ("n", "5")})]),
        (commented, [(1, {0: ("n", "1")})]),
    ]:
        path = write_xlsx(tmp_path / "s.xlsx", {"S": sheet})
        assert _readings(path) == (expected, None)


@pytest.mark.parametrize(
    ("rows", "dimension", "refusal"),
    [
        (
            [row_xml(1, ['<c r="A1" t="s"><v>3</v></c>'])],
            None,
            "The workbook is damaged: a cell refers to a text that is not there.",
        ),
        (
            [row_xml(500_001, ['<c r="A500001"><v>1</v></c>'])],
            None,
            "Sheet “S” of “s.xlsx” reaches cell A500001, beyond the 500,000 rows and 500 columns that are "
            "read; nothing was imported.",
        ),
        (
            [row_xml(1, ['<c r="ZZ1"><v>1</v></c>'])],
            None,
            "Sheet “S” of “s.xlsx” reaches cell ZZ1, beyond the 500,000 rows and 500 columns that are "
            "read; nothing was imported.",
        ),
        (
            [row_xml(1, ['<c r="A1"><v>1</v></c>'])],
            "A1:XFD1048576",
            "Sheet “S” of “s.xlsx” reaches cell XFD1048576, beyond the 500,000 rows and 500 columns that "
            "are read; nothing was imported.",
        ),
        (
            [row_xml(1, ['<c r="A1"><v>1&amp</v></c>'])],
            None,
            "“s.xlsx” is damaged: its part xl/worksheets/sheet1.xml is not well-formed XML.",
        ),
        (
            [row_xml(1, ['<c r="A1"><v>&nbsp;</v></c>'])],
            None,
            "“s.xlsx” is damaged: its part xl/worksheets/sheet1.xml is not well-formed XML.",
        ),
    ],
)
def test_a_plain_sheet_the_callback_reader_refuses_is_refused_in_its_words(
    tmp_path: Path, rows: list[str], dimension: str | None, refusal: str
) -> None:
    assert _readings(_sheet(tmp_path, rows, dimension=dimension)) == (refusal, None)


_DAMAGED = "“s.xlsx” is damaged: its part xl/worksheets/sheet1.xml is not well-formed XML."


@pytest.mark.parametrize(
    "rows",
    [
        # Rows that only a parser would find not well-formed (the scanner does not parse them):
        # each is read again by the callback reader, which refuses it in its words.
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>a\x01b</t></is></c>'])],  # a control character
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>a\x00</t></is></c>'])],
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>a\uffffb</t></is></c>'])],  # not a character
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>a\ufffe</t></is></c>'])],
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>a & b</t></is></c>'])],  # a bare ampersand
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>&bomb;</t></is></c>'])],  # an undeclared entity
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>&#0;</t></is></c>'])],  # no such character
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>&#x1;</t></is></c>'])],
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>&#xFFFE;</t></is></c>'])],
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>&#55296;</t></is></c>'])],  # a surrogate
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>&#x110000;</t></is></c>'])],
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>a]]>b</t></is></c>'])],  # a CDATA end in text
        [row_xml(1, ['<c r="A1" s="0" t="n" s="1"><v>1</v></c>'])],  # an attribute twice
        ['<row r="1" r="2"><c r="A1"><v>1</v></c></row>'],
        ['<row r="1" spans="1:1" spans="1:2"><c r="A1"><v>1</v></c></row>'],
        ['<row r="1" 1a="x"><c r="A1"><v>1</v></c></row>'],  # not a name
        ['<row r="1" spans="&bomb;"><c r="A1"><v>1</v></c></row>'],
        [row_xml(1, ['<c r="A1"><f t="shared" t="normal">1</f><v>1</v></c>'])],
        [row_xml(1, ['<c r="A1"><f junk>1</f><v>1</v></c>'])],
        [row_xml(1, ['<c r="A1"><f t="shared" si=0/><v>1</v></c>'])],
        [row_xml(1, ['<c r="A1"><f>1 &gt 2</f><v>1</v></c>'])],
        [row_xml(1, ['<c r="A1"><v>1</v></c>']), row_xml(2, ['<c r="A2"><v>\x1f</v></c>'])],
    ],
)
def test_rows_a_parser_refuses_are_refused_in_its_words(tmp_path: Path, rows: list[str]) -> None:
    assert _readings(_sheet(tmp_path, rows)) == (_DAMAGED, None)


def test_well_formed_rows_with_attributes_references_and_formulas_are_scanned(tmp_path: Path) -> None:
    rows = [
        '<row r="1" spans="1:3" ht="15" customHeight="1" x14ac:dyDescent="0.25">'
        '<c r="A1" t="inlineStr"><is><t>&amp;&lt;&gt;&quot;&apos;&#9;&#x10FFFF;&#xE000;]]</t></is></c>'
        '<c r="B1"><f t="shared" ref="B1:B2" si="0" ca="1">A1&amp;"&#62;"</f><v>2</v></c></row>',
        '<row r="2" spans="1:3" ht="15" customHeight="1" x14ac:dyDescent="0.25">'
        '<c r="B2"><f t="shared" si="0"/><v>3</v></c><c r="C2" s="1" t="n"><v>4</v></c></row>',
        '<row r="3" spans="1:3"/>',
    ]
    sheet = sheet_xml(rows).replace("<worksheet ", '<worksheet xmlns:x14ac="urn:x14ac" ')
    read, scanned = _readings(write_xlsx(tmp_path / "s.xlsx", {"S": sheet}, percent_style=True))
    assert scanned == read
    assert read == [
        (1, {0: ("s", "&<>\"'\t\U0010ffff\ue000]]"), 1: ("n", "2")}),
        (2, {1: ("n", "3"), 2: ("p", "4")}),
    ]


def test_well_formed_rows_the_scanner_does_not_prove_so_are_read_by_the_callback_reader(
    tmp_path: Path,
) -> None:
    # Whitespace in a formula tag and ]]> in an attribute are well-formed, but left to the parser.
    for rows in (
        [row_xml(1, ['<c r="A1"><f >1</f><v>1</v></c>'])],
        ['<row r="1" x="]]>"><c r="A1"><v>1</v></c></row>'],
    ):
        assert _readings(_sheet(tmp_path, rows)) == ([(1, {0: ("n", "1")})], None)


def test_a_shared_text_shown_in_many_cells_and_spelt_two_ways_is_read_each_time(tmp_path: Path) -> None:
    # The scanner remembers each shared text's cell by its number as written: "1" and "01" are
    # the same text, and a number past the table is refused even after others were remembered.
    rows = [
        row_xml(1, ['<c r="A1" t="s"><v>1</v></c>', '<c r="B1" t="s"><v>01</v></c>']),
        row_xml(2, ['<c r="A2" t="s"><v>1</v></c>', '<c r="B2" t="s"><v>2</v></c>']),
    ]
    read, scanned = _readings(_sheet(tmp_path, rows))
    assert (
        scanned
        == read
        == [
            (1, {0: ("s", SHARED[1]), 1: ("s", SHARED[1])}),
            (2, {0: ("s", SHARED[1]), 1: ("s", SHARED[2])}),
        ]
    )
    past = [*rows, row_xml(3, ['<c r="A3" t="s"><v>3</v></c>'])]
    assert _readings(_sheet(tmp_path, past)) == (
        "The workbook is damaged: a cell refers to a text that is not there.",
        None,
    )
