"""The command line: exit codes, one-line messages, and the demo/dump/load round trip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop import __version__
from jmg_desktop.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a user or script would run it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "jmg_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_version_and_help() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"JMG Desktop {__version__}"
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "check", "dump", "load", "--demo"):
        assert command in result.stdout


def test_demo_dump_load_dump_round_trip(tmp_path: Path) -> None:
    demo = tmp_path / "demo.jmg"
    assert run("demo", str(demo)).returncode == 0
    first = run("dump", str(demo))
    assert first.returncode == 0
    assert json.loads(first.stdout)["format_version"] == 1
    (tmp_path / "dump.json").write_text(first.stdout, encoding="utf-8")
    assert run("load", str(tmp_path / "dump.json"), "-o", str(tmp_path / "copy.jmg")).returncode == 0
    assert run("dump", str(tmp_path / "copy.jmg"), "-o", str(tmp_path / "again.json")).returncode == 0
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == first.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dump", "{tmp}/absent.jmg"], "“absent.jmg” does not exist."),
        (["dump", "{tmp}/notes.txt"], "is not a JMG Desktop workspace"),
        (["check", "{tmp}/notes.txt"], "is not a JMG Desktop workspace"),
        (["demo", "{tmp}/notes.txt"], "already exists"),
        (["demo", "{tmp}/no/such/folder/x.jmg"], "does not exist"),
        (["load", "{tmp}/notes.txt", "-o", "{tmp}/out.jmg"], "is not valid JSON"),
        (["load", "{tmp}/absent.json", "-o", "{tmp}/out.jmg"], "does not exist"),
        (["load", "{tmp}/list.json", "-o", "{tmp}/out.jmg"], "not a JMG Desktop workspace dump"),
        (["load", "{tmp}/list.json"], "the following arguments are required: -o/--output"),
        (["dump"], "the following arguments are required: FILE"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "notes.txt").write_text("not a workspace", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    code = main([arg.format(tmp=tmp_path) for arg in args])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert captured.err.startswith("jmg-desktop: ")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out.jmg").exists()


def test_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "bad.jmg").write_bytes(b"\x00" * 10)
    result = run("dump", str(tmp_path / "bad.jmg"))
    assert result.returncode == 2
    assert (
        result.stderr
        == "jmg-desktop: “bad.jmg” is not a JMG Desktop workspace (it is not a database file).\n"
    )
    assert result.stdout == ""


def test_a_failed_write_keeps_the_earlier_file(
    tmp_path: Path, demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    from jmg_desktop.store import safe_write

    out = tmp_path / "out.json"
    out.write_text("earlier", encoding="utf-8")

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_write.os, "replace", disk_full)
    assert main(["dump", str(demo_path), "-o", str(out)]) == 2
    assert "“out.json” cannot be written: No space left on device." in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.jmg", "out.json"]


def test_dump_into_a_missing_folder(
    tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dump", str(demo_path), "-o", str(tmp_path / "nowhere" / "out.json")]) == 2
    assert "does not exist" in capsys.readouterr().err
