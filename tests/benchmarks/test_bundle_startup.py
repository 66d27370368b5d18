"""Start-up from the bundle against the venv, in the same run: launch to the demo's lines on screen.

Not part of the default run; needs a built bundle (``packaging/build.sh``):
``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/benchmarks/test_bundle_startup.py -s``.

Each launch is timed from just before the process starts to the start-up probe's ``loaded`` line
(``JMG_DESKTOP_STARTUP_PROBE=1``: the first paint of the lines table with the pool's rows, as in
tests/benchmarks/test_startup.py), and to ``--version``'s exit for the command line. The floor is
the venv (``python -m jmg_desktop``), launched alternately with the bundle in the same clean
environment, so both see the same machine load and warm caches.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

RUNS = 7
BUNDLE = Path(
    os.environ.get("JMG_BUNDLE_BUILD_DIR") or Path(__file__).resolve().parents[2] / "build" / "bundle"
)
EXECUTABLE = BUNDLE / "dist" / "jmg-desktop" / "jmg-desktop"

pytestmark = pytest.mark.skipif(
    not EXECUTABLE.is_file(), reason=f"no bundle at {EXECUTABLE}: build it with packaging/build.sh"
)


def _env(home: Path) -> dict[str, str]:
    """A clean environment: a fresh HOME, a UTF-8 locale, offscreen, the probe."""
    return {
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "JMG_DESKTOP_STARTUP_PROBE": "1",
    }


def _lines_on_screen(command: list[str], home: Path, cwd: Path) -> float:
    """Seconds from launch to the ``loaded`` line (lines on screen); the process then quits."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=_env(home), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    loaded = float("nan")
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("loaded ") and line.rstrip().endswith("rows=16"):
            loaded = time.perf_counter() - start
    assert process.wait(timeout=120) == 0
    return loaded


def _version(command: list[str], home: Path, cwd: Path) -> float:
    """Seconds for ``--version`` to run and exit."""
    start = time.perf_counter()
    subprocess.run([*command, "--version"], cwd=cwd, env=_env(home), capture_output=True, check=True)
    return time.perf_counter() - start


def test_bundle_against_venv_start_up(tmp_path: Path) -> None:
    from jmg_desktop.store.demo import build_demo

    demo = tmp_path / "demo.jmg"
    build_demo(demo).close()
    home, cwd = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    cwd.mkdir()
    bundle = [str(EXECUTABLE)]
    # The venv's interpreter and its (editable) install of the package, as the README runs it.
    venv = [sys.executable, "-m", "jmg_desktop"]

    _lines_on_screen([*bundle, str(demo)], home, cwd)  # warm the page cache once for each
    _lines_on_screen([*venv, str(demo)], home, cwd)
    results: dict[str, list[float]] = {"bundle": [], "venv": [], "bundle --version": [], "venv --version": []}
    for _ in range(RUNS):
        results["bundle"].append(_lines_on_screen([*bundle, str(demo)], home, cwd))
        results["venv"].append(_lines_on_screen([*venv, str(demo)], home, cwd))
        results["bundle --version"].append(_version(bundle, home, cwd))
        results["venv --version"].append(_version(venv, home, cwd))

    for name, floor_name in (("bundle", "venv"), ("bundle --version", "venv --version")):
        figure = statistics.median(results[name])
        floor = statistics.median(results[floor_name])
        print(
            f"\n{name}: median {figure:.3f} s against {floor_name} {floor:.3f} s (floor, same run): "
            f"ratio {figure / floor:.2f}; runs {', '.join(f'{r:.3f}' for r in results[name])} / "
            f"{', '.join(f'{r:.3f}' for r in results[floor_name])}"
        )
    assert all(r == r for r in results["bundle"])  # every launch painted the demo's 16 lines
