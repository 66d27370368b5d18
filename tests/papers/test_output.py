"""Writing the PDF safely: temp file then rename; failures leave the earlier file intact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jmg_desktop.papers.errors import ExportError
from jmg_desktop.papers.output import write_file_atomically


def test_writes_and_replaces_leaving_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "paper.pdf"
    write_file_atomically(b"first", target)
    write_file_atomically(b"second", target)
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.pdf"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_folder_gives_a_message_and_keeps_the_earlier_file(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "paper.pdf"
    target.write_bytes(b"issued version")
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission was refused"):
            write_file_atomically(b"new", target)
    finally:
        folder.chmod(0o700)
    assert target.read_bytes() == b"issued version"


def test_failed_rename_keeps_the_earlier_file_and_removes_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "paper.pdf"
    target.write_bytes(b"issued version")

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(
        ExportError, match=r"permission was refused.*The earlier file of that name is unchanged"
    ):
        write_file_atomically(b"new", target)
    assert target.read_bytes() == b"issued version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.pdf"]


def test_folder_refusing_new_files_is_explained_and_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stands in for a read-only share when the tests run as root (root ignores permission bits).
    target = tmp_path / "paper.pdf"
    target.write_bytes(b"issued version")

    real_open = os.open

    def refuse(file: object, flags: int, *args: object) -> int:
        if flags & os.O_CREAT:  # creating the temporary file beside the target
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("jmg_desktop.store.safe_write.os.open", refuse)
    with pytest.raises(
        ExportError,
        match=r"cannot be written: permission was refused.*earlier file of that name is unchanged",
    ):
        write_file_atomically(b"new", target)
    assert target.read_bytes() == b"issued version"


def test_missing_folder_and_folder_as_target_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        write_file_atomically(b"x", tmp_path / "nowhere" / "paper.pdf")
    with pytest.raises(ExportError, match="is a folder, not a file name"):
        write_file_atomically(b"x", tmp_path)


def test_a_written_file_leaves_no_temporary_file_and_keeps_the_old_permissions(tmp_path: Path) -> None:
    target = tmp_path / "paper.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    write_file_atomically(b"new paper", target)
    assert target.read_bytes() == b"new paper"
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.pdf"]
