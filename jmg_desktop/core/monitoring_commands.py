"""Undoable monitoring changes, in plain Python: forecasts, movements, set-up, rules, closing.

Every change is a :class:`MonitoringChange`: rows of the monitoring tables added (``old`` None),
changed or removed (``new`` None), each with every column, so the exact inverse undoes it. The
store makes a change durable in one transaction with one audit event and refuses it, changing
nothing, when a row is no longer as the change expects or when it would alter a closed period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from jmg_desktop.core.money import Money
from jmg_desktop.core.monitoring import MonitoringError

__all__ = [
    "MONITORING_TABLES",
    "ForecastEntry",
    "MonitoringChange",
    "RowChange",
    "forecast_change",
    "movement_change",
    "needs_higher_approval",
    "row_change",
    "validate_legs",
]

#: The tables a monitoring change may touch, with their key columns in order.
MONITORING_TABLES: Final = {
    "monitoring_setup": ("pool_id", "financial_year"),
    "monitoring_period": ("pool_id", "financial_year", "number"),
    "monitoring_forecast": ("line_id", "period"),
    "monitoring_movement": ("id",),
    "monitoring_movement_leg": ("movement_id", "line_id"),
    "risk_share_rule": ("pool_id", "financial_year", "applies_to"),
    "risk_share_partner": ("pool_id", "financial_year", "applies_to", "partner_id"),
}


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row of a monitoring table added, changed or removed (every column in old and new)."""

    table: str
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None

    def __post_init__(self) -> None:
        if self.table not in MONITORING_TABLES:
            raise MonitoringError(f"{self.table} is not a monitoring table.")
        if self.old is None and self.new is None:
            raise MonitoringError("A row change needs an old row, a new row or both.")

    @property
    def key(self) -> tuple[Any, ...]:
        """The row's primary key."""
        row = self.new if self.new is not None else self.old
        assert row is not None
        return tuple(row[column] for column in MONITORING_TABLES[self.table])

    def inverse(self) -> RowChange:
        """The change that undoes this one."""
        return RowChange(self.table, self.new, self.old)


@dataclass(frozen=True, slots=True)
class MonitoringChange:
    """A named, undoable change to one pool's monitoring for one year."""

    text: str
    action: str
    pool_id: int
    financial_year: int
    rows: tuple[RowChange, ...]

    @property
    def is_empty(self) -> bool:
        """True when applying it would change nothing."""
        return not self.rows

    def inverse(self) -> MonitoringChange:
        """The change that reverses this one: every row change inverted, in reverse order."""
        return MonitoringChange(
            f"Undo {self.text}",
            f"undo_{self.action}",
            self.pool_id,
            self.financial_year,
            tuple(row.inverse() for row in reversed(self.rows)),
        )


def row_change(table: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> RowChange | None:
    """A row change, or None when old and new are the same row."""
    if old is not None and new is not None and dict(old) == dict(new):
        return None
    return RowChange(table, None if old is None else dict(old), None if new is None else dict(new))


@dataclass(frozen=True, slots=True)
class ForecastEntry:
    """What an officer enters for a line in a period; a forecast of None removes the entry
    (the line is then taken as on budget)."""

    forecast_pence: int | None
    actual_pence: int | None = None
    commentary: str = ""


def forecast_change(
    pool_id: int,
    financial_year: int,
    period: int,
    edits: Iterable[tuple[int, Mapping[str, Any] | None, ForecastEntry]],
    *,
    text: str = "Edit Forecasts",
) -> MonitoringChange:
    """Forecast rows set from ``edits`` of ``(line_id, stored row or None, entry)``; entries equal to
    what is stored are dropped. An entry with no forecast, actual or commentary removes the row; one
    with an actual or commentary but no forecast is refused (the forecast is what is monitored)."""
    rows: list[RowChange] = []
    for line_id, old, entry in edits:
        if entry.forecast_pence is None:
            if entry.actual_pence is not None or entry.commentary.strip():
                raise MonitoringError(
                    "A line needs a forecast outturn before an actual to date or a commentary can be kept."
                )
            new = None
        else:
            new = {
                "line_id": line_id,
                "period": period,
                "pool_id": pool_id,
                "financial_year": financial_year,
                "forecast_pence": entry.forecast_pence,
                "actual_pence": entry.actual_pence,
                "commentary": entry.commentary,
            }
        if old is None and new is None:
            continue
        change = row_change("monitoring_forecast", old, new)
        if change is not None:
            rows.append(change)
    return MonitoringChange(text, "edit_forecasts", pool_id, financial_year, tuple(rows))


def validate_legs(kind: str, legs: Sequence[tuple[int, int]]) -> None:
    """Refuse a movement that makes no sense: legs are ``(line_id, pence)``. A virement moves budget
    between at least two lines and adds up to nil; a supplementary estimate changes the total."""
    if kind not in ("virement", "supplementary"):
        raise MonitoringError(
            f"“{kind}” is not a kind of budget movement (virement or supplementary estimate)."
        )
    if not legs:
        raise MonitoringError("A budget movement needs at least one line whose budget it changes.")
    lines = [line_id for line_id, _ in legs]
    if len(set(lines)) != len(lines):
        raise MonitoringError("A line appears twice in the same budget movement; give it one amount.")
    if any(pence == 0 for _, pence in legs):
        raise MonitoringError("Each line in a budget movement needs an amount other than nil.")
    total = sum(pence for _, pence in legs)
    if kind == "virement":
        if len(legs) < 2:
            raise MonitoringError(
                "A virement moves budget from one line to another: give at least two lines."
            )
        if total != 0:
            raise MonitoringError(
                f"A virement must add up to nil (what leaves one line arrives at another); these amounts "
                f"add up to {Money(total).format_full()}."
            )
    elif total == 0:
        raise MonitoringError(
            "A supplementary estimate changes the budget: these amounts add up to nil (record a virement instead)."
        )


def needs_higher_approval(legs: Sequence[tuple[int, int, int]], limits: Mapping[int, int | None]) -> bool:
    """True when a movement's legs ``(line_id, pool_id, pence)`` move more, in any one pool, than
    that pool's limit (budget added there, or taken away, whichever is larger)."""
    added: dict[int, int] = {}
    taken: dict[int, int] = {}
    for _line, pool_id, pence in legs:
        if pence > 0:
            added[pool_id] = added.get(pool_id, 0) + pence
        else:
            taken[pool_id] = taken.get(pool_id, 0) - pence
    for pool_id in set(added) | set(taken):
        limit = limits.get(pool_id)
        if limit is not None and max(added.get(pool_id, 0), taken.get(pool_id, 0)) > limit:
            return True
    return False


def movement_change(
    movement: Mapping[str, Any],
    legs: Sequence[Mapping[str, Any]],
    *,
    remove: bool = False,
) -> MonitoringChange:
    """Record (or, with ``remove``, take away) a movement and its legs as one change."""
    validate_legs(str(movement["kind"]), [(int(leg["line_id"]), int(leg["amount_pence"])) for leg in legs])
    rows = [RowChange("monitoring_movement", None, dict(movement))]
    rows += [RowChange("monitoring_movement_leg", None, dict(leg)) for leg in legs]
    what = "Virement" if movement["kind"] == "virement" else "Supplementary Estimate"
    change = MonitoringChange(
        f"Record {what}",
        "record_movement",
        int(movement["pool_id"]),
        int(movement["financial_year"]),
        tuple(rows),
    )
    if remove:
        inverse = change.inverse()
        return MonitoringChange(
            f"Remove {what}", "remove_movement", change.pool_id, change.financial_year, inverse.rows
        )
    return change
