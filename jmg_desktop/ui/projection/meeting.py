"""``meetingMode``: the pool on the projector, large and high-contrast, with a live what-if.

A chair drives it like a slide show: ←/→ choose inflation, growth, savings or years ahead; ↑/↓ (or
a presenter's Page Up/Page Down) change it; R resets to the scenario; N moves to the next scenario;
L shows the projection including the linked pools; A records an agreement in principle (after a
confirmation which, when the newest meeting in the register was not held today, also offers a new
meeting held today; ←/→ or Page Up/Down choose, Enter answers); Esc leaves. Nothing here edits
lines: every other key is ignored.

Type sizes are pixel sizes at 1920×1080 and scale with the window, so 1280×720 shows the same
layout two-thirds the size: headline figures 60 px (at least 48 px) and table text 26 px (at least
24 px) at full HD.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
)

from jmg_desktop.core.money import Money
from jmg_desktop.core.projection import ProjectionError, ProjectionTotals, project_totals
from jmg_desktop.core.scenario import Scenario, format_percent
from jmg_desktop.core.totals import EffectSums
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.workspace import Workspace
from jmg_desktop.ui.projection.charts import PartnerStackChart
from jmg_desktop.ui.projection.data import PoolSnapshot, load_snapshot
from jmg_desktop.ui.shared.meeting_screen import ACCENT, FOREGROUND, MUTED, MeetingScreen

__all__ = ["HEADLINE_PX", "NEW_MEETING_TODAY", "TABLE_PX", "MeetingMode", "WhatIf"]

#: What :attr:`MeetingMode.confirm` returns to record against a new meeting held today.
NEW_MEETING_TODAY: Final = "new meeting today"
RecordAnswer = bool | Literal["new meeting today"]

#: Pixel sizes at the 1920×1080 reference screen.
HEADLINE_PX: Final = 60
TABLE_PX: Final = 26
_TITLE_PX: Final = 40
_LABEL_PX: Final = 28
_DETAIL_PX: Final = 24
_CONTROL_PX: Final = 34
_HINT_PX: Final = 22
_CHART_PX: Final = 22

_STEP: Final = Decimal("0.0025")  # a quarter of a percentage point per key press
_LIMITS: Final = (Decimal("-0.2"), Decimal("0.5"))
_YEARS_RANGE: Final = (1, 10)  # more bars than this stop being legible across a room
_DEFAULT_YEARS: Final = 5
_CONTROLS: Final = ("inflation", "growth", "savings", "years")
_CONTROL_TITLES: Final = {
    "inflation": "Inflation",
    "growth": "Growth",
    "savings": "Savings",
    "years": "Years ahead",
}


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The assumptions on screen: the scenario's, as changed by the chair."""

    inflation: Decimal
    growth: Decimal
    savings: Decimal
    years: int

    @classmethod
    def of(cls, scenario: Scenario, years: int = _DEFAULT_YEARS) -> WhatIf:
        """The scenario's own rates."""
        return cls(scenario.inflation, scenario.growth, scenario.savings, years)

    def describe(self) -> str:
        """``inflation 3%, growth 2%, savings 1.5%``."""
        return (
            f"inflation {format_percent(self.inflation)}, growth {format_percent(self.growth)}, "
            f"savings {format_percent(self.savings)}"
        )


def _signed_m(amount: Money) -> str:
    """£m with a plus sign for increases (changes read as changes)."""
    return ("+" if amount.pence > 0 else "") + amount.format_m()


class MeetingMode(MeetingScreen):
    """Full-screen meeting view of one pool and year. Create, then :meth:`show_for_meeting`;
    :attr:`left` is emitted when the chair leaves."""

    #: Emitted with the new agreement's id after "Record in principle".
    recorded = Signal(int)
    #: Emitted after M closed meeting mode to show the pool's budget monitoring instead.
    monitoringRequested = Signal()

    def __init__(
        self,
        workspace: Workspace,
        pool_id: int,
        year: int,
        scenario_name: str | None = None,
        snapshot: PoolSnapshot | None = None,
    ) -> None:
        """Read the pool and year; ``snapshot`` lets a caller pass data already read."""
        super().__init__("meetingMode", "Meeting Mode", "Meeting mode")
        self._workspace = workspace
        self._snapshot = snapshot if snapshot is not None else load_snapshot(workspace, pool_id, year)
        names = list(self._snapshot.scenarios)
        self._scenario_name = (
            scenario_name if scenario_name in self._snapshot.scenarios else (names or [None])[0]
        )
        self._what_if = WhatIf.of(self.scenario)
        self._selected = 0
        self._include_linked = False
        self._figures: dict[str, QLabel] = {}
        self.totals: ProjectionTotals | None = None
        #: How long the last what-if redraw took, in milliseconds (benchmarks read it).
        self.last_update_ms = 0.0
        #: Replaced in tests; asks the chair to confirm recording: True records against the meeting
        #: named, NEW_MEETING_TODAY against a new meeting today (only when offered), False nothing.
        self.confirm: Callable[[str, str], RecordAnswer] = self._confirm_dialog
        #: The day a new meeting is dated (replaced in tests).
        self.today: Callable[[], date] = date.today
        #: The body of the new meeting offered by the open confirmation, or None when none is offered.
        self.new_meeting_body: str | None = None
        self._build()
        self._fill_current_values()
        self.update_what_if()
        self.apply_scale()

    # -- state ------------------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The scenario the what-if started from (a no-change one if the workspace has none)."""
        if self._scenario_name is None:
            return Scenario("No change")
        return self._snapshot.scenarios[self._scenario_name]

    @property
    def what_if(self) -> WhatIf:
        """The assumptions on screen."""
        return self._what_if

    def effective_scenario(self) -> Scenario:
        """The scenario with the chair's rates (its overrides and adjustments kept)."""
        w = self._what_if
        return self.scenario.with_rates(inflation=w.inflation, growth=w.growth, savings=w.savings)

    # -- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        """Black background; header, headline tiles, table, chart, what-if controls and key hints."""
        snapshot = self._snapshot
        self.title_label = self.sized_label(snapshot.title, _TITLE_PX, True, name="meetingTitle")
        self.scenario_label = self.sized_label("", _LABEL_PX, False, ACCENT, name="meetingScenario")
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.scenario_label, 0, Qt.AlignmentFlag.AlignRight)

        tiles = QHBoxLayout()
        tiles.setSpacing(24)
        for key, title in (("current", "Current"), ("proposed", "Proposed change"), ("new", "New"),
                           ("projected", "Projected")):  # fmt: skip
            tiles.addWidget(self._tile(key, title), 1)

        self.table_frame = QFrame(self)
        self.table_frame.setObjectName("meetingTable")
        self.table_frame.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        self.table = QGridLayout(self.table_frame)
        self.table.setHorizontalSpacing(28)
        self.table.setVerticalSpacing(4)
        self.chart = PartnerStackChart(dark=True, parent=self)
        self.chart.setObjectName("meetingChart")
        self.chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.chart.chart().legend().setAlignment(Qt.AlignmentFlag.AlignRight)

        self.control_labels: dict[str, QLabel] = {}
        controls = QHBoxLayout()
        controls.setSpacing(18)
        for key in _CONTROLS:
            label = self.sized_label("", _CONTROL_PX, True, name=f"whatIf_{key}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.control_labels[key] = label
            controls.addWidget(label, 1)
        self.hint_label = self.sized_label(
            "←/→ choose   ↑/↓ change   R reset   N next scenario   L linked pools   "
            "A record in principle   M monitoring   Esc leave",
            _HINT_PX,
            colour=MUTED,
            name="meetingKeys",
        )
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label = self.sized_label("", _HINT_PX, True, ACCENT, name="meetingStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(tiles)
        layout.addWidget(self.table_frame, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.chart, 1)
        layout.addLayout(controls)
        layout.addWidget(self.status_label)
        layout.addWidget(self.hint_label)
        # Sizes come from the window (the type scales with it), never the other way round: without
        # this the layout's minimum at full-HD type would stop the window shrinking to 1280×720.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._layout = layout

    def _tile(self, key: str, title: str) -> QFrame:
        """A headline tile: caption, big figure, detail line."""
        frame = QFrame(self)
        frame.setObjectName(f"tile_{key}")
        frame.setStyleSheet(f"QFrame#tile_{key} {{ border: 2px solid #606060; border-radius: 8px; }}")
        box = QVBoxLayout(frame)
        caption = self.sized_label(title, _LABEL_PX, colour=MUTED, name=f"caption_{key}")
        figure = self.sized_label("", HEADLINE_PX, True, name=f"headline_{key}")
        detail = self.sized_label("", _DETAIL_PX, colour=MUTED, name=f"detail_{key}")
        for label in (caption, figure, detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(label)
        self._figures[key] = figure
        self._figures[f"{key}_detail"] = detail
        if key == "projected":
            self._figures["projected_caption"] = caption
        return frame

    def _fill_current_values(self) -> None:
        """The base year by partner: current, proposed and new, alone and with linked pools."""
        snapshot = self._snapshot
        totals = snapshot.totals
        own, linked = totals.overall(), totals.overall(with_linked=True)
        self._figures["current"].setText(own.current_value.format_m())
        self._figures["current_detail"].setText(f"{linked.current_value.format_m()} with linked pools")
        self._figures["proposed"].setText(_signed_m(own.change))
        self._figures["proposed_detail"].setText(f"{_signed_m(linked.change)} with linked pools")
        self._figures["new"].setText(own.new_value.format_m())
        self._figures["new_detail"].setText(f"{linked.new_value.format_m()} with linked pools")

        # One row per partner; the pool alone and including its linked pools side by side, so
        # the table is short and the chart below can use the full width of the screen.
        self.cells: dict[tuple[int, int], QLabel] = {}
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        # Columns 1-3 the pool alone, 4 a gap, 5-7 including the linked pools.
        for first, title in ((1, f"{snapshot.inputs.pool_name} pool"), (5, "Including linked pools")):
            group = self.sized_label(title, TABLE_PX, True, ACCENT)
            group.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.addWidget(group, 0, first, 1, 3)
        for column, heading in enumerate(
            ("", "Current", "Proposed", "New", "", "Current", "Proposed", "New")
        ):
            if not heading:
                continue
            label = self.sized_label(heading, TABLE_PX, True, MUTED)
            label.setAlignment(right if column else Qt.AlignmentFlag.AlignLeft)
            self.table.addWidget(label, 1, column)
        rows: list[tuple[str, EffectSums, EffectSums, bool]] = [
            (
                snapshot.partner_names.get(p, "?"),
                totals.for_partner(p),
                totals.for_partner(p, with_linked=True),
                False,
            )
            for p in totals.partner_ids
        ]
        rows.append(("Total", own, linked, True))
        for row, (name, alone, with_linked, bold) in enumerate(rows, start=2):
            self.table.addWidget(self.sized_label(name, TABLE_PX, bold), row, 0)
            amounts = (
                alone.current_value,
                alone.change,
                alone.new_value,
                with_linked.current_value,
                with_linked.change,
                with_linked.new_value,
            )
            for column, amount in zip((1, 2, 3, 5, 6, 7), amounts, strict=True):
                text = _signed_m(amount) if column in (2, 6) else amount.format_m()
                cell = self.sized_label(text, TABLE_PX, bold)
                cell.setAlignment(right)
                self.table.addWidget(cell, row, column)
                self.cells[(row, column)] = cell

    # -- the what-if ------------------------------------------------------------------------------

    def update_what_if(self) -> None:
        """Re-project with the assumptions on screen and redraw figures and chart (timed)."""
        started = time.perf_counter()
        inputs = self._snapshot.inputs
        scenario = self.effective_scenario()
        years = self._what_if.years
        try:
            self.totals = project_totals(inputs.lines, scenario, inputs.base_year, years, inputs.host_partner)
        except ProjectionError as error:
            self.status_label.setText(str(error))
            return
        by_partner = self.totals.partners(self._include_linked)
        pool = self.totals.pool(self._include_linked)
        last_year = self.totals.years[-1].label
        scope = " incl. linked" if self._include_linked else ""
        self._figures["projected_caption"].setText(f"Projected {last_year}{scope}")
        self._figures["projected"].setText(pool[-1].format_m())
        self._figures["projected_detail"].setText(f"{_signed_m(pool[-1] - pool[0])} on {pool[0].format_m()}")
        self.chart.set_totals([year.label for year in self.totals.years], by_partner)
        changed = self._what_if != WhatIf.of(self.scenario, self._what_if.years)
        suffix = " (what-if)" if changed else ""
        self.scenario_label.setText(f"Scenario: {self.scenario.name}{suffix}")
        for index, key in enumerate(_CONTROLS):
            value = self._what_if.years if key == "years" else format_percent(getattr(self._what_if, key))
            label = self.control_labels[key]
            label.setText(f"{_CONTROL_TITLES[key]}  {value}")
            selected = index == self._selected
            border = ACCENT if selected else "#606060"
            colour = ACCENT if selected else FOREGROUND
            label.setStyleSheet(
                f"color: {colour}; border: {4 if selected else 2}px solid {border}; border-radius: 8px;"
                " padding: 6px; background: transparent;"
            )
        self.last_update_ms = (time.perf_counter() - started) * 1000

    def change_selected(self, steps: int) -> None:
        """Move the selected control up or down by ``steps`` (a quarter point, or a year)."""
        key = _CONTROLS[self._selected]
        w = self._what_if
        if key == "years":
            years = min(max(w.years + steps, _YEARS_RANGE[0]), _YEARS_RANGE[1])
            self._what_if = WhatIf(w.inflation, w.growth, w.savings, years)
        else:
            value = getattr(w, key) + _STEP * steps
            value = min(max(value, _LIMITS[0]), _LIMITS[1])
            self._what_if = WhatIf(**{**_as_dict(w), key: value})
        self.status_label.clear()
        self.update_what_if()

    def select_control(self, offset: int) -> None:
        """Choose the next (or previous) control."""
        self._selected = (self._selected + offset) % len(_CONTROLS)
        self.update_what_if()

    def reset(self) -> None:
        """Back to the scenario's own rates."""
        self._what_if = WhatIf.of(self.scenario, self._what_if.years)
        self.status_label.setText("Back to the scenario's assumptions.")
        self.update_what_if()

    def next_scenario(self) -> None:
        """Switch to the next stored scenario, starting from its own rates."""
        names = list(self._snapshot.scenarios)
        if not names:
            return
        index = names.index(self._scenario_name) if self._scenario_name in names else -1
        self._scenario_name = names[(index + 1) % len(names)]
        self._what_if = WhatIf.of(self.scenario, self._what_if.years)
        self.status_label.setText(f"Scenario “{self._scenario_name}”.")
        self.update_what_if()

    def toggle_linked(self) -> None:
        """Project the pool alone or including its linked pools."""
        self._include_linked = not self._include_linked
        self.update_what_if()

    # -- keys -------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The chair's keys (see the module docstring); anything else does nothing."""
        key = event.key()
        actions: dict[int, Callable[[], None]] = {
            Qt.Key.Key_Left: lambda: self.select_control(-1),
            Qt.Key.Key_Right: lambda: self.select_control(1),
            Qt.Key.Key_Tab: lambda: self.select_control(1),
            Qt.Key.Key_Backtab: lambda: self.select_control(-1),
            Qt.Key.Key_Up: lambda: self.change_selected(1),
            Qt.Key.Key_Down: lambda: self.change_selected(-1),
            Qt.Key.Key_PageUp: lambda: self.change_selected(1),
            Qt.Key.Key_PageDown: lambda: self.change_selected(-1),
            Qt.Key.Key_Plus: lambda: self.change_selected(1),
            Qt.Key.Key_Equal: lambda: self.change_selected(1),
            Qt.Key.Key_Minus: lambda: self.change_selected(-1),
            Qt.Key.Key_R: self.reset,
            Qt.Key.Key_N: self.next_scenario,
            Qt.Key.Key_L: self.toggle_linked,
            Qt.Key.Key_A: self.record_in_principle,
            Qt.Key.Key_M: self.show_monitoring,
            Qt.Key.Key_Escape: self.close,
        }
        action = actions.get(Qt.Key(key))
        if action is not None and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            action()
            event.accept()
            return
        event.accept()  # swallowed: no stray key reaches anything else while on the projector

    def show_monitoring(self) -> None:
        """M: leave meeting mode for the same pool's budget monitoring (the quarter's position)."""
        self.close()
        self.monitoringRequested.emit()

    # -- recording --------------------------------------------------------------------------------

    def record_unavailable_reason(self) -> str:
        """Why "Record in principle" cannot be used now ("" when it can)."""
        if self._workspace.read_only:
            return "The workspace is open read-only, so nothing can be recorded."
        return ""

    def agreement_text(self) -> tuple[str, str, str]:
        """Title, decision and assumptions (with the figures on screen) for the register."""
        snapshot = self._snapshot
        totals = snapshot.totals
        own, linked = totals.overall(), totals.overall(with_linked=True)
        pool_name = snapshot.inputs.pool_name
        year = snapshot.inputs.base_year.label
        title = f"{pool_name} pool {year}: budget agreed in principle"
        decision = (
            f"The group agreed in principle the {pool_name} pool for {year}: a new value of "
            f"{own.new_value.format_prose()} ({linked.new_value.format_prose()} including the linked pools), "
            f"from a current value of {own.current_value.format_prose()}."
        )
        projected = ""
        if self.totals is not None:
            pool = self.totals.pool(self._include_linked)
            scope = " including the linked pools" if self._include_linked else ""
            projected = (
                f" Projected value in {self.totals.years[-1].label}{scope}: {pool[-1].format_prose()}."
            )
        assumptions = (
            f"Projection scenario “{self.scenario.name}” with {self._what_if.describe()} a year"
            f" over {self._what_if.years} years.{projected} Recorded from meeting mode."
        )
        return title, decision, assumptions

    def _confirm_dialog(self, title: str, text: str) -> RecordAnswer:
        """Ask the chair, in large type; Cancel is the default so a stray Enter records nothing.

        When :attr:`new_meeting_body` is set a second button records against a new meeting today.
        """
        box = QMessageBox(QMessageBox.Icon.Question, "Record in Principle", text, parent=self)
        box.setObjectName("recordConfirm")
        box.setInformativeText(f"“{title}” will be added to the agreements register.")
        record = box.addButton("Record", QMessageBox.ButtonRole.AcceptRole)
        new_meeting = None
        if self.new_meeting_body is not None:
            new_meeting = box.addButton("Record for a new meeting today", QMessageBox.ButtonRole.AcceptRole)
            new_meeting.setObjectName("recordNewMeeting")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        px = max(18, round(_LABEL_PX * self.scale()))
        # The chosen answer must show from the back of the room, not only as a thin focus frame;
        # a style sheet drops the buttons' font, so their size is given here too.
        box.setStyleSheet(
            f"QPushButton {{ font-size: {px}px; padding: 6px 16px; border: 2px solid #606060;"
            " border-radius: 6px; }"
            f"QPushButton:focus {{ background: #000000; color: {ACCENT}; border: 4px solid {ACCENT}; }}"
        )
        keys = _ClickerKeys(box)  # a presenter's clicker sends Page Up/Down, not Tab
        for button in box.buttons():
            button.installEventFilter(keys)
        font = box.font()
        font.setPixelSize(px)
        box.setFont(font)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()  # one dialog per question, not a pile of hidden ones
        if new_meeting is not None and clicked is new_meeting:
            return NEW_MEETING_TODAY
        return clicked is record

    def record_in_principle(self) -> int | None:
        """Ask, then record the agreement for the most recent meeting; returns its id (or None).

        When that meeting was not held today (or there is none) the chair may instead record it
        against a new meeting of the same body held today, created in the same transaction.
        """
        reason = self.record_unavailable_reason()
        if reason:
            self.status_label.setText(reason)
            return None
        from jmg_desktop.core.agreements import Status, format_date
        from jmg_desktop.store.agreements_repo import (
            AgreementError,
            create_meeting,
            list_meetings,
            record_agreement,
        )

        title, decision, assumptions = self.agreement_text()
        with self._workspace.reading() as session:
            meetings = list_meetings(session)
        meeting = meetings[0] if meetings else None
        today = self.today()
        where = (
            f"for the meeting of {meeting.body} on {format_date(meeting.held_on)}"
            if meeting
            else "without a meeting (none is recorded in this workspace)"
        )
        question = f"Record this as agreed in principle {where}?"
        self.new_meeting_body = None
        if meeting is None or meeting.held_on != today:
            # The register's newest meeting may be last month's: today's may not be entered yet.
            body = meeting.body if meeting else f"{self._snapshot.inputs.pool_name} Joint Management Group"
            self.new_meeting_body = body
            question += (
                f"\nOr record it for a new meeting of {body} held today, {format_date(today)}"
                " (←/→ choose, Enter answers, Esc cancels)."
            )
        try:
            answer = self.confirm(title, f"{question}\n\n{decision}\n\n{assumptions}")
            new_body = self.new_meeting_body if answer == NEW_MEETING_TODAY else None
        finally:
            self.new_meeting_body = None
        if not answer:
            self.status_label.setText("Nothing was recorded.")
            return None
        inputs = self._snapshot.inputs
        try:
            with self._workspace.writing() as session:
                meeting_id = meeting.id if meeting else None
                if new_body is not None:
                    meeting_id = create_meeting(
                        session, body=new_body, held_on=today, note="Created from meeting mode."
                    )
                agreement_id = record_agreement(
                    session,
                    title=title,
                    pool_id=inputs.pool_id,
                    financial_year=inputs.base_year.start_year,
                    whole_pool=True,
                    meeting_id=meeting_id,
                    decision=decision,
                    assumptions=assumptions,
                    status=Status.AGREED,
                )
        except (AgreementError, WorkspaceError) as error:
            self.status_label.setText(f"Not recorded: {error}")
            return None
        on = f" for a new meeting of {new_body} today" if new_body is not None else ""
        self.status_label.setText(f"Recorded in the agreements register as agreement {agreement_id}{on}.")
        self.recorded.emit(agreement_id)
        return agreement_id

    # -- size and leaving -------------------------------------------------------------------------

    def apply_scale(self) -> None:
        """Set every text's pixel size, the chart's and the spacing for the current window size."""
        super().apply_scale()
        scale = self.scale()
        self.chart.set_text_pixel_size(max(8, round(_CHART_PX * scale)))
        margin = round(32 * scale)
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self._layout.setSpacing(round(18 * scale))
        self.table.setHorizontalSpacing(round(20 * scale))
        self.table.setColumnMinimumWidth(4, round(40 * scale))  # the gap between the two groups


class _ClickerKeys(QObject):
    """On the confirmation's buttons, Page Up/Down and ↑/↓ move between them like ←/→."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Turn a clicker's keys into focus moves; everything else goes on as usual."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QAbstractButton)
        ):
            key = event.key()
            if key in (Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Left):
                return _move_focus(watched, -1)
            if key in (Qt.Key.Key_PageDown, Qt.Key.Key_Down, Qt.Key.Key_Right):
                return _move_focus(watched, 1)
        return False


def _move_focus(button: QAbstractButton, step: int) -> bool:
    """Focus the next (or previous) button of the dialog, in screen order, wrapping round."""
    box = button.window()
    buttons = [b for b in box.findChildren(QAbstractButton) if b.isVisible()]
    buttons.sort(key=lambda b: (b.mapTo(box, b.rect().topLeft()).y(), b.mapTo(box, b.rect().topLeft()).x()))
    if button not in buttons:
        return False
    buttons[(buttons.index(button) + step) % len(buttons)].setFocus(Qt.FocusReason.TabFocusReason)
    return True


def _as_dict(what_if: WhatIf) -> dict[str, object]:
    """A what-if's fields, to rebuild it with one changed."""
    return {
        "inflation": what_if.inflation,
        "growth": what_if.growth,
        "savings": what_if.savings,
        "years": what_if.years,
    }
