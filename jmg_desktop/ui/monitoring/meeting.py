"""Monitoring in meeting mode (``monitoringMeeting``): the quarter's position on the projector, and
the red lines one at a time.

Full screen, white on black, type scaled to the screen as in the projection's meeting mode. The
headline gives the latest budget, the forecast outturn, the variance and how the risk share would
split it; below, the red lines (and, after A, the amber ones) with the one being discussed enlarged
with its commentary. Keys (a presenter's clicker sends Page Up/Down): ↓, →, Page Down or Space the
next red line; ↑, ←, Page Up the previous; Home the overview; A include ambers; [ and ] the
previous or next period; Esc leave. Nothing can be edited here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QLayout, QVBoxLayout

from jmg_desktop.core.money import Money
from jmg_desktop.core.monitoring import RAG_LABELS, MonitoringError
from jmg_desktop.core.monitoring_report import PeriodReport
from jmg_desktop.core.monitoring_table import LineFigures
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.monitoring_repo import current_period, load_settings, partner_labels, period_report
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.shared.meeting_screen import ACCENT, FOREGROUND, MUTED, MeetingScreen

__all__ = ["MonitoringMeeting"]

_TITLE_PX: Final = 40
_LABEL_PX: Final = 28
_HEADLINE_PX: Final = 56
_FOCUS_PX: Final = 44
_ROW_PX: Final = 26
_HINT_PX: Final = 22
# Traffic lights bright enough to read on black across a room (with the word beside them).
_RAG_ON_BLACK: Final = {"red": "#ff6b6b", "amber": "#ffb347", "green": "#7ee081"}
_LIST_ROWS: Final = 8


def _signed_m(pence: int) -> str:
    """``+£0.428m`` / ``-£0.046m``: the variance with its sign, as the convention reads."""
    text = Money(pence).format_m()
    return f"+{text}" if pence > 0 else text


class MonitoringMeeting(MeetingScreen):
    """Full-screen monitoring of one pool and year. Create, then :meth:`show_for_meeting`;
    :attr:`left` is emitted when the chair leaves."""

    def __init__(self, workspace: Workspace, pool_id: int, year: int, period: int | None = None) -> None:
        """Read the period (default: the first open one); raises :class:`WorkspaceError` if it cannot."""
        super().__init__("monitoringMeeting", "Monitoring — meeting mode", "Monitoring meeting mode")
        self._workspace, self._pool_id, self._year = workspace, pool_id, year
        self.include_ambers = False
        #: The red (or amber) line being discussed, as an index into :meth:`steps`; -1 the overview.
        self.position = -1
        self.report: PeriodReport | None = None
        self._steps: list[LineFigures] | None = None
        self._counts = (0, 0)
        self._build()
        self.load(period)
        self.apply_scale()

    # -- reading -------------------------------------------------------------------------------

    def load(self, period: int | None = None) -> None:
        """Read ``period`` (None: the first open one) and show its overview."""
        try:
            with self._workspace.reading() as session:
                settings = load_settings(session, self._pool_id, self._year)
                number = period if period is not None else current_period(session, self._pool_id, self._year)
                number = min(max(number, 1), settings.periods)
                self.report = period_report(session, self._pool_id, self._year, number)
                self._labels = partner_labels(session)
                self._periods = settings.periods
        except MonitoringError as error:
            raise WorkspaceError(str(error)) from None
        self.position = -1
        self._steps = None
        self._show()

    def steps(self) -> list[LineFigures]:
        """The lines the chair steps through: the reds, then (after A) the ambers, in table order
        (worked out once a period: every key press uses them, and a pool may have 100,000 lines)."""
        if self.report is None:
            return []
        if self._steps is None:
            table = self.report.table
            rags = table.rags()
            self._counts = (rags.count("red"), rags.count("amber"))
            wanted = ("red", "amber") if self.include_ambers else ("red",)
            self._steps = [
                table.rows[number] for rag in wanted for number, rated in enumerate(rags) if rated == rag
            ]
        return self._steps

    # -- building ------------------------------------------------------------------------------

    def _label(self, px: int, bold: bool = False, colour: str = FOREGROUND, name: str = "") -> QLabel:
        """An empty label of ``px`` pixels at 1920×1080."""
        return self.sized_label("", px, bold, colour, name)

    def _build(self) -> None:
        self.title = self._label(_TITLE_PX, True, name="monitoringMeetingTitle")
        self.state = self._label(_LABEL_PX, False, ACCENT, name="monitoringMeetingState")
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.state, 0, Qt.AlignmentFlag.AlignRight)
        tiles = QHBoxLayout()
        tiles.setSpacing(24)
        self.headlines: dict[str, tuple[QLabel, QLabel]] = {}
        for key, caption in (("latest", "Latest budget"), ("forecast", "Forecast outturn"),
                             ("variance", "Variance"), ("share", "Risk share")):  # fmt: skip
            frame = QFrame(self)
            frame.setObjectName(f"monitoringTile_{key}")
            frame.setStyleSheet(
                f"QFrame#monitoringTile_{key} {{ border: 2px solid #606060; border-radius: 8px; }}"
            )
            box = QVBoxLayout(frame)
            title = self._label(_LABEL_PX, colour=MUTED)
            title.setText(caption)
            figure = self._label(
                _HEADLINE_PX if key != "share" else _LABEL_PX, True, name=f"monitoringHeadline_{key}"
            )
            detail = self._label(_LABEL_PX, colour=MUTED, name=f"monitoringDetail_{key}")
            detail.setWordWrap(True)
            for widget in (title, figure, detail):
                box.addWidget(widget)
            self.headlines[key] = (figure, detail)
            tiles.addWidget(frame, 1)
        self.focus_caption = self._label(_LABEL_PX, True, ACCENT, name="monitoringFocusCaption")
        self.focus_service = self._label(_FOCUS_PX, True, name="monitoringFocusService")
        self.focus_service.setWordWrap(True)
        self.focus_figures = self._label(_LABEL_PX, False, name="monitoringFocusFigures")
        self.focus_commentary = self._label(_LABEL_PX, False, MUTED, name="monitoringFocusCommentary")
        self.focus_commentary.setWordWrap(True)
        self.list_frame = QFrame(self)
        self.list_grid = QGridLayout(self.list_frame)
        self.list_grid.setHorizontalSpacing(28)
        self.list_labels: list[tuple[QLabel, QLabel, QLabel]] = []
        for row in range(_LIST_ROWS):
            cells = (self._label(_ROW_PX), self._label(_ROW_PX), self._label(_ROW_PX, True))
            cells[1].setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, cell in enumerate(cells):
                self.list_grid.addWidget(cell, row, column)
            self.list_labels.append(cells)
        self.list_grid.setColumnStretch(0, 1)
        self.hint = self._label(_HINT_PX, colour=MUTED, name="monitoringMeetingKeys")
        self.hint.setText(
            "↓ / Page Down next red   ↑ / Page Up previous   Home overview   A include ambers   "
            "[ ] previous / next period   Esc leave"
        )
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(tiles)
        layout.addSpacing(12)
        for widget in (self.focus_caption, self.focus_service, self.focus_figures, self.focus_commentary):
            layout.addWidget(widget)
        layout.addWidget(self.list_frame, 1)
        layout.addWidget(self.hint)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._layout = layout

    # -- showing -------------------------------------------------------------------------------

    def _show(self) -> None:
        """Fill every label from the report and the position."""
        report = self.report
        if report is None:
            return
        pool = report.table.pool
        self.title.setText(f"{report.pool} pooled budget {report.year.label} — {report.label}")
        self.state.setText("Closed: figures frozen" if report.closed else "Open")
        colour = _RAG_ON_BLACK[pool.rag]
        self._set("latest", Money(pool.latest).format_m(), f"{pool.lines} lines")
        self._set("forecast", Money(pool.forecast).format_m(), "")
        what = "overspend" if pool.variance > 0 else "underspend" if pool.variance < 0 else "on budget"
        self._set("variance", _signed_m(pool.variance), f"{what} — {RAG_LABELS[pool.rag].lower()}", colour)
        try:
            split = report.split()
            shares = "\n".join(
                f"{self._labels.get(share.partner, share.partner)} {_signed_m(share.amount)}"
                for share in split.shares
            )
            self._set("share", shares, split.rule_text)
        except MonitoringError as error:
            self._set("share", "—", str(error))
        steps = self.steps()
        reds, ambers = self._counts
        if self.position < 0 or not steps:
            self.focus_caption.setText(f"{reds} red and {ambers} amber lines")
            self.focus_service.setText(
                "Press ↓ or Page Down to go through the red lines."
                if reds or (ambers and self.include_ambers)
                else "No line is red at this period."
            )
            self.focus_figures.setText("")
            self.focus_commentary.setText("")
        else:
            row = steps[self.position]
            kind = RAG_LABELS[row.rag]
            same = [r for r in steps if r.rag == row.rag]
            self.focus_caption.setText(f"{kind} {same.index(row) + 1} of {len(same)}")
            self.focus_service.setText(row.service)
            self.focus_service.setStyleSheet(f"color: {_RAG_ON_BLACK[row.rag]}; background: transparent;")
            self.focus_figures.setText(
                f"Latest budget {Money(row.latest).format_m()}    Forecast {Money(row.forecast).format_m()}    "
                f"Variance {_signed_m(row.variance)}    {self._labels.get(row.partner, row.partner)}"
            )
            self.focus_commentary.setText(row.commentary or "No commentary was entered for this line.")
        self._fill_list(steps)

    def _set(self, key: str, figure: str, detail: str, colour: str = FOREGROUND) -> None:
        label, detail_label = self.headlines[key]
        label.setText(figure)
        label.setStyleSheet(f"color: {colour}; background: transparent;")
        detail_label.setText(detail)

    def _fill_list(self, steps: list[LineFigures]) -> None:
        """The reds (and ambers) around the one discussed, that one marked."""
        start = 0 if self.position < _LIST_ROWS else self.position - _LIST_ROWS + 1
        shown = steps[start : start + _LIST_ROWS]
        for number, (service, variance, rag) in enumerate(self.list_labels):
            if number >= len(shown):
                for cell in (service, variance, rag):
                    cell.setText("")
                continue
            row = shown[number]
            current = start + number == self.position
            marker = "▶ " if current else "   "
            service.setText(marker + row.service)
            variance.setText(_signed_m(row.variance))
            rag.setText(RAG_LABELS[row.rag])
            colour = ACCENT if current else FOREGROUND
            for cell in (service, variance):
                cell.setStyleSheet(f"color: {colour}; background: transparent;")
            rag.setStyleSheet(f"color: {_RAG_ON_BLACK[row.rag]}; background: transparent;")

    # -- keys ----------------------------------------------------------------------------------

    def step(self, by: int) -> None:
        """Move to the next (``by`` 1) or previous (−1) line; past the first goes to the overview."""
        count = len(self.steps())
        if not count:
            return
        self.position = max(-1, min(self.position + by, count - 1))
        self._show()

    def toggle_ambers(self) -> None:
        """Include the amber lines after the reds, or not."""
        self.include_ambers = not self.include_ambers
        self._steps = None
        self.position = min(self.position, len(self.steps()) - 1)
        self._show()

    def change_period(self, by: int) -> None:
        """Show the previous or next period."""
        if self.report is None:
            return
        wanted = self.report.period + by
        if 1 <= wanted <= self._periods:
            self.load(wanted)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The chair's keys (see the module docstring); anything else is swallowed."""
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_Down: lambda: self.step(1),
            Qt.Key.Key_Right: lambda: self.step(1),
            Qt.Key.Key_PageDown: lambda: self.step(1),
            Qt.Key.Key_Space: lambda: self.step(1),
            Qt.Key.Key_Up: lambda: self.step(-1),
            Qt.Key.Key_Left: lambda: self.step(-1),
            Qt.Key.Key_PageUp: lambda: self.step(-1),
            Qt.Key.Key_Home: lambda: self.step(-len(self.steps()) - 1),
            Qt.Key.Key_A: self.toggle_ambers,
            Qt.Key.Key_BracketLeft: lambda: self.change_period(-1),
            Qt.Key.Key_BracketRight: lambda: self.change_period(1),
            Qt.Key.Key_Escape: self.close,
        }
        action = actions.get(Qt.Key(event.key()))
        if action is not None and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            action()
        event.accept()

    # -- size and leaving ----------------------------------------------------------------------

    def apply_scale(self) -> None:
        """The type, margins and spacing for the current window size."""
        super().apply_scale()
        scale = self.scale()
        margin = round(32 * scale)
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self._layout.setSpacing(round(14 * scale))
