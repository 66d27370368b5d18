"""Copy lines to next year…: next year's pool built from this year's lines, with an optional uplift.

Proposals can be treated as decided: proposed additions join the pool and proposed removals are
left out. The whole copy is one undo step.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jmg_desktop.core.commands import Command, insert_lines, roll_forward
from jmg_desktop.core.financial_year import FinancialYear

if TYPE_CHECKING:
    from jmg_desktop.ui.lines.model import PoolLinesModel
    from jmg_desktop.ui.main_window import MainWindow

__all__ = ["RollForwardDialog", "build_roll_forward", "parse_uplift"]

_MAX_UPLIFT = Decimal(100)


def parse_uplift(text: str) -> Decimal | str:
    """An uplift percentage as typed ("2.5", "2.5%", "-1", or empty for none); a message if not."""
    body = text.strip().removesuffix("%").strip()
    if not body:
        return Decimal(0)
    try:
        value = Decimal(body)
    except InvalidOperation:
        return f"“{text.strip()[:20]}” is not a percentage; type a number such as 2.5."
    if not value.is_finite() or abs(value) > _MAX_UPLIFT:
        return "The uplift must be between -100% and 100%."
    if value != value.quantize(Decimal("0.0001")):
        return "Give the uplift to at most four decimal places."
    return value


def build_roll_forward(
    model: PoolLinesModel, uplift: Decimal, *, settle: bool, linked_pool_ids: Sequence[int] = ()
) -> Command | str:
    """The command copying the shown pool's lines for the year to the next year, and those of
    ``linked_pool_ids`` with them (one undo step); a message if there is nothing to copy."""
    store = model.store
    if store is None or model.pool_id < 0:
        return "Choose a pool and a year first."
    records = store.lines_in_block(model.pool_id, model.financial_year)
    if not records:
        return "This pool has no lines in this year to copy."
    to_year = model.financial_year + 1
    mapping: dict[int, int | None] = {}
    if settle:
        statuses = model.references.statuses
        in_pool = next((s.id for s in statuses if s.effect == "current"), None)
        for status in statuses:
            if status.effect == "addition" and in_pool is not None:
                mapping[status.id] = in_pool
            elif status.effect == "removal":
                mapping[status.id] = None
    blocks = [(model.pool_id, records)]
    for pool_id in linked_pool_ids:
        if pool_id != model.pool_id:
            blocks.append((pool_id, store.lines_in_block(pool_id, model.financial_year)))
    # One allocation for every copy: ids are reserved only when the lines are written.
    ids = store.allocate_line_ids(sum(len(block) for _pool, block in blocks))
    copies = []
    for pool_id, block in blocks:
        taken, ids = ids[: len(block)], ids[len(block) :]
        if block:
            copies.extend(
                roll_forward(
                    block,
                    taken,
                    to_year=to_year,
                    first_position=store.max_position(pool_id, to_year) + 1,
                    uplift_percent=uplift,
                    settle_status=mapping,
                )
            )
    if not copies:
        return "Every line is a proposed removal, so there is nothing to copy."
    command = insert_lines(copies, text=f"Copy Lines to {FinancialYear(to_year).label}")
    command.action = "roll_forward"
    return command


class RollForwardDialog(QDialog):
    """Asks for the uplift and whether proposals count as decided."""

    def __init__(self, model: PoolLinesModel, parent: QWidget | None = None) -> None:
        """The dialog for copying ``model``'s pool and year to the next year."""
        super().__init__(parent)
        self.setObjectName("rollForwardDialog")
        from_year = FinancialYear(model.financial_year)
        to_year = from_year.next()
        self.setWindowTitle(f"Copy Lines to {to_year.label}")
        intro = QLabel(
            f"Copies every line of this pool for {from_year.label} into {to_year.label}. "
            "Amounts can be uplifted (for inflation, say) and rounded to the penny.",
            self,
        )
        intro.setWordWrap(True)
        self.uplift = QLineEdit(self)
        self.uplift.setObjectName("upliftPercent")
        self.uplift.setPlaceholderText("0")
        self.settle = QCheckBox(
            "Treat proposals as decided (additions join the pool, removals are left out)", self
        )
        self.settle.setChecked(True)
        self.error = QLabel(self)
        self.error.setObjectName("rollForwardError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        store = model.store
        existing = store.max_position(model.pool_id, to_year.start_year) if store else 0
        note = QLabel(
            f"{to_year.label} already has lines in this pool; the copies will follow them."
            if existing
            else "",
            self,
        )
        note.setWordWrap(True)
        # "With linked pools" next year is only right if the linked pools' lines come too.
        self.linked = self._linked_pools(model)
        self.copy_links = QCheckBox(self)
        self.copy_links.setObjectName("copyLinkedPools")
        if self.linked:
            names = ", ".join(name for _id, name, _has in self.linked)
            self.copy_links.setText(f"Also copy the lines of the linked pools ({names})")
            self.copy_links.setToolTip(
                f"So that {to_year.label}'s figures including linked pools are not the pool alone."
            )
            # Ticked unless every linked pool already has lines next year.
            self.copy_links.setChecked(not all(has for _id, _name, has in self.linked))
        self.copy_links.setVisible(bool(self.linked))
        form = QFormLayout()
        form.addRow("&Uplift %:", self.uplift)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Copy Lines")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.settle)
        layout.addWidget(self.copy_links)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.value = Decimal(0)

    @staticmethod
    def _linked_pools(model: PoolLinesModel) -> list[tuple[int, str, bool]]:
        """The linked pools with lines this year: id, name, and whether they have lines next year."""
        workspace = model.workspace
        if workspace is None or model.pool_id < 0:
            return []
        from jmg_desktop.store.lines_repo import list_pools, pool_years
        from jmg_desktop.store.stated_repo import linked_pools

        names = {pool.id: pool.name for pool in list_pools(workspace)}
        out = []
        for pool_id in linked_pools(workspace, model.pool_id):
            years = pool_years(workspace, pool_id)
            if model.financial_year in years:
                out.append(
                    (pool_id, names.get(pool_id, f"pool {pool_id}"), model.financial_year + 1 in years)
                )
        return out

    def linked_pool_ids(self) -> list[int]:
        """The linked pools to copy with this one (none unless ticked)."""
        return [pool_id for pool_id, _name, _has in self.linked] if self.copy_links.isChecked() else []

    def _check(self) -> None:
        """Accept only a valid uplift; otherwise say why in the dialog."""
        parsed = parse_uplift(self.uplift.text())
        if isinstance(parsed, str):
            self.error.setText(parsed)
            return
        self.value = parsed
        self.accept()


def roll_forward_dialog(window: MainWindow) -> bool:
    """Ask, then copy the lines to next year and show that year."""
    model = window.lines_model
    if model.read_only or model.pool_id < 0:
        return False
    dialog = RollForwardDialog(model, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return run_roll_forward(
        window, dialog.value, settle=dialog.settle.isChecked(), linked_pool_ids=dialog.linked_pool_ids()
    )


def run_roll_forward(
    window: MainWindow, uplift: Decimal, *, settle: bool = True, linked_pool_ids: Sequence[int] = ()
) -> bool:
    """Copy the shown lines (and those of ``linked_pool_ids``) to next year as one undo step,
    then show next year."""
    model = window.lines_model
    command = build_roll_forward(model, uplift, settle=settle, linked_pool_ids=linked_pool_ids)
    if isinstance(command, str):
        window.show_message(command)
        return False
    to_year = model.financial_year + 1
    if not model.execute(command):
        return False
    window.select_year(to_year)
    count = len(command.changes.inserts)
    linked = sum(1 for line in command.changes.inserts if line.pool_id != model.pool_id)
    also = f", {linked:,} of them from the linked pools" if linked else ""
    window.show_message(
        f"Copied {count:,} line{'s' if count != 1 else ''} to {FinancialYear(to_year).label}{also}."
    )
    return True
