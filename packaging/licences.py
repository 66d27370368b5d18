"""A licence file for every component in the bundle, from the metadata of what was bundled.

Imported by ``jmg-desktop.spec`` after the analysis. Every file PyInstaller is about to bundle is
traced to where it came from:

* a Python distribution (its ``RECORD`` lists the file): the distribution's own licence files and
  its declared licence;
* Python itself (the standard library, the interpreter's shared library): Python's ``LICENSE.txt``;
* a shared library copied from the operating system (Linux): the Debian package that installed it
  (``dpkg -S``) and that package's ``copyright`` file;
* this project's own files and resources: the fonts' licence beside them, and the application's.

The result is ``licenses/`` in the bundle: ``README.txt`` listing each component, its version, its
licence and its files, and one folder per component. A bundled file whose licence cannot be found
stops the build (``LicenceMissing``), so nothing ships without one.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["LicenceMissing", "collect"]

_LICENCE_NAME = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)
# Qt for Python's wheels declare their licence but ship no text: these are the texts they name.
_QT_LICENCE_TEXTS = ("LGPL-3.0.txt", "GPL-3.0.txt")
_THIS_FOLDER = Path(__file__).resolve().parent


class LicenceMissing(RuntimeError):
    """A file is about to be bundled and no licence for it was found."""


@dataclass
class Component:
    """One bundled component: where its licence comes from and which bundled files it covers."""

    name: str
    version: str
    licence: str
    texts: list[Path] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _declared_licence(dist: metadata.Distribution) -> str:
    """The licence a distribution declares: its SPDX expression, else its classifiers or field."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [
        c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License")
    ]
    if classifiers:
        return "; ".join(classifiers)
    return (meta.get("License") or "see the licence files").splitlines()[0][:80]


def _distribution_index() -> dict[Path, metadata.Distribution]:
    """Every installed file of every distribution in the build environment, by resolved path."""
    index: dict[Path, metadata.Distribution] = {}
    for dist in metadata.distributions():
        for file in dist.files or []:
            try:
                index[Path(dist.locate_file(file)).resolve()] = dist
            except OSError:
                continue
    return index


def _debian_package(path: Path) -> str | None:
    """The Debian package that installed ``path`` (merged /usr or not), if any."""
    if not shutil.which("dpkg-query"):
        return None
    candidates = {str(path), str(path.resolve())}
    candidates |= {c.removeprefix("/usr") for c in list(candidates) if c.startswith("/usr/")}
    for candidate in sorted(candidates):
        result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0 and ":" in result.stdout:
            return result.stdout.split(":", 1)[0].strip()
    return None


def _debian_version(package: str) -> str:
    """The installed version of a Debian package."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "unknown"


def _debian_licences(copyright_file: Path) -> str:
    """The licences a Debian ``copyright`` file names (machine-readable format), in order."""
    try:
        text = copyright_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "unknown"
    names: list[str] = []
    for match in re.finditer(r"^License:[ \t]*(\S.*)$", text, re.MULTILINE):
        name = match.group(1).strip()
        if name not in names:
            names.append(name)
    return ", ".join(names)[:60] if names else "see copyright"


def _python_component() -> Component:
    """Python: the interpreter and the standard library, under the PSF licence."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    texts = [p for p in (stdlib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt") if p.is_file()]
    return Component("Python", sys.version.split()[0], "PSF-2.0", texts[:1])


def _is_python_file(source: Path) -> bool:
    """True for the standard library, the interpreter's own libraries and its extension modules."""
    roots = {Path(sys.base_prefix).resolve(), Path(sysconfig.get_paths()["stdlib"]).resolve()}
    libdir = sysconfig.get_config_var("LIBDIR")
    if libdir:
        roots.add(Path(libdir).resolve())
    site = {Path(p).resolve() for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])}
    if any(s == source or s in source.parents for s in site):
        return False
    return any(r in source.parents for r in roots)


def _classify(
    entries: list[tuple[str, Path]],
    index: dict[Path, metadata.Distribution],
    project_root: Path,
) -> tuple[dict[str, Component], list[str]]:
    """Group bundled files into components; return the components and the files left over."""
    components: dict[str, Component] = {}
    unknown: list[str] = []
    python = _python_component()
    fonts = project_root / "resources" / "fonts"
    for dest, source in entries:
        resolved = source.resolve()
        dist = index.get(resolved)
        if dist is not None and dist.metadata["Name"] == "jmg-desktop":
            dist = None  # the checkout's own egg-info (an editable install): the project itself
        if dist is not None:
            name = dist.metadata["Name"]
            if name not in components:
                texts = [
                    Path(dist.locate_file(f))
                    for f in dist.files or []
                    if _LICENCE_NAME.search(str(f)) and Path(dist.locate_file(f)).is_file()
                ]
                if not texts and name.lower().replace("_", "-").startswith(("pyside6", "shiboken6")):
                    texts = [_THIS_FOLDER / "licenses" / text for text in _QT_LICENCE_TEXTS]
                components[name] = Component(name, dist.version, _declared_licence(dist), texts)
            components[name].files.append(dest)
        elif fonts in resolved.parents:
            component = components.setdefault(
                "Liberation Fonts",
                Component("Liberation Fonts", "2.1", "OFL-1.1", [fonts / "LICENSE-LiberationFonts.txt"]),
            )
            component.files.append(dest)
        elif project_root in resolved.parents:
            component = components.setdefault(
                "JMG Desktop",
                Component(
                    "JMG Desktop",
                    _project_version(project_root),
                    "Proprietary",
                    [_THIS_FOLDER / "LICENSE-JMG-Desktop.txt"],
                ),
            )
            component.files.append(dest)
        elif _is_python_file(resolved):
            components.setdefault("Python", python).files.append(dest)
        elif (package := _debian_package(resolved)) is not None:
            key = f"debian:{package}"
            if key not in components:
                copyright_file = Path("/usr/share/doc") / package / "copyright"
                texts = [copyright_file] if copyright_file.is_file() else []
                components[key] = Component(
                    f"{package} (Debian)", _debian_version(package), _debian_licences(copyright_file), texts
                )
            components[key].files.append(dest)
        else:
            unknown.append(f"{dest} (from {source})")
    return components, unknown


def _project_version(root: Path) -> str:
    """The application's version, from the package (one source)."""
    match = re.search(r'__version__ = "([^"]+)"', (root / "jmg_desktop" / "__init__.py").read_text())
    return match.group(1) if match else "unknown"


def _entries(analysis: Any) -> list[tuple[str, Path]]:
    """(bundle path, source path) for every module, binary and data file of the analysis."""
    entries: list[tuple[str, Path]] = []
    for name, source, _kind in analysis.pure:
        if source and source not in {"-", "None"}:
            entries.append((f"PYZ:{name}", Path(source)))
    for collection in ("binaries", "datas"):
        for dest, source, _kind in getattr(analysis, collection):  # binaries, datas
            if source:
                entries.append((dest, Path(source)))
    scripts = analysis.scripts
    entries += [(f"script:{name}", Path(source)) for name, source, _kind in scripts if Path(source).is_file()]
    return [(dest, source) for dest, source in entries if source.is_file()]


def _folder_name(component: Component) -> str:
    """A file-system-safe folder name for a component."""
    return re.sub(r"[^\w.+-]+", "_", component.name).strip("_")


def collect(analysis: Any, out: Path, extra_roots: list[Path]) -> list[tuple[str, str, str]]:
    """Write ``out`` (the licence folder) and return its files as PyInstaller data entries."""
    project_root = extra_roots[0]
    components, unknown = _classify(_entries(analysis), _distribution_index(), project_root)
    # PyInstaller's bootloader and its pyi_ runtime hooks are part of the bundle too.
    pyinstaller = components.get("pyinstaller")
    if pyinstaller is None:
        dist = metadata.distribution("pyinstaller")
        components["pyinstaller"] = pyinstaller = Component(
            "pyinstaller",
            dist.version,
            _declared_licence(dist),
            [Path(dist.locate_file(f)) for f in dist.files or [] if _LICENCE_NAME.search(str(f))],
        )
    pyinstaller.files.append("the bootloader (the executable's start-up code)")
    # The classifier says only "GPLv2"; COPYING.txt grants the exception that lets the bootloader
    # be bundled with an application under any licence.
    pyinstaller.licence = "GPL-2.0-or-later WITH Bootloader-exception"
    if sys.platform.startswith("linux"):
        # Linux bundles carry system libraries; on Windows and macOS those the analysis finds
        # outside Python and the wheels come from the OS itself and are not bundled.
        if unknown:
            raise LicenceMissing(
                "no licence found for these bundled files:\n  " + "\n  ".join(sorted(unknown)[:40])
            )
    missing = [c.name for c in components.values() if not [t for t in c.texts if t.is_file()]]
    if missing:
        raise LicenceMissing("no licence text found for: " + ", ".join(sorted(missing)))

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lines = [
        "JMG Desktop: licences of the bundled components",
        "",
        "Each folder here holds the licence texts of one component. Qt (PySide6) is used under the",
        "LGPL-3.0: its libraries are the separate files under _internal/PySide6/Qt/lib and may be",
        "replaced by the user with compatible builds; Qt's own third-party attributions (PDFium,",
        "FreeType, HarfBuzz, zlib and others) are listed in Qt's documentation, 'Licenses Used in Qt'.",
        "typst's extension module is the Typst compiler (Apache-2.0) built with its Rust dependencies",
        "(MIT, Apache-2.0 and similar), as listed by the Typst project.",
        "",
        f"{'component':<40} {'version':<22} licence",
        f"{'-' * 40} {'-' * 22} {'-' * 40}",
    ]
    entries: list[tuple[str, str, str]] = []
    for component in sorted(components.values(), key=lambda c: c.name.lower()):
        folder = out / _folder_name(component)
        folder.mkdir()
        seen: set[str] = set()
        for text in component.texts:
            if not text.is_file() or text.name in seen:
                continue
            seen.add(text.name)
            shutil.copyfile(text, folder / text.name)
        modules = sum(1 for f in component.files if f.startswith("PYZ:"))
        others = [f for f in component.files if not f.startswith("PYZ:")]
        (folder / "FILES.txt").write_text(
            f"{component.name} {component.version}: {component.licence}\n"
            f"{modules} Python modules in the archive, and these files:\n"
            + "".join(f"  {f}\n" for f in sorted(others)),
            encoding="utf-8",
        )
        lines.append(f"{component.name:<40} {component.version:<22} {component.licence}")
    (out / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path in sorted(out.rglob("*")):
        if path.is_file():
            entries.append((str(Path("licenses") / path.relative_to(out)), str(path), "DATA"))
    return entries
