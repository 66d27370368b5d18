"""Starting the GUI: the Qt application, the main window, the demo copy and the error net.

The window is shown first; the workspace is opened and its lines shown straight after, from the
event loop, read through plain ``sqlite3`` connections (:meth:`Workspace.reads
<jmg_desktop.store.workspace.Workspace.reads>`): the pools, years, lines and totals are on screen
before SQLAlchemy is imported. On the turn after the lines are painted the features (papers,
projection, agreements…) are installed and told what is open, and SQLAlchemy and the ORM are set
up for edits (an edit made sooner sets them up itself). Their menus are there at once; their heavy pages
(:class:`jmg_desktop.ui.lazy_page.LazyPage`) are built when first shown or used. The user sees the
application at once and their figures soon after, even on a large file. An exception that escapes
anywhere in the GUI is logged to a file and shown as a one-line dialog: never a traceback on screen.

``JMG_DESKTOP_STARTUP_PROBE=1`` (used by the start-up benchmark) prints the times at which the
window was shown, the workspace's lines were on screen (and whether SQLAlchemy had been imported by
then) and the features were ready, then quits.
With ``JMG_DESKTOP_PAGES_PROBE=1`` as well (the bundle's smoke test) it first shows every page and
waits for the paper preview, then says what it saw and quits.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import tempfile
import time
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Final

from jmg_desktop import userdirs

__all__ = [
    "application_icon",
    "install_excepthook",
    "log_file",
    "make_demo_copy",
    "run_gui",
]

log = logging.getLogger("jmg_desktop")
_STARTED = time.perf_counter()


def _writable(folder: Path) -> Path:
    """``folder``, created if need be; a temporary folder when it cannot be (a broken profile)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir()) / "jmg-desktop"
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _data_dir() -> Path:
    """The per-user folder for demo copies (see :mod:`jmg_desktop.userdirs`)."""
    return _writable(userdirs.data_dir())


def log_file() -> Path:
    """Where the GUI writes its log (errors with their tracebacks go here, not on screen)."""
    return _writable(userdirs.log_dir()) / "jmg-desktop.log"


def _configure_logging() -> None:
    """Send log records to the per-user log file (stderr if it cannot be opened)."""
    try:
        handler: logging.Handler = logging.FileHandler(log_file(), encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def make_demo_copy() -> Path:
    """Build a fresh demo workspace in the per-user folder (never touching the packaged data)."""
    from jmg_desktop.store.demo import build_demo

    folder = _data_dir() / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.jmg"
    build_demo(path).close()
    return path


def _still_open(box: object) -> bool:
    """True while an error dialog is on screen (False once Qt has deleted it)."""
    try:
        return bool(box.isVisible())  # type: ignore[attr-defined]
    except RuntimeError:  # closed: deleted on close
        return False


def install_excepthook() -> None:
    """Route uncaught exceptions to the log and a one-line dialog."""

    open_boxes: list[object] = []

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        """Log the traceback; show the user one line (one dialog at a time: an error repeated at
        every repaint must not bury the window in dialogs)."""
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        if any(_still_open(box) for box in open_boxes):
            return
        open_boxes.clear()
        try:
            from PySide6.QtWidgets import QApplication

            from jmg_desktop.ui.dialogs import show_error

            parent = QApplication.activeWindow() or next(
                (
                    w
                    for w in QApplication.topLevelWidgets()
                    if w.objectName() == "mainWindow" and w.isVisible()
                ),
                None,
            )
            first_line = (str(error).splitlines() or [""])[0][:200]
            box = show_error(
                parent,
                "Something Went Wrong",
                f"Something went wrong ({kind.__name__}{': ' + first_line if first_line else ''}). "
                "Your work up to the last change is saved.",
                details=f"The details were written to {log_file()}.",
            )
            open_boxes.append(box)
        except Exception:  # the dialog itself failed: the log still has it
            log.exception("could not show the error dialog")

    sys.excepthook = hook


class _FirstLinesPaint:
    """Start-up probe: prints the time of the first paint of the lines table with rows in it (what
    the user sees), however it comes about; or, with nothing to show, when the opening is over."""

    def __init__(self, window: object) -> None:
        """Watch ``window``'s lines table viewport."""
        from PySide6.QtCore import QEvent, QObject

        self.reported = False
        table = window.lines_view.table  # type: ignore[attr-defined]
        self._model = window.lines_model  # type: ignore[attr-defined]
        probe = self

        class Filter(QObject):
            """Notes the first paint with rows, lets every event through."""

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                """Qt: report a paint once the model has rows."""
                if event.type() == QEvent.Type.Paint and probe._model.rowCount() > 0:
                    probe.report()
                return False

        self._filter = Filter(table)
        self._viewport = table.viewport()
        self._viewport.installEventFilter(self._filter)

    def report(self) -> None:
        """Print ``loaded <seconds> rows=<n>`` once."""
        if self.reported:
            return
        self.reported = True
        self._viewport.removeEventFilter(self._filter)
        rows = self._model.rowCount()
        orm = int("sqlalchemy" in sys.modules)  # the first screen is read without it
        print(
            f"loaded {time.perf_counter() - _STARTED:.4f} cpu={time.process_time():.4f} "
            f"sqlalchemy={orm} rows={rows}",
            file=sys.stderr,
            flush=True,
        )


def application_icon() -> object:
    """The application's icon (a QIcon) from the PNGs rendered from its SVG, every size."""
    from PySide6.QtGui import QIcon

    from jmg_desktop.resources import resource_path

    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        icon.addFile(str(resource_path("icons", "hicolor", f"{size}x{size}", "apps", "jmg-desktop.png")))
    return icon


#: Packages that never import Qt: import-linter forbids it in ours (only ``ui`` may), and the
#: third-party ones are database libraries.
_QT_FREE: Final = (
    "jmg_desktop.core",
    "jmg_desktop.store",
    "jmg_desktop.papers",
    "jmg_desktop.interchange",
    "sqlalchemy",
    "alembic",
)


def skip_qt_feature_scan_of_qt_free_modules() -> None:
    """Spare the packages that never use Qt from PySide6's scan of every module imported after it.

    PySide6's ``__feature__`` support reads the source of each newly imported module to see
    whether it mentions PySide6; for the ~300 modules of SQLAlchemy and the store, imported after
    the window is shown, that scan costs 40-100 ms of the start-up. Modules of :data:`_QT_FREE`
    and of Python's standard library are answered "no" at once, and our own Qt code
    (``jmg_desktop.ui``) "yes" (the answer its source gives; with no ``__feature__`` chosen, either
    answer leaves the module as it is); every other module is still scanned. Should PySide6 change
    this private machinery, nothing is patched and start-up is only slower.
    """
    try:
        import shibokensupport.feature as feature  # type: ignore[import-not-found]
    except ImportError:
        return
    scan = getattr(feature, "_mod_uses_pyside", None)
    if scan is None or getattr(scan, "_jmg_quick", False):
        return

    def quick_scan(module: object) -> bool:
        """False for a Qt-free package's module, True for ours that use Qt; PySide6's own answer
        for any other."""
        name = getattr(module, "__name__", "")
        if isinstance(name, str):
            if name.startswith(_QT_FREE) or name.partition(".")[0] in sys.stdlib_module_names:
                return False
            if name.startswith("jmg_desktop.ui."):
                return True
        return bool(scan(module))

    quick_scan._jmg_quick = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = quick_scan


def _visit_every_page(app: object, window: object) -> None:
    """Test-only, after the start-up probe: show every page in turn, wait for the paper preview's
    PDF, print ``pages <titles> preview-pages=<n> charts=<n>``, then quit; so the bundle's smoke
    test sees QtPdf and QtCharts at work, not only start-up."""
    from PySide6.QtCharts import QChartView
    from PySide6.QtCore import QTimer
    from PySide6.QtPdf import QPdfDocument

    tabs = window.pages  # type: ignore[attr-defined]
    titles = []
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        app.processEvents()  # type: ignore[attr-defined]
        titles.append(tabs.tabText(index))
    deadline = time.monotonic() + 30

    def report() -> None:
        """Print once the preview has pages (or after 30 s), then quit."""
        pages = max((d.pageCount() for d in window.findChildren(QPdfDocument)), default=0)  # type: ignore[attr-defined]
        if pages == 0 and time.monotonic() < deadline:
            QTimer.singleShot(200, report)
            return
        charts = len(window.findChildren(QChartView))  # type: ignore[attr-defined]
        print(f"pages {'|'.join(titles)} preview-pages={pages} charts={charts}", file=sys.stderr, flush=True)
        app.quit()  # type: ignore[attr-defined]

    report()


def run_gui(file: str | None, demo: bool) -> int:
    """Open the main window (on ``file``, or on a fresh demo copy); return the exit code."""
    if file and not demo and not file.lower().startswith(("postgresql://", "postgres://")):
        from jmg_desktop.store.precheck import start_quick_check

        start_quick_check(file)  # on the other core while Qt and SQLAlchemy are imported
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from jmg_desktop import APP_NAME, ORGANISATION, __version__
    from jmg_desktop.ui.file_open import DesktopApplication, open_files_from_the_desktop

    skip_qt_feature_scan_of_qt_free_modules()

    # Ours (FileOpen events taken without an application-wide event filter), unless one exists.
    app = QApplication.instance() or DesktopApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("jmg-desktop")
    app.setWindowIcon(application_icon())  # type: ignore[arg-type]
    _configure_logging()
    install_excepthook()
    from jmg_desktop.ui.gc_guard import MainThreadCollector

    collector = MainThreadCollector(app)  # garbage is collected on this thread only

    from jmg_desktop.ui.main_window import MainWindow

    # Features (papers, agreements, projection) are installed straight after the window shows:
    # their imports (Typst, charts) and SQLAlchemy's would otherwise delay the first paint.
    window = MainWindow(install_features=False)
    stop_opening_files = open_files_from_the_desktop(app, window)
    window.show()
    probe = os.environ.get("JMG_DESKTOP_STARTUP_PROBE") == "1"
    if probe:
        app.processEvents()
        print(
            f"shown {time.perf_counter() - _STARTED:.4f} cpu={time.process_time():.4f}",
            file=sys.stderr,
            flush=True,
        )

    first_paint = _FirstLinesPaint(window) if probe else None

    def install_features() -> None:
        """Install the features (menus at once; heavy pages are built when first shown)."""
        if first_paint is not None:
            first_paint.report()  # nothing painted with rows (no file, or it was refused): now
        window.install_features()
        window.prepare_for_edits()
        if probe:
            app.processEvents()
            print(
                f"ready {time.perf_counter() - _STARTED:.4f} cpu={time.process_time():.4f}",
                file=sys.stderr,
                flush=True,
            )
            if os.environ.get("JMG_DESKTOP_PAGES_PROBE") == "1":
                _visit_every_page(app, window)
            else:
                app.quit()

    def open_requested() -> None:
        """Open the file or the demo; the features are installed on a later turn of the event
        loop, so the lines are painted first and the features are then told what is open."""
        from jmg_desktop.ui.dialogs import show_error

        if demo:
            try:
                path: str | Path | None = make_demo_copy()
            except Exception as error:
                log.exception("demo build failed")
                show_error(
                    window, "Cannot Build the Demo", f"The demo workspace could not be built: {error}."
                )
                path = None
        else:
            path = file
        if path:
            window.open_path(path)
        # Everything made so far (Qt's wrappers, SQLAlchemy and the models, the open workspace)
        # lives as long as the application: moved out of the collector's sight, it is not walked
        # again by the collections that would otherwise run between here and the first paint
        # (half a second on a 100,000-line pool: the young generation held every object since start).
        gc.freeze()
        QTimer.singleShot(0, install_features)

    QTimer.singleShot(0, open_requested)
    try:
        return int(app.exec())
    finally:
        stop_opening_files()
        collector.stop()
