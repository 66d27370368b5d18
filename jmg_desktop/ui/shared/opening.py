"""Opening a shared workspace from the window: ``jmg-desktop ADDRESS``, File ▸ Open Shared
Workspace… and the recent list all come here through :meth:`MainWindow.open_path`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jmg_desktop.ui.dialogs import show_error
from jmg_desktop.ui.settings import add_recent_file

if TYPE_CHECKING:
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["open_shared"]


def open_shared(window: MainWindow, address: str, *, read_only: bool = False) -> bool:
    """Open the shared workspace at ``address`` in ``window``; on refusal show the one sentence."""
    from jmg_desktop.store.errors import WorkspaceError
    from jmg_desktop.store.pg_workspace import SharedWorkspace

    try:
        workspace = SharedWorkspace.open(address, read_only=read_only)
    except WorkspaceError as error:
        show_error(window, "Cannot open the shared workspace", str(error))
        return False
    window.set_workspace(workspace)
    add_recent_file(window.settings, workspace.location)  # the address without any password
    refresh_recent = getattr(window, "_refresh_recent_menu", None)
    if refresh_recent is not None:
        refresh_recent()
    return True
