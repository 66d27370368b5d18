"""What the bundle leaves out: Qt modules, plug-ins and files the application never uses.

Imported by ``jmg-desktop.spec``. PyInstaller's PySide6 hooks collect every plug-in of each type a
module might want (all nine Linux platforms, ten image formats, the virtual keyboard, which drags
in QtQuick and QML, the GTK theme, which drags in GTK) and every Qt translation. The application
uses QtCore, QtGui, QtWidgets, QtCharts, QtPdf and QtPdfWidgets, in English, on X11 or offscreen
(Linux), Windows or macOS; everything else is dropped here so it never reaches the bundle.
"""

from __future__ import annotations

import re
import sys

# Python modules PyInstaller must not follow: other Qt bindings' modules we never import (and
# whose hooks would pull their Qt libraries), GUI toolkits and test tools.
EXCLUDED_MODULES: list[str] = [
    "tkinter",
    "_tkinter",
    # GNU readline (GPL) comes only with the interactive interpreter's line editing.
    "readline",
    "unittest",
    "pydoc_data",
    "lib2to3",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel",
    "PySide6.QtWebSockets",
    "PySide6.QtWebView",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuick3D",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickWidgets",
    "PySide6.Qt3DCore",
    "PySide6.Qt3DRender",
    "PySide6.Qt3DAnimation",
    "PySide6.Qt3DExtras",
    "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtLocation",
    "PySide6.QtPositioning",
    "PySide6.QtBluetooth",
    "PySide6.QtNfc",
    "PySide6.QtSensors",
    "PySide6.QtSerialPort",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtDataVisualization",
    "PySide6.QtGraphs",
    "PySide6.QtGraphsWidgets",
    "PySide6.QtRemoteObjects",
    "PySide6.QtScxml",
    "PySide6.QtStateMachine",
    "PySide6.QtTextToSpeech",
    "PySide6.QtSpatialAudio",
    "PySide6.QtHttpServer",
    "PySide6.QtNetworkAuth",
    "PySide6.QtCanvasPainter",
    "PySide6.QtAsyncio",
]

# Qt plug-ins kept, per type and platform (file stems without "lib" and the extension); a type
# not listed is dropped whole.
_KEPT_PLUGINS: dict[str, dict[str, set[str]]] = {
    "linux": {
        # offscreen: headless commands and tests; xcb: X11 and XWayland desktops.
        "platforms": {"qoffscreen", "qxcb"},
        "xcbglintegrations": {"qxcb-glx-integration", "qxcb-egl-integration"},
        # Dead keys and input methods (ibus) for typing names with accents.
        "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},
        "imageformats": {"qsvg"},
        "iconengines": {"qsvgicon"},
    },
    "win32": {
        "platforms": {"qwindows", "qoffscreen"},
        "styles": {"qmodernwindowsstyle"},
        "imageformats": {"qsvg", "qico"},
        "iconengines": {"qsvgicon"},
    },
    "darwin": {
        "platforms": {"qcocoa", "qoffscreen"},
        "styles": {"qmacstyle"},
        "imageformats": {"qsvg", "qicns"},
        "iconengines": {"qsvgicon"},
    },
}

_PLUGIN_PATH = re.compile(r"(?:^|/)Qt\d?/plugins/(?P<type>[^/]+)/(?P<file>[^/]+)$")
# Qt libraries only the dropped plug-ins and modules load (QtQuick and QML for the virtual
# keyboard, Wayland for its platform plug-in, and so on). QtNetwork and QtDBus stay: QtPdf and
# QtGui link against them.
_UNUSED_QT_LIBRARY = re.compile(
    r"(?:^|/)(?:lib)?Qt6(?:Quick|Qml|VirtualKeyboard|Wayland|WlShell|EglFs|Vnc|Multimedia|WebEngine|"
    r"3D|Designer|Positioning|Location|Sql|Test)"
)
# System libraries left to the desktop: fontconfig and FreeType must match the host's font
# configuration (an older bundled fontconfig misreads a newer distribution's files), and the
# GTK and Wayland ones come only with plug-ins dropped above.
_HOST_SYSTEM_LIBRARY = re.compile(
    r"(?:^|/)lib(?:fontconfig|freetype|wayland-|gtk-|gdk-|atk-|pango|cairo|harfbuzz-gobject)"
)


def _platform_key(platform: str) -> str:
    """``linux``, ``win32`` or ``darwin`` for ``sys.platform``-style names."""
    return "linux" if platform.startswith("linux") else platform


def keep_plugin(dest: str, platform: str = sys.platform) -> bool:
    """True unless ``dest`` (a path inside the bundle) is a Qt plug-in the application does not use."""
    match = _PLUGIN_PATH.search(dest.replace("\\", "/"))
    if match is None:
        return True
    kept = _KEPT_PLUGINS.get(_platform_key(platform), {}).get(match["type"], set())
    stem = match["file"].split(".")[0]
    return stem.removeprefix("lib") in kept or stem in kept


def restrict_qt_plugin_collection() -> None:
    """Make PyInstaller's Qt hooks collect only the plug-ins :func:`keep_plugin` keeps.

    Dropping plug-ins after the analysis is too late: their own dependencies (GTK's Pango, Cairo
    and GDK for the GTK theme; Wayland's client libraries) have been resolved and collected by
    then. The hooks run in this process, so their plug-in collector is wrapped here.
    """
    from PyInstaller.utils.hooks import qt

    original = qt.QtLibraryInfo.collect_plugins
    if getattr(original, "_jmg_filtered", False):
        return

    def collect_plugins(self: object, plugin_type: str) -> list[tuple[str, str]]:
        """The hooks' own collection, less the plug-ins this application does not use."""
        return [
            (source, dest_dir)
            for source, dest_dir in original(self, plugin_type)
            if keep_plugin(f"{dest_dir}/{source.replace(chr(92), '/').rsplit('/', 1)[-1]}")
        ]

    collect_plugins._jmg_filtered = True  # type: ignore[attr-defined]
    qt.QtLibraryInfo.collect_plugins = collect_plugins  # type: ignore[method-assign]


def keep_binary(dest: str, platform: str = sys.platform) -> bool:
    """True for a shared library or plug-in the bundle needs."""
    path = dest.replace("\\", "/")
    if not keep_plugin(path, platform):
        return False
    name = path.rsplit("/", 1)[-1]
    return not (_UNUSED_QT_LIBRARY.search(name) or _HOST_SYSTEM_LIBRARY.search(name))


def keep_data(dest: str) -> bool:
    """True for a data file the bundle needs (Qt's translations and QML files are not)."""
    path = dest.replace("\\", "/")
    unused = ("/Qt/translations/", "/Qt/qml/", "/Qt/resources/", "/Qt/metatypes/", "/Qt/libexec/")
    return not any(part in f"/{path}" for part in unused) and keep_binary(path)
