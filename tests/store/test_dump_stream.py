"""``dump`` streams row by row: the same text as the whole-document layout, refusals before output."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store.dump import _BATCH, _plain_tables, dump_workspace, iter_dump_bytes, iter_dump_text
from jmg_desktop.store.workspace import Workspace


def _with_a_binary_value(path: Path) -> None:
    """Give the demo's paper an issued PDF (binary, dumped as base64) and empty its scenario overrides."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE paper SET issued_pdf = ? WHERE id = 1", (b"%PDF-1.7\x00\xff binary",))
        connection.execute("DELETE FROM scenario_rate_override")
    connection.close()


def test_streamed_dump_is_exactly_the_indented_json_of_the_whole_document(demo_path: Path) -> None:
    _with_a_binary_value(demo_path)
    with Workspace.open(demo_path, read_only=True) as workspace:
        pieces = list(iter_dump_text(workspace))
        document = dump_workspace(workspace)
    text = "".join(pieces)
    # The layout json.dumps(indent=1) gives (the pure-Python encoder), which dumps have always had.
    assert text == json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    tables = document["tables"]
    assert tables["paper"][0]["issued_pdf"] == {"base64": "JVBERi0xLjcA/yBiaW5hcnk="}
    assert tables["scenario_rate_override"] == []
    assert "Older People’s" in text  # not escaped to \u2019
    assert len(pieces) > len(tables)  # written table by table, not as one string


def test_a_float_is_refused_before_anything_is_written(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute("UPDATE pool_line SET amount_pence = 12.5 WHERE id = 16")
    connection.close()
    assert main(["dump", str(demo_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "jmg-desktop: A floating-point value was found in the workspace; it cannot be dumped exactly.\n"
    )
    earlier = tmp_path / "earlier.json"
    earlier.write_text("an earlier dump", encoding="utf-8")
    assert main(["dump", str(demo_path), "-o", str(earlier)]) == 2
    assert earlier.read_text(encoding="utf-8") == "an earlier dump"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["demo.jmg", "earlier.json"]


def test_rows_sqlite_lays_out_are_exactly_the_indented_json(demo_path: Path) -> None:
    # SQLite writes the plain tables' rows itself (json_quote, printf): every character JSON
    # escapes, non-ASCII text, the largest integers, NULLs, and text an integer column holds only
    # because another program put it there must come out as json.dumps writes them.
    hostile = "".join(map(chr, range(1, 128))) + "\x00 £ – “quoted” \u2028\u2029 😀 %s %d %%"
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute("UPDATE pool_line SET service = ?, note = ? WHERE id = 1", (hostile, "\\\"'"))
        connection.execute("UPDATE pool_line SET amount_pence = ? WHERE id = 2", (2**63 - 1,))
        connection.execute("UPDATE pool_line SET amount_pence = ? WHERE id = 3", (-(2**63),))
        connection.execute("UPDATE pool_line SET category_id = NULL WHERE id = 4")
        connection.execute("PRAGMA ignore_check_constraints = ON")
        connection.execute("UPDATE stated_total SET amount_pence = 'twelve' WHERE id = 1")
    connection.close()
    with Workspace.open(demo_path, read_only=True) as workspace:
        text = "".join(iter_dump_text(workspace))
        document = dump_workspace(workspace)
    assert text == json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    lines = {line["id"]: line for line in document["tables"]["pool_line"]}
    assert lines[1]["service"] == hostile and lines[1]["note"] == "\\\"'"
    assert (lines[2]["amount_pence"], lines[3]["amount_pence"]) == (2**63 - 1, -(2**63))
    assert lines[4]["category_id"] is None
    assert document["tables"]["stated_total"][0]["amount_pence"] == "twelve"


def test_empty_text_null_and_empty_text_in_an_integer_column_are_written_as_json_dumps_does(
    demo_path: Path, tmp_path: Path
) -> None:
    # SQLite writes "" for the empty text without json_quote: only for text, never for a NULL or
    # for the number 0 in the same column (an integer column holding text is quoted, NULLs and all).
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute("UPDATE pool_line SET note = '', service = ' ' WHERE id = 5")
        connection.execute("PRAGMA ignore_check_constraints = ON")
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("UPDATE pool_line SET category_id = '' WHERE id = 1")
        connection.execute("UPDATE pool_line SET category_id = NULL WHERE id = 2")
        connection.execute("UPDATE stated_total SET amount_pence = '' WHERE id = 1")
        connection.execute("UPDATE stated_total SET amount_pence = 0 WHERE id = 2")
    connection.close()
    with Workspace.open(demo_path, read_only=True) as workspace:
        data = b"".join(iter_dump_bytes(workspace))
        document = dump_workspace(workspace)
    assert data == (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()
    tables = document["tables"]
    lines = {line["id"]: line for line in tables["pool_line"]}
    assert [lines[n]["category_id"] for n in (1, 2)] == ["", None]
    assert (lines[5]["note"], lines[5]["service"]) == ("", " ")
    assert [row["amount_pence"] for row in tables["stated_total"][:2]] == ["", 0]
    out = tmp_path / "dump.json"
    assert main(["dump", str(demo_path), "-o", str(out)]) == 0
    assert out.read_bytes() == data


def test_only_integer_columns_holding_only_integers_are_written_by_d(demo_path: Path) -> None:
    # printf's %d would write a NULL as 0 and the text 'twelve' as 0: it is used only where the
    # scan found neither (else the column is written the careful way, and the dump is unchanged).
    with Workspace.open(demo_path, read_only=True) as workspace, workspace.engine.connect() as connection:
        before = _plain_tables(connection)
        usual = "".join(iter_dump_text(workspace))
    assert {"id", "amount_pence", "position"} <= before["pool_line"].whole
    assert "category_id" not in before["pool_line"].whole  # it may be NULL
    assert "category_id" in before["pool_line"].bare
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.execute("PRAGMA ignore_check_constraints = ON")
        connection.execute("UPDATE pool_line SET position = 'twelve' WHERE id = 7")
    connection.close()
    with Workspace.open(demo_path, read_only=True) as workspace, workspace.engine.connect() as connection:
        after = _plain_tables(connection)
        text = "".join(iter_dump_text(workspace))
        document = dump_workspace(workspace)
    assert after["pool_line"].whole == frozenset()
    assert "position" not in after["pool_line"].bare
    assert text == json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    assert '"position": "twelve"' in text and text != usual


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pipeline")
def test_a_reader_that_stops_part_way_through_the_lines_gets_no_error(demo_path: Path) -> None:
    # ``dump | head`` stopping inside a table several batches long: the batches' cursor must be
    # ended before its connection, or the user sees "Exception ignored ..." from the cleanup.
    connection = sqlite3.connect(demo_path)
    with connection:
        connection.executemany(
            "INSERT INTO pool_line (pool_id, financial_year, service, category_id, partner_id, status_id,"
            " amount_pence, note, position) VALUES (1, 2009, ?, 1, 1, 1, ?, '', ?)",
            ((f"Service {n}", n * 100, 100 + n) for n in range(3 * _BATCH)),
        )  # fmt: skip
    connection.close()
    script = f"{sys.executable} -m jmg_desktop dump {demo_path} | head -c 300000 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.stderr == ""
    assert result.stdout.strip() == "0"
