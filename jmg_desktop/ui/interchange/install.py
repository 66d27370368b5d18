"""Adds File ▸ Import Lines… and File ▸ Export to Excel…, and the Better Care Fund sections of the
totals panel (income by stream, balances, conditions and the checklist)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["export_to_excel", "install", "open_import_dialog"]

_IMPORT_FILTER = "Workbooks and CSV files (*.xlsx *.xlsm *.csv *.txt);;All files (*)"


def open_import_dialog(window: MainWindow, path: str | Path) -> object | None:
    """Open ``path`` and show the mapping dialog (returned, not yet run); a file that cannot be
    used is refused in one sentence on the status bar and nothing is shown."""
    from jmg_desktop.core.financial_year import FinancialYear
    from jmg_desktop.interchange.errors import InterchangeError
    from jmg_desktop.interchange.planning import make_defaults
    from jmg_desktop.interchange.sources import open_source
    from jmg_desktop.store.bcf_repo import stream_names
    from jmg_desktop.store.lines_repo import PoolInfo, list_pools, load_references
    from jmg_desktop.ui.interchange.import_dialog import ImportLinesDialog

    workspace = window.workspace()
    if workspace is None or window.current_pool_id() < 0 or window.current_year() < 0:
        window.show_message("Select a pool and a year first.")
        return None
    try:
        source = open_source(path)
        refs = load_references(workspace)
        pool = next((p for p in list_pools(workspace) if p.id == window.current_pool_id()), None)
        assert isinstance(pool, PoolInfo)
        defaults = make_defaults(workspace, refs, pool, FinancialYear(window.current_year()), None, None)
        with workspace.reading() as session:
            streams = {name.casefold(): stream_id for stream_id, name in stream_names(session)}
    except InterchangeError as error:
        window.show_message(str(error))
        return None
    return ImportLinesDialog(window, source, refs, defaults, streams)


def _import(window: MainWindow) -> None:
    """Ask for a file, then run the mapping dialog."""
    if window.is_read_only():
        window.show_message("This workspace is read-only, so nothing can be imported into it.")
        return
    path, _filter = QFileDialog.getOpenFileName(window, "Import Lines", "", _IMPORT_FILTER)
    if path:
        dialog = open_import_dialog(window, path)
        if dialog is not None:
            try:
                dialog.exec()  # type: ignore[attr-defined]
            finally:
                dialog.deleteLater()  # type: ignore[attr-defined]


def export_to_excel(window: MainWindow, path: str | Path, *, whole: bool = False) -> bool:
    """Write the selected pool and year (or the whole workspace) to ``path``; report the outcome."""
    from jmg_desktop.interchange.export import Scope, export_workbook
    from jmg_desktop.store.errors import WorkspaceError
    from jmg_desktop.store.safe_write import SafeWriteError

    workspace = window.workspace()
    if workspace is None:
        return False
    scope = (
        Scope()
        if whole or window.current_pool_id() < 0
        else Scope(window.current_pool_id(), window.current_year())
    )
    try:
        count = export_workbook(workspace, path, scope)
    except (SafeWriteError, WorkspaceError) as error:
        window.show_message(str(error))
        return False
    window.show_message(f"Wrote {count:,} line{'s' if count != 1 else ''} to {Path(path).name}.")
    return True


def _export(window: MainWindow) -> None:
    """Ask where, then export."""
    if window.workspace() is None:
        return
    path, _filter = QFileDialog.getSaveFileName(window, "Export to Excel", "", "Excel workbooks (*.xlsx)")
    if path:
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        export_to_excel(window, path)


def install(window: MainWindow) -> None:
    """The two File actions (before Save a Copy As…) and the BCF sections of the totals panel."""
    from jmg_desktop.ui.interchange.bcf_sections import add_bcf_sections

    importing = QAction("&Import Lines…", window)
    importing.setObjectName("actionImportLines")
    importing.setStatusTip("Add lines to this pool and year from an Excel workbook or a CSV file")
    importing.triggered.connect(lambda _checked=False: _import(window))
    exporting = QAction("&Export to Excel…", window)
    exporting.setObjectName("actionExportExcel")
    exporting.setStatusTip(
        "Write this pool's lines, totals, stated totals, agreements and audit trail to a workbook"
    )
    exporting.triggered.connect(lambda _checked=False: _export(window))
    anchor = next((a for a in window.menu_file.actions() if a.text().startswith("Save a &Copy")), None)
    window.menu_file.insertAction(anchor, importing)
    window.menu_file.insertAction(anchor, exporting)
    if anchor is not None:
        window.menu_file.insertSeparator(anchor)
    window.totals_panel.section_providers.append(add_bcf_sections)
    window.menu_view.addAction(window.lines_view.scheme_columns.action)

    def update_enabled(*_signal_args: object) -> None:
        selected = (
            window.workspace() is not None and window.current_pool_id() >= 0 and window.current_year() >= 0
        )
        importing.setEnabled(selected and not window.is_read_only())
        exporting.setEnabled(window.workspace() is not None)

    window.workspaceChanged.connect(update_enabled)
    window.selectionChanged.connect(update_enabled)
    update_enabled()
