"""The frozen snapshot of a final paper: a :class:`PaperView` as JSON, and back.

Money is kept as integer pence and dates as ISO text, so the view read back is equal to the one
written and renders to the same bytes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final

from jmg_desktop.core.money import Money
from jmg_desktop.papers.errors import PaperError
from jmg_desktop.papers.model import (
    Block,
    BulletList,
    FigureTable,
    Inline,
    Notice,
    NumberedList,
    PaperMetadata,
    PaperView,
    Paragraph,
    Person,
    Run,
    Section,
    TableRow,
)

__all__ = ["SNAPSHOT_VERSION", "view_from_json", "view_to_json"]

SNAPSHOT_VERSION: Final = 1


def _runs(runs: Inline) -> list[list[Any]]:
    """Runs as JSON triples, with a fourth item (its footnotes) on a run that has any."""
    return [[run.text, run.bold, run.italic, *([list(run.notes)] if run.notes else [])] for run in runs]


def _read_runs(data: list[list[Any]]) -> Inline:
    """Runs from JSON triples (or quadruples: footnotes, frozen with the rest of a final)."""
    return tuple(
        Run(str(text), bool(bold), bool(italic), tuple(str(note) for note in (notes[0] if notes else ())))
        for text, bold, italic, *notes in data
    )


def _cell(cell: str | Money) -> Any:
    """A table cell as JSON: text, or pence."""
    return {"pence": cell.pence} if isinstance(cell, Money) else cell


def _read_cell(cell: Any) -> str | Money:
    """A table cell from JSON."""
    return Money(int(cell["pence"])) if isinstance(cell, dict) else str(cell)


def _block(block: Block) -> dict[str, Any]:
    """A block as JSON."""
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "runs": _runs(block.runs), "numbered": block.numbered}
    if isinstance(block, BulletList | NumberedList):
        kind = "bullets" if isinstance(block, BulletList) else "numbers"
        return {"type": kind, "items": [_runs(item) for item in block.items]}
    if isinstance(block, Notice):
        return {
            "type": "notice",
            "text": block.text,
            **({"unresolved": block.unresolved} if block.unresolved else {}),
        }
    return {
        "type": "table",
        "headers": list(block.headers),
        "rows": [
            {
                "cells": [_cell(cell) for cell in row.cells],
                "total": row.total,
                **({"group": True} if row.group else {}),
            }
            for row in block.rows
        ],
        "note": block.note,
        **({"unit": block.unit} if block.unit != "m" else {}),
        **({"widths": list(block.widths)} if block.widths else {}),
    }


def _read_block(data: dict[str, Any]) -> Block:
    """A block from JSON."""
    kind = data["type"]
    if kind == "paragraph":
        return Paragraph(_read_runs(data["runs"]), bool(data["numbered"]))
    if kind == "bullets":
        return BulletList(tuple(_read_runs(item) for item in data["items"]))
    if kind == "numbers":
        return NumberedList(tuple(_read_runs(item) for item in data["items"]))
    if kind == "notice":
        return Notice(str(data["text"]), str(data.get("unresolved", "")))
    if kind == "table":
        rows = tuple(
            TableRow(
                tuple(_read_cell(cell) for cell in row["cells"]), bool(row["total"]), bool(row.get("group"))
            )
            for row in data["rows"]
        )
        return FigureTable(
            tuple(data["headers"]),
            rows,
            str(data["note"]),
            str(data.get("unit", "m")),
            tuple(float(width) for width in data.get("widths", ())),
        )
    raise KeyError(kind)


def _person(person: Person | None) -> dict[str, str] | None:
    """A person as JSON (None stays None)."""
    if person is None:
        return None
    return {"name": person.name, "job_title": person.job_title, "phone": person.phone, "email": person.email}


def view_to_json(view: PaperView) -> str:
    """The snapshot text stored in ``paper.snapshot``."""
    meta = view.metadata
    data = {
        "snapshot_version": SNAPSHOT_VERSION,
        "title": view.title,
        "created": view.created.isoformat(),
        "annex_labels": list(view.annex_labels),
        "meeting": view.meeting,
        "item_code": view.item_code,
        "report_by": view.report_by,
        "divisions_affected": view.divisions_affected,
        "exempt": view.exempt,
        "exempt_paragraph": view.exempt_paragraph,
        "version": view.version,
        "status": view.status,
        "sections": [
            {
                "heading": section.heading,
                "blocks": [_block(block) for block in section.blocks],
                **({"language": section.language} if section.language else {}),
            }
            for section in view.sections
        ],
        "recommendations_intro": view.recommendations_intro,
        "recommendations": [_runs(item) for item in view.recommendations],
        "authors": [_person(person) for person in view.authors],
        "contact_officer": _person(view.contact_officer),
        "background_papers": list(view.background_papers),
        "date_line": view.date_line,
        "metadata": {
            "author": meta.author,
            "subject": meta.subject,
            "keywords": list(meta.keywords),
            "creator": meta.creator,
            "language": meta.language,
            **({"audit_head": meta.audit_head} if meta.audit_head else {}),
        },
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def view_from_json(text: str) -> PaperView:
    """Read a snapshot back; raise :class:`PaperError` if it is damaged."""
    try:
        data = json.loads(text)
        if data.get("snapshot_version") != SNAPSHOT_VERSION:
            raise PaperError("This issued paper was frozen by a newer version of JMG Desktop; please update.")
        meta = data["metadata"]
        officer = data["contact_officer"]
        return PaperView(
            title=data["title"],
            created=datetime.fromisoformat(data["created"]),
            annex_labels=tuple(data["annex_labels"]),
            meeting=data["meeting"],
            item_code=data["item_code"],
            report_by=data["report_by"],
            divisions_affected=data["divisions_affected"],
            exempt=bool(data["exempt"]),
            exempt_paragraph=data["exempt_paragraph"],
            version=int(data["version"]),
            status=data["status"],
            sections=tuple(
                Section(
                    item["heading"],
                    tuple(_read_block(block) for block in item["blocks"]),
                    str(item.get("language", "")),
                )
                for item in data["sections"]
            ),
            recommendations_intro=data["recommendations_intro"],
            recommendations=tuple(_read_runs(item) for item in data["recommendations"]),
            authors=tuple(Person(**person) for person in data["authors"]),
            contact_officer=Person(**officer) if officer else None,
            background_papers=tuple(data["background_papers"]),
            date_line=data["date_line"],
            metadata=PaperMetadata(
                author=meta["author"],
                subject=meta["subject"],
                keywords=tuple(meta["keywords"]),
                creator=meta["creator"],
                language=meta["language"],
                audit_head=str(meta.get("audit_head", "")),
            ),
        )
    except PaperError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise PaperError("The frozen copy of this issued paper is damaged and cannot be read.") from None
