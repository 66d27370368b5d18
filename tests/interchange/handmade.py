"""Workbooks made by hand-zipping XML, as Excel saves them, and hostile files for the refusals.

None of these is written by the reader's own writer, so the tests check the reader against the
file format rather than against itself.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_xml(ref: str, value: object, *, formula: str | None = None, style: int | None = None) -> str:
    """One cell as Excel writes it: numbers as decimal text, text as shared-string-free inline."""
    s = f' s="{style}"' if style is not None else ""
    f = f"<f>{_escape(formula)}</f>" if formula else ""
    if value is None:
        return f'<c r="{ref}"{s}>{f}</c>'
    if isinstance(value, str):
        if formula:
            return f'<c r="{ref}" t="str"{s}>{f}<v>{_escape(value)}</v></c>'
        return f'<c r="{ref}" t="inlineStr"{s}><is><t>{_escape(value)}</t></is></c>'
    return f'<c r="{ref}"{s}>{f}<v>{value}</v></c>'


def sheet_xml(
    rows: list[str], *, dimension: str | None = None, merges: list[str] | None = None, doctype: str = ""
) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merge = ""
    if merges:
        merge = (
            f'<mergeCells count="{len(merges)}">'
            + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
            + "</mergeCells>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{dim}<sheetData>{"".join(rows)}</sheetData>{merge}</worksheet>'
    )


def row_xml(number: int, cells: list[str]) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    path: Path,
    sheets: dict[str, str],
    *,
    shared: list[str] | None = None,
    extra: dict[str, bytes] | None = None,
    percent_style: bool = False,
) -> Path:
    """A workbook of the given sheet XML parts, zipped as Excel would."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        rels += f'<Relationship Id="rId90" Type="{REL}/styles" Target="styles.xml"/>'
        if shared is not None:
            rels += f'<Relationship Id="rId91" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            items = "".join(f"<si><t>{_escape(s)}</t></si>" for s in shared)
            archive.writestr(
                "xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">{items}</sst>'
            )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        xfs = '<xf numFmtId="0"/><xf numFmtId="9"/>' if percent_style else '<xf numFmtId="0"/>'
        archive.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs count="2">{xfs}</cellXfs></styleSheet>',
        )
        for i, name in enumerate(names, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheets[name])
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def zip_bomb(path: Path, inflated: int) -> Path:
    """A workbook-shaped zip whose sheet inflates to ``inflated`` bytes of zeros (about 1,000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}"/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            block = b"\0" * (1 << 20)
            for _ in range(inflated // len(block)):
                stream.write(block)
    return path


def entity_bomb_sheet() -> str:
    """A sheet with the 'billion laughs' entities in its document type declaration."""
    lol = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    return sheet_xml(
        [row_xml(1, ['<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'])],
        doctype=f"<!DOCTYPE worksheet [{lol}]>",
    )


def ole_file(path: Path, *, encrypted: bool) -> Path:
    """The start of an OLE compound file: an encrypted .xlsx (with its EncryptionInfo stream named
    in the directory) or an Excel 97-2003 .xls (a Workbook stream)."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    name = ("EncryptionInfo" if encrypted else "Workbook").encode("utf-16-le")
    directory = ("Root Entry".encode("utf-16-le")).ljust(128, b"\0") + name.ljust(128, b"\0")
    path.write_bytes(header + directory + zlib.compress(b"x" * 1000))
    return path
