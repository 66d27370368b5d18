"""The command line's own words: a mistyped command, help that reads well, a closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop.cli import SUBCOMMANDS, main


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jmg_desktop", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("word", "hint"),
    [
        ("papres", " (did you mean 'papers'?)"),
        ("chek", " (did you mean 'check'?)"),
        ("export-papr", " (did you mean 'export-paper'?)"),
        ("frobnicate", " (see 'jmg-desktop --help' for the commands)"),
    ],
)
def test_a_mistyped_command_is_refused_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, word: str, hint: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([word, "demo.jmg"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"jmg-desktop: no such command or file: '{word}'{hint}\n"
    assert list(tmp_path.iterdir()) == []  # no window, no new file of that name


def test_a_mistyped_command_without_a_display_does_not_abort(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "jmg_desktop", "papres"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == "jmg-desktop: no such command or file: 'papres' (did you mean 'papers'?)\n"


def test_an_existing_file_of_any_name_is_still_opened_not_refused(tmp_path: Path) -> None:
    from jmg_desktop.cli import _refuse_unknown_word

    (tmp_path / "papres").write_text("", encoding="utf-8")
    _refuse_unknown_word([str(tmp_path / "papres")], {"papers"})  # no error: the window opens it


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pipeline")
@pytest.mark.parametrize(
    "args", ["--help", "check --help", "demo {tmp}/d.jmg >/dev/null && {cmd} dump {tmp}/d.jmg"]
)
def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path, args: str) -> None:
    command = f"{sys.executable} -m jmg_desktop"
    line = args.format(tmp=tmp_path, cmd=command)
    script = f"{command} {line} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.stderr == ""
    assert result.stdout.strip().splitlines()[-1] == "0"


def test_help_never_breaks_inside_a_name_and_gives_exit_codes() -> None:
    names = ["jmg-desktop", *(entry.name for entry in SUBCOMMANDS if "-" in entry.name)]
    pages = [("", _run("--help", env={"COLUMNS": "44"}))]
    pages += [(entry.name, _run(entry.name, "--help", env={"COLUMNS": "44"})) for entry in SUBCOMMANDS]
    for command, result in pages:
        assert result.returncode == 0, (command, result.stderr)
        text = result.stdout
        assert "Exit codes: 0" in " ".join(text.split()), command
        for line in text.splitlines():
            assert not any(line.rstrip().endswith(name.split("-")[0] + "-") for name in names), (
                command,
                line,
            )
    check = " ".join(pages[[c for c, _ in pages].index("check")][1].stdout.split())
    assert "1 problems were found" in check
