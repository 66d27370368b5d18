"""The main window: pools on the left, pages (pool lines first) in the middle, menus above.

Features plug in through :data:`jmg_desktop.ui.features.FEATURE_INSTALLERS`; each installer gets
the window and uses its public parts:

* ``menu_file``, ``menu_edit``, ``menu_view``, ``menu_tools``, ``menu_help`` — the menus;
* :meth:`MainWindow.add_page` — add a tab to the central area;
* ``undo_stack`` — the one undo history (push ``QUndoCommand``s that are durable edits);
* ``workspaceChanged(object)`` — the open :class:`Workspace`, or None after closing;
* ``selectionChanged(int, int)`` — pool id and financial start year (``-1`` when none);
* :meth:`workspace`, :meth:`current_pool_id`, :meth:`current_year`;
* ``lines_view`` — the pool lines view (``selected_line_ids()``, ``set_marked_line_ids()``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop import APP_NAME, __version__
from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.ui.dialogs import show_error
from jmg_desktop.ui.lines.model import PoolLinesModel
from jmg_desktop.ui.lines.undo import UNDO_LIMIT, CommandRunner
from jmg_desktop.ui.lines.view import PoolLinesView
from jmg_desktop.ui.settings import add_recent_file, app_settings, recent_files, remove_recent_file

if TYPE_CHECKING:  # the store is imported when a file is first opened, not at start-up
    from PySide6.QtWidgets import QMessageBox

    from jmg_desktop.store.workspace import Workspace

__all__ = ["MainWindow"]

log = logging.getLogger(__name__)
FILE_SUFFIX = ".jmg"  # the same as jmg_desktop.store.workspace.FILE_SUFFIX (a test checks)
_FILE_FILTER = f"JMG Desktop workspaces (*{FILE_SUFFIX});;All files (*)"
_STATUS_TIMEOUT_MS = 8000


class MainWindow(QMainWindow):
    """The application window; see the module docstring for what features may use."""

    #: The open workspace changed: the new :class:`Workspace`, or None when closed.
    workspaceChanged = Signal(object)
    #: The pool or year changed: pool id and financial start year, -1 when none.
    selectionChanged = Signal(int, int)

    def __init__(self, settings: QSettings | None = None, *, install_features: bool = True) -> None:
        """Build the window; ``install_features=False`` leaves the features to :meth:`install_features`
        (the application does that just after the window is shown, so it appears sooner)."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else app_settings()
        self._workspace: Workspace | None = None
        self._pool_id = -1
        self._year = -1
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)

        self.lines_model = PoolLinesModel(self)
        self.lines_model.set_executor(
            CommandRunner(
                self.undo_stack,
                lambda: self.lines_model.store,
                self._after_change,
                self._change_refused,
            )
        )
        self.lines_model.message.connect(self.show_message)
        self._build_central()
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        self._update_title()
        self._update_enabled()
        self.installed_features: list[str] = []
        self._features_installed = False
        if install_features:
            self.install_features()

    # -- the contract for features ---------------------------------------------------------------

    def workspace(self) -> Workspace | None:
        """The open workspace, or None."""
        return self._workspace

    def current_pool_id(self) -> int:
        """The selected pool's id, or -1."""
        return self._pool_id

    def current_year(self) -> int:
        """The selected financial year's start year, or -1."""
        return self._year

    def add_page(self, widget: QWidget, title: str) -> int:
        """Add a page (tab) to the central area; return its index."""
        return self.pages.addTab(widget, title)

    # -- building ---------------------------------------------------------------------------------

    def _build_central(self) -> None:
        """The banner, the pool list and year selector, and the pages (pool lines first)."""
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        self.read_only_banner = QLabel(central)
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(
            "QLabel { background: #fff4c2; color: #5c4400; border: 1px solid #e0c060;"
            " border-radius: 3px; padding: 6px; font-weight: bold; }"
        )
        self.read_only_banner.hide()
        layout.addWidget(self.read_only_banner)

        splitter = QSplitter(Qt.Orientation.Horizontal, central)
        splitter.setObjectName("mainSplitter")
        side = QWidget(splitter)
        side.setMinimumWidth(160)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        pools_label = QLabel("&Pools", side)
        self.pool_list = QListWidget(side)
        self.pool_list.setObjectName("poolList")
        self.pool_list.setAccessibleName("Pools")
        pools_label.setBuddy(self.pool_list)
        year_label = QLabel("Financial &year", side)
        self.year_selector = QComboBox(side)
        self.year_selector.setObjectName("yearSelector")
        self.year_selector.setAccessibleName("Financial year")
        year_label.setBuddy(self.year_selector)
        side_layout.addWidget(pools_label)
        side_layout.addWidget(self.pool_list, 1)
        side_layout.addWidget(year_label)
        side_layout.addWidget(self.year_selector)

        self.pages = QTabWidget(splitter)
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        lines_page = QSplitter(Qt.Orientation.Horizontal)
        lines_page.setObjectName("linesPage")
        self.lines_view = PoolLinesView(self.lines_model, lines_page)
        from jmg_desktop.ui.lines.totals import TotalsPanel

        self.totals_panel = TotalsPanel(lines_page)
        lines_page.addWidget(self.lines_view)
        lines_page.addWidget(self.totals_panel)
        lines_page.setStretchFactor(0, 3)
        lines_page.setStretchFactor(1, 1)
        lines_page.setSizes([880, 340])
        self.pages.addTab(lines_page, "Pool lines")
        splitter.addWidget(side)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 1190])
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.empty_hint = QLabel(
            "Open a workspace with File ▸ Open…, or start one with File ▸ New…",
            self.lines_view.table.viewport(),
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setStyleSheet("QLabel { color: #555; padding: 16px; }")

        self.pool_list.currentRowChanged.connect(self._pool_row_changed)
        self.year_selector.currentIndexChanged.connect(self._year_index_changed)
        self.lines_model.linesChanged.connect(self._refresh_totals)
        self.lines_model.modelReset.connect(self._update_enabled)

    def _build_menus(self) -> None:
        """The five menus, the file actions, undo and redo, About, and the lines editor's actions."""
        bar = self.menuBar()
        self.menu_file = bar.addMenu("&File")
        self.menu_file.setObjectName("menuFile")
        self.menu_edit = bar.addMenu("&Edit")
        self.menu_edit.setObjectName("menuEdit")
        self.menu_view = bar.addMenu("&View")
        self.menu_view.setObjectName("menuView")
        self.menu_tools = bar.addMenu("&Tools")
        self.menu_tools.setObjectName("menuTools")
        self.menu_help = bar.addMenu("&Help")
        self.menu_help.setObjectName("menuHelp")

        self.action_new = self._action(
            self.menu_file, "&New…", self.new_workspace_dialog, QKeySequence.StandardKey.New
        )
        self.action_open = self._action(
            self.menu_file, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open
        )
        self.menu_recent = QMenu("Open &Recent", self)
        self.menu_recent.setObjectName("menuRecent")
        self.menu_file.addMenu(self.menu_recent)
        self.menu_file.addSeparator()
        self.action_save_copy = self._action(
            self.menu_file, "Save a &Copy As…", self.save_copy_dialog, QKeySequence.StandardKey.SaveAs
        )
        self.menu_file.addSeparator()
        self.action_close = self._action(
            self.menu_file, "&Close", self.close_workspace, QKeySequence.StandardKey.Close
        )
        self.action_quit = self._action(self.menu_file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)

        # Our own actions rather than the stack's, so that a read-only workspace disables them too.
        self.action_undo = self._action(
            self.menu_edit, "&Undo", self.undo_stack.undo, QKeySequence.StandardKey.Undo
        )
        self.action_redo = self._action(
            self.menu_edit, "&Redo", self.undo_stack.redo, QKeySequence.StandardKey.Redo
        )
        # Bound methods, not lambdas: Qt drops them when the window goes, before the stack does.
        self.undo_stack.indexChanged.connect(self._update_undo_actions)
        self.undo_stack.cleanChanged.connect(self._update_undo_actions)
        self._update_undo_actions()
        self.menu_edit.addSeparator()

        self.action_about = self._action(self.menu_help, f"&About {APP_NAME}", self.show_about)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self._refresh_recent_menu()

        from jmg_desktop.ui.lines.actions import LineActions

        self.line_actions = LineActions(self)

    def _action(self, menu: QMenu, text: str, slot: object, shortcut: object = None) -> QAction:
        """A menu action calling ``slot`` (without the checked flag), with an optional shortcut."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)  # type: ignore[arg-type]
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        menu.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        """The status bar, with the open file's path kept at the right."""
        status = self.statusBar()
        status.setObjectName("statusBar")
        self.status_file = QLabel(self)
        self.status_file.setObjectName("statusFile")
        status.addPermanentWidget(self.status_file)
        self.status_file.setText("No workspace open")

    def install_features(self) -> None:
        """Run every installer in FEATURE_INSTALLERS once (a failing one is logged and reported).

        When a workspace is already open, ``workspaceChanged`` and ``selectionChanged`` are
        emitted again afterwards so that the new features catch up.
        """
        if self._features_installed:
            return
        self._features_installed = True
        from jmg_desktop.ui.features import FEATURE_INSTALLERS

        for install in FEATURE_INSTALLERS:
            name = f"{install.__module__}.{install.__name__}"
            try:
                install(self)
            except Exception:  # one broken feature must not take the window down
                log.exception("feature installer %s failed", name)
                self.show_message(f"A part of the application could not start ({name}); see the log.")
            else:
                self.installed_features.append(name)
        if self._workspace is not None:
            # Installed after a workspace was opened (the application shows the lines first):
            # tell the features what is open and selected, as if it had just happened.
            self.workspaceChanged.emit(self._workspace)
            self.selectionChanged.emit(self._pool_id, self._year)
            self._update_title()
            self._update_enabled()

    def prepare_for_edits(self) -> None:
        """Bring in what the first edit needs (SQLAlchemy, the ORM, the lines store) ahead of it.

        The first screen is read without them; the application calls this once it is painted. An
        edit made before still works: it brings them in itself, on the spot.
        """
        if self._workspace is not None and self.lines_model.store is not None:
            self._workspace.prepare_for_writes()

    # -- workspace lifecycle ----------------------------------------------------------------------

    def open_path(self, path: str | Path, *, read_only: bool = False) -> bool:
        """Open a workspace; on refusal show the store's one-sentence explanation and return False."""
        from jmg_desktop.store.errors import WorkspaceError
        from jmg_desktop.store.workspace import Workspace

        if str(path).lower().startswith(("postgresql://", "postgres://")):
            from jmg_desktop.ui.shared.opening import open_shared

            return open_shared(self, str(path), read_only=read_only)
        path = Path(path)
        try:
            workspace = Workspace.open(path, read_only=read_only)
        except WorkspaceError as error:
            show_error(self, "Cannot Open Workspace", str(error))
            if not path.exists():
                remove_recent_file(self.settings, path)
                self._refresh_recent_menu()
            return False
        self.set_workspace(workspace)
        add_recent_file(self.settings, path)
        self._refresh_recent_menu()
        return True

    def new_workspace_at(self, path: str | Path) -> bool:
        """Create an empty workspace at ``path`` and open it."""
        from jmg_desktop.store.errors import WorkspaceError
        from jmg_desktop.store.workspace import Workspace

        path = Path(path)
        if path.suffix.lower() != FILE_SUFFIX:
            path = path.with_name(path.name + FILE_SUFFIX)
        try:
            workspace = Workspace.create(path)
        except WorkspaceError as error:
            show_error(self, "Cannot Create Workspace", str(error))
            return False
        self.set_workspace(workspace)
        add_recent_file(self.settings, path)
        self._refresh_recent_menu()
        return True

    def save_copy_to(self, path: str | Path) -> bool:
        """Save a consistent copy of the open workspace to ``path``."""
        from jmg_desktop.store.errors import WorkspaceError

        if self._workspace is None:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(FILE_SUFFIX)
        try:
            self._workspace.save_copy(path)
        except WorkspaceError as error:
            show_error(self, "Copy Not Saved", str(error))
            return False
        self.show_message(f"A copy was saved as {path}.")
        return True

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show ``workspace`` (closing the one open before), or nothing."""
        previous = self._workspace
        self.undo_stack.clear()  # the history belongs to the workspace it changed
        self._workspace = workspace
        self.lines_model.set_workspace(workspace)
        if previous is not None and previous is not workspace:
            previous.close()
        self._pool_id, self._year = -1, -1
        self._load_pools()
        self._update_title()
        self._update_read_only()
        self._update_enabled()
        self.workspaceChanged.emit(workspace)
        self._select_first_pool()

    def close_workspace(self) -> None:
        """Close the open workspace (everything is already saved)."""
        if self._workspace is not None:
            self.set_workspace(None)

    # -- dialogs ----------------------------------------------------------------------------------

    def _start_folder(self) -> str:
        """Where file dialogs start: the folder of the most recent workspace, else home."""
        files = recent_files(self.settings)
        return str(Path(files[0]).parent) if files else str(Path.home())

    def open_dialog(self) -> None:
        """Ask for a workspace and open it."""
        from PySide6.QtWidgets import QFileDialog  # dialog-only: its enums are built when first used

        path, _ = QFileDialog.getOpenFileName(self, "Open Workspace", self._start_folder(), _FILE_FILTER)
        if path:
            self.open_path(path)

    def new_workspace_dialog(self) -> None:
        """Ask where to create a new workspace."""
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, "New Workspace", self._start_folder(), _FILE_FILTER)
        if path:
            self.new_workspace_at(path)

    def save_copy_dialog(self) -> None:
        """Ask where to save a copy of the open workspace."""
        if self._workspace is None:
            return
        if self._workspace.path is None:  # a shared workspace: a file copy of it, in the usual folder
            suggestion = str(Path(self._start_folder()) / f"{self._workspace.display_name} copy{FILE_SUFFIX}")
        else:
            suggestion = str(
                self._workspace.path.with_name(self._workspace.path.stem + " copy" + FILE_SUFFIX)
            )
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, "Save a Copy As", suggestion, _FILE_FILTER)
        if path:
            self.save_copy_to(path)

    def show_about(self) -> QMessageBox:
        """The About box, with the version."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setObjectName("aboutDialog")
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(f"<b>{APP_NAME}</b> {__version__}")
        box.setInformativeText(
            "Pooled budgets, in-principle agreements and cabinet annex papers for the Joint "
            "Management Groups of councils and NHS bodies.<br><br>"
            "Every change is saved the moment it is made; use Edit ▸ Undo to step back."
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _refresh_recent_menu(self) -> None:
        """Rebuild File ▸ Open Recent from the settings."""
        self.menu_recent.clear()
        files = recent_files(self.settings)
        for number, path in enumerate(files, start=1):
            action = self.menu_recent.addAction(f"&{number} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not files:
            empty = self.menu_recent.addAction("No recent workspaces")
            empty.setEnabled(False)

    # -- pools and years --------------------------------------------------------------------------

    def _load_pools(self) -> None:
        """Fill the pool list from the workspace (signals blocked: no selection yet)."""
        from jmg_desktop.store.reads.lines import pools

        self.pool_list.blockSignals(True)
        self.pool_list.clear()
        if self._workspace is not None:
            with self._workspace.reads() as rows:
                listed = pools(rows)
            for pool in listed:
                item = QListWidgetItem(pool.name, self.pool_list)
                item.setData(Qt.ItemDataRole.UserRole, pool.id)
                item.setToolTip(pool.description or pool.name)
        self.pool_list.blockSignals(False)

    def reload_pools(self) -> None:
        """Re-read the pool list (after pools were added or renamed), keeping the selection."""
        pool_id, year = self._pool_id, self._year
        self._load_pools()
        self.select_pool(pool_id, year)
        if self.pool_list.currentRow() < 0:
            self._select_first_pool()

    def _select_first_pool(self) -> None:
        """Select the first pool, or clear the selection when there is none."""
        if self.pool_list.count():
            self.pool_list.setCurrentRow(0)
        else:
            self._set_selection(-1, -1)

    def select_pool(self, pool_id: int, financial_year: int | None = None) -> bool:
        """Select a pool (and optionally a year) as if the user clicked it."""
        for row in range(self.pool_list.count()):
            if self.pool_list.item(row).data(Qt.ItemDataRole.UserRole) == pool_id:
                if self.pool_list.currentRow() != row:
                    self.pool_list.setCurrentRow(row)
                if financial_year is not None:
                    self.select_year(financial_year)
                return True
        return False

    def select_year(self, financial_year: int) -> None:
        """Select a financial year for the current pool, adding it to the list if needed."""
        index = self.year_selector.findData(financial_year)
        if index < 0:
            self._fill_years([*self._listed_years(), financial_year], financial_year)
            return
        self.year_selector.setCurrentIndex(index)

    def _listed_years(self) -> list[int]:
        """The start years in the year selector, in order."""
        return [int(self.year_selector.itemData(i)) for i in range(self.year_selector.count())]

    def _pool_row_changed(self, row: int) -> None:
        """A pool was chosen: list its years, keeping the year shown when the pool has it."""
        if row < 0 or self._workspace is None:
            self._fill_years([], None)
            self._set_selection(-1, -1)
            return
        from jmg_desktop.store.reads.lines import pool_years

        pool_id = int(self.pool_list.item(row).data(Qt.ItemDataRole.UserRole))
        with self._workspace.reads() as rows:
            years = pool_years(rows, pool_id)
        keep = self._year if self._year in years else None
        self._pool_id = pool_id
        self._fill_years(years, keep if keep is not None else (years[-1] if years else None))

    def _fill_years(self, years: list[int], selected: int | None) -> None:
        """Fill the year selector and select ``selected`` (or the last year)."""
        from datetime import date

        if not years and self._pool_id >= 0:
            years = [FinancialYear.containing(date.today()).start_year]
        elif years:
            years = [*years, max(years) + 1]  # the year after the last, ready for new lines
        years = sorted(set(years))
        self.year_selector.blockSignals(True)
        self.year_selector.clear()
        for year in years:
            self.year_selector.addItem(FinancialYear(year).label, year)
        target = selected if selected in years else (years[-1] if years else None)
        if target is not None:
            self.year_selector.setCurrentIndex(self.year_selector.findData(target))
        self.year_selector.blockSignals(False)
        self._set_selection(self._pool_id, target if target is not None else -1)

    def _year_index_changed(self, index: int) -> None:
        """A year was chosen in the selector."""
        year = int(self.year_selector.itemData(index)) if index >= 0 else -1
        self._set_selection(self._pool_id, year)

    def _set_selection(self, pool_id: int, year: int) -> None:
        """Show a pool and year: lines, totals, actions; tell the features."""
        self._pool_id, self._year = pool_id, year
        self.lines_model.set_pool(pool_id, year)
        self._refresh_totals()
        self._update_enabled()
        self.selectionChanged.emit(pool_id, year)

    # -- state ------------------------------------------------------------------------------------

    def _after_change(self, changes: object) -> None:
        """After an edit, undo or redo: refresh the table (it refreshes the totals)."""
        from jmg_desktop.core.commands import ChangeSet

        assert isinstance(changes, ChangeSet)
        view, model = self.lines_view, self.lines_model
        current = view.current_index()
        current_line = model.line_id(current.row()) if current.isValid() else -1
        self.lines_model.changes_applied(changes)
        if changes.changes_order():
            # Keep the user's place: lines that came back (an undone delete), else the same line,
            # else the same row.
            shown = [line.id for line in changes.inserts if model.row_of(line.id) >= 0]
            column = max(current.column(), 0)
            if shown:
                view.select_line_ids(shown, column)
            elif model.row_of(current_line) >= 0:
                view.select_line_ids([current_line], column)
            elif current.isValid() and model.rowCount():
                view.table.setCurrentIndex(model.index(min(current.row(), model.rowCount() - 1), column))
        if any(ref.table == "pool" for ref in changes.refs):
            self.reload_pools()

    def _refresh_totals(self) -> None:
        """Recompute the totals panel for the pool and year shown."""
        self.totals_panel.show_totals(self._workspace, self._pool_id, self._year)

    def _update_title(self) -> None:
        """The title names the file and the workspace, and says when it is read-only."""
        if self._workspace is None:
            self.setWindowTitle(APP_NAME)
            self.setWindowFilePath("")
            if hasattr(self, "status_file"):
                self.status_file.setText("No workspace open")
            return
        suffix = " [read-only]" if self._workspace.read_only else ""
        name, location = self._workspace.display_name, self._workspace.location
        self.setWindowTitle(f"{name} — {self._workspace.title}{suffix} — {APP_NAME}")
        self.setWindowFilePath(location if self._workspace.path is not None else "")
        self.status_file.setText(location)
        self.status_file.setToolTip(location)

    def _update_read_only(self) -> None:
        """Show the read-only banner, with the reason, when the workspace cannot be changed."""
        workspace = self._workspace
        if workspace is not None and workspace.read_only:
            why = f": {workspace.read_only_reason}" if workspace.read_only_reason else ""
            self.read_only_banner.setText(f"Read-only{why}. You can look and copy, but not change anything.")
            self.read_only_banner.show()
        else:
            self.read_only_banner.hide()

    def _update_enabled(self) -> None:
        """Enable what the state allows: file actions, edits, undo and redo, the hints."""
        has_workspace = self._workspace is not None
        if has_workspace and self.lines_model.read_only != self.is_read_only():
            self.lines_model.set_read_only(self.is_read_only())
        self._update_read_only()
        self._update_undo_actions()
        self.action_save_copy.setEnabled(has_workspace)
        self.action_close.setEnabled(has_workspace)
        no_pools = has_workspace and self.pool_list.count() == 0
        self.empty_hint.setVisible(not has_workspace or no_pools)
        if no_pools:
            self.empty_hint.setText(
                "This workspace has no pools yet: add the partners with Tools ▸ Partners…, then a "
                "pool with Tools ▸ Pools…, then lines with Edit ▸ Add Line."
            )
        elif not has_workspace:
            self.empty_hint.setText("Open a workspace with File ▸ Open…, or start one with File ▸ New…")
        if self.empty_hint.isVisibleTo(self.lines_view.table.viewport()):
            self.empty_hint.move(0, 0)
            self.empty_hint.adjustSize()
        if hasattr(self, "line_actions"):
            self.line_actions.update_enabled()

    def _update_undo_actions(self, *_signal_args: object) -> None:
        """ "Undo Edit Amount" / "Redo …", enabled only when there is a step and edits are allowed."""
        editable = not self.is_read_only()
        undo, redo = self.undo_stack.undoText(), self.undo_stack.redoText()
        self.action_undo.setText(f"&Undo {undo}" if undo else "&Undo")
        self.action_redo.setText(f"&Redo {redo}" if redo else "&Redo")
        self.action_undo.setEnabled(editable and self.undo_stack.canUndo())
        self.action_redo.setEnabled(editable and self.undo_stack.canRedo())

    def refresh_from_store(self) -> None:
        """Re-read what the window shows after someone else changed the workspace (a shared
        one), keeping the user's place and selection; the features re-read on ``selectionChanged``."""
        if self._workspace is None:
            return
        self.lines_model.refresh_keeping_place()
        self._refresh_totals()
        self.selectionChanged.emit(self._pool_id, self._year)

    def refresh_state(self) -> None:
        """Bring the window in line with the workspace's state (call after it turned read-only or
        writable while open): banner, title, editable cells and every editing action."""
        self._update_title()
        self._update_enabled()

    def is_read_only(self) -> bool:
        """True when nothing may be changed (no workspace, or one open read-only)."""
        return self._workspace is None or self._workspace.read_only

    def _change_refused(self, text: str) -> None:
        """An edit, undo or redo the store refused: say why, and show the lines as they now are
        (another program may have changed them)."""
        self.show_message(text)
        view, model = self.lines_view, self.lines_model
        current = view.current_index()
        current_line = model.line_id(current.row()) if current.isValid() else -1
        model.reload()
        if model.row_of(current_line) >= 0:
            view.select_line_ids([current_line], max(current.column(), 0))
        self._refresh_totals()

    def show_message(self, text: str) -> None:
        """A message in the status bar (edits refused and why, copies saved)."""
        self.statusBar().showMessage(text, _STATUS_TIMEOUT_MS)

    # -- geometry ---------------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        """The size and place the window had when last closed, clamped to the screen it is on
        now; on first run, a size that fits the available screen."""
        from jmg_desktop.ui.window_geometry import fit_window_to_screen

        geometry = self.settings.value("mainWindow/geometry")
        restored = geometry is not None and self.restoreGeometry(geometry)  # type: ignore[arg-type]
        fit_window_to_screen(self, restored=bool(restored))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the window's geometry; close the workspace (all edits are already saved)."""
        self.settings.setValue("mainWindow/geometry", self.saveGeometry())
        self.settings.sync()
        if self._workspace is not None:
            self.set_workspace(None)
        event.accept()
