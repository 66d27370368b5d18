"""What a scheme list entry carries along when it is renamed (the lines and conditions naming it by
its text), and what uses each entry: one source for the reference lists' "Used by" column and
for refusing the removal of an entry still in use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jmg_desktop.core.commands import FieldUpdate, RefChange

if TYPE_CHECKING:
    from jmg_desktop.store.workspace import Workspace

__all__ = ["follow_list_item", "list_item_uses"]


def _lines_naming(workspace: Workspace, conditions: dict[str, str]) -> list[int]:
    """Ids of every line whose text columns equal ``conditions``."""
    from jmg_desktop.store.bcf_repo import line_ids_where

    return line_ids_where(workspace, conditions)


def _rows_naming(workspace: Workspace, table: str, conditions: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of ``table`` whose columns equal ``conditions``."""
    from jmg_desktop.store.bcf_repo import rows_where

    return rows_where(workspace, table, conditions)


def follow_list_item(
    workspace: Workspace, old: dict[str, Any], new: dict[str, Any]
) -> tuple[list[FieldUpdate], list[RefChange]]:
    """A renamed scheme type, sub-type or area of spend is renamed where lines and conditions
    name it, and a scheme type's sub-types move with it: all in the same undo step."""
    before, after = old["name"], new["name"]
    if before == after:
        return [], []
    kind = old["list_name"]
    updates: list[FieldUpdate] = []
    refs: list[RefChange] = []
    if kind == "scheme_type":
        updates = [
            FieldUpdate(i, "scheme_type", before, after)
            for i in _lines_naming(workspace, {"scheme_type": before})
        ]
        for sub in _rows_naming(
            workspace, "bcf_list_item", {"list_name": "scheme_subtype", "parent": before}
        ):
            refs.append(RefChange("bcf_list_item", sub["id"], sub, {**sub, "parent": after}))
        for cond in _rows_naming(workspace, "bcf_condition", {"scheme_type": before}):
            refs.append(RefChange("bcf_condition", cond["id"], cond, {**cond, "scheme_type": after}))
    elif kind == "scheme_subtype":
        lines = _lines_naming(workspace, {"scheme_type": old["parent"], "scheme_subtype": before})
        updates = [FieldUpdate(i, "scheme_subtype", before, after) for i in lines]
    else:
        updates = [
            FieldUpdate(i, "area_of_spend", before, after)
            for i in _lines_naming(workspace, {"area_of_spend": before})
        ]
        for cond in _rows_naming(workspace, "bcf_condition", {"area_of_spend": before}):
            refs.append(RefChange("bcf_condition", cond["id"], cond, {**cond, "area_of_spend": after}))
    return updates, refs


def list_item_uses(workspace: Workspace, rows: Sequence[dict[str, Any]]) -> list[dict[str, int]]:
    """How many lines and conditions name each scheme list entry."""
    from jmg_desktop.store import bcf_repo

    return bcf_repo.list_item_uses(workspace, rows)
