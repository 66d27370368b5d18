"""Hostile and wrong files are refused in one sentence, cheaply, and change nothing."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jmg_desktop.cli import main
from jmg_desktop.interchange.errors import InterchangeError
from jmg_desktop.interchange.sources import open_source
from jmg_desktop.store.models import AuditEvent, PoolLine
from jmg_desktop.store.workspace import Workspace
from tests.interchange.handmade import (
    cell_xml,
    entity_bomb_sheet,
    ole_file,
    row_xml,
    sheet_xml,
    write_xlsx,
    zip_bomb,
)


def _refusal(path: Path) -> str:
    """The sentence opening and reading the file's first sheet is refused with."""
    with pytest.raises(InterchangeError) as refused:
        source = open_source(path)
        source.sheet(source.sheet_names[0])
    return str(refused.value)


def test_zip_bomb_is_refused_from_its_directory_without_inflating(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", 32 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    started = time.perf_counter()
    message = _refusal(path)
    assert time.perf_counter() - started < 0.5  # generous: it reads the directory only
    assert message.startswith(
        "“bomb.xlsx” looks like a zip bomb: its part xl/worksheets/sheet1.xml would inflate"
    )


def test_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "laughs.xlsx", {"S": entity_bomb_sheet()})
    assert _refusal(path) == (
        "“laughs.xlsx” was refused: its part xl/worksheets/sheet1.xml declares XML entities "
        "(the shape of an entity bomb), which a real workbook never does."
    )


@pytest.mark.parametrize(
    "rows, dimension",
    [
        ([row_xml(1, [cell_xml("A1", "Service")])], "A1:XFD1048576"),
        ([row_xml(1, [cell_xml("A1", "Service")]), row_xml(1048576, [cell_xml("XFD1048576", "1")])], None),
    ],
    ids=["dimension", "cell"],
)
def test_a_cell_at_xfd1048576_is_refused(tmp_path: Path, rows: list[str], dimension: str | None) -> None:
    path = write_xlsx(tmp_path / "huge.xlsx", {"Lines": sheet_xml(rows, dimension=dimension)})
    assert _refusal(path) == (
        "Sheet “Lines” of “huge.xlsx” reaches cell XFD1048576, beyond the 500,000 rows and 500 columns "
        "that are read; nothing was imported."
    )


def test_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    path = ole_file(tmp_path / "locked.xlsx", encrypted=True)
    assert _refusal(path) == (
        "“locked.xlsx” is protected by a password: remove the password in Excel "
        "(File ▸ Info ▸ Protect Workbook), save it, and import that copy."
    )


def test_old_xls_is_refused(tmp_path: Path) -> None:
    path = ole_file(tmp_path / "old.xls", encrypted=False)
    assert _refusal(path) == (
        "“old.xls” is an Excel 97–2003 workbook (.xls), which is not read: open it in Excel, save it "
        "as an Excel Workbook (.xlsx), and import that."
    )


def test_renamed_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lines.xlsx"
    path.write_text("Service,Amount\nDay services,3342000\n", encoding="utf-8")
    assert _refusal(path) == (
        "“lines.xlsx” is a text file named as a workbook, not an Excel workbook: if it holds "
        "comma-separated values, rename it to end in .csv and import it."
    )


def test_too_many_parts_and_a_zip_without_a_workbook(tmp_path: Path) -> None:
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(5_001):
            archive.writestr(f"x/{i}", b"")
    assert (
        _refusal(many)
        == "“many.xlsx” holds 5,001 parts, more than the 5,000 a workbook may have; it was not opened."
    )
    plain = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    assert (
        _refusal(plain) == "“photos.xlsx” is a zip file but not an Excel workbook (it has no workbook part)."
    )


def test_macros_are_ignored_with_a_note(tmp_path: Path) -> None:
    sheet = sheet_xml([row_xml(1, [cell_xml("A1", "Service"), cell_xml("B1", "Amount")])])
    path = write_xlsx(
        tmp_path / "macro.xlsm", {"Lines": sheet}, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}
    )
    source = open_source(path)
    assert source.notes == ["“macro.xlsm” contains macros; they were ignored and never run."]


def _counts(path: Path) -> tuple[int, int]:
    """Lines and audit events in a workspace."""
    with Workspace.open(path, read_only=True) as workspace, workspace.reading() as session:
        return (
            session.execute(select(func.count()).select_from(PoolLine)).scalar_one(),
            session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        )


def test_each_hostile_file_changes_nothing_through_the_command(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "renamed.xlsx"
    text.write_text("not a workbook\n", encoding="utf-8")
    files = [
        zip_bomb(tmp_path / "bomb.xlsx", 16 * 1024 * 1024),
        write_xlsx(tmp_path / "laughs.xlsx", {"S": entity_bomb_sheet()}),
        write_xlsx(tmp_path / "huge.xlsx", {"S": sheet_xml([], dimension="A1:XFD1048576")}),
        ole_file(tmp_path / "locked.xlsx", encrypted=True),
        ole_file(tmp_path / "old.xls", encrypted=False),
        text,
    ]
    before = _counts(demo_path)
    for path in files:
        code = main(
            ["import-lines", str(demo_path), str(path), "--pool", "Older People", "--year", "2009/10"]
        )
        err = capsys.readouterr().err
        assert code == 2
        assert err.count("\n") == 1 and path.name in err and "Traceback" not in err
    assert _counts(demo_path) == before


def test_a_workbook_that_would_inflate_past_the_cap_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jmg_desktop.interchange import preflight

    monkeypatch.setattr(preflight, "MAX_TOTAL_BYTES", 1024 * 1024)
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (2 * 1024 * 1024))
    assert (
        _refusal(path) == "“big.xlsx” would inflate to 2 MB, more than the 1 MB allowed; it was not opened."
    )
