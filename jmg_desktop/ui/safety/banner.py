"""The read-only banner: why changes are refused (who has the workspace, where, since when), with
the actions that can end it: take over an abandoned lock, or check again."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from jmg_desktop.store.lock import LockState, format_local
from jmg_desktop.store.workspace import Workspace

__all__ = ["SafetyBanner", "banner_text"]

_TAIL = "You can look and copy, but not change anything."


def _ago(moment: datetime, now: datetime) -> str:
    """``5 minutes`` / ``3 hours`` / ``2 days``: how long ago, roughly, in words."""
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"


def banner_text(workspace: Workspace, *, now: datetime | None = None) -> str:
    """What the banner says for a read-only ``workspace`` (empty when it is writable)."""
    if not workspace.read_only:
        return ""
    holder = workspace.lock_holder
    if holder is not None:
        text = (
            f"Read-only: {holder.user} has this workspace open on {holder.host} since "
            f"{format_local(holder.since)}. {_TAIL}"
        )
        if workspace.lock_state is LockState.STALE:
            text += (
                f" Their copy has given no sign of life for {_ago(holder.heartbeat, now or datetime.now(UTC))}; "
                "if they are no longer using it, you can take it over."
            )
        return text
    if workspace.lock_state is LockState.UNREADABLE:
        return (
            f"Read-only: it is marked as in use, but its lock file cannot be read. {_TAIL} "
            "If nobody else is using it, you can take it over."
        )
    if workspace.read_only_reason:
        text = f"Read-only because {workspace.read_only_reason}. {_TAIL}"
        if "moved, renamed or deleted" in workspace.read_only_reason:
            text += " File ▸ Save a Copy As… still saves everything it holds."
        return text
    return f"Opened read-only. {_TAIL}"


class SafetyBanner(QFrame):
    """A yellow strip above the workspace, shown only while it is read-only."""

    takeOverClicked = Signal()
    retryClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safetyBanner")
        self.setStyleSheet(
            "#safetyBanner { background: #fff4c2; border: 1px solid #e0c060; border-radius: 3px; }"
            " #safetyBanner QLabel { color: #5c4400; font-weight: bold; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.text = QLabel(self)
        self.text.setObjectName("safetyBannerText")
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.take_over_button = QPushButton("Take Over…", self)
        self.take_over_button.setObjectName("safetyTakeOver")
        self.take_over_button.setToolTip("Make this copy the one that can change the workspace")
        self.take_over_button.clicked.connect(self.takeOverClicked)
        layout.addWidget(self.take_over_button)
        self.retry_button = QPushButton("Check Again", self)
        self.retry_button.setObjectName("safetyRetry")
        self.retry_button.setToolTip("See whether the workspace can be changed now")
        self.retry_button.clicked.connect(self.retryClicked)
        layout.addWidget(self.retry_button)
        self.hide()

    def show_state(self, workspace: Workspace | None) -> None:
        """Show why ``workspace`` is read-only, with the actions that apply; hide otherwise."""
        if workspace is None or not workspace.read_only:
            self.hide()
            return
        self.text.setText(banner_text(workspace))
        self.take_over_button.setVisible(workspace.can_take_over)
        # "Check again" helps when the cause may pass (holder closes, space freed), not when the
        # user asked for read-only.
        self.retry_button.setVisible(bool(workspace.read_only_reason) and not workspace.can_take_over)
        self.show()
