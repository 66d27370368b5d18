"""What the user's role on a shared workspace lets the window offer.

The server enforces every role (:mod:`jmg_desktop.store.roles`); the window only keeps out of
reach what the server would refuse, so nobody is offered a button that can only fail. A workspace
file has no roles: everything its writability allows is offered.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtWidgets import QWidget

from jmg_desktop.store.workspace import Workspace

__all__ = ["ADMIN", "CHAIR", "EDIT", "gate", "role_allows"]

EDIT: Final = "edit"
CHAIR: Final = "chair"
ADMIN: Final = "admin"
_WHO: Final = {EDIT: "an editor or chair", CHAIR: "a chair", ADMIN: "an administrator"}


def role_allows(workspace: Workspace | None, need: str) -> bool:
    """Whether the role held on ``workspace`` allows ``need`` (always, for a file or none open)."""
    role = getattr(workspace, "role", None)
    if role is None:
        return True
    if need == ADMIN:
        return bool(role.can_administer)
    if need == CHAIR:
        return bool(role.can_chair)
    return bool(role.can_edit)


def gate(widget: QWidget, workspace: Workspace | None, need: str, *, enabled: bool, tip: str = "") -> None:
    """Enable ``widget`` when ``enabled`` and the role allows ``need``; when the role is what
    stops it, its tooltip says so (``tip`` otherwise)."""
    allowed = role_allows(workspace, need)
    widget.setEnabled(enabled and allowed)
    if allowed:
        widget.setToolTip(tip)
    else:
        title = getattr(getattr(workspace, "role", None), "title", "")
        widget.setToolTip(f"Only {_WHO[need]} may do this on this shared workspace; your role is {title}.")
