"""``jmg-desktop backups FILE`` and ``jmg-desktop restore BACKUP -o OUT.jmg``."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop.cli import main
from jmg_desktop.store import backups
from jmg_desktop.store.backups import list_backups
from jmg_desktop.store.workspace import Workspace


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "userdata"
    monkeypatch.setenv(backups.DATA_DIR_ENV, str(folder))
    return folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backups_lists_newest_first_with_the_latest_good_marked(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Workspace.open(demo_path).close()  # the first opening takes a backup
    assert main(["backups", str(demo_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Backups of demo.jmg, newest first (in ")
    assert lines[1].startswith("* ") and " opened " in lines[1] and "  ok  " in lines[1]
    assert lines[1].endswith(str(list_backups(demo_path)[0].path))
    assert lines[-1] == "* the latest good backup"


def test_backups_of_a_file_with_none_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backups", str(tmp_path / "gone.jmg")]) == 0
    assert capsys.readouterr().out.startswith("No backups of gone.jmg yet (they would be in ")


def test_restore_writes_a_new_workspace_and_refuses_to_replace_unasked(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Workspace.open(demo_path).close()
    backup = list_backups(demo_path)[0].path
    out = tmp_path / "restored.jmg"
    assert main(["restore", str(backup), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Restored {backup.name} to {out}"
    with (
        Workspace.open(out, read_only=True) as restored,
        Workspace.open(demo_path, read_only=True) as original,
    ):
        assert restored.title == original.title
    before = _digest(out)
    assert main(["restore", str(backup), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "jmg-desktop: restored.jmg already exists; give another -o file, or --replace to replace it."
    )
    assert _digest(out) == before
    assert main(["restore", str(backup), "-o", str(out), "--replace"]) == 0
    assert [b.reason for b in list_backups(out)] == ["before-restore"]


def test_restore_of_something_that_is_not_a_backup_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.jmg"
    junk.write_text("not a database at all, just some text that is long enough" * 4)
    assert main(["restore", str(junk), "-o", str(tmp_path / "out.jmg")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a JMG Desktop workspace" in err
    assert not (tmp_path / "out.jmg").exists()


def test_the_real_command_lists_backups(demo_path: Path, data_dir: Path) -> None:
    Workspace.open(demo_path).close()
    result = subprocess.run(
        [sys.executable, "-m", "jmg_desktop", "backups", str(demo_path)],
        capture_output=True,
        text=True,
        env={**os.environ, backups.DATA_DIR_ENV: str(data_dir)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(data_dir) in result.stdout


def test_backups_without_a_file_lists_every_workspace_even_a_lost_one(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["backups"]) == 0
    assert capsys.readouterr().out.startswith("No workspace has backups yet (they would be in ")
    Workspace.open(demo_path).close()
    demo_path.unlink()
    assert main(["backups"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Workspaces with backups, most recently backed up first:"
    assert lines[1].startswith(f"  {demo_path.resolve()}  1 backup(s), newest ")
    assert lines[1].endswith("  (the file is no longer there)")
