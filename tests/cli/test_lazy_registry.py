"""The lazy sub-command registry: ``--help`` names every command without importing any of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from jmg_desktop.cli import SUBCOMMANDS, build_parser, main

#: Packages that cost hundreds of milliseconds to import and that no help text needs.
HEAVY = ("sqlalchemy", "alembic", "PySide6", "reportlab", "typst")


def _heavy_imports_after(code: str) -> list[str]:
    """The heavy packages a fresh interpreter has imported after running ``code``."""
    probe = (
        "import contextlib, io, json, sys\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    {code}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
        check=True,
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_help_lists_every_command_with_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps long help lines
    for entry in SUBCOMMANDS:
        assert entry.name in out
        assert " ".join(entry.help.split()) in out


@pytest.mark.parametrize("argv", [["--help"], ["--version"]], ids=["help", "version"])
def test_help_and_version_import_no_heavy_package(argv: list[str]) -> None:
    assert _heavy_imports_after(f"from jmg_desktop.cli import main; main({argv!r})") == []


@pytest.mark.parametrize("entry", SUBCOMMANDS, ids=lambda entry: entry.name)
def test_a_command_s_own_help_imports_no_heavy_package(entry: object) -> None:
    name = entry.name  # type: ignore[attr-defined]
    assert _heavy_imports_after(f"from jmg_desktop.cli import main; main([{name!r}, '--help'])") == []


def test_every_command_is_configured_with_a_function_to_run() -> None:
    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert list(choices) == [entry.name for entry in SUBCOMMANDS]
    for name, sub in choices.items():
        assert callable(sub.get_default("func")), name


def test_only_the_command_run_is_built() -> None:
    parser = build_parser(only=["check"])
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert list(choices) == ["check"]
    assert callable(choices["check"].get_default("func"))


def test_the_top_level_help_lists_every_command_without_building_their_options() -> None:
    parser = build_parser(only=())
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert list(choices) == [entry.name for entry in SUBCOMMANDS]
    assert all(sub.get_default("func") is None for sub in choices.values())
