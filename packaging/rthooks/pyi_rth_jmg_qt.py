"""Run-time hook (runs first in the frozen application): tell Qt where its plug-ins are.

It stands in for PyInstaller's own PySide6 hook, which imports QtCore at every start (to register
a qt.conf that PySide6's PyPI wheels register themselves anyway), so that ``--version`` and every
headless command loaded Qt and its 35 MB ICU data for nothing. This one only sets the paths;
Qt is loaded when the window is wanted. See jmg-desktop.spec.
"""

import os
import sys


def _qt_paths() -> None:
    """Qt's plug-in folder in the bundle, and the library paths Qt's TLS back-end searches."""
    root = sys._MEIPASS  # type: ignore[attr-defined]
    qt = os.path.join(root, "PySide6") if sys.platform == "win32" else os.path.join(root, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    if sys.platform == "win32":
        os.environ["PATH"] = root + os.pathsep + os.environ.get("PATH", "")
    elif sys.platform == "darwin" and ".app/Contents/" not in root:
        os.environ["DYLD_LIBRARY_PATH"] = root + os.pathsep + os.environ.get("DYLD_LIBRARY_PATH", "")


_qt_paths()
del _qt_paths
