"""The monitoring page's dialogs: record a budget movement, the pool's monitoring set-up, and its
risk-share rules. Each builds a core change from what was typed; a refusal is shown inside the
dialog in one sentence and the dialog stays open, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.financial_year import FinancialYear
from jmg_desktop.core.money import Money, MoneyError, parse_money
from jmg_desktop.core.monitoring import MonitoringError, RagThresholds, period_label
from jmg_desktop.core.monitoring_commands import MonitoringChange, needs_higher_approval
from jmg_desktop.core.monitoring_report import MonitoringSettings
from jmg_desktop.core.monitoring_risk import WHOLE_PPM, PartnerTerms, RiskShareRule, RiskShareRules
from jmg_desktop.store.errors import WorkspaceError
from jmg_desktop.store.monitoring_changes import movement_record_change, rules_change, settings_change
from jmg_desktop.store.monitoring_repo import (
    closed_periods,
    load_rules,
    load_settings,
    movement_choices,
    partner_names,
    pool_names,
)
from jmg_desktop.store.workspace import Workspace

__all__ = ["MovementDialog", "RiskShareDialog", "SetupDialog", "parse_percent_ppm"]

Submit = Callable[[MonitoringChange], bool]


def parse_percent_ppm(text: str, what: str) -> int:
    """``1``, ``1%`` or ``2.5 %`` as millionths of the whole (1 % = 10,000); refuses finer values."""
    body = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(body)
    except InvalidOperation:
        raise MonitoringError(f"{what}: “{text.strip()}” is not a percentage (like 1 or 2.5%).") from None
    ppm = value * 10_000
    if not value.is_finite() or ppm != ppm.to_integral_value():
        raise MonitoringError(f"{what}: give at most four decimal places of a percent.")
    return int(ppm)


def _optional_money(text: str, what: str) -> int | None:
    """An amount, or None for an empty box."""
    if not text.strip():
        return None
    try:
        pence = parse_money(text).pence
    except MoneyError as error:
        raise MonitoringError(f"{what}: {error}") from None
    if pence < 0:
        raise MonitoringError(f"{what} cannot be negative.")
    return pence


def _percent_text(ppm: int | None) -> str:
    if ppm is None:
        return ""
    return f"{(Decimal(ppm) / 10_000).normalize():f}"


class _ChangeDialog(QDialog):
    """A dialog whose OK builds a change and submits it; refusals stay inside, in words."""

    def __init__(self, title: str, object_name: str, submit: Submit, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(object_name)
        self._submit = submit
        self.layout_ = QVBoxLayout(self)
        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        """Put the problem line and the buttons at the bottom."""
        self.layout_.addWidget(self.problem)
        self.layout_.addWidget(self.buttons)

    def build_change(self) -> MonitoringChange:
        """The change the dialog's contents make (raises with a sentence when they cannot)."""
        raise NotImplementedError

    def try_accept(self) -> bool:
        """Build and submit the change; close on success, else say why and stay open."""
        try:
            change = self.build_change()
        except (MonitoringError, MoneyError, WorkspaceError) as error:
            self.problem.setText(str(error))
            return False
        if change.is_empty:
            self.accept()
            return True
        if not self._submit(change):
            self.problem.setText("The change was not made; the message in the status bar says why.")
            return False
        self.accept()
        return True


class SetupDialog(_ChangeDialog):
    """Months or quarters, the traffic-light limits, and the virement limit."""

    def __init__(
        self, workspace: Workspace, pool_id: int, year: int, submit: Submit, parent: QWidget | None = None
    ) -> None:
        """Show the pool's set-up for ``year``."""
        super().__init__("Monitoring Set-up", "monitoringSetupDialog", submit, parent)
        self._workspace, self._pool_id, self._year = workspace, pool_id, year
        with workspace.reading() as session:
            settings = load_settings(session, pool_id, year)
            self._has_closed = bool(closed_periods(session, pool_id, year))
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(["Quarters", "Months"])
        self.kind.setCurrentIndex(0 if settings.period_kind == "quarter" else 1)
        self.kind.setEnabled(not self._has_closed)
        if self._has_closed:
            self.kind.setToolTip("A period of the year is closed, so quarters or months stay as they are.")
        form.addRow("Monitor in", self.kind)
        if self._has_closed:
            form.addRow("", QLabel("A period is closed, so quarters or months stay as they are."))
        self.green = QLineEdit(_percent_text(settings.thresholds.green_ppm))
        form.addRow("Green: variance within ± (%)", self.green)
        self.amber = QLineEdit(_percent_text(settings.thresholds.amber_ppm))
        form.addRow("Amber: variance within ± (%)", self.amber)
        red = settings.thresholds.red_amount_pence
        self.red_amount = QLineEdit("" if red is None else Money(red).format_full())
        self.red_amount.setPlaceholderText("none")
        form.addRow("Red above this amount, whatever the %", self.red_amount)
        limit = settings.virement_limit_pence
        self.limit = QLineEdit("" if limit is None else Money(limit).format_full())
        self.limit.setPlaceholderText("none")
        form.addRow("Virement limit", self.limit)
        self.approval = QLineEdit(settings.higher_approval or "Cabinet")
        form.addRow("Above the limit, approval by", self.approval)
        self.layout_.addLayout(form)
        self.finish_layout()

    def build_change(self) -> MonitoringChange:
        """The set-up as typed."""
        thresholds = RagThresholds(
            parse_percent_ppm(self.green.text(), "Green"),
            parse_percent_ppm(self.amber.text(), "Amber"),
            _optional_money(self.red_amount.text(), "The red amount"),
        )
        settings = MonitoringSettings(
            "quarter" if self.kind.currentIndex() == 0 else "month",
            thresholds,
            _optional_money(self.limit.text(), "The virement limit"),
            self.approval.text().strip(),
        )
        with self._workspace.reading() as session:
            return settings_change(session, self._pool_id, self._year, settings)


class MovementDialog(_ChangeDialog):
    """A virement between lines (of this pool or another) or a supplementary estimate."""

    def __init__(
        self, workspace: Workspace, pool_id: int, year: int, submit: Submit, parent: QWidget | None = None
    ) -> None:
        """Offer the year's open periods, every line of the year, and the pool's agreements."""
        super().__init__("Record Budget Movement", "movementDialog", submit, parent)
        self._workspace, self._pool_id, self._year = workspace, pool_id, year
        with workspace.reading() as session:
            self._settings = load_settings(session, pool_id, year)
            closed = closed_periods(session, pool_id, year)
            self._lines, agreements = movement_choices(session, pool_id, year)
            self._limits = {
                pool_key: load_settings(session, pool_key, year).virement_limit_pence
                for pool_key in {line[2] for line in self._lines}
            }
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(
            ["Virement (moves budget between lines)", "Supplementary estimate (changes the total)"]
        )
        form.addRow("Kind", self.kind)
        self.period = QComboBox()
        for number in range(1, self._settings.periods + 1):
            if number not in closed:
                self.period.addItem(
                    period_label(self._settings.period_kind, number, FinancialYear(year)), number
                )
        form.addRow("From", self.period)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why the budget moves")
        form.addRow("Reason", self.reason)
        self.approval = QComboBox()
        self.approval.setEditable(True)
        self.approval.addItems(
            ["Pooled fund manager", "Joint Management Group", self._settings.higher_approval or "Cabinet"]
        )
        form.addRow("Approved by", self.approval)
        self.agreement = QComboBox()
        self.agreement.addItem("(none)", None)
        for agreement_id, title in agreements:
            self.agreement.addItem(f"{agreement_id}: {title}", agreement_id)
        form.addRow("Agreement", self.agreement)
        self.layout_.addLayout(form)
        self.legs = QTableWidget(0, 2)
        self.legs.setObjectName("movementLegs")
        self.legs.setHorizontalHeaderLabels(["Line", "Amount"])
        self.legs.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.legs.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.legs.setColumnWidth(1, self.fontMetrics().horizontalAdvance("-£9,999,999.99") + 24)
        explain = QLabel("Each line's amount: + adds budget to it, − takes budget away.")
        explain.setWordWrap(True)
        self.layout_.addWidget(explain)
        self.legs.verticalHeader().setVisible(False)
        self.layout_.addWidget(self.legs)
        row_buttons = QHBoxLayout()
        add = QPushButton("Add Line")
        add.clicked.connect(lambda: self.add_leg())
        remove = QPushButton("Remove Line")
        remove.clicked.connect(self._remove_leg)
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch(1)
        self.layout_.addLayout(row_buttons)
        self.note = QLabel()
        self.note.setObjectName("movementNote")
        self.note.setWordWrap(True)
        self.layout_.addWidget(self.note)
        self.add_leg()
        self.add_leg()
        self.finish_layout()
        self.resize(640, 460)

    def add_leg(self, line_id: int | None = None, amount: str = "") -> None:
        """Add a row for one line's amount."""
        row = self.legs.rowCount()
        self.legs.insertRow(row)
        combo = QComboBox()
        for key, label, _pool in self._lines:
            combo.addItem(label, key)
        if line_id is not None:
            combo.setCurrentIndex(max(combo.findData(line_id), 0))
        else:  # a new row starts on a different line from the rows above it
            combo.setCurrentIndex(min(row, combo.count() - 1))
        self.legs.setCellWidget(row, 0, combo)
        self.legs.setItem(row, 1, QTableWidgetItem(amount))
        self.legs.itemChanged.connect(self._update_note)

    def _remove_leg(self) -> None:
        row = self.legs.currentRow()
        if row >= 0:
            self.legs.removeRow(row)
            self._update_note()

    def _legs(self) -> list[tuple[int, int]]:
        """The typed legs as ``(line_id, pence)``; raises naming the row of a bad amount."""
        legs = []
        for row in range(self.legs.rowCount()):
            combo = self.legs.cellWidget(row, 0)
            item = self.legs.item(row, 1)
            text = "" if item is None else item.text()
            if not text.strip():
                continue
            try:
                pence = parse_money(text).pence
            except MoneyError as error:
                raise MonitoringError(f"Row {row + 1}: {error}") from None
            assert isinstance(combo, QComboBox)
            legs.append((int(combo.currentData()), pence))
        return legs

    def _update_note(self, *_args: object) -> None:
        """Say whether the movement, as typed, is above a pool's virement limit."""
        try:
            legs = self._legs()
        except MonitoringError:
            return
        pools = {key: pool for key, _label, pool in self._lines}
        if needs_higher_approval([(line, pools[line], pence) for line, pence in legs], self._limits):
            body = self._settings.higher_approval or "Cabinet"
            self.note.setText(f"Above the virement limit: this movement needs the approval of {body}.")
        else:
            self.note.setText("")

    def build_change(self) -> MonitoringChange:
        """The movement as typed."""
        if self.period.count() == 0:
            raise MonitoringError("Every period of the year is closed: no movement can be recorded.")
        kind = "virement" if self.kind.currentIndex() == 0 else "supplementary"
        with self._workspace.reading() as session:
            return movement_record_change(
                session,
                self._pool_id,
                self._year,
                int(self.period.currentData()),
                kind,
                self._legs(),
                reason=self.reason.text(),
                approval_level=self.approval.currentText(),
                agreement_id=self.agreement.currentData(),
            )


class _RuleBox(QGroupBox):
    """One rule: the method, what the host bears first, and each partner's share and cap."""

    def __init__(self, title: str, partners: list[str], rule: RiskShareRule | None) -> None:
        super().__init__(title)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.method = QComboBox()
        self.method.addItems(["In proportion to contributions", "Fixed shares"])
        self.method.setCurrentIndex(1 if rule is not None and rule.method == "fixed" else 0)
        form.addRow("Shared", self.method)
        first = 0 if rule is None else rule.host_first_pence
        self.host_first = QLineEdit("" if not first else Money(first).format_full())
        self.host_first.setPlaceholderText("nothing")
        form.addRow("The host bears first", self.host_first)
        layout.addLayout(form)
        self.partners = partners
        self.table = QTableWidget(len(partners), 3)
        self.table.setHorizontalHeaderLabels(["Partner", "Fixed share %", "Cap"])
        self.table.horizontalHeaderItem(2).setToolTip("The most this partner bears in all (empty: no cap)")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(1, self.fontMetrics().horizontalAdvance("Fixed share %") + 24)
        self.table.setColumnWidth(2, self.fontMetrics().horizontalAdvance("£99,999,999.99") + 24)
        self.table.verticalHeader().setVisible(False)
        for row, name in enumerate(partners):
            terms = None if rule is None else rule.terms_for(name)
            name_item = QTableWidgetItem(name)
            name_item.setFlags(name_item.flags() & ~name_item.flags().ItemIsEditable)
            self.table.setItem(row, 0, name_item)
            share = None if terms is None else terms.share_ppm
            self.table.setItem(row, 1, QTableWidgetItem(_percent_text(share)))
            cap = None if terms is None else terms.cap_pence
            self.table.setItem(row, 2, QTableWidgetItem("" if cap is None else Money(cap).format_full()))
        self.table.resizeRowsToContents()
        self.table.setFixedHeight(
            header.height()
            + 2 * self.table.frameWidth()
            + sum(self.table.rowHeight(r) for r in range(len(partners)))
        )
        layout.addWidget(self.table)

    def rule(self, label: str) -> RiskShareRule:
        """The rule as typed (raises naming the box and partner of a bad entry)."""
        method = "fixed" if self.method.currentIndex() == 1 else "contributions"
        first = _optional_money(self.host_first.text(), f"{label}: what the host bears first") or 0
        terms = []
        for row, name in enumerate(self.partners):
            share_text = self.table.item(row, 1).text() if self.table.item(row, 1) else ""
            cap_text = self.table.item(row, 2).text() if self.table.item(row, 2) else ""
            share = None
            if method == "fixed" and share_text.strip():
                share = parse_percent_ppm(share_text, f"{label}: {name}'s share")
                if share > WHOLE_PPM:
                    raise MonitoringError(f"{label}: {name}'s share cannot be more than 100 %.")
            cap = _optional_money(cap_text, f"{label}: {name}'s cap")
            if share is not None or cap is not None:
                terms.append(PartnerTerms(name, share, cap))
        try:
            return RiskShareRule(method, first, tuple(terms))
        except MonitoringError as error:
            raise MonitoringError(f"{label}: {error}") from None


class RiskShareDialog(_ChangeDialog):
    """The pool's risk-share rules for the year: overspends, and (optionally) underspends."""

    def __init__(
        self, workspace: Workspace, pool_id: int, year: int, submit: Submit, parent: QWidget | None = None
    ) -> None:
        """Show the rules recorded (or the default, in proportion to contributions)."""
        super().__init__("Risk Share", "riskShareDialog", submit, parent)
        self._workspace, self._pool_id, self._year = workspace, pool_id, year
        with workspace.reading() as session:
            rules = load_rules(session, pool_id, year)
            partners = partner_names(session)
            self._host = pool_names(session, pool_id)[1]
        self.over = _RuleBox("Overspends", partners, None if rules is None else rules.overspend)
        self.layout_.addWidget(self.over)
        self.same = QCheckBox("Underspends are shared by the same rule")
        self.same.setChecked(rules is None or rules.underspend is None)
        self.layout_.addWidget(self.same)
        self.under = _RuleBox("Underspends", partners, None if rules is None else rules.underspend)
        self.under.setEnabled(not self.same.isChecked())
        self.same.toggled.connect(lambda checked: self.under.setEnabled(not checked))
        self.layout_.addWidget(self.under)
        self.finish_layout()
        self.resize(620, self.sizeHint().height())

    def build_change(self) -> MonitoringChange:
        """The rules as typed."""
        with self._workspace.reading() as session:
            rules = RiskShareRules(
                self._host,
                self.over.rule("Overspends"),
                None if self.same.isChecked() else self.under.rule("Underspends"),
            )
            return rules_change(session, self._pool_id, self._year, rules)
