"""Linux desktop integration: the .jmg file type, the menu entry and the icon.

The file type is checked the way a desktop reads it: Qt's QMimeDatabase (which reads
shared-mime-info's XML, as GLib and KDE do) in a separate process whose only extra MIME folder
holds our XML, on real workspaces and on files that must not be taken for one.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jmg_desktop.store.workspace import APPLICATION_ID

ROOT = Path(__file__).resolve().parents[2]
MIME_XML = ROOT / "resources" / "mime" / "jmg-desktop.xml"
DESKTOP = ROOT / "resources" / "jmg-desktop.desktop"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}

_PROBE = """
import json, sys
from PySide6.QtCore import QMimeDatabase
db = QMimeDatabase()
out = {}
for path in sys.argv[1:]:
    out[path] = [db.mimeTypeForFile(path).name(),
                 db.mimeTypeForFile(path, QMimeDatabase.MatchMode.MatchContent).name()]
kind = db.mimeTypeForName("application/x-jmg-workspace")
out["type"] = [kind.isValid(), kind.comment(), kind.parentMimeTypes(), kind.globPatterns(), kind.iconName()]
print(json.dumps(out))
"""


def _mime_types(tmp_path: Path, files: list[Path]) -> dict[str, list[object]]:
    """What a desktop with our MIME package installed (and nothing else of ours) calls each file."""
    share = tmp_path / "share"
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(MIME_XML, share / "mime" / "packages")
    env = {**os.environ, "XDG_DATA_DIRS": f"{share}:/usr/share", "XDG_DATA_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_magic_is_the_workspace_application_id_at_offset_68() -> None:
    tree = ET.parse(MIME_XML)
    kind = tree.find("m:mime-type", NS)
    assert kind is not None and kind.get("type") == "application/x-jmg-workspace"
    outer = kind.find("m:magic/m:match", NS)
    assert outer is not None
    assert (outer.get("type"), outer.get("offset"), outer.get("value")) == ("string", "0", "SQLite format 3")
    inner = outer.find("m:match", NS)
    assert inner is not None
    assert (inner.get("type"), inner.get("offset")) == ("big32", "68")
    assert int(inner.get("value", ""), 16) == APPLICATION_ID
    assert struct.pack(">I", APPLICATION_ID) == b"JMGD"


def test_workspaces_are_recognised_by_name_and_by_content(tmp_path: Path, demo_path: Path) -> None:
    renamed = tmp_path / "budget-copy.bin"
    shutil.copyfile(demo_path, renamed)
    other_sqlite = tmp_path / "other.db"
    with sqlite3.connect(other_sqlite) as connection:
        connection.execute("CREATE TABLE t (x)")
    other_named_jmg = tmp_path / "not-ours.jmg"
    shutil.copyfile(other_sqlite, other_named_jmg)

    seen = _mime_types(tmp_path, [demo_path, renamed, other_sqlite, other_named_jmg])

    workspace = "application/x-jmg-workspace"
    assert seen[str(demo_path)] == [workspace, workspace]
    # A workspace sent without its extension is still one, by its application id.
    assert seen[str(renamed)] == [workspace, workspace]
    # Another application's SQLite file is a SQLite file by content, even when named *.jmg.
    assert seen[str(other_sqlite)][1] == "application/vnd.sqlite3"
    assert seen[str(other_named_jmg)][1] == "application/vnd.sqlite3"
    valid, comment, parents, globs, icon = seen["type"]
    assert valid and comment == "JMG Desktop workspace"
    assert parents == ["application/vnd.sqlite3"]
    assert globs == ["*.jmg"] and icon == "jmg-desktop"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_menu_entry_opens_workspaces_with_the_application_and_our_icon() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application" and entry["Name"] == "JMG Desktop"
    # %f: a double-clicked workspace arrives as the one FILE argument the command line takes.
    assert entry["Exec"] == "jmg-desktop %f"
    assert entry["Terminal"] == "false"
    assert "application/x-jmg-workspace" in entry["MimeType"].split(";")
    icon = entry["Icon"]
    assert (HICOLOR / "scalable" / "apps" / f"{icon}.svg").is_file()
    for size in PNG_SIZES:
        assert (HICOLOR / f"{size}x{size}" / "apps" / f"{icon}.png").is_file(), size


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-validate not installed"
)
def test_menu_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


_PIXELS = """
import json, sys
from PySide6.QtGui import QImage
out = {}
for path in sys.argv[1:]:
    image = QImage(path)
    w, h = image.width(), image.height()
    def at(x, y):
        c = image.pixelColor(int(x * w), int(y * h))
        return [c.red(), c.green(), c.blue(), c.alpha()]
    out[path] = {"size": [w, h], "centre": at(0.5, 0.5), "left": at(0.22, 0.5), "right": at(0.78, 0.5),
                 "corner_in": at(0.5, 0.08)}
print(json.dumps(out))
"""


def _near(colour: list[int], hex_rgb: str, tolerance: int = 40) -> bool:
    target = [int(hex_rgb[i : i + 2], 16) for i in (1, 3, 5)]
    return colour[3] == 255 and all(abs(a - b) <= tolerance for a, b in zip(colour, target, strict=False))


def test_every_icon_size_shows_both_partners_and_the_pool() -> None:
    """At every size, 16 px included: council teal on the left, NHS blue on the right, the pooled
    gold in the middle, on the navy tile."""
    paths = [HICOLOR / f"{size}x{size}" / "apps" / "jmg-desktop.png" for size in PNG_SIZES]
    result = subprocess.run(
        [sys.executable, "-c", _PIXELS, *map(str, paths)], capture_output=True, text=True, check=True
    )
    pixels = json.loads(result.stdout)
    for size, path in zip(PNG_SIZES, paths, strict=True):
        seen = pixels[str(path)]
        assert seen["size"] == [size, size]
        assert _near(seen["centre"], "#ffd23f"), (size, seen)
        assert _near(seen["left"], "#2fb5a5"), (size, seen)
        assert _near(seen["right"], "#4da3ee"), (size, seen)
        assert _near(seen["corner_in"], "#12355b"), (size, seen)


def test_windows_and_macos_icon_files_hold_each_size() -> None:
    ico = (ROOT / "packaging" / "windows" / "jmg-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind) == (0, 1)
    sizes = {struct.unpack_from("<B", ico, 6 + 16 * i)[0] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes
    icns = (ROOT / "packaging" / "macos" / "jmg-desktop.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)
    types, offset = set(), 8
    while offset < len(icns):
        types.add(icns[offset : offset + 4])
        offset += struct.unpack_from(">I", icns, offset + 4)[0]
    assert {b"icp4", b"icp5", b"ic07", b"ic08", b"ic09"} <= types


def test_windows_carry_the_icon_at_every_size(qapp: object) -> None:
    """The window (title bar, task bar, Alt+Tab) shows the same icon as the menu entry."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage

    from jmg_desktop.ui.app import application_icon

    icon = application_icon()
    assert {QSize(size, size) for size in PNG_SIZES} <= set(icon.availableSizes())  # type: ignore[attr-defined]
    small = icon.pixmap(16, 16).toImage()  # type: ignore[attr-defined]
    expected = QImage(str(HICOLOR / "16x16" / "apps" / "jmg-desktop.png"))
    assert small.convertToFormat(expected.format()) == expected
