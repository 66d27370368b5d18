"""``jmg-desktop load``: every row checked against its table, nothing partial, bounds, the audit chain.

Each bad dump is run through the real command (in-process ``main``): exit 2, one line on standard
error naming where the problem is (table, row, column, or the line of the file), no SQL and no
traceback, and nothing left in the folder: neither the target nor a temporary file.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store.check import run_checks
from jmg_desktop.store.dump import dump_text, dump_workspace
from jmg_desktop.store.load import load_file
from jmg_desktop.store.workspace import Workspace

Dump = dict[str, Any]

#: Words that would mean SQL or driver text reached the user.
SQL_WORDS = ("INSERT", "SELECT", "constraint failed", "sqlite", "Traceback", "Error:", "pysqlite")


@pytest.fixture(scope="module")
def _demo_dump(_demo_template: Path) -> Dump:
    """The demo as a parsed dump, read once for the module."""
    with Workspace.open(_demo_template, read_only=True) as workspace:
        return dump_workspace(workspace)


@pytest.fixture
def dump(_demo_dump: Dump) -> Dump:
    """A copy of the demo's dump for the test to spoil."""
    return copy.deepcopy(_demo_dump)


def _write(path: Path, data: Dump | str | bytes) -> Path:
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")  # \ud800 stays an escape
    return path


def _refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Dump | str | bytes) -> str:
    """Load ``data`` through the command; demand exit 2, one clean line, and nothing written."""
    source = _write(tmp_path / "in.json", data)
    out = tmp_path / "out.jmg"
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["load", str(source), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert not any(word in lines[0] for word in SQL_WORDS), lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "the refused load left files behind"
    return lines[0].removeprefix("jmg-desktop: ")


def _line(dump: Dump, line_id: int) -> dict[str, Any]:
    return next(row for row in dump["tables"]["pool_line"] if row["id"] == line_id)


# -- 1. every row against its table's columns -------------------------------------------------------


@pytest.mark.parametrize(
    ("row_index", "column"),
    [(0, "amount_pence"), (0, "note"), (0, "id"), (4, "note"), (-1, "position")],
)
def test_a_missing_column_in_any_row_is_refused_by_table_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump, row_index: int, column: str
) -> None:
    rows = dump["tables"]["pool_line"]
    del rows[row_index][column]
    position = row_index + 1 if row_index >= 0 else len(rows)
    message = _refused(tmp_path, capsys, dump)
    assert f"Table pool_line, row {position}" in message
    assert f"the column {column} is missing" in message
    assert "line " in message  # the line of the file, for someone with a text editor


def test_an_unknown_column_in_a_later_row_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    dump["tables"]["stated_total"][2]["colour"] = "red"
    message = _refused(tmp_path, capsys, dump)
    assert "Table stated_total, row 3 (id 3): unknown column “colour”." in message


def test_ids_are_kept_exactly_as_dumped(tmp_path: Path, dump: Dump) -> None:
    data = dump
    # Renumber the lines sparsely and out of order, with the agreements following them.
    mapping = {row["id"]: 1000 - 7 * row["id"] for row in data["tables"]["pool_line"]}
    for row in data["tables"]["pool_line"]:
        row["id"] = mapping[row["id"]]
    for row in data["tables"]["agreement_line"]:
        if row["line_id"] is not None:
            row["line_id"] = mapping[row["line_id"]]
    source = _write(tmp_path / "sparse.json", data)
    out = tmp_path / "sparse.jmg"
    load_file(source, out)
    connection = sqlite3.connect(out)
    try:
        loaded = dict(connection.execute("SELECT id, amount_pence FROM pool_line").fetchall())
        agreed = connection.execute("SELECT line_id FROM agreement_line WHERE line_id IS NOT NULL").fetchall()
    finally:
        connection.close()
    assert loaded == {row["id"]: row["amount_pence"] for row in data["tables"]["pool_line"]}
    assert {line_id for (line_id,) in agreed} <= set(loaded)
    # Renumbered by hand, the lines no longer match the audit trail, and check says so; the rest is sound.
    assert {f.check for f in run_checks(out)} == {"unaudited"}


def test_every_table_of_the_schema_must_be_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    del dump["tables"]["stated_total"]
    assert "no list of rows for the table stated_total" in _refused(tmp_path, capsys, dump)


def test_a_table_listed_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    text = json.dumps(dump)
    twice = text.replace('"tables": {', '"tables": {"category": [], ', 1)
    assert "The table category appears twice" in _refused(tmp_path, capsys, twice)


# -- 4. bounds and malformed values --------------------------------------------------------------

BAD_VALUES: list[tuple[str, Callable[[Dump], None], str]] = [
    (
        "int64 max pence",
        lambda d: _line(d, 7).update(amount_pence=2**63 - 1),
        "Table pool_line, row 7 (id 7), column amount_pence: £92,233,720,368,547,758.07 is beyond the £1 trillion",
    ),
    (
        "a penny over a trillion",
        lambda d: _line(d, 3).update(amount_pence=10**14 + 1),
        "row 3 (id 3), column amount_pence: £1,000,000,000,000.01 is beyond the £1 trillion",
    ),
    (
        "minus a trillion and a penny",
        lambda d: _line(d, 3).update(amount_pence=-(10**14) - 1),
        "column amount_pence: −£1,000,000,000,000.01 is beyond",
    ),
    (
        "stated total beyond",
        lambda d: d["tables"]["stated_total"][0].update(amount_pence=10**15),
        "Table stated_total, row 1 (id 1), column amount_pence: £10,000,000,000,000.00 is beyond",
    ),
    (
        "agreement snapshot beyond",
        lambda d: d["tables"]["agreement_line"][0].update(amount_pence=-(2**63)),
        "Table agreement_line, row 1 (id 1), column amount_pence:",
    ),
    (
        "a 65-bit position",
        lambda d: _line(d, 2).update(position=2**64),
        "Table pool_line, row 2 (id 2), column position: 18446744073709551616 is larger than any whole number",
    ),
    (
        "a 64-bit overflow just past the edge",
        lambda d: _line(d, 2).update(financial_year=2**63),
        "column financial_year: 9223372036854775808 is larger than any whole number a workspace can hold",
    ),
    ("text for a number", lambda d: _line(d, 1).update(amount_pence="3342000"), "expected a whole number"),
    ("a float", lambda d: _line(d, 1).update(amount_pence=1.5), "found the decimal number 1.5"),
    ("true for a number", lambda d: _line(d, 1).update(amount_pence=True), "found true"),
    (
        "a number for text",
        lambda d: _line(d, 1).update(service=12),
        "column service: expected text, found 12",
    ),
    (
        "null where a value is needed",
        lambda d: _line(d, 1).update(note=None),
        "column note: it must have a value",
    ),
    (
        "a number for a flag",
        lambda d: d["tables"]["agreement"][0].update(covers_whole_pool=1),
        "column covers_whole_pool: expected true or false, found 1",
    ),
    (
        "a lone surrogate",
        lambda d: _line(d, 5).update(service="Home care \ud800"),
        "Table pool_line, row 5 (id 5), column service: the text holds a lone surrogate",
    ),
    (
        "a lone surrogate in a note",
        lambda d: _line(d, 6).update(note="\udfff"),
        "row 6 (id 6), column note: the text holds a lone surrogate",
    ),
    ("a list for text", lambda d: _line(d, 1).update(note=["x"]), "found a list"),
    (
        "a kind outside the rule",
        lambda d: d["tables"]["partner"][0].update(kind="alien"),
        "Table partner, row 1 (id 1): its kind “alien” is not allowed by the workspace's rules.",
    ),
    (
        "a year outside the rule",
        lambda d: _line(d, 4).update(financial_year=3500),
        "Table pool_line, row 4 (id 4): its financial_year 3500 is not allowed by the workspace's rules.",
    ),
    (
        "a duplicate name",
        lambda d: d["tables"]["category"][1].update(name=d["tables"]["category"][0]["name"]),
        "Table category, row 2 (id 2): its name is the same as an earlier row's",
    ),
    (
        "a line of a partner not in the dump",
        lambda d: _line(d, 8).update(partner_id=999),
        "Table pool_line, the row with id 8 refers to a partner that the dump does not hold",
    ),
]


@pytest.mark.parametrize(("what", "mutate", "expected"), BAD_VALUES, ids=[case[0] for case in BAD_VALUES])
def test_bad_values_are_refused_naming_table_row_and_column(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    dump: Dump,
    what: str,
    mutate: Callable[[Dump], None],
    expected: str,
) -> None:
    mutate(dump)
    assert expected in _refused(tmp_path, capsys, dump)


def test_the_money_bounds_themselves_load(tmp_path: Path, dump: Dump) -> None:
    _line(dump, 1)["amount_pence"] = 10**14
    _line(dump, 2)["amount_pence"] = -(10**14)
    out = tmp_path / "edge.jmg"
    load_file(_write(tmp_path / "edge.json", dump), out)
    connection = sqlite3.connect(out)
    try:
        amounts = dict(connection.execute("SELECT id, amount_pence FROM pool_line WHERE id IN (1, 2)"))
    finally:
        connection.close()
    assert amounts == {1: 10**14, 2: -(10**14)}


def test_bad_base64_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump) -> None:
    dump["tables"]["paper"][0]["issued_pdf"] = {"base64": "not*base64!"}
    message = _refused(tmp_path, capsys, dump)
    assert "Table paper, row 1 (id 1), column issued_pdf: the binary data is not valid base64" in message


def test_binary_of_the_wrong_shape_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    dump["tables"]["paper"][0]["issued_pdf"] = "JVBERi0="
    assert 'column issued_pdf: expected binary data as {"base64": "…"}' in _refused(tmp_path, capsys, dump)


def _dump_text_with(dump: Dump, marker: str, replacement: str) -> str:
    text = json.dumps(dump, indent=1, ensure_ascii=False)
    assert marker in text
    return text.replace(marker, replacement, 1)


def test_a_huge_digit_string_is_one_sentence_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    _line(dump, 1)["amount_pence"] = 424242
    text = _dump_text_with(dump, "424242", "9" * 100_000)
    message = _refused(tmp_path, capsys, text)
    assert message.startswith("“in.json”, line ")
    assert "a number has more digits than any value in a dump could have" in message


def test_nesting_too_deep_is_one_sentence_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    _line(dump, 1)["note"] = "DEEP"
    text = _dump_text_with(dump, '"DEEP"', "[" * 200_000 + "]" * 200_000)
    message = _refused(tmp_path, capsys, text)
    assert message.startswith("“in.json”, line ")
    assert "nested too deeply" in message


def test_a_huge_exponent_is_not_a_whole_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    _line(dump, 1)["amount_pence"] = 424242
    text = _dump_text_with(dump, "424242", "1e400")
    assert "column amount_pence: expected a whole number, found the decimal number inf" in _refused(
        tmp_path, capsys, text
    )


def test_a_utf8_byte_order_mark_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    source = tmp_path / "bom.json"
    source.write_bytes(b"\xef\xbb\xbf" + json.dumps(dump, ensure_ascii=False).encode("utf-8"))
    out = tmp_path / "bom.jmg"
    assert main(["load", str(source), "-o", str(out)]) == 0
    with Workspace.open(out, read_only=True) as loaded:
        assert json.loads(dump_text(loaded)) == dump


SYNTAX_CASES: list[tuple[str, Callable[[str], bytes], str]] = [
    ("empty file", lambda t: b"", "the file is empty"),
    ("only spaces", lambda t: b"  \n ", "the file is empty"),
    ("truncated", lambda t: t[: len(t) // 2].encode("utf-8"), "this is not valid JSON"),
    ("trailing garbage", lambda t: (t + "\n{}").encode("utf-8"), "there is more after the end of the dump"),
    ("an array", lambda t: b"[1, 2]", "is not a JMG Desktop workspace dump"),
    ("latin-1", lambda t: t.encode().replace(b"Older People", b"Older Pe\xf6ple", 1), "is not UTF-8 text"),
    (
        "a missing comma",
        lambda t: t.replace('"amount_pence"', '"amount_pence" 5 ', 1).encode(),
        "(a “:” was expected)",
    ),
    ("NaN", lambda t: t.replace('"position": 1,', '"position": NaN,', 1).encode(), "decimal number nan"),
    (
        "tables not an object",
        lambda t: t.split('"tables"')[0].encode() + b'"tables": []}',
        "must be an object",
    ),
    (
        "rows not a list",
        lambda t: t.split('"tables"')[0].encode() + b'"tables": {"pool": 3}}',
        "must be a list",
    ),
]


@pytest.mark.parametrize(("what", "make", "expected"), SYNTAX_CASES, ids=[case[0] for case in SYNTAX_CASES])
def test_malformed_files_are_one_sentence_naming_the_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    dump: Dump,
    what: str,
    make: Callable[[str], bytes],
    expected: str,
) -> None:
    text = json.dumps(dump, indent=1, ensure_ascii=False)
    message = _refused(tmp_path, capsys, make(text))
    assert expected in message
    assert message.startswith("“in.json”") or "dump" in message


HEADER_CASES: list[tuple[str, Callable[[Dump], None], str]] = [
    ("another format", lambda d: d.update(format="something-else"), "not a JMG Desktop workspace dump"),
    ("another format version", lambda d: d.update(format_version=99), "format_version 99"),
    ("an older schema", lambda d: d.update(schema_version=1), "This dump is of schema 1"),
    ("a negative schema", lambda d: d.update(schema_version=-5), "This dump is of schema -5"),
    ("a huge schema", lambda d: d.update(schema_version=10**5000), "a number has more digits than any value"),
    ("an unknown table", lambda d: d["tables"].update(mystery=[]), "does not know: mystery"),
    ("no tables", lambda d: d.pop("tables"), 'has no "tables" object'),
    ("an unknown field", lambda d: d.update(extra=1), 'the field "extra" is not part of a dump'),
]


@pytest.mark.parametrize(("what", "mutate", "expected"), HEADER_CASES, ids=[case[0] for case in HEADER_CASES])
def test_bad_headers_are_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    dump: Dump,
    what: str,
    mutate: Callable[[Dump], None],
    expected: str,
) -> None:
    mutate(dump)
    import sys

    sys.set_int_max_str_digits(0)  # only to write the test's own huge number
    try:
        text = json.dumps(dump)
    finally:
        sys.set_int_max_str_digits(4300)
    assert expected in _refused(tmp_path, capsys, text)


# -- 5. the audit chain -----------------------------------------------------------------------------


def _check_sentence(tmp_path: Path, demo_path: Path, statement: str) -> str:
    """What ``check`` says of the demo after ``statement`` is run on it behind the application's back."""
    tampered = tmp_path / "tampered.jmg"
    tampered.write_bytes(demo_path.read_bytes())
    connection = sqlite3.connect(tampered)
    connection.execute(statement)
    connection.commit()
    connection.close()
    audit = [finding.message for finding in run_checks(tampered) if finding.check == "audit"]
    tampered.unlink()
    assert len(audit) == 1
    return audit[0]


AUDIT_TAMPERING: list[tuple[str, Callable[[Dump], None], str]] = [
    (
        "an event changed",
        lambda d: d["tables"]["audit_event"][0].update(actor="mallory"),
        "UPDATE audit_event SET actor = 'mallory' WHERE sequence = 1",
    ),
    (
        "the last event deleted",
        lambda d: d["tables"]["audit_event"].pop(),
        "DELETE FROM audit_event WHERE sequence = (SELECT MAX(sequence) FROM audit_event)",
    ),
    (
        "the head marker deleted",
        lambda d: d["tables"]["workspace_setting"].__setitem__(
            slice(None), [r for r in d["tables"]["workspace_setting"] if r["key"] != "audit_head"]
        ),
        "DELETE FROM workspace_setting WHERE key = 'audit_head'",
    ),
]


@pytest.mark.parametrize(
    ("what", "mutate", "statement"), AUDIT_TAMPERING, ids=[case[0] for case in AUDIT_TAMPERING]
)
def test_a_dump_whose_audit_chain_does_not_verify_is_refused_as_check_would_say(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    what: str,
    mutate: Callable[[Dump], None],
    statement: str,
) -> None:
    with Workspace.open(demo_path, read_only=True) as workspace:
        data = dump_workspace(workspace)
    sentence = _check_sentence(tmp_path, demo_path, statement)
    mutate(data)
    message = _refused(tmp_path, capsys, data)
    assert message == f"{sentence.rstrip('.')}; the dump was not loaded."


# -- the target -------------------------------------------------------------------------------------


def test_load_never_overwrites_and_leaves_the_existing_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dump: Dump
) -> None:
    source = _write(tmp_path / "in.json", dump)
    out = tmp_path / "out.jmg"
    out.write_bytes(b"someone's work")
    assert main(["load", str(source), "-o", str(out)]) == 2
    assert "“out.jmg” already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"someone's work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.jmg"]


def test_a_loaded_workspace_takes_the_umask_and_leaves_no_lock(tmp_path: Path, dump: Dump) -> None:
    import os

    source = _write(tmp_path / "in.json", dump)
    previous = os.umask(0o022)
    try:
        assert main(["load", str(source), "-o", str(tmp_path / "shared.jmg")]) == 0
        os.umask(0o027)
        assert main(["load", str(source), "-o", str(tmp_path / "team.jmg")]) == 0
    finally:
        os.umask(previous)
    assert (tmp_path / "shared.jmg").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "team.jmg").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "shared.jmg", "team.jmg"]
