"""The Excel export, read back with openpyxl (not our reader)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jmg_desktop.cli import main
from jmg_desktop.interchange.export import LINE_HEADINGS


def test_export_has_every_sheet_with_real_pound_numbers_frozen_headers_and_filters(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pool.xlsx"
    assert (
        main(["export-xlsx", str(demo_path), "-o", str(out), "--pool", "Older People", "--year", "2009/10"])
        == 0
    )
    assert capsys.readouterr().out == f"Wrote 16 lines to {out}\n"
    book = load_workbook(out)
    assert book.sheetnames == ["Lines", "Totals", "Stated totals", "Agreements", "Audit trail"]
    lines = book["Lines"]
    assert tuple(c.value for c in lines[1]) == LINE_HEADINGS
    assert all(c.font.b for c in lines[1])
    assert lines.freeze_panes == "A2" and lines.auto_filter.ref == "A1:H17"
    amount = lines["G2"]
    assert isinstance(amount.value, int | float) and amount.number_format.startswith('"£"#,##0.00')
    # The service column is wide enough for its longest service.
    longest = max(len(str(c.value)) for c in lines["C"][1:])
    assert lines.column_dimensions["C"].width >= longest
    totals = {(r[2]): r for r in book["Totals"].iter_rows(min_row=2, values_only=True)}
    # The council's new value and the same with linked pools, as the annex publishes them.
    assert totals["Oxfordshire County Council"][6] == 86_946_000
    assert totals["Oxfordshire County Council"][8] == 94_836_000
    stated = list(book["Stated totals"].iter_rows(min_row=2, values_only=True))
    assert stated and all(row[8] == "agrees" for row in stated)
    assert book["Agreements"].max_row >= 2 and book["Audit trail"].max_row >= 2


def test_amounts_are_written_as_exact_decimal_text(tmp_path: Path, demo_path: Path) -> None:
    import zipfile

    out = tmp_path / "pool.xlsx"
    main(["export-xlsx", str(demo_path), "-o", str(out), "--pool", "Older People", "--year", "2009/10"])
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="G2" s="2"><v>21874000.00</v></c>' in xml
    assert Decimal("21874000.00") * 100 == 2_187_400_000


def test_a_failed_export_leaves_the_previous_file_whole(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "pool.xlsx"
    out.write_bytes(b"the previous export")
    from jmg_desktop.interchange import export

    def fail(*_args: object) -> list[object]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_audit_rows", fail)
    assert main(["export-xlsx", str(demo_path), "-o", str(out)]) == 2
    assert out.read_bytes() == b"the previous export"
    assert list(tmp_path.glob(".pool.xlsx.*")) == []


def test_pool_without_year_is_a_usage_error(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["export-xlsx", str(demo_path), "-o", str(tmp_path / "x.xlsx"), "--pool", "Older People"]) == 2
    )
    assert "give --pool and --year together" in capsys.readouterr().err
