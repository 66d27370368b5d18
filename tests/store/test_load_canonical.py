"""``load`` of a dump in ``dump``'s own layout: read a batch at a time, yet refused as precisely.

A file as ``dump`` wrote it is loaded without the row-at-a-time streaming reader; any other
layout is loaded by that reader, to the same workspace; and a bad row anywhere, however far into
a table, is named by its line, table, row, id and column, with nothing written. The chunk the
batch reader takes at once is made small here, so the demo's tables span many chunks and every
cut between rows is crossed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store import load, load_canonical
from jmg_desktop.store.dump import dump_text
from jmg_desktop.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo_text(_demo_template: Path) -> str:
    """The demo's dump, as ``dump`` writes it."""
    with Workspace.open(_demo_template, read_only=True) as workspace:
        return dump_text(workspace)


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Small chunks for the batch reader; the names of the files the streaming reader read."""
    monkeypatch.setattr(load_canonical, "CHUNK_BYTES", 2048)
    names: list[str] = []
    real_reader = load.DumpReader

    def reader(stream: Any, name: str) -> Any:
        names.append(name)
        return real_reader(stream, name)

    monkeypatch.setattr(load, "DumpReader", reader)
    return names


def _load(tmp_path: Path, data: bytes) -> tuple[int, str]:
    """Run ``load`` on ``data``; its exit code and what a workspace it made dumps as ("" if none)."""
    source = tmp_path / "in.json"
    source.write_bytes(data)
    out = tmp_path / "out.jmg"
    code = main(["load", str(source), "-o", str(out)])
    if not out.exists():
        return code, ""
    with Workspace.open(out, read_only=True) as loaded:
        return code, dump_text(loaded)


def test_a_dump_as_written_loads_a_batch_at_a_time_and_dumps_identically(
    tmp_path: Path, demo_text: str, streamed: list[str]
) -> None:
    assert demo_text.count("\n") > 40 * 2048 // 100  # many chunks' worth of lines
    assert _load(tmp_path, demo_text.encode("utf-8")) == (0, demo_text)
    assert streamed == [], "a dump in dump's own layout went through the row-at-a-time reader"


def test_a_byte_order_mark_before_a_dump_as_written_is_accepted(
    tmp_path: Path, demo_text: str, streamed: list[str]
) -> None:
    assert _load(tmp_path, b"\xef\xbb\xbf" + demo_text.encode("utf-8")) == (0, demo_text)
    assert streamed == []


def _keys_reversed_in_one_line(text: str) -> str:
    data = json.loads(text)
    row = data["tables"]["pool_line"][20]
    data["tables"]["pool_line"][20] = dict(reversed(list(row.items())))
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


#: Reformatted dumps, and whether the row-at-a-time reader must be the one to read them (None:
#: either may; a row's columns in another order is still whole rows between the same cuts).
REFORMATTED: list[tuple[str, Callable[[str], str], bool | None]] = [
    ("indented by two", lambda t: json.dumps(json.loads(t), indent=2), True),
    ("on one line", lambda t: json.dumps(json.loads(t)), True),
    ("Windows line ends", lambda t: t.replace("\n", "\r\n"), True),
    (
        "a blank line between two rows",
        lambda t: t.replace('\n   },\n   {\n    "id": 30,', '\n   },\n\n   {\n    "id": 30,'),
        None,
    ),
    ("ASCII escapes", lambda t: json.dumps(json.loads(t), indent=1) + "\n", False),
    ("spaces after the end", lambda t: t + "  \n\n", False),
    ("one line's columns in another order", _keys_reversed_in_one_line, None),
]


@pytest.mark.parametrize(("what", "reformat", "careful"), REFORMATTED, ids=[case[0] for case in REFORMATTED])
def test_a_reformatted_dump_loads_to_the_same_workspace(
    tmp_path: Path,
    demo_text: str,
    streamed: list[str],
    what: str,
    reformat: Callable[[str], str],
    careful: bool | None,
) -> None:
    text = reformat(demo_text)
    assert text != demo_text
    assert _load(tmp_path, text.encode("utf-8")) == (0, demo_text)
    if careful is not None:
        assert streamed == (["in.json"] if careful else [])


def _line_of_row(text: str, table: str, row_id: int) -> int:
    """The 1-based line on which the row with ``row_id`` of ``table`` opens (its ``{``)."""
    start = text.index(f'\n  "{table}": [')
    member = text.index(f'\n    "id": {row_id},', start)
    return text.count("\n", 0, text.rindex("\n   {", start, member) + 1) + 1


#: A bad value: its column, its JSON, the reason given, and whether the line is named. A 65-bit
#: number and a lone surrogate are found when the database refuses the batch holding them, and
#: the row-at-a-time reader's second look at that batch names the row and column, not the line.
BAD_VALUES: list[tuple[str, str, str, bool]] = [
    ("amount_pence", '"12"', "expected a whole number, found the text “12”", True),
    ("amount_pence", "1.0", "expected a whole number, found the decimal number 1.0", True),
    (
        "amount_pence",
        "10000000000000001",
        "£100,000,000,000,000.01 is beyond the £1 trillion (either way) that JMG Desktop accepts",
        True,
    ),
    ("note", "null", "it must have a value (it is null)", True),
    (
        "position",
        "9223372036854775808",
        "9223372036854775808 is larger than any whole number a workspace can hold",
        False,
    ),
    (
        "service",
        '"Home care \\ud800"',
        "the text holds a lone surrogate (\\ud800–\\udfff), which is not valid Unicode",
        False,
    ),
]


@pytest.mark.parametrize(("column", "value", "reason", "at_line"), BAD_VALUES)
def test_a_bad_value_many_chunks_into_a_table_is_named_at_its_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    demo_text: str,
    streamed: list[str],
    column: str,
    value: str,
    reason: str,
    at_line: bool,
) -> None:
    row = json.loads(demo_text)["tables"]["pool_line"][33]
    old = f'"{column}": {json.dumps(row[column], ensure_ascii=False)},'
    at = demo_text.index(
        old, demo_text.index(f'\n    "id": {row["id"]},', demo_text.index('\n  "pool_line": ['))
    )
    text = demo_text[:at] + f'"{column}": {value},' + demo_text[at + len(old) :]
    line = _line_of_row(text, "pool_line", row["id"])
    assert line > 1000  # far past the first chunk
    assert _load(tmp_path, text.encode("utf-8")) == (2, "")
    where = f"“in.json”, line {line}: " if at_line else ""
    assert capsys.readouterr().err.strip() == (
        f"jmg-desktop: {where}Table pool_line, row 34 (id {row['id']}), column {column}: {reason}."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]
    assert streamed == ["in.json"]


def test_a_row_the_database_refuses_many_chunks_in_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], demo_text: str, streamed: list[str]
) -> None:
    data = json.loads(demo_text)
    lines = data["tables"]["pool_line"]
    lines[35]["id"] = lines[34]["id"]
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    assert _load(tmp_path, text.encode("utf-8")) == (2, "")
    assert capsys.readouterr().err.strip() == (
        f"jmg-desktop: Table pool_line, row 36 (id {lines[34]['id']}): its id is the same as an earlier row's."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


@pytest.mark.parametrize(
    ("table", "index", "column", "value"),
    [("pool_line", 36, "commissioner", "mayor"), ("line_status", 1, "effect", "vanished")],
)
def test_a_row_breaking_a_rule_is_named_by_the_careful_reader(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    demo_text: str,
    streamed: list[str],
    table: str,
    index: int,
    column: str,
    value: str,
) -> None:
    # The batch reader inserts without SQLite's CHECK rules and verifies them once at the end; a
    # row that breaks one sends the file to the careful reader, which names it as it always has.
    data = json.loads(demo_text)
    row = data["tables"][table][index]
    row[column] = value
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    assert _load(tmp_path, text.encode("utf-8")) == (2, "")
    assert capsys.readouterr().err.strip() == (
        f"jmg-desktop: Table {table}, row {index + 1} (id {row['id']}): its {column} “{value}” is not "
        "allowed by the workspace's rules."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]
    assert streamed == ["in.json"]
