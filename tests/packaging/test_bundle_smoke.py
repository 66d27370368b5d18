"""The bundle works with no Python or project installed: built, then run as a user's machine would.

Every run uses a clean environment (``env -i`` with only ``HOME`` and ``LANG``, plus
``QT_QPA_PLATFORM=offscreen`` for the window) and a working folder unrelated to the checkout, so
nothing from the venv, the checkout or the test run's own settings can help the bundle along.

Slow (it builds the bundle): runs with ``JMG_TEST_BUNDLE=1``; ``JMG_TEST_BUNDLE_REUSE=1`` also
keeps a bundle already built in ``JMG_BUNDLE_BUILD_DIR`` (default build/bundle).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from jmg_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]

#: ``JMG_TEST_BUNDLE=1`` runs the smoke tests (CI sets it); ``JMG_TEST_BUNDLE_REUSE=1`` also keeps
#: a bundle already built in ``JMG_BUNDLE_BUILD_DIR`` (default build/bundle) instead of building.
RUN_ENV = "JMG_TEST_BUNDLE"
REUSE_ENV = "JMG_TEST_BUNDLE_REUSE"


@dataclass(frozen=True)
class Bundle:
    """A built bundle: its folder, its executable and the Linux tarball made from it."""

    folder: Path
    executable: Path
    tarball: Path
    build_seconds: float | None


def build_dir() -> Path:
    """Where packaging/build.sh builds (the same default as the script)."""
    return Path(os.environ.get("JMG_BUNDLE_BUILD_DIR") or ROOT / "build" / "bundle")


def _skip_reason() -> str | None:
    """Why the bundle cannot be built and run here, if it cannot."""
    if os.environ.get(RUN_ENV) != "1":
        return f"the bundle smoke test runs only with {RUN_ENV}=1 (it builds the bundle: about 2 minutes)"
    if not sys.platform.startswith("linux"):
        return "the bundle is built and smoke-tested on Linux only (see packaging/README.md)"
    if not sysconfig.get_config_var("Py_ENABLE_SHARED"):
        return "PyInstaller needs a Python built with --enable-shared"
    return None


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    """The bundle, built from this checkout by packaging/build.sh (or reused, when asked)."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    folder = build_dir() / "dist" / "jmg-desktop"
    seconds: float | None = None
    if not (os.environ.get(REUSE_ENV) == "1" and (folder / "jmg-desktop").is_file()):
        started = time.monotonic()
        result = subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh")],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        seconds = time.monotonic() - started
        assert result.returncode == 0, f"build.sh failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        print(f"\nbundle built by packaging/build.sh in {seconds:.0f} s")
    tarballs = sorted(build_dir().glob("jmg-desktop-*-linux-*.tar.gz"))
    assert tarballs, "build.sh made no tarball"
    return Bundle(folder, folder / "jmg-desktop", tarballs[-1], seconds)


pytestmark = pytest.mark.slow


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a freshly logged-in user's process has, and nothing of this test run's."""
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "LANG": "C.UTF-8", **extra}


def _run(
    bundle: Bundle, args: list[str], cwd: Path, home: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    """Run the bundled executable in a clean environment from ``cwd``."""
    return subprocess.run(
        [str(bundle.executable), *args],
        cwd=cwd,
        env=_clean_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder with nothing of the project in it."""
    folder = tmp_path / "Documents" / "JMG papers"
    folder.mkdir(parents=True)
    return folder


def test_version(bundle: Bundle, elsewhere: Path, tmp_path: Path) -> None:
    result = _run(bundle, ["--version"], elsewhere, tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"JMG Desktop {__version__}"
    assert result.stderr == ""


def test_demo_check_dump_load_round_trip(bundle: Bundle, elsewhere: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    made = _run(bundle, ["demo", "budget.jmg"], elsewhere, home)
    assert made.returncode == 0, made.stderr
    # The migrations ran from the bundle: the file is at this version's schema.
    checked = _run(bundle, ["check", "budget.jmg"], elsewhere, home)
    assert (checked.returncode, checked.stdout.strip()) == (0, "budget.jmg: no problems found"), (
        checked.stderr
    )

    dumped = _run(bundle, ["dump", "budget.jmg", "-o", "budget.json"], elsewhere, home)
    assert dumped.returncode == 0, dumped.stderr
    loaded = _run(bundle, ["load", "budget.json", "-o", "again.jmg"], elsewhere, home)
    assert loaded.returncode == 0, loaded.stderr
    again = _run(bundle, ["dump", "again.jmg"], elsewhere, home)
    assert again.returncode == 0, again.stderr
    first = (elsewhere / "budget.json").read_text(encoding="utf-8")
    assert again.stdout == first

    # The bundle's workspace is the demo to the penny: its lines as the venv's demo has them.
    document = json.loads(first)
    lines = document["tables"]["pool_line"]
    council_2009 = sum(
        line["amount_pence"] for line in lines if line["financial_year"] == 2009 and line["pool_id"] == 1
    )
    venv = subprocess.run(
        [sys.executable, "-m", "jmg_desktop", "dump", str(elsewhere / "budget.jmg")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(venv.stdout)["tables"] == document["tables"]
    assert council_2009 > 0


def _font_names(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            names.add(f"{target['/BaseFont']}{'' if embedded else ' (NOT EMBEDDED)'}")
    return names


def test_export_paper_writes_the_same_pdf_as_the_venv(
    bundle: Bundle, elsewhere: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert _run(bundle, ["demo", "budget.jmg"], elsewhere, home).returncode == 0
    listed = _run(bundle, ["papers", "budget.jmg"], elsewhere, home)
    assert listed.returncode == 0, listed.stderr
    paper_id = listed.stdout.split("\t", 1)[0]

    exported = _run(
        bundle, ["export-paper", "budget.jmg", "--paper", paper_id, "-o", "annex.pdf"], elsewhere, home
    )
    assert exported.returncode == 0, exported.stderr
    venv_pdf = tmp_path / "venv.pdf"
    venv_command = [sys.executable, "-m", "jmg_desktop", "export-paper", str(elsewhere / "budget.jmg")]
    subprocess.run(
        [*venv_command, "--paper", paper_id, "-o", str(venv_pdf)],
        capture_output=True,
        check=True,
    )
    bundled = (elsewhere / "annex.pdf").read_bytes()
    # Same renderer, same fonts, same data: the very same bytes as the venv's export.
    assert bundled == venv_pdf.read_bytes()

    reader = PdfReader(elsewhere / "annex.pdf")
    fonts = _font_names(reader)
    assert fonts and all("LiberationSans" in name and "NOT EMBEDDED" not in name for name in fonts), fonts
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Older People" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    # The venv's accessibility checks (tests/papers/test_accessibility.py), on the bundle's file.
    from pdfua import validate

    report = validate(str(elsewhere / "annex.pdf"))
    assert [f"{f.rule_id}: {f.message}" for f in report.findings] == []
    with pikepdf.open(elsewhere / "annex.pdf") as pdf, pdf.open_metadata() as xmp:
        assert (xmp["pdfuaid:part"], xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("1", "2", "A")
        assert pdf.Root.MarkInfo.Marked is True


def test_window_starts_offscreen_on_the_demo_and_closes(
    bundle: Bundle, elsewhere: Path, tmp_path: Path
) -> None:
    """``--demo`` with the start-up probe (``JMG_DESKTOP_STARTUP_PROBE=1`` quits once the features
    are installed; ``JMG_DESKTOP_PAGES_PROBE=1`` first shows every page): the window shows, the
    demo's lines are painted, the paper preview renders its PDF (QtPdf) and the projection its
    charts (QtCharts), it closes with exit 0, and Qt says nothing else (a missing plug-in or
    library would) and nothing is logged as an error."""
    home = tmp_path / "home"
    result = _run(
        bundle,
        ["--demo"],
        elsewhere,
        home,
        QT_QPA_PLATFORM="offscreen",
        JMG_DESKTOP_STARTUP_PROBE="1",
        JMG_DESKTOP_PAGES_PROBE="1",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    probe = re.compile(r"^(shown|loaded|ready) \d|^pages ")
    assert [line.split()[0] for line in lines if probe.match(line)] == ["shown", "loaded", "ready", "pages"]
    assert any(line.startswith("loaded ") and line.endswith("rows=16") for line in lines)
    (pages,) = [line for line in lines if line.startswith("pages ")]
    seen = re.fullmatch(r"pages (?P<titles>.+) preview-pages=(?P<pdf>\d+) charts=(?P<charts>\d+)", pages)
    assert seen is not None, pages
    assert {"Pool lines", "Paper", "Projection", "Agreements"} <= set(seen["titles"].split("|"))
    assert int(seen["pdf"]) >= 1 and int(seen["charts"]) >= 1, pages
    others = [
        line for line in lines if not probe.match(line) and "does not support propagateSizeHints" not in line
    ]
    assert others == [], result.stderr
    # The demo copy and the log went to the platform's per-user folders (platformdirs), under HOME.
    assert list((home / ".local" / "share" / "jmg-desktop" / "demo").glob("demo-*.jmg"))
    log = home / ".local" / "state" / "jmg-desktop" / "log" / "jmg-desktop.log"
    assert " ERROR " not in log.read_text(encoding="utf-8")
    assert not list(elsewhere.iterdir()), list(elsewhere.iterdir())


def test_a_bad_file_gets_one_sentence(bundle: Bundle, elsewhere: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = elsewhere / "budget.jmg"
    bad.write_bytes(b"this is a spreadsheet, honest\n" * 40)
    before = bad.read_bytes()
    for command in (
        ["check", "budget.jmg"],
        ["dump", "budget.jmg"],
        ["export-paper", "budget.jmg", "--paper", "1"],
    ):
        args = [*command, "-o", "out.pdf"] if command[0] == "export-paper" else command
        result = _run(bundle, args, elsewhere, home)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        message = result.stderr.strip()
        assert len(message.splitlines()) == 1, (command, message)
        assert message.startswith("jmg-desktop: ") and "budget.jmg" in message, message
        assert "Traceback" not in message and "sqlite" not in message.lower(), message
    assert bad.read_bytes() == before


def test_only_the_qt_the_application_uses_is_bundled(bundle: Bundle) -> None:
    internal = bundle.folder / "_internal"
    names = {path.name for path in internal.rglob("*")}
    for unwanted in (
        "Qt6WebEngineCore",
        "Qt6Quick",
        "Qt6Qml",
        "Qt63DCore",
        "Qt6VirtualKeyboard",
        "Qt6Wayland",
    ):
        assert not [name for name in names if unwanted in name], unwanted
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert sorted(p.name for p in (plugins / "platforms").iterdir()) == ["libqoffscreen.so", "libqxcb.so"]
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    for needed in ("libQt6Pdf.so.6", "libQt6PdfWidgets.so.6", "libQt6Charts.so.6"):
        assert needed in names, needed


def test_licences_fonts_migrations_and_demo_data_are_bundled(bundle: Bundle) -> None:
    internal = bundle.folder / "_internal"
    versions = internal / "jmg_desktop" / "store" / "migrations" / "versions"
    source = Path(__file__).resolve().parents[2] / "jmg_desktop" / "store" / "migrations" / "versions"
    assert sorted(p.name for p in versions.glob("*.py")) == sorted(p.name for p in source.glob("*.py"))
    assert (internal / "resources" / "demo" / "oxfordshire.json").is_file()
    fonts = internal / "resources" / "fonts"
    assert (fonts / "LICENSE-LiberationFonts.txt").is_file() and list(fonts.glob("LiberationSans-*.ttf"))
    index = (internal / "licenses" / "README.txt").read_text(encoding="utf-8")
    for component in ("PySide6_Essentials", "PySide6_Addons", "shiboken6", "SQLAlchemy", "alembic", "Python"):
        assert re.search(rf"^{re.escape(component)}\s", index, re.MULTILINE), component
    assert "Liberation Fonts" in index and "OFL-1.1" in index
    for folder in (internal / "licenses").iterdir():
        if folder.is_dir():
            texts = [p for p in folder.iterdir() if p.name != "FILES.txt"]
            assert any(p.stat().st_size > 300 for p in texts), folder.name  # a licence, not a stub


def test_tarball_installs_for_a_user_and_uninstalls(bundle: Bundle, tmp_path: Path) -> None:
    with tarfile.open(bundle.tarball) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    prefix = tmp_path / "prefix"
    home = tmp_path / "home"
    env = {**_clean_env(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    installed = subprocess.run(
        ["bash", str(unpacked / "install.sh"), "--prefix", str(prefix)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr
    exe = prefix / "lib" / "jmg-desktop" / "jmg-desktop"
    version = subprocess.run(
        [str(prefix / "bin" / "jmg-desktop"), "--version"],
        env=_clean_env(home),
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip() == f"JMG Desktop {__version__}"
    desktop = (prefix / "share" / "applications" / "jmg-desktop.desktop").read_text(encoding="utf-8")
    assert f'Exec="{exe}" %f' in desktop.splitlines()
    assert (prefix / "share" / "mime" / "packages" / "jmg-desktop.xml").is_file()
    assert (prefix / "share" / "icons" / "hicolor" / "16x16" / "apps" / "jmg-desktop.png").is_file()
    if shutil.which("desktop-file-validate"):
        validated = subprocess.run(
            ["desktop-file-validate", str(prefix / "share" / "applications" / "jmg-desktop.desktop")],
            capture_output=True,
            text=True,
        )
        assert validated.returncode == 0, validated.stdout

    removed = subprocess.run(
        ["bash", str(unpacked / "install.sh"), "--prefix", str(prefix), "--uninstall"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert removed.returncode == 0, removed.stderr
    assert not exe.exists() and not (prefix / "bin" / "jmg-desktop").exists()
    leftovers = [
        p for p in prefix.rglob("*") if p.is_file() and p.parent.name != "mime" and "mime" not in p.parts
    ]
    assert [p for p in leftovers if p.name != "mimeinfo.cache" and p.suffix != ".cache"] == []
