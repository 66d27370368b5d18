"""A sub-command leaves without the interpreter's teardown, but never without what it printed.

``jmg_desktop.cli.run`` ends a sub-command's process with ``os._exit``, which skips the flush of
Python's buffered streams. When standard output is a pipe or a file it is block-buffered, so these
tests run the command as the console script does, in a fresh process, with its output sent to a
pipe and to a file (never a terminal), and without ``PYTHONUNBUFFERED`` (which would hide a missing
flush).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jmg_desktop.store.demo import build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick-exit") / "demo.jmg"
    build_demo(path).close()
    return path


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    return env


def _run_module(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    """``python -m jmg_desktop ARGS``, which ends through ``run()`` as the installed command does."""
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "jmg_desktop", *args], env=_environment(), timeout=120, **kwargs
    )


def test_a_long_output_reaches_a_pipe_whole(demo: Path) -> None:
    # A dump is far longer than one buffer: every byte must arrive, and end with the closing brace.
    result = _run_module(["dump", str(demo)], capture_output=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"{")
    assert result.stdout.rstrip().endswith(b"}")
    assert b'"pool_line"' in result.stdout


def test_a_short_output_reaches_a_file(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "papers.txt"
    with out.open("wb") as sink:
        result = _run_module(["papers", str(demo)], stdout=sink, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("1\tversion 1\tdraft\t2009/10\t")


def test_the_exit_code_and_message_of_a_refusal_survive(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jmg"
    result = _run_module(["check", str(missing)], capture_output=True)
    assert result.returncode == 2
    assert result.stdout == b""
    message = result.stderr.decode("utf-8").strip()
    assert message.startswith("jmg-desktop: ")
    assert "nowhere.jmg" in message
    assert "Traceback" not in message


def test_version_is_printed_whole() -> None:
    result = _run_module(["--version"], capture_output=True)
    assert result.returncode == 0
    assert result.stdout.decode("ascii").strip().startswith("JMG Desktop ")


def test_a_reader_that_goes_away_gets_no_complaint(demo: Path) -> None:
    # ``dump | head -c 10``: the reader closes the pipe early; the command stops quietly.
    reader = subprocess.Popen(
        [sys.executable, "-m", "jmg_desktop", "dump", str(demo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.read(10).startswith(b"{")
    reader.stdout.close()
    errors = reader.stderr.read()
    assert reader.wait(timeout=120) == 0
    assert errors == b""
